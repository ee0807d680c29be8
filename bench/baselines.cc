#include "bench/baselines.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "bench/latency_histogram.h"
#include "bench/tcp_baseline.h"
#include "benchmark/benchmark.h"
#include "opencv2/core.hpp"
#include "opencv2/imgcodecs.hpp"

namespace image_bench {
namespace {

using image_service::Image;
using image_service::StreamImagesResponse;

void SkipWith(benchmark::State& state, const absl::Status& status) {
  state.SkipWithError(std::string(status.message()).c_str());
}

void TcpBulk(benchmark::State& state, const std::string& payload) {
  absl::StatusOr<std::unique_ptr<LoopbackTcpPeer>> peer =
      LoopbackTcpPeer::Start();
  if (!peer.ok()) return SkipWith(state, peer.status());
  absl::StatusOr<TcpBulkSender> sender =
      TcpBulkSender::Connect((*peer)->port());
  if (!sender.ok()) return SkipWith(state, sender.status());
  // A fresh connection's first few hundred MB are slower (slow start, cold
  // buffers); the baseline is what a warm connection gives.
  if (absl::Status warm = sender->Send(payload); !warm.ok()) {
    return SkipWith(state, warm);
  }
  for (auto _ : state) {
    const absl::Time start = absl::Now();
    const absl::Status sent = sender->Send(payload);
    state.SetIterationTime(absl::ToDoubleSeconds(absl::Now() - start));
    if (!sent.ok()) return SkipWith(state, sent);
  }
  state.SetBytesProcessed(state.iterations() *
                          static_cast<int64_t>(payload.size()));
}

void TcpPingPongRoundTrips(benchmark::State& state) {
  absl::StatusOr<std::unique_ptr<LoopbackTcpPeer>> peer =
      LoopbackTcpPeer::Start();
  if (!peer.ok()) return SkipWith(state, peer.status());
  absl::StatusOr<TcpPingPong> client = TcpPingPong::Connect((*peer)->port());
  if (!client.ok()) return SkipWith(state, client.status());
  TimeRoundTrips(state, [&] { return client->RoundTrip(); });
}

StreamImagesResponse ResponseFor(const Image& image) {
  StreamImagesResponse response;
  *response.mutable_image() = image;
  return response;
}

void Serialize(benchmark::State& state, const Image& image) {
  const StreamImagesResponse response = ResponseFor(image);
  std::string encoded;
  for (auto _ : state) {
    response.SerializeToString(&encoded);
    benchmark::DoNotOptimize(encoded.data());
  }
  state.SetBytesProcessed(state.iterations() * image.content().size());
}

void Parse(benchmark::State& state, const Image& image) {
  const std::string encoded = ResponseFor(image).SerializeAsString();
  StreamImagesResponse parsed;
  for (auto _ : state) {
    if (!parsed.ParseFromString(encoded)) {
      return state.SkipWithError("parse failed");
    }
    benchmark::DoNotOptimize(parsed.image().content().data());
  }
  state.SetBytesProcessed(state.iterations() * image.content().size());
}

void Decode(benchmark::State& state, const Image& image) {
  const std::string& content = image.content();
  const cv::Mat wrapped(1, static_cast<int>(content.size()), CV_8UC1,
                        const_cast<char*>(content.data()));
  for (auto _ : state) {
    const cv::Mat decoded = cv::imdecode(wrapped, cv::IMREAD_UNCHANGED);
    if (decoded.empty()) return state.SkipWithError("OpenCV cannot decode it");
  }
  state.SetBytesProcessed(state.iterations() * content.size());
  state.counters["megapixels_per_second"] = benchmark::Counter(
      state.iterations() * image.width() * image.height() / 1e6,
      benchmark::Counter::kIsRate);
}

}  // namespace

void TimeRoundTrips(benchmark::State& state,
                    absl::FunctionRef<absl::Status()> round_trip) {
  LatencyHistogram round_trips;
  for (auto _ : state) {
    const absl::Time start = absl::Now();
    const absl::Status status = round_trip();
    const absl::Duration elapsed = absl::Now() - start;
    state.SetIterationTime(absl::ToDoubleSeconds(elapsed));
    round_trips.RecordDuration(elapsed);
    if (!status.ok()) return SkipWith(state, status);
  }
  state.counters["p50_us"] = round_trips.ValueAtPercentile(50) / 1000.0;
  state.counters["p99_us"] = round_trips.ValueAtPercentile(99) / 1000.0;
}

void RegisterTcpBaselines(std::shared_ptr<const std::vector<Image>> images) {
  auto payload = std::make_shared<std::string>();
  for (const Image& image : *images) payload->append(image.content());
  benchmark::RegisterBenchmark(
      kTcpBulkName,
      [payload](benchmark::State& state) { TcpBulk(state, *payload); })
      // As long as a 1000-image stream at least, whatever
      // --benchmark_min_time says: with 0.01 s it ran 3 iterations and its
      // medians spread over 2.7-4.2 GB/s; with 0.3 s, 3.5-4.0.
      ->MinTime(0.3)
      ->UseManualTime()
      ->MeasureProcessCPUTime()
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark(kTcpPingPongName, TcpPingPongRoundTrips)
      ->UseManualTime()
      ->MeasureProcessCPUTime()
      ->Unit(benchmark::kMicrosecond);
}

void RegisterLocalCosts(std::shared_ptr<const std::vector<Image>> images,
                        double min_time_s) {
  for (const Image& image : *images) {
    const Image* shared = &image;
    const auto register_cost =
        [&](const char* kind, void (*cost)(benchmark::State&, const Image&)) {
          benchmark::RegisterBenchmark(
              absl::StrCat("LocalCost/", kind, "/", image.name()).c_str(),
              [images, shared, cost](benchmark::State& state) {
                cost(state, *shared);
              })
              ->MinTime(min_time_s)
              ->Unit(benchmark::kMicrosecond);
        };
    register_cost("serialize", Serialize);
    register_cost("parse", Parse);
    register_cost("decode", Decode);
  }
}

}  // namespace image_bench

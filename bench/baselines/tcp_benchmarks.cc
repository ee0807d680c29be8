#include "bench/baselines/tcp_benchmarks.h"

#include <string>

#include "absl/time/clock.h"
#include "bench/baselines/tcp_baseline.h"
#include "bench/benchmark_names.h"
#include "bench/stats/latency_histogram.h"

namespace image_bench {
namespace {

using image_service::Image;

constexpr size_t kMinTcpBulkTransferBytes = 16 << 20;

void SkipWith(benchmark::State& state, const absl::Status& status) {
  state.SkipWithError(std::string(status.message()).c_str());
}

void TcpBulk(benchmark::State& state, const std::string& payload,
             StartBarrier* start_barrier) {
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
  AwaitStart(start_barrier);
  for (auto _ : state) {
    const absl::Time start = absl::Now();
    const absl::Status sent = sender->Send(payload);
    state.SetIterationTime(absl::ToDoubleSeconds(absl::Now() - start));
    if (!sent.ok()) return SkipWith(state, sent);
  }
  state.SetBytesProcessed(state.iterations() *
                          static_cast<int64_t>(payload.size()));
}

void TcpPingPongRoundTrips(benchmark::State& state,
                           StartBarrier* start_barrier) {
  absl::StatusOr<std::unique_ptr<LoopbackTcpPeer>> peer =
      LoopbackTcpPeer::Start();
  if (!peer.ok()) return SkipWith(state, peer.status());
  absl::StatusOr<TcpPingPong> client = TcpPingPong::Connect((*peer)->port());
  if (!client.ok()) return SkipWith(state, client.status());
  TimeRoundTrips(
      state, [&] { return client->RoundTrip(); }, start_barrier);
}

}  // namespace

void TimeRoundTrips(benchmark::State& state,
                    absl::FunctionRef<absl::Status()> round_trip,
                    StartBarrier* start_barrier) {
  LatencyHistogram round_trips;
  AwaitStart(start_barrier);
  for (auto _ : state) {
    const absl::Time start = absl::Now();
    const absl::Status status = round_trip();
    const absl::Duration elapsed = absl::Now() - start;
    state.SetIterationTime(absl::ToDoubleSeconds(elapsed));
    round_trips.RecordDuration(elapsed);
    if (!status.ok()) return SkipWith(state, status);
  }
  state.counters["p50_us"] = ToMicros(round_trips.ValueAtPercentile(50));
  state.counters["p99_us"] = ToMicros(round_trips.ValueAtPercentile(99));
}

void RegisterTcpBaselines(std::shared_ptr<const std::vector<Image>> images,
                          StartBarrier* start_barrier) {
  // Each transfer waits until the sink has consumed it, one round trip; with
  // a few small images per transfer that wait, not bandwidth, would set the
  // rate. The images are repeated until it costs little.
  auto payload = std::make_shared<std::string>();
  while (payload->size() < kMinTcpBulkTransferBytes) {
    for (const Image& image : *images) payload->append(image.content());
    if (payload->empty()) break;
  }
  benchmark::RegisterBenchmark(
      kTcpBulkName,
      [payload, start_barrier](benchmark::State& state) {
        TcpBulk(state, *payload, start_barrier);
      })
      // As long as a 1000-image stream at least, whatever
      // --benchmark_min_time says: a few iterations of it are too noisy to
      // divide by.
      ->MinTime(0.3)
      ->UseManualTime()
      ->MeasureProcessCPUTime()
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark(kTcpPingPongName,
                               [start_barrier](benchmark::State& state) {
                                 TcpPingPongRoundTrips(state, start_barrier);
                               })
      ->UseManualTime()
      ->MeasureProcessCPUTime()
      ->Unit(benchmark::kMicrosecond);
}

}  // namespace image_bench

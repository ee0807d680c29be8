#include "bench/scenarios.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "bench/async_load_driver.h"
#include "bench/counters.h"
#include "bench/image_wire.h"
#include "bench/load_driver.h"
#include "benchmark/benchmark.h"
#include "grpcpp/support/sync_stream.h"
#include "image_service.grpc.pb.h"
#include "opencv2/core.hpp"
#include "opencv2/imgcodecs.hpp"

namespace image_bench {
namespace {

using image_service::ImageService;

// Open loop: one ListImages call at a time on a thread of its own.
class ListImagesWorker : public RpcWorker {
 public:
  ListImagesWorker(std::shared_ptr<grpc::Channel> channel, int listed_images)
      : stub_(ImageService::NewStub(std::move(channel))),
        listed_images_(listed_images) {}

  void Call(absl::Time intended_start, RpcStats* stats) override {
    grpc::ClientContext context;
    response_.Clear();
    const absl::Time start = absl::Now();
    const grpc::Status status =
        stub_->ListImages(&context, request_, &response_);
    const absl::Time end = absl::Now();
    stats->rpc_latency.RecordDuration(end - intended_start);
    stats->rpc_latency_uncorrected.RecordDuration(end - start);
    ++stats->rpcs;
    if (!status.ok()) {
      stats->AddError(absl::StrCat("ListImages: ", DescribeStatus(status)));
    } else if (response_.image_names_size() != listed_images_) {
      stats->AddError(
          absl::StrCat("ListImages returned ", response_.image_names_size(),
                       " names, first call returned ", listed_images_));
    }
  }

 private:
  std::unique_ptr<ImageService::Stub> stub_;
  const int listed_images_;
  image_service::ListImagesRequest request_;
  image_service::ListImagesResponse response_;
};

// One ListImages call at a time on the async API; the driver's thread polls
// the sockets, so a completion needs no hand-off to another thread.
class ListImagesSlot : public AsyncRpcSlot {
 public:
  ListImagesSlot(std::shared_ptr<grpc::Channel> channel, int listed_images)
      : stub_(ImageService::NewStub(std::move(channel))),
        listed_images_(listed_images) {}

  void Start(grpc::CompletionQueue* cq, void* tag) override {
    reader_.reset();  // Before its call goes with the old context.
    context_.emplace();
    response_.Clear();
    reader_ = stub_->AsyncListImages(&*context_, request_, cq);
    reader_->Finish(&response_, &status_, tag);
  }

  void Finish(bool ok, RpcStats* stats) override {
    if (!ok) {
      stats->AddError("ListImages: the completion queue dropped the call");
    } else if (!status_.ok()) {
      stats->AddError(absl::StrCat("ListImages: ", DescribeStatus(status_)));
    } else if (response_.image_names_size() != listed_images_) {
      stats->AddError(
          absl::StrCat("ListImages returned ", response_.image_names_size(),
                       " names, first call returned ", listed_images_));
    }
  }

 private:
  std::unique_ptr<ImageService::Stub> stub_;
  const int listed_images_;
  // The call in flight. The reader lives in the call's memory, so it is
  // declared after the context and goes first.
  std::optional<grpc::ClientContext> context_;
  std::unique_ptr<
      grpc::ClientAsyncResponseReader<image_service::ListImagesResponse>>
      reader_;
  image_service::ListImagesRequest request_;
  image_service::ListImagesResponse response_;
  grpc::Status status_;
};

// Reads responses as raw buffers and parses only what it verifies, so the
// bench spends as little CPU per byte as it can (it shares the machine with
// the server it measures).
class StreamImagesWorker : public RpcWorker {
 public:
  StreamImagesWorker(std::shared_ptr<grpc::Channel> channel,
                     const image_service::StreamImagesRequest* request,
                     const StreamVerifier* verifier, bool decode)
      : channel_(std::move(channel)),
        // Registered on the channel, as generated stubs do, so each call
        // skips the method-name lookup.
        method_("/image_service.ImageService/StreamImages",
                grpc::internal::RpcMethod::SERVER_STREAMING, channel_),
        request_(request),
        verifier_(verifier),
        decode_(decode) {}

  void Call(absl::Time intended_start, RpcStats* stats) override {
    grpc::ClientContext context;
    const absl::Time start = absl::Now();
    std::unique_ptr<grpc::ClientReader<grpc::ByteBuffer>> reader(
        grpc::internal::ClientReaderFactory<grpc::ByteBuffer>::Create(
            channel_.get(), method_, &context, *request_));
    absl::Time previous = start;
    int received = 0;
    while (reader->Read(&buffer_)) {
      const absl::Time now = absl::Now();
      (received == 0 ? stats->first_image : stats->image_gap)
          .RecordDuration(now - previous);
      previous = now;
      Receive(received++, stats);
    }
    const grpc::Status status = reader->Finish();
    const absl::Time end = absl::Now();
    stats->rpc_latency.RecordDuration(end - intended_start);
    stats->rpc_latency_uncorrected.RecordDuration(end - start);
    ++stats->rpcs;
    if (!status.ok()) {
      stats->AddError(absl::StrCat("StreamImages: ", DescribeStatus(status)));
    } else if (received != request_->image_names_size()) {
      stats->AddError(absl::StrCat("stream ended after ", received, " of ",
                                   request_->image_names_size(), " images"));
    }
  }

 private:
  void Receive(int position, RpcStats* stats) {
    ++stats->images;
    if (const absl::Status parsed =
            ParseStreamImagesResponse(&buffer_, &image_);
        !parsed.ok()) {
      stats->AddError(std::string(parsed.message()));
      return;
    }
    stats->bytes += image_.content_size;
    if (verifier_ != nullptr &&
        !verifier_->Check(position, image_, &problem_)) {
      stats->AddError(problem_);
    }
    if (decode_ && !Decodes()) {
      stats->AddError(absl::StrCat("'", image_.name, "' does not decode"));
    }
  }

  bool Decodes() {
    image_.CopyContent(&decode_buffer_);
    const cv::Mat wrapped(1, static_cast<int>(decode_buffer_.size()), CV_8UC1,
                          decode_buffer_.data());
    return !cv::imdecode(wrapped, cv::IMREAD_UNCHANGED).empty();
  }

  std::shared_ptr<grpc::Channel> channel_;
  const grpc::internal::RpcMethod method_;
  const image_service::StreamImagesRequest* request_;
  const StreamVerifier* verifier_;
  const bool decode_;
  grpc::ByteBuffer buffer_;
  ImageView image_;
  std::string problem_;
  std::string decode_buffer_;
};

struct CpuClock {
  absl::Duration bench;
  std::optional<absl::Duration> server;
};

CpuClock ReadCpu(grpc::Channel* channel) {
  return {ProcessCpuTime(), ServerCpuTime(channel)};
}

// CPU seconds per GB of images (streams) or CPU microseconds per call
// (unary), for the bench and, when it reports its CPU time, the server.
void ExportCpuCost(const CpuClock& before, const CpuClock& after,
                   const LoadResult& result, RpcShape shape,
                   benchmark::State& state) {
  const auto per_unit = [&](absl::Duration cpu) {
    return shape == RpcShape::kStream
               ? absl::ToDoubleSeconds(cpu) /
                     (std::max<int64_t>(1, result.stats.bytes) / 1e9)
               : absl::ToDoubleMicroseconds(cpu) /
                     std::max<int64_t>(1, result.stats.rpcs);
  };
  const std::string unit =
      shape == RpcShape::kStream ? "_cpu_s_per_gb" : "_cpu_us_per_call";
  state.counters["bench" + unit] = per_unit(after.bench - before.bench);
  if (before.server && after.server) {
    state.counters["server" + unit] = per_unit(*after.server - *before.server);
  }
}

// The client could not keep the schedule: too few workers for the latency
// the server showed. The percentiles still count from the intended times,
// but the user should know.
void WarnIfBehind(const std::string& name, const LoadResult& result,
                  double rate) {
  const double achieved =
      result.stats.rpcs / absl::ToDoubleSeconds(result.wall);
  const double late_share = static_cast<double>(result.late_starts) /
                            std::max<int64_t>(1, result.stats.rpcs);
  if (achieved >= 0.95 * rate && late_share <= 0.01) return;
  std::fprintf(stderr,
               "image_bench: WARNING: %s achieved %.1f calls/s of %.1f "
               "requested; %.1f %% of calls started over 1 ms late because "
               "every worker was busy (raise the concurrency or lower "
               "--rate)\n",
               name.c_str(), achieved, rate, 100 * late_share);
}

using Channels = std::vector<std::shared_ptr<grpc::Channel>>;
// Runs `rpcs` calls, `concurrency` in flight, over `channels`.
using BatchRunner =
    std::function<LoadResult(const ScenarioSettings& settings, int64_t rpcs,
                             int concurrency, const Channels& channels)>;

// A thread per call on the sync API: streams, and ListImages in open loop.
template <typename Worker, typename... Args>
BatchRunner ThreadPerCall(Args... args) {
  return [=](const ScenarioSettings& settings, int64_t rpcs, int concurrency,
             const Channels& channels) {
    const WorkerFactory factory = [&](int worker) {
      return std::make_unique<Worker>(channels[worker % channels.size()],
                                      args...);
    };
    return settings.rate > 0 ? RunOpenLoop({rpcs, concurrency, settings.rate,
                                            settings.arrival, /*seed=*/1},
                                           factory)
                             : RunClosedLoop({rpcs, concurrency}, factory);
  };
}

// ListImages: in closed loop one thread drives every call in flight
// (async_load_driver.h); open loop needs the thread-per-call driver's
// precise start times.
BatchRunner ListImagesRunner(int listed_images) {
  return [=](const ScenarioSettings& settings, int64_t rpcs, int concurrency,
             const Channels& channels) {
    if (settings.rate > 0) {
      return ThreadPerCall<ListImagesWorker>(listed_images)(
          settings, rpcs, concurrency, channels);
    }
    return RunAsyncClosedLoop({rpcs, concurrency}, [&](int slot) {
      return std::make_unique<ListImagesSlot>(channels[slot % channels.size()],
                                              listed_images);
    });
  };
}

// Runs one gbench call: fresh connections, then at least `concurrency` RPCs
// (gbench may ask for fewer iterations than RPCs in flight).
void RunScenario(benchmark::State& state, const ScenarioSettings& settings,
                 int concurrency, RpcShape shape, const BatchRunner& run_batch,
                 const std::string& name, RunLog* log) {
  absl::StatusOr<std::vector<std::shared_ptr<grpc::Channel>>> channels =
      ConnectChannels(settings.channel,
                      std::min(settings.channels, concurrency));
  if (!channels.ok()) {
    state.SkipWithError(std::string(channels.status().message()).c_str());
    return;
  }
  const int64_t batch = std::max<int64_t>(state.max_iterations, concurrency);
  const CpuClock cpu_before = ReadCpu(channels->front().get());
  LoadResult result;
  while (state.KeepRunningBatch(batch)) {
    result = run_batch(settings, batch, concurrency, *channels);
    state.SetIterationTime(absl::ToDoubleSeconds(result.wall));
  }
  ExportCounters(result, shape, settings.rate, state);
  ExportCpuCost(cpu_before, ReadCpu(channels->front().get()), result, shape,
                state);
  if (settings.rate > 0) WarnIfBehind(name, result, settings.rate);
  if (result.stats.errors > 0) {
    state.SkipWithError(absl::StrCat(result.stats.errors, " errors against ",
                                     settings.channel.target,
                                     "; first: ", result.stats.first_error)
                            .c_str());
  }
  log->Add({name, batch, result.wall, std::move(result.stats)});
}

// In open loop a run is the schedule: rate x duration calls, once.
void FixIterationsInOpenLoop(const ScenarioSettings& settings,
                             benchmark::internal::Benchmark* benchmark) {
  if (settings.rate <= 0) return;
  benchmark->Iterations(std::max<int64_t>(
      1, std::llround(settings.rate *
                      absl::ToDoubleSeconds(settings.open_loop_duration))));
}

std::vector<std::string> CycleNames(const std::vector<std::string>& names,
                                    int count) {
  std::vector<std::string> cycled;
  for (int i = 0; i < count; ++i) cycled.push_back(names[i % names.size()]);
  return cycled;
}

void RegisterListImages(std::shared_ptr<const ScenarioSettings> settings,
                        int concurrency, RunLog* log) {
  const std::string name = absl::StrCat("ListImages/concurrency:", concurrency);
  benchmark::internal::Benchmark* registered =
      benchmark::RegisterBenchmark(
          name.c_str(),
          [settings, concurrency, name, log](benchmark::State& state) {
            RunScenario(state, *settings, concurrency, RpcShape::kUnary,
                        ListImagesRunner(settings->listed_images), name, log);
          })
          ->UseManualTime()
          ->MeasureProcessCPUTime()
          ->Unit(benchmark::kMicrosecond);
  FixIterationsInOpenLoop(*settings, registered);
}

void RegisterStreamImages(std::shared_ptr<const ScenarioSettings> settings,
                          int images_per_stream, int concurrency, RunLog* log) {
  const std::string name =
      absl::StrCat("StreamImages/images_per_stream:", images_per_stream,
                   "/concurrency:", concurrency);
  auto request = std::make_shared<image_service::StreamImagesRequest>();
  const std::vector<std::string> names =
      CycleNames(settings->names, images_per_stream);
  for (const std::string& image : names) request->add_image_names(image);
  auto verifier =
      std::make_shared<const StreamVerifier>(names, settings->references);
  benchmark::internal::Benchmark* registered =
      benchmark::RegisterBenchmark(
          name.c_str(),
          [settings, concurrency, name, log, request,
           verifier](benchmark::State& state) {
            RunScenario(
                state, *settings, concurrency, RpcShape::kStream,
                ThreadPerCall<StreamImagesWorker>(
                    request.get(), settings->verify ? verifier.get() : nullptr,
                    settings->decode),
                name, log);
          })
          ->UseManualTime()
          ->MeasureProcessCPUTime()
          ->Unit(benchmark::kMillisecond);
  FixIterationsInOpenLoop(*settings, registered);
}

}  // namespace

void RegisterGrpcBenchmarks(std::shared_ptr<const ScenarioSettings> settings,
                            const ScenarioMatrix& matrix, RunLog* log) {
  for (const int concurrency : matrix.list_concurrency) {
    RegisterListImages(settings, concurrency, log);
  }
  for (const int images : matrix.images_per_stream) {
    for (const int concurrency : matrix.stream_concurrency) {
      RegisterStreamImages(settings, images, concurrency, log);
    }
  }
}

}  // namespace image_bench

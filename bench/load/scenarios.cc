#include "bench/load/scenarios.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>
#include <optional>
#include <tuple>
#include <utility>

#include "absl/strings/str_cat.h"
#include "bench/benchmark_names.h"
#include "bench/load/async_load_driver.h"
#include "bench/load/counters.h"
#include "bench/load/image_calls.h"
#include "bench/load/load_driver.h"
#include "bench/load/stream_requests.h"
#include "benchmark/benchmark.h"
#include "image_service.grpc.pb.h"

namespace image_bench {
namespace {

struct CpuClock {
  absl::Duration bench;
  std::optional<absl::Duration> server;
};

CpuClock ReadCpu(const std::shared_ptr<grpc::Channel>& channel) {
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

// The index-th call in flight: a `Call` (a sync worker or an async slot) on
// one of `channels`, given the rest of its constructor's arguments by
// `args_of(index)` as a tuple.
template <typename Call, typename ArgsOf>
std::unique_ptr<Call> MakeCall(const Channels& channels, int index,
                               const ArgsOf& args_of) {
  return std::apply(
      [&](const auto&... args) {
        return std::make_unique<Call>(channels[index % channels.size()],
                                      args...);
      },
      args_of(index));
}

// How a scenario's calls run. Several in flight in closed loop: one thread
// drives them all (async_load_driver.h). One in flight: its own thread on the
// sync API, which streamed measurably faster than one CompletionQueue slot
// against the same server (docs/performance.md). Open loop: a thread per
// call in flight (load_driver.h), for its precise start times.
template <typename Slot, typename Worker, typename ArgsOf>
BatchRunner CallRunner(ArgsOf args_of) {
  return [=](const ScenarioSettings& settings, int64_t rpcs, int concurrency,
             const Channels& channels) {
    if (settings.rate > 0 || concurrency == 1) {
      const WorkerFactory workers = [&](int worker) {
        return MakeCall<Worker>(channels, worker, args_of);
      };
      return settings.rate > 0 ? RunOpenLoop({rpcs, concurrency, settings.rate,
                                              settings.arrival, /*seed=*/1},
                                             workers)
                               : RunClosedLoop({rpcs, concurrency}, workers);
    }
    return RunAsyncClosedLoop({rpcs, concurrency}, [&](int slot) {
      return MakeCall<Slot>(channels, slot, args_of);
    });
  };
}

// Fresh connections for `concurrency` calls in flight.
absl::StatusOr<Channels> Connect(const ScenarioSettings& settings,
                                 int concurrency) {
  return ConnectChannels(settings.channel,
                         std::min(settings.channels, concurrency));
}

// The first measured run of a scenario in a process used to be its slowest:
// the bench's heap and its threads' malloc arenas were still growing to the
// scenario's size. One untimed batch, on connections of
// its own that are then closed, pays that once; every measured run still
// starts on fresh connections.
void WarmUp(const ScenarioSettings& settings, int concurrency,
            const BatchRunner& run_batch) {
  absl::StatusOr<Channels> channels = Connect(settings, concurrency);
  if (channels.ok()) run_batch(settings, concurrency, concurrency, *channels);
}

// Runs one gbench call: fresh connections, then at least `concurrency` RPCs
// (gbench may ask for fewer iterations than RPCs in flight). `warmed_up` is
// the scenario's own flag, false until its first call. The start barrier
// comes after everything untimed, so that processes sharing a --start_at
// begin their timed calls together however long each took to connect and
// warm up.
void RunScenario(benchmark::State& state, const ScenarioSettings& settings,
                 int concurrency, RpcShape shape, const BatchRunner& run_batch,
                 const std::string& name, bool* warmed_up, RunLog* log) {
  if (!*warmed_up) {
    WarmUp(settings, concurrency, run_batch);
    *warmed_up = true;
  }
  absl::StatusOr<Channels> channels = Connect(settings, concurrency);
  if (!channels.ok()) {
    state.SkipWithError(std::string(channels.status().message()).c_str());
    return;
  }
  const int64_t batch = std::max<int64_t>(state.max_iterations, concurrency);
  AwaitStart(settings.start_barrier);
  const CpuClock cpu_before = ReadCpu(channels->front());
  LoadResult result;
  while (state.KeepRunningBatch(batch)) {
    result = run_batch(settings, batch, concurrency, *channels);
    state.SetIterationTime(absl::ToDoubleSeconds(result.wall));
  }
  ExportCounters(result, shape, settings.rate, state);
  ExportCpuCost(cpu_before, ReadCpu(channels->front()), result, shape, state);
  if (settings.rate > 0) WarnIfBehind(name, result, settings.rate);
  if (result.stats.errors > 0) {
    state.SkipWithError(absl::StrCat(result.stats.errors, " errors against ",
                                     settings.channel.target,
                                     "; first: ", result.stats.first_error)
                            .c_str());
  }
  log->Add({name, batch, result.start, result.wall, std::move(result.stats)});
}

// In open loop a run is the schedule: rate x duration calls, once.
void FixIterationsInOpenLoop(const ScenarioSettings& settings,
                             benchmark::internal::Benchmark* benchmark) {
  if (settings.rate <= 0) return;
  benchmark->Iterations(std::max<int64_t>(
      1, std::llround(settings.rate *
                      absl::ToDoubleSeconds(settings.open_loop_duration))));
}

void RegisterListImages(std::shared_ptr<const ScenarioSettings> settings,
                        int concurrency, RunLog* log) {
  const std::string name =
      absl::StrCat(kListImagesPrefix, "concurrency:", concurrency);
  auto warmed_up = std::make_shared<bool>(false);
  benchmark::internal::Benchmark* registered =
      benchmark::RegisterBenchmark(
          name.c_str(),
          [settings, concurrency, name, warmed_up,
           log](benchmark::State& state) {
            RunScenario(state, *settings, concurrency, RpcShape::kUnary,
                        CallRunner<ListImagesSlot, ListImagesWorker>(
                            [listed = settings->listed_images](int) {
                              return std::make_tuple(listed);
                            }),
                        name, warmed_up.get(), log);
          })
          ->UseManualTime()
          ->MeasureProcessCPUTime()
          ->Unit(benchmark::kMicrosecond);
  FixIterationsInOpenLoop(*settings, registered);
}

void RegisterStreamImages(std::shared_ptr<const ScenarioSettings> settings,
                          int images_per_stream, int concurrency, RunLog* log) {
  const std::string name =
      absl::StrCat(kStreamImagesPrefix, "images_per_stream:", images_per_stream,
                   "/concurrency:", concurrency);
  // Shared by the scenario's runs and kept between them (see
  // ScenarioStreamRequests); gbench runs one benchmark at a time.
  auto requests =
      std::make_shared<ScenarioStreamRequests>(ScenarioStreamRequests::Options{
          &settings->names, images_per_stream, concurrency,
          settings->verify ? &settings->references : nullptr,
          settings->random_names_seed});
  auto warmed_up = std::make_shared<bool>(false);
  benchmark::internal::Benchmark* registered =
      benchmark::RegisterBenchmark(
          name.c_str(),
          [settings, concurrency, name, log, requests,
           warmed_up](benchmark::State& state) {
            RunScenario(state, *settings, concurrency, RpcShape::kStream,
                        CallRunner<StreamImagesSlot, StreamImagesWorker>(
                            [requests, decode = settings->decode](int index) {
                              return std::make_tuple(requests->ForSlot(index),
                                                     decode);
                            }),
                        name, warmed_up.get(), log);
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

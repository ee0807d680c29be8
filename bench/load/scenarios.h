// The gRPC benchmarks: ListImages and StreamImages at several concurrencies,
// each call on fresh connections (so repetitions show per-connection spread),
// reported with latency percentiles and stream metrics.
#ifndef BENCH_LOAD_SCENARIOS_H_
#define BENCH_LOAD_SCENARIOS_H_

#include <memory>
#include <string>
#include <vector>

#include "bench/client/image_client.h"
#include "bench/load/load_driver.h"
#include "bench/start/start_barrier.h"
#include "bench/stats/run_log.h"
#include "bench/wire/stream_verifier.h"

namespace image_bench {

struct ScenarioSettings {
  ChannelOptions channel;
  // Connections the in-flight RPCs are spread over (at most one per RPC).
  int channels = 8;
  bool verify = true;
  // Decode every received image with OpenCV (end-to-end decoded rate).
  bool decode = false;
  // Images streams ask for (cycling through them, or drawing from them at
  // random), the first copy of each received before measuring, and an index
  // of their contents by name.
  std::vector<std::string> names;
  std::shared_ptr<const std::vector<image_service::Image>> reference_images;
  ReferenceImages references;
  // How many names ListImages returns; a different count is an error.
  int listed_images = 0;
  // --random_names: every StreamImages call asks for names drawn at random
  // from `names`, from this seed (stream_requests.h). 0: every call of a
  // scenario asks for the same names, cycled.
  uint64_t random_names_seed = 0;
  // Open loop when > 0: calls (or streams) per second, each benchmark run
  // lasting `open_loop_duration`. Closed loop otherwise.
  double rate = 0;
  Arrival arrival = Arrival::kConstant;
  absl::Duration open_loop_duration = absl::Seconds(10);
  // --start_at: awaited after a run's connections and warm-up, before its
  // timed work; it holds only the process's first timed section. Null: none.
  StartBarrier* start_barrier = nullptr;
};

struct ScenarioMatrix {
  std::vector<int> list_concurrency = {1, 8, 64};
  std::vector<int> images_per_stream = {1, 10, 100, 1000};
  std::vector<int> stream_concurrency = {1, 8, 64};
};

// Registers every combination with Google Benchmark. `log` receives the
// statistics of each call, for the reporter.
void RegisterGrpcBenchmarks(std::shared_ptr<const ScenarioSettings> settings,
                            const ScenarioMatrix& matrix, RunLog* log);

}  // namespace image_bench

#endif  // BENCH_LOAD_SCENARIOS_H_

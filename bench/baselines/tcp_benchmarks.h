// The raw loopback TCP baselines, measured in the same run as the gRPC
// benchmarks: a bulk transfer of the same image bytes in 1 MiB writes, and a
// 64-byte ping-pong. Registered as kTcpBulkName and kTcpPingPongName.
#ifndef BENCH_BASELINES_TCP_BENCHMARKS_H_
#define BENCH_BASELINES_TCP_BENCHMARKS_H_

#include <memory>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "bench/start/start_barrier.h"
#include "benchmark/benchmark.h"
#include "image_service.pb.h"

namespace image_bench {

// Times `round_trip` once per gbench iteration (manual time) and exports its
// p50_us and p99_us; the first failure skips the run with its message.
// Awaits `start_barrier` (--start_at, may be null) before the first round trip.
void TimeRoundTrips(benchmark::State& state,
                    absl::FunctionRef<absl::Status()> round_trip,
                    StartBarrier* start_barrier);

// `images` are the reference copies; their bytes are what the bulk transfer
// sends. `start_barrier` (may be null) is awaited before each run's timed work.
void RegisterTcpBaselines(
    std::shared_ptr<const std::vector<image_service::Image>> images,
    StartBarrier* start_barrier);

}  // namespace image_bench

#endif  // BENCH_BASELINES_TCP_BENCHMARKS_H_

// The raw loopback TCP baselines, measured in the same run as the gRPC
// benchmarks: a bulk transfer of the same image bytes in 1 MiB writes, and a
// 64-byte ping-pong. Registered as kTcpBulkName and kTcpPingPongName.
#ifndef BENCH_BASELINES_TCP_BENCHMARKS_H_
#define BENCH_BASELINES_TCP_BENCHMARKS_H_

#include <memory>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "benchmark/benchmark.h"
#include "image_service.pb.h"

namespace image_bench {

// Times `round_trip` once per gbench iteration (manual time) and exports its
// p50_us and p99_us; the first failure skips the run with its message.
void TimeRoundTrips(benchmark::State& state,
                    absl::FunctionRef<absl::Status()> round_trip);

// `images` are the reference copies; their bytes are what the bulk transfer
// sends.
void RegisterTcpBaselines(
    std::shared_ptr<const std::vector<image_service::Image>> images);

}  // namespace image_bench

#endif  // BENCH_BASELINES_TCP_BENCHMARKS_H_

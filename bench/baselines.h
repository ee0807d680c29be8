// Reference points measured in the same run as the gRPC benchmarks: raw
// loopback TCP (bulk transfer of the same image bytes in 1 MiB writes, and a
// 64-byte ping-pong), and the local costs of protobuf and OpenCV per image.
#ifndef BENCH_BASELINES_H_
#define BENCH_BASELINES_H_

#include <memory>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "benchmark/benchmark.h"
#include "image_service.pb.h"

namespace image_bench {

inline constexpr char kTcpBulkName[] = "Baseline/tcp_bulk";
inline constexpr char kTcpPingPongName[] = "Baseline/tcp_ping_pong";

// `images` are the reference copies; their bytes are what the bulk transfer
// sends.
// Times `round_trip` once per gbench iteration (manual time) and exports its
// p50_us and p99_us; the first failure skips the run with its message.
void TimeRoundTrips(benchmark::State& state,
                    absl::FunctionRef<absl::Status()> round_trip);

void RegisterTcpBaselines(
    std::shared_ptr<const std::vector<image_service::Image>> images);

// Serialize and parse of a StreamImagesResponse, and OpenCV decode, for each
// image. `min_time_s` keeps the many small benchmarks short.
void RegisterLocalCosts(
    std::shared_ptr<const std::vector<image_service::Image>> images,
    double min_time_s);

}  // namespace image_bench

#endif  // BENCH_BASELINES_H_

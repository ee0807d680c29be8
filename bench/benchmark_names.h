// The names under which the bench registers its benchmarks with Google
// Benchmark. The baselines register them and the report finds them by these
// names (and users filter on them), so they live apart from both.
#ifndef BENCH_BENCHMARK_NAMES_H_
#define BENCH_BENCHMARK_NAMES_H_

namespace image_bench {

inline constexpr char kTcpBulkName[] = "Baseline/tcp_bulk";
inline constexpr char kTcpPingPongName[] = "Baseline/tcp_ping_pong";
inline constexpr char kHealthCheckName[] = "Baseline/health_check";

// Every gRPC scenario's name starts with its method, then '/'.
inline constexpr char kListImagesPrefix[] = "ListImages/";
inline constexpr char kStreamImagesPrefix[] = "StreamImages/";

}  // namespace image_bench

#endif  // BENCH_BENCHMARK_NAMES_H_

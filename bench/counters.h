// Turns what the workers saw into the counters every gRPC benchmark reports
// (the JSON keys users read: p50_us ... errors). Times are microseconds;
// rates divide by wall time.
#ifndef BENCH_COUNTERS_H_
#define BENCH_COUNTERS_H_

#include "absl/time/time.h"
#include "bench/rpc_stats.h"
#include "benchmark/benchmark.h"

namespace image_bench {

enum class RpcShape { kUnary, kStream };

void ExportCounters(const RpcStats& stats, absl::Duration wall, RpcShape shape,
                    benchmark::State& state);

}  // namespace image_bench

#endif  // BENCH_COUNTERS_H_

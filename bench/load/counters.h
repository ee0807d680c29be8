// Turns what the workers saw into the counters every gRPC benchmark reports
// (the JSON keys users read: p50_us ... errors). Times are microseconds;
// rates divide by wall time.
#ifndef BENCH_LOAD_COUNTERS_H_
#define BENCH_LOAD_COUNTERS_H_

#include "bench/load/load_driver.h"
#include "benchmark/benchmark.h"

namespace image_bench {

enum class RpcShape { kUnary, kStream };

// `requested_rate` > 0 marks an open-loop run: its uncorrected percentiles
// and the requested and achieved rates are exported too.
void ExportCounters(const LoadResult& result, RpcShape shape,
                    double requested_rate, benchmark::State& state);

}  // namespace image_bench

#endif  // BENCH_LOAD_COUNTERS_H_

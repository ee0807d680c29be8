// The line after the table: each gRPC result as a fraction of what raw
// loopback TCP gave in the same run (bulk bytes/s, 64-byte round trip).
#ifndef BENCH_REPORT_EFFICIENCY_H_
#define BENCH_REPORT_EFFICIENCY_H_

#include <string>
#include <vector>

#include "bench/report/statistics.h"

namespace image_bench {

struct EfficiencyInputs {
  // Benchmark names in the order they ran; the summary keeps that order.
  std::vector<std::string> names;
  CounterSamples bytes_per_second;
  CounterSamples p50_us;
};

// Text ready to print; says why when there is no baseline to compare with.
std::string EfficiencySummary(const EfficiencyInputs& inputs);

}  // namespace image_bench

#endif  // BENCH_REPORT_EFFICIENCY_H_

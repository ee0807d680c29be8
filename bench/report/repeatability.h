// The block after the efficiency summary when benchmarks ran with
// --benchmark_repetitions >= 2: how much each gRPC benchmark's throughput and
// p99 moved between repetitions, and a warning when that spread is too wide
// to trust a single number from the run.
#ifndef BENCH_REPORT_REPEATABILITY_H_
#define BENCH_REPORT_REPEATABILITY_H_

#include <string>
#include <vector>

#include "bench/report/statistics.h"

namespace image_bench {

// Above this coefficient of variation a difference between two runs is as
// likely noise as a real change.
inline constexpr double kNoisyCv = 0.05;

struct RepeatabilityInputs {
  // Benchmark names in the order they ran.
  std::vector<std::string> names;
  CounterSamples bytes_per_second;  // Throughput of StreamImages.
  CounterSamples rpcs_per_second;   // Throughput of ListImages.
  CounterSamples p99_us;
};

// Text ready to print, ending with one WARNING line per CV above kNoisyCv;
// empty when no gRPC benchmark has two or more repetitions.
std::string RepeatabilitySummary(const RepeatabilityInputs& inputs);

}  // namespace image_bench

#endif  // BENCH_REPORT_REPEATABILITY_H_

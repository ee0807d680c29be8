// The line after the table: each gRPC result as a fraction of what raw
// loopback TCP gave in the same run (bulk bytes/s, 64-byte round trip).
#ifndef BENCH_EFFICIENCY_H_
#define BENCH_EFFICIENCY_H_

#include <map>
#include <string>
#include <vector>

namespace image_bench {

// Values of one counter across repetitions, by benchmark name (without
// gbench's "/manual_time"-style suffixes).
using CounterSamples = std::map<std::string, std::vector<double>>;

struct EfficiencyInputs {
  // Benchmark names in the order they ran; the summary keeps that order.
  std::vector<std::string> names;
  CounterSamples bytes_per_second;
  CounterSamples p50_us;
};

double Median(std::vector<double> values);

// Text ready to print; says why when there is no baseline to compare with.
std::string EfficiencySummary(const EfficiencyInputs& inputs);

}  // namespace image_bench

#endif  // BENCH_EFFICIENCY_H_

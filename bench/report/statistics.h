// Statistics over the values one counter took across a benchmark's
// repetitions, shared by the summaries printed after gbench's table.
#ifndef BENCH_REPORT_STATISTICS_H_
#define BENCH_REPORT_STATISTICS_H_

#include <map>
#include <string>
#include <vector>

namespace image_bench {

// Values of one counter across repetitions, by benchmark name (without
// gbench's "/manual_time"-style suffixes).
using CounterSamples = std::map<std::string, std::vector<double>>;

// The middle value, or the mean of the two middle values; 0 when empty.
double Median(std::vector<double> values);

struct Spread {
  int samples = 0;
  double mean = 0;
  double median = 0;
  // Sample standard deviation (n - 1), as gbench's "stddev" aggregate.
  double stddev = 0;
  // stddev / mean as a fraction (0.05 is 5 %); 0 below two samples or when
  // the mean is 0.
  double cv = 0;
};

Spread SpreadOf(const std::vector<double>& values);

}  // namespace image_bench

#endif  // BENCH_REPORT_STATISTICS_H_

// Per-call times of one scenario summarised as the result file has them:
// min, nearest-rank p50/p90/p99, max and mean.
#ifndef CLIENTS_CPP_DEFAULT_LATENCY_SUMMARY_H_
#define CLIENTS_CPP_DEFAULT_LATENCY_SUMMARY_H_

#include <optional>
#include <vector>

namespace cpp_default_client {

struct LatencySummary {
  double min = 0;
  double p50 = 0;
  double p90 = 0;
  double p99 = 0;
  double max = 0;
  double mean = 0;
};

// The nearest-rank percentile: the smallest value with at least `percent`
// of `sorted` at or below it, i.e. sorted[ceil(percent / 100 * n) - 1]
// (the first value for percent 0). `sorted` must be ascending, not empty.
double NearestRank(const std::vector<double>& sorted, double percent);

// nullopt for no values.
std::optional<LatencySummary> Summarize(std::vector<double> values);

}  // namespace cpp_default_client

#endif  // CLIENTS_CPP_DEFAULT_LATENCY_SUMMARY_H_

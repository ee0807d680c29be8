#include "clients/cpp-default/latency_summary.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace cpp_default_client {

double NearestRank(const std::vector<double>& sorted, double percent) {
  const double n = static_cast<double>(sorted.size());
  // Ranks are computed as integers where possible: 0.99 * 100 in floating
  // point is 99.00000000000001, whose ceiling would skip a rank.
  const double exact = percent * n / 100.0;
  const double rounded = std::round(exact);
  const double rank =
      std::abs(exact - rounded) < 1e-9 ? rounded : std::ceil(exact);
  const size_t index = rank < 1 ? 0 : static_cast<size_t>(rank) - 1;
  return sorted[std::min(index, sorted.size() - 1)];
}

std::optional<LatencySummary> Summarize(std::vector<double> values) {
  if (values.empty()) return std::nullopt;
  std::sort(values.begin(), values.end());
  LatencySummary summary;
  summary.min = values.front();
  summary.p50 = NearestRank(values, 50);
  summary.p90 = NearestRank(values, 90);
  summary.p99 = NearestRank(values, 99);
  summary.max = values.back();
  summary.mean = std::accumulate(values.begin(), values.end(), 0.0) /
                 static_cast<double>(values.size());
  return summary;
}

}  // namespace cpp_default_client

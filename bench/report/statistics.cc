#include "bench/report/statistics.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace image_bench {

double Median(std::vector<double> values) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const size_t middle = values.size() / 2;
  return values.size() % 2 ? values[middle]
                           : (values[middle - 1] + values[middle]) / 2;
}

Spread SpreadOf(const std::vector<double>& values) {
  Spread spread;
  spread.samples = static_cast<int>(values.size());
  if (values.empty()) return spread;
  spread.mean =
      std::accumulate(values.begin(), values.end(), 0.0) / values.size();
  spread.median = Median(values);
  if (values.size() >= 2) {
    double squares = 0;
    for (double value : values) {
      squares += (value - spread.mean) * (value - spread.mean);
    }
    spread.stddev = std::sqrt(squares / (values.size() - 1));
  }
  if (spread.mean != 0) spread.cv = spread.stddev / spread.mean;
  return spread;
}

}  // namespace image_bench

#include "bench/report/repeatability.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "bench/benchmark_names.h"

namespace image_bench {
namespace {

struct Metric {
  const char* what;  // How warnings name it.
  const char* unit;  // The table's metric column.
  double divisor;    // From the counter's unit to the displayed one.
  int decimals;
};

// GB = 10^9 bytes, as in the efficiency summary.
constexpr Metric kStreamThroughput = {"throughput", "GB/s", 1e9, 3};
constexpr Metric kListThroughput = {"throughput", "rpcs/s", 1, 1};
constexpr Metric kP99 = {"p99", "p99 us", 1, 1};

struct Row {
  std::string name;
  const Metric* metric;
  Spread spread;
};

void AddRow(const std::string& name, const Metric& metric,
            const CounterSamples& samples, std::vector<Row>* rows) {
  const auto found = samples.find(name);
  // One sample has no spread; saying "CV 0 %" would claim a stability
  // nobody measured.
  if (found == samples.end() || found->second.size() < 2) return;
  rows->push_back({name, &metric, SpreadOf(found->second)});
}

std::vector<Row> Rows(const RepeatabilityInputs& inputs) {
  std::vector<Row> rows;
  for (const std::string& name : inputs.names) {
    if (absl::StartsWith(name, kStreamImagesPrefix)) {
      AddRow(name, kStreamThroughput, inputs.bytes_per_second, &rows);
    } else if (absl::StartsWith(name, kListImagesPrefix)) {
      AddRow(name, kListThroughput, inputs.rpcs_per_second, &rows);
    } else {
      continue;
    }
    AddRow(name, kP99, inputs.p99_us, &rows);
  }
  return rows;
}

std::string FormatRow(const Row& row, bool show_name, int name_width) {
  const Metric& metric = *row.metric;
  const Spread& spread = row.spread;
  return absl::StrFormat("  %-*s %4d  %-7s %12.*f %12.*f %12.*f %6.1f %%\n",
                         name_width, show_name ? row.name : "", spread.samples,
                         metric.unit, metric.decimals,
                         spread.mean / metric.divisor, metric.decimals,
                         spread.median / metric.divisor, metric.decimals,
                         spread.stddev / metric.divisor, 100 * spread.cv);
}

std::string Warnings(const std::vector<Row>& rows) {
  std::string text;
  for (const Row& row : rows) {
    if (row.spread.cv <= kNoisyCv) continue;
    absl::StrAppendFormat(&text,
                          "WARNING: %s %s CV %.1f %% > %.0f %%: the run is "
                          "noisy; use more repetitions or a quieter machine\n",
                          row.name, row.metric->what, 100 * row.spread.cv,
                          100 * kNoisyCv);
  }
  return text;
}

}  // namespace

std::string RepeatabilitySummary(const RepeatabilityInputs& inputs) {
  const std::vector<Row> rows = Rows(inputs);
  if (rows.empty()) return "";
  int name_width = static_cast<int>(std::string("benchmark").size());
  for (const Row& row : rows) {
    name_width = std::max(name_width, static_cast<int>(row.name.size()));
  }
  std::string text = absl::StrFormat(
      "Repeatability across repetitions (sample stddev; CV = stddev / mean, "
      "above %.0f %% the run is noisy):\n"
      "  %-*s %4s  %-7s %12s %12s %12s %8s\n",
      100 * kNoisyCv, name_width, "benchmark", "reps", "metric", "mean",
      "median", "stddev", "CV");
  for (size_t i = 0; i < rows.size(); ++i) {
    const bool show_name = i == 0 || rows[i].name != rows[i - 1].name;
    absl::StrAppend(&text, FormatRow(rows[i], show_name, name_width));
  }
  absl::StrAppend(&text, Warnings(rows));
  return text;
}

}  // namespace image_bench

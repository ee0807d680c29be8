#include "bench/merge/merge_report.h"

#include <algorithm>
#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"

namespace image_bench {
namespace {

bool Holds(const std::vector<RecordedRun>& file, const RecordedRun& run) {
  return std::any_of(file.begin(), file.end(), [&](const RecordedRun& other) {
    return other.name == run.name && other.repetition == run.repetition;
  });
}

const char* Plural(size_t count) { return count == 1 ? "" : "s"; }

std::string PercentileRow(const char* label, const LatencyHistogram& latency) {
  std::string row = absl::StrFormat("  %-25s", label);
  for (const ReportedPercentile& reported : kReportedPercentiles) {
    absl::StrAppendFormat(
        &row, " %10.1f",
        ToMicros(latency.ValueAtPercentile(reported.percentile)));
  }
  absl::StrAppendFormat(&row, " %10.1f\n", ToMicros(latency.max_ns()));
  return row;
}

// Closed-loop runs time each call's intended and actual start a few hundred
// nanoseconds apart, so the two histograms differ without saying anything;
// a difference below the histogram's own resolution (1/256) is not shown.
bool VisiblyDifferent(const LatencyHistogram& a, const LatencyHistogram& b) {
  auto differ = [](int64_t x, int64_t y) {
    return std::abs(x - y) * 256 > std::max(x, y);
  };
  for (const ReportedPercentile& reported : kReportedPercentiles) {
    if (differ(a.ValueAtPercentile(reported.percentile),
               b.ValueAtPercentile(reported.percentile))) {
      return true;
    }
  }
  return differ(a.max_ns(), b.max_ns());
}

std::string Percentiles(const RpcStats& stats) {
  std::string text = absl::StrFormat("  %-25s", "latency us (merged)");
  for (const ReportedPercentile& reported : kReportedPercentiles) {
    absl::StrAppendFormat(&text, " %10s", reported.label);
  }
  absl::StrAppendFormat(&text, " %10s\n", "max");
  absl::StrAppend(&text, PercentileRow("rpc_latency", stats.rpc_latency));
  if (stats.rpc_latency_uncorrected.count() > 0 &&
      VisiblyDifferent(stats.rpc_latency_uncorrected, stats.rpc_latency)) {
    absl::StrAppend(&text, PercentileRow("rpc_latency_uncorrected",
                                         stats.rpc_latency_uncorrected));
  }
  if (stats.first_image.count() > 0) {
    absl::StrAppend(&text, PercentileRow("first_image", stats.first_image));
  }
  if (stats.image_gap.count() > 0) {
    absl::StrAppend(&text, PercentileRow("image_gap", stats.image_gap));
  }
  return text;
}

std::string Rates(const RecordedRun& run) {
  const double seconds = absl::ToDoubleSeconds(run.wall);
  if (seconds <= 0) return "  per second: n/a (no wall time recorded)\n";
  const RpcStats& stats = run.stats;
  return absl::StrFormat(
      "  per second: rpcs %.1f  images %.1f  bytes %.0f (%.3f GB/s)\n",
      stats.rpcs / seconds, stats.images / seconds, stats.bytes / seconds,
      stats.bytes / seconds / 1e9);
}

std::string RunReport(const RecordedRun& run, int processes, int files) {
  const RpcStats& stats = run.stats;
  std::string text =
      absl::StrFormat("%s  repetition %d\n", run.name, run.repetition);
  absl::StrAppendFormat(
      &text, "  processes merged %d of %d, longest wall time %.3f s\n",
      processes, files, absl::ToDoubleSeconds(run.wall));
  absl::StrAppendFormat(&text, "  rpcs %d  images %d  bytes %d  errors %d\n",
                        stats.rpcs, stats.images, stats.bytes, stats.errors);
  absl::StrAppend(&text, Rates(run), Percentiles(stats));
  return text;
}

}  // namespace

MergedRuns MergeFiles(const std::vector<std::vector<RecordedRun>>& files) {
  MergedRuns merged;
  merged.runs = MergeRecordedRuns(files);
  merged.files = static_cast<int>(files.size());
  for (const RecordedRun& run : merged.runs) {
    merged.processes.push_back(static_cast<int>(
        std::count_if(files.begin(), files.end(),
                      [&](const auto& file) { return Holds(file, run); })));
  }
  return merged;
}

std::string MergeReport(const MergedRuns& merged) {
  std::string text = absl::StrFormat(
      "Merged %d file%s into %d run%s: counts and histogram buckets summed, "
      "percentiles of all samples, rates over the longest wall time.\n",
      merged.files, Plural(merged.files), merged.runs.size(),
      Plural(merged.runs.size()));
  for (size_t i = 0; i < merged.runs.size(); ++i) {
    absl::StrAppend(
        &text, "\n",
        RunReport(merged.runs[i], merged.processes.at(i), merged.files));
  }
  return text;
}

}  // namespace image_bench

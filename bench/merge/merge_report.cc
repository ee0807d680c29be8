#include "bench/merge/merge_report.h"

#include <algorithm>
#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"

namespace image_bench {
namespace {

// Below this share of the merged window spent with every process measuring,
// the window rate and the sum of rates tell different stories.
constexpr double kOverlapWarning = 0.9;

// The file's copy of `run`, or null.
const RecordedRun* Find(const std::vector<RecordedRun>& file,
                        const RecordedRun& run) {
  const auto found =
      std::find_if(file.begin(), file.end(), [&](const RecordedRun& other) {
        return other.name == run.name && other.repetition == run.repetition;
      });
  return found == file.end() ? nullptr : &*found;
}

// The windows of `inputs`, unless one of them recorded none.
std::optional<InputWindows> Windows(
    const std::vector<const RecordedRun*>& inputs) {
  std::optional<InputWindows> windows;
  for (const RecordedRun* input : inputs) {
    if (!input->start.has_value()) return std::nullopt;
    const absl::Time start = *input->start, end = start + input->wall;
    if (!windows.has_value()) windows = InputWindows{start, start, end, end};
    windows->first_start = std::min(windows->first_start, start);
    windows->last_start = std::max(windows->last_start, start);
    windows->first_end = std::min(windows->first_end, end);
    windows->last_end = std::max(windows->last_end, end);
  }
  return windows;
}

RateSum SumOfRates(const std::vector<const RecordedRun*>& inputs) {
  RateSum sum;
  for (const RecordedRun* input : inputs) {
    const double seconds = absl::ToDoubleSeconds(input->wall);
    if (seconds <= 0) continue;
    sum.rpcs += input->stats.rpcs / seconds;
    sum.images += input->stats.images / seconds;
    sum.bytes += input->stats.bytes / seconds;
  }
  return sum;
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

std::string RateLine(const char* label, const RateSum& rates) {
  return absl::StrFormat(
      "  %s: rpcs %.1f  images %.1f  bytes %.0f (%.3f GB/s)\n", label,
      rates.rpcs, rates.images, rates.bytes, rates.bytes / 1e9);
}

std::string Rates(const RecordedRun& run, int processes, const RateSum& sum) {
  const double seconds = absl::ToDoubleSeconds(run.wall);
  if (seconds <= 0) return "  per second: n/a (no wall time recorded)\n";
  const RpcStats& stats = run.stats;
  std::string text = RateLine(
      "per second",
      {stats.rpcs / seconds, stats.images / seconds, stats.bytes / seconds});
  if (processes > 1)
    absl::StrAppend(&text, RateLine("sum of per-process rates", sum));
  return text;
}

double Milliseconds(absl::Duration duration) {
  return absl::ToDoubleMilliseconds(duration);
}

// How the processes' windows lay, and a warning when they hardly overlapped.
std::string WindowReport(const RecordedRun& run, int processes,
                         const InputWindows& windows) {
  std::string text =
      absl::StrFormat(", window %.3f s from the first start to the last end\n",
                      absl::ToDoubleSeconds(run.wall));
  if (processes < 2) return text;
  const absl::Duration together = windows.first_end - windows.last_start;
  absl::StrAppendFormat(&text, "  starts %.1f ms apart, ends %.1f ms apart\n",
                        Milliseconds(windows.last_start - windows.first_start),
                        Milliseconds(windows.last_end - windows.first_end));
  if (together >= kOverlapWarning * run.wall) return text;
  absl::StrAppendFormat(
      &text,
      "  WARNING: every process was measuring for only %.3f s of the %.3f s "
      "window, so the rates over the window are below what they drew at "
      "once: start them with one --start_at and the same open-loop "
      "--rate and --open_loop_duration_s\n",
      std::max(0.0, absl::ToDoubleSeconds(together)),
      absl::ToDoubleSeconds(run.wall));
  return text;
}

std::string RunReport(const MergedRuns& merged, size_t index) {
  const RecordedRun& run = merged.runs[index];
  const int processes = merged.processes.at(index);
  const RpcStats& stats = run.stats;
  std::string text =
      absl::StrFormat("%s  repetition %d\n", run.name, run.repetition);
  absl::StrAppendFormat(&text, "  processes merged %d of %d", processes,
                        merged.files);
  if (const std::optional<InputWindows>& windows = merged.windows.at(index)) {
    absl::StrAppend(&text, WindowReport(run, processes, *windows));
  } else {
    absl::StrAppendFormat(&text, ", longest wall time %.3f s\n",
                          absl::ToDoubleSeconds(run.wall));
  }
  absl::StrAppendFormat(&text, "  rpcs %d  images %d  bytes %d  errors %d\n",
                        stats.rpcs, stats.images, stats.bytes, stats.errors);
  absl::StrAppend(&text, Rates(run, processes, merged.rate_sums.at(index)),
                  Percentiles(stats));
  return text;
}

}  // namespace

MergedRuns MergeFiles(const std::vector<std::vector<RecordedRun>>& files) {
  MergedRuns merged;
  merged.runs = MergeRecordedRuns(files);
  merged.files = static_cast<int>(files.size());
  for (const RecordedRun& run : merged.runs) {
    std::vector<const RecordedRun*> inputs;
    for (const std::vector<RecordedRun>& file : files) {
      if (const RecordedRun* input = Find(file, run)) inputs.push_back(input);
    }
    merged.processes.push_back(static_cast<int>(inputs.size()));
    merged.windows.push_back(Windows(inputs));
    merged.rate_sums.push_back(SumOfRates(inputs));
  }
  return merged;
}

std::string MergeReport(const MergedRuns& merged) {
  std::string text = absl::StrFormat(
      "Merged %d file%s into %d run%s: counts and histogram buckets summed, "
      "percentiles of all samples, rates over the window from the first "
      "start to the last end (the longest wall time where a file recorded "
      "no window).\n",
      merged.files, Plural(merged.files), merged.runs.size(),
      Plural(merged.runs.size()));
  for (size_t i = 0; i < merged.runs.size(); ++i) {
    absl::StrAppend(&text, "\n", RunReport(merged, i));
  }
  return text;
}

}  // namespace image_bench

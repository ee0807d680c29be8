#include "bench/report/compact_console.h"

#include <ostream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "bench/benchmark_names.h"
#include "bench/report/statistics.h"

namespace image_bench {
namespace {

constexpr int kNameWidth = 50;

// gbench decorates names with how a benchmark runs; these parts say nothing
// about what it measures.
bool IsRunSetting(absl::string_view part) {
  return part == "process_time" || part == "manual_time" ||
         part == "real_time" || absl::StartsWith(part, "min_time:") ||
         absl::StartsWith(part, "iterations:") ||
         absl::StartsWith(part, "repeats:") ||
         absl::StartsWith(part, "min_warmup_time:");
}

std::optional<double> Counter(const benchmark::BenchmarkReporter::Run& run,
                              const char* name) {
  const auto found = run.counters.find(name);
  if (found == run.counters.end()) return std::nullopt;
  return found->second.value;
}

// 12.3 us, 4.56 ms, 1.23 s: three significant digits or so, in the unit
// that keeps the number short.
std::string Latency(std::optional<double> micros) {
  if (!micros) return "";
  if (*micros < 1000) return absl::StrFormat("%.1f us", *micros);
  if (*micros < 1e6) return absl::StrFormat("%.2f ms", *micros / 1e3);
  return absl::StrFormat("%.2f s", *micros / 1e6);
}

std::string Rate(std::optional<double> per_second) {
  if (!per_second) return "";
  if (*per_second >= 1e6) return absl::StrFormat("%.2fM", *per_second / 1e6);
  if (*per_second >= 1e4) return absl::StrFormat("%.1fk", *per_second / 1e3);
  return absl::StrFormat("%.1f", *per_second);
}

std::string TrimmedRight(std::string row) {
  row.erase(row.find_last_not_of(' ') + 1);
  return row;
}

std::string Fitted(std::string name) {
  if (name.size() <= kNameWidth) return name;
  return name.substr(0, kNameWidth - 3) + "...";
}

}  // namespace

std::string DisplayName(const std::string& benchmark_name) {
  std::vector<std::string> kept;
  for (absl::string_view part : absl::StrSplit(benchmark_name, '/')) {
    if (!IsRunSetting(part)) kept.emplace_back(part);
  }
  return absl::StrJoin(kept, "/");
}

std::string CompactConsoleReporter::Header() const {
  return absl::StrFormat("%-*s %10s %8s %7s %10s %10s %6s", kNameWidth,
                         "benchmark", "per second", "GB/s", "% TCP", "p50",
                         "p99", "errors");
}

std::string CompactConsoleReporter::Row(const Run& run) const {
  std::string name = DisplayName(run.benchmark_name());
  if (run.run_type == Run::RT_Aggregate) {
    name = absl::StrCat("  ", run.aggregate_name, " of ", run.repetitions,
                        " repetitions");
  }
  if (run.error_occurred) {
    return absl::StrFormat("%-*s ERROR: %s", kNameWidth, Fitted(name),
                           run.error_message.substr(0, 60));
  }
  const bool is_stream =
      absl::StartsWith(DisplayName(run.benchmark_name()), kStreamImagesPrefix);
  std::optional<double> per_second = Counter(run, "images_per_second");
  if (!per_second) per_second = Counter(run, "rpcs_per_second");
  if (!per_second && absl::StartsWith(name, "LocalCost/") &&
      run.GetAdjustedRealTime() > 0) {
    per_second = run.iterations / run.real_accumulated_time;
  }
  const std::optional<double> bytes = Counter(run, "bytes_per_second");
  std::string share;
  if (bytes && tcp_bulk_ && is_stream && *tcp_bulk_ > 0) {
    share = absl::StrFormat("%.1f %%", 100 * *bytes / *tcp_bulk_);
  }
  const std::optional<double> errors = Counter(run, "errors");
  return TrimmedRight(absl::StrFormat(
      "%-*s %10s %8s %7s %10s %10s %6s", kNameWidth, Fitted(name),
      Rate(per_second), bytes ? absl::StrFormat("%.3f", *bytes / 1e9) : "",
      share, Latency(Counter(run, "p50_us")), Latency(Counter(run, "p99_us")),
      errors ? absl::StrCat(static_cast<int64_t>(*errors)) : ""));
}

bool CompactConsoleReporter::ReportContext(const Context& context) {
  PrintBasicContext(&GetErrorStream(), context);
  return true;
}

void CompactConsoleReporter::ReportRuns(const std::vector<Run>& runs) {
  // Printed with the first row, not with the context: the context goes to
  // the error stream, and the two would interleave in a terminal.
  if (!header_printed_) {
    GetOutputStream() << Header() << "\n"
                      << std::string(Header().size(), '-') << "\n";
    header_printed_ = true;
  }
  for (const Run& run : runs) {
    // With repetitions, only the median of gbench's aggregates is shown:
    // the mean hides a bimodal spread and stddev/cv have their own block.
    if (run.run_type == Run::RT_Aggregate && run.aggregate_name != "median") {
      continue;
    }
    if (run.run_type == Run::RT_Iteration && !run.error_occurred &&
        DisplayName(run.benchmark_name()) == kTcpBulkName) {
      if (const std::optional<double> bytes =
              Counter(run, "bytes_per_second")) {
        tcp_bulk_samples_.push_back(*bytes);
        tcp_bulk_ = Median(tcp_bulk_samples_);
      }
    }
    GetOutputStream() << Row(run) << "\n";
  }
  GetOutputStream().flush();
}

}  // namespace image_bench

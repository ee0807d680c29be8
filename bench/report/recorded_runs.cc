#include "bench/report/recorded_runs.h"

#include <algorithm>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace image_bench {
namespace {

// v2 added start_unix_ns; v1 files, without it, are still read.
constexpr absl::string_view kHeader = "image_bench.RecordedRuns v2";
constexpr absl::string_view kHeaderV1 = "image_bench.RecordedRuns v1";

struct NamedHistogram {
  const char* name;
  LatencyHistogram RpcStats::*member;
};

constexpr NamedHistogram kHistograms[] = {
    {"rpc_latency", &RpcStats::rpc_latency},
    {"rpc_latency_uncorrected", &RpcStats::rpc_latency_uncorrected},
    {"first_image", &RpcStats::first_image},
    {"image_gap", &RpcStats::image_gap},
};

struct NamedCount {
  const char* name;
  int64_t RpcStats::*member;
};

constexpr NamedCount kCounts[] = {
    {"rpcs", &RpcStats::rpcs},
    {"images", &RpcStats::images},
    {"bytes", &RpcStats::bytes},
    {"errors", &RpcStats::errors},
};

// Reads the text after "key " on the next line.
class LineReader {
 public:
  explicit LineReader(absl::string_view text)
      : lines_(absl::StrSplit(text, '\n')) {}

  bool done() {
    while (next_ < lines_.size() && lines_[next_].empty()) ++next_;
    return next_ >= lines_.size();
  }
  absl::StatusOr<absl::string_view> Value(absl::string_view key) {
    if (done()) return Error(absl::StrCat("expected '", key, "', got the end"));
    absl::string_view line = lines_[next_];
    if (!absl::ConsumePrefix(&line, key) || !absl::ConsumePrefix(&line, " ")) {
      return Error(absl::StrCat("expected '", key, " ...'"));
    }
    ++next_;
    return line;
  }
  // Whether the next line is "key ...", without consuming it.
  bool Next(absl::string_view key) {
    if (done()) return false;
    absl::string_view line = lines_[next_];
    return absl::ConsumePrefix(&line, key) && absl::StartsWith(line, " ");
  }
  absl::StatusOr<int64_t> Number(absl::string_view key) {
    absl::StatusOr<absl::string_view> value = Value(key);
    if (!value.ok()) return value.status();
    int64_t number;
    if (!absl::SimpleAtoi(*value, &number)) {
      return Error(absl::StrCat("'", key, "' needs an integer"));
    }
    return number;
  }
  // The lines up to (not including) a line equal to `end`, which is skipped.
  absl::StatusOr<std::string> Block(absl::string_view end) {
    std::string block;
    while (next_ < lines_.size() && lines_[next_] != end) {
      absl::StrAppend(&block, lines_[next_++], "\n");
    }
    if (next_ == lines_.size())
      return Error(absl::StrCat("missing '", end, "'"));
    ++next_;
    return block;
  }
  absl::Status Error(absl::string_view what) const {
    return absl::InvalidArgumentError(
        absl::StrCat("line ", next_ + 1, ": ", what));
  }

 private:
  std::vector<absl::string_view> lines_;
  size_t next_ = 0;
};

absl::StatusOr<RecordedRun> ParseRun(LineReader& reader) {
  RecordedRun run;
  absl::StatusOr<absl::string_view> name = reader.Value("run");
  if (!name.ok()) return name.status();
  run.name = std::string(*name);
  absl::StatusOr<int64_t> number = reader.Number("repetition");
  if (!number.ok()) return number.status();
  run.repetition = *number;
  number = reader.Number("wall_ns");
  if (!number.ok()) return number.status();
  run.wall = absl::Nanoseconds(*number);
  if (reader.Next("start_unix_ns")) {
    number = reader.Number("start_unix_ns");
    if (!number.ok()) return number.status();
    run.start = absl::FromUnixNanos(*number);
  }
  for (const NamedCount& count : kCounts) {
    number = reader.Number(count.name);
    if (!number.ok()) return number.status();
    run.stats.*count.member = *number;
  }
  for (const NamedHistogram& histogram : kHistograms) {
    absl::StatusOr<absl::string_view> key = reader.Value("histogram");
    if (!key.ok()) return key.status();
    if (*key != histogram.name) {
      return reader.Error(absl::StrCat("expected histogram ", histogram.name));
    }
    absl::StatusOr<std::string> block = reader.Block("end");
    if (!block.ok()) return block.status();
    absl::StatusOr<LatencyHistogram> parsed =
        LatencyHistogram::FromText(*block);
    if (!parsed.ok()) {
      return reader.Error(absl::StrCat("histogram ", histogram.name, ": ",
                                       parsed.status().message()));
    }
    run.stats.*histogram.member = *std::move(parsed);
  }
  return run;
}

// The span from the first start to the last end when both windows are
// known, else the longest wall time with no start.
void MergeWindows(const RecordedRun& run, RecordedRun* merged) {
  if (!run.start.has_value() || !merged->start.has_value()) {
    merged->start.reset();
    merged->wall = std::max(merged->wall, run.wall);
    return;
  }
  const absl::Time end =
      std::max(*merged->start + merged->wall, *run.start + run.wall);
  merged->start = std::min(*merged->start, *run.start);
  merged->wall = end - *merged->start;
}

}  // namespace

std::string FormatRecordedRuns(const std::vector<RecordedRun>& runs) {
  std::string text = absl::StrCat(kHeader, "\n");
  for (const RecordedRun& run : runs) {
    absl::StrAppend(&text, "run ", run.name, "\nrepetition ", run.repetition,
                    "\nwall_ns ", absl::ToInt64Nanoseconds(run.wall), "\n");
    if (run.start.has_value()) {
      absl::StrAppend(&text, "start_unix_ns ", absl::ToUnixNanos(*run.start),
                      "\n");
    }
    for (const NamedCount& count : kCounts) {
      absl::StrAppend(&text, count.name, " ", run.stats.*count.member, "\n");
    }
    for (const NamedHistogram& histogram : kHistograms) {
      absl::StrAppend(&text, "histogram ", histogram.name, "\n",
                      (run.stats.*histogram.member).ToText(), "end\n");
    }
  }
  return text;
}

absl::StatusOr<std::vector<RecordedRun>> ParseRecordedRuns(
    absl::string_view text) {
  if ((!absl::ConsumePrefix(&text, kHeader) &&
       !absl::ConsumePrefix(&text, kHeaderV1)) ||
      !absl::ConsumePrefix(&text, "\n")) {
    return absl::InvalidArgumentError(
        absl::StrCat("not a recorded-runs file (no '", kHeader, "' header)"));
  }
  LineReader reader(text);
  std::vector<RecordedRun> runs;
  while (!reader.done()) {
    absl::StatusOr<RecordedRun> run = ParseRun(reader);
    if (!run.ok()) return run.status();
    runs.push_back(*std::move(run));
  }
  return runs;
}

std::vector<RecordedRun> MergeRecordedRuns(
    const std::vector<std::vector<RecordedRun>>& files) {
  std::vector<RecordedRun> merged;
  for (const std::vector<RecordedRun>& file : files) {
    for (const RecordedRun& run : file) {
      auto same = std::find_if(
          merged.begin(), merged.end(), [&](const RecordedRun& other) {
            return other.name == run.name && other.repetition == run.repetition;
          });
      if (same == merged.end()) {
        merged.push_back(run);
        continue;
      }
      same->stats.Merge(run.stats);
      MergeWindows(run, &*same);
    }
  }
  return merged;
}

}  // namespace image_bench

// The file form of a bench run's results (--histogram_out): per benchmark and
// repetition, the counts, the timed window (when it began on the wall clock,
// and how long it lasted) and every latency histogram, losslessly. Files
// written by several bench processes (on one machine or many, against one
// server) merge exactly: counts and buckets add and the window becomes the
// span from the first start to the last end, so the percentiles of the merge
// are those of all samples and its rates are over the time any process
// measured. Files from before windows were recorded (header v1) still read
// and merge; without a start, a merge keeps the longest wall time instead.
#ifndef BENCH_REPORT_RECORDED_RUNS_H_
#define BENCH_REPORT_RECORDED_RUNS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "bench/stats/rpc_stats.h"

namespace image_bench {

struct RecordedRun {
  // gbench's full run name, e.g. "ListImages/concurrency:8/.../manual_time".
  std::string name;
  int64_t repetition = 0;
  // The timed window's length; it ended at `start` + `wall`.
  absl::Duration wall;
  RpcStats stats;
  // When the timed window began (wall clock); unknown in v1 files and in
  // merges that include one.
  std::optional<absl::Time> start;
};

std::string FormatRecordedRuns(const std::vector<RecordedRun>& runs);
absl::StatusOr<std::vector<RecordedRun>> ParseRecordedRuns(
    absl::string_view text);

// Runs with the same name and repetition become one; order of first
// appearance is kept. Its window spans every start and end when all of them
// are known; otherwise its start is unknown and its wall the longest.
std::vector<RecordedRun> MergeRecordedRuns(
    const std::vector<std::vector<RecordedRun>>& files);

}  // namespace image_bench

#endif  // BENCH_REPORT_RECORDED_RUNS_H_

// The file form of a bench run's results (--histogram_out): per benchmark and
// repetition, the counts, the wall time and every latency histogram,
// losslessly. Files written by several bench processes (on one machine or many,
// against one server) merge exactly: counts and buckets add, the wall time is
// the longest, so rates and percentiles of the merge are those of all samples.
#ifndef BENCH_REPORT_RECORDED_RUNS_H_
#define BENCH_REPORT_RECORDED_RUNS_H_

#include <cstdint>
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
  absl::Duration wall;
  RpcStats stats;
};

std::string FormatRecordedRuns(const std::vector<RecordedRun>& runs);
absl::StatusOr<std::vector<RecordedRun>> ParseRecordedRuns(
    absl::string_view text);

// Runs with the same name and repetition become one; order of first
// appearance is kept.
std::vector<RecordedRun> MergeRecordedRuns(
    const std::vector<std::vector<RecordedRun>>& files);

}  // namespace image_bench

#endif  // BENCH_REPORT_RECORDED_RUNS_H_

// What image_bench_merge prints for the --histogram_out files of several
// bench processes that measured one server at the same time: per run (name,
// repetition), the summed counts, the percentiles of the summed histogram
// buckets, i.e. of every sample of every process (averaging each process's
// percentiles would not give that), and the rates.
//
// The rates divide the totals by the merged window, from the first start to
// the last end (files from before windows were recorded: by the longest wall
// time). When the processes' windows coincide that equals the sum of the
// rates each process reported; the report prints that sum and how far apart
// the windows were beside it, so a gap between the two is explained: the
// window rate is what the server delivered over the whole span, the sum
// assumes every process ran at its own rate all at once.
#ifndef BENCH_MERGE_MERGE_REPORT_H_
#define BENCH_MERGE_MERGE_REPORT_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "bench/report/recorded_runs.h"

namespace image_bench {

// Where the timed windows of the inputs holding one run lay.
struct InputWindows {
  absl::Time first_start;
  absl::Time last_start;
  absl::Time first_end;
  absl::Time last_end;
};

// Each input's own rates (its counts over its own wall time), added up.
struct RateSum {
  double rpcs = 0;
  double images = 0;
  double bytes = 0;
};

struct MergedRuns {
  // MergeRecordedRuns of the files, in its order.
  std::vector<RecordedRun> runs;
  // Per run, how many input files held it. A file that is itself a merge
  // counts once: the file format does not say how many processes it holds.
  std::vector<int> processes;
  // Per run: the inputs' windows, when every input holding it recorded one.
  std::vector<std::optional<InputWindows>> windows;
  // Per run: the sum of the inputs' own rates.
  std::vector<RateSum> rate_sums;
  int files = 0;
};

MergedRuns MergeFiles(const std::vector<std::vector<RecordedRun>>& files);

// Text ready to print; latencies in microseconds.
std::string MergeReport(const MergedRuns& merged);

}  // namespace image_bench

#endif  // BENCH_MERGE_MERGE_REPORT_H_

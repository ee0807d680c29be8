// What image_bench_merge prints for the --histogram_out files of several
// bench processes that measured one server at the same time: per run (name,
// repetition), the summed counts, the rates over the longest wall time and
// the percentiles of the summed histogram buckets, i.e. of every sample of
// every process (averaging each process's percentiles would not give that).
#ifndef BENCH_MERGE_MERGE_REPORT_H_
#define BENCH_MERGE_MERGE_REPORT_H_

#include <string>
#include <vector>

#include "bench/report/recorded_runs.h"

namespace image_bench {

struct MergedRuns {
  // MergeRecordedRuns of the files, in its order.
  std::vector<RecordedRun> runs;
  // Per run, how many input files held it. A file that is itself a merge
  // counts once: the file format does not say how many processes it holds.
  std::vector<int> processes;
  int files = 0;
};

MergedRuns MergeFiles(const std::vector<std::vector<RecordedRun>>& files);

// Text ready to print; latencies in microseconds.
std::string MergeReport(const MergedRuns& merged);

}  // namespace image_bench

#endif  // BENCH_MERGE_MERGE_REPORT_H_

// Writes recorded runs where the user asked for them: the lossless, mergeable
// file (--histogram_out) and one HdrHistogram .hgrm file per run (--hgrm_dir).
// image_bench and image_bench_merge both write through here, so a merge is
// written exactly like a run (same format, same .hgrm file names).
#ifndef BENCH_REPORT_RECORDED_OUTPUTS_H_
#define BENCH_REPORT_RECORDED_OUTPUTS_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "bench/report/recorded_runs.h"

namespace image_bench {

// Where to write recorded runs; empty members are skipped.
struct RecordedOutputs {
  std::string histogram_out;  // File path: FormatRecordedRuns.
  std::string hgrm_dir;       // Directory: one .hgrm file per run.
};

// Stops at the first failure, naming the file that could not be written.
absl::Status WriteRecordedOutputs(const std::vector<RecordedRun>& runs,
                                  const RecordedOutputs& outputs);

}  // namespace image_bench

#endif  // BENCH_REPORT_RECORDED_OUTPUTS_H_

#include "bench/report/recorded_outputs.h"

#include <filesystem>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "common/file_io.h"

namespace image_bench {

absl::Status WriteRecordedOutputs(const std::vector<RecordedRun>& runs,
                                  const RecordedOutputs& outputs) {
  if (!outputs.histogram_out.empty()) {
    absl::Status written = image_common::WriteFile(outputs.histogram_out,
                                                   FormatRecordedRuns(runs));
    if (!written.ok()) return written;
  }
  if (outputs.hgrm_dir.empty()) return absl::OkStatus();
  // A failure here shows up as the first file that cannot be written.
  std::error_code ignored;
  std::filesystem::create_directories(outputs.hgrm_dir, ignored);
  for (const RecordedRun& run : runs) {
    const std::string file =
        absl::StrCat(absl::StrReplaceAll(run.name, {{"/", "__"}, {":", "_"}}),
                     ".rep", run.repetition, ".hgrm");
    absl::Status written = image_common::WriteFile(
        outputs.hgrm_dir + "/" + file, run.stats.rpc_latency.ToHgrm());
    if (!written.ok()) return written;
  }
  return absl::OkStatus();
}

}  // namespace image_bench

// image_bench_merge: combines the --histogram_out files of several image_bench
// processes that measured one server at the same time, exactly, and prints
// per run the totals, the rates and the percentiles of all their samples.
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "bench/merge/merge_report.h"
#include "bench/report/recorded_outputs.h"
#include "bench/report/recorded_runs.h"
#include "common/command_line.h"
#include "common/file_io.h"

ABSL_FLAG(std::string, out, "",
          "Also write the merged runs to this file, in the --histogram_out "
          "format, so that merges can be merged again.");
ABSL_FLAG(std::string, hgrm_dir, "",
          "Write each merged run's RPC latency as an HdrHistogram .hgrm file "
          "into this directory, for plotting.");

namespace {

using image_bench::RecordedRun;

constexpr char kUsage[] =
    "usage: image_bench_merge [--out=MERGED_FILE] [--hgrm_dir=DIR] FILE... "
    "(--help for more)";

constexpr char kProgram[] = "image_bench_merge";

absl::StatusOr<std::vector<RecordedRun>> ReadRecordedRuns(
    const std::string& path) {
  absl::StatusOr<std::string> text = image_common::ReadFile(path);
  if (!text.ok()) return text.status();
  absl::StatusOr<std::vector<RecordedRun>> runs =
      image_bench::ParseRecordedRuns(*text);
  if (!runs.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("'", path, "': ", runs.status().message()));
  }
  return runs;
}

}  // namespace

int main(int argc, char** argv) {
  image_common::HandleHelpAndVersion(
      argc, argv,
      {kProgram,
       "Merges the --histogram_out files of image_bench processes that ran "
       "at the same time against one server, exactly (histogram buckets "
       "summed), and prints per run the totals, rates and percentiles of all "
       "their samples.",
       "image_bench_merge [--out=MERGED_FILE] [--hgrm_dir=DIR] FILE..."});
  const std::vector<char*> paths = absl::ParseCommandLine(argc, argv);
  if (paths.size() < 2) {
    std::fprintf(stderr, "%s\n", kUsage);
    return 1;
  }
  std::vector<std::vector<RecordedRun>> files;
  for (size_t i = 1; i < paths.size(); ++i) {
    absl::StatusOr<std::vector<RecordedRun>> runs = ReadRecordedRuns(paths[i]);
    if (!runs.ok())
      return image_common::FailWith(kProgram, runs.status().message());
    files.push_back(*std::move(runs));
  }
  const image_bench::MergedRuns merged = image_bench::MergeFiles(files);
  std::fputs(image_bench::MergeReport(merged).c_str(), stdout);
  const absl::Status written = image_bench::WriteRecordedOutputs(
      merged.runs, {absl::GetFlag(FLAGS_out), absl::GetFlag(FLAGS_hgrm_dir)});
  if (!written.ok()) return image_common::FailWith(kProgram, written.message());
  return 0;
}

// The real image_bench_merge on recorded-runs files written the way
// image_bench writes them: what it prints, the merged file it writes (which
// must be the exact merge, so merges can be merged again) and bad input.
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "bench/report/recorded_runs.h"
#include "common/file_io.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/bench_json.h"
#include "testing/scratch_path.h"
#include "testing/subprocess.h"

namespace image_bench {
namespace {

namespace fs = std::filesystem;
using ::image_testing::Subprocess;
using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr char kList[] = "ListImages/concurrency:4/process_time/manual_time";
constexpr char kStream[] =
    "StreamImages/images_per_stream:7/concurrency:3/process_time/manual_time";

// A fresh directory per test, removed at the end.
class MergeEndToEndTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           absl::StrCat(
               "image_bench_merge_e2e_", getpid(), "_",
               ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string Path(const std::string& name) const {
    return (dir_ / name).string();
  }
  std::string Write(const std::string& name, const std::string& text) const {
    std::ofstream(Path(name), std::ios::binary) << text;
    return Path(name);
  }

  fs::path dir_;
};

// Lognormal latencies, as a real run has; streams also get images and bytes.
RecordedRun MakeRun(const std::string& name, int seed, int rpcs,
                    absl::Duration wall, int images_per_rpc) {
  RecordedRun run;
  run.name = name;
  run.wall = wall;
  std::mt19937_64 random(seed);
  std::lognormal_distribution<double> latency(12, 1);
  for (int i = 0; i < rpcs; ++i) {
    const auto ns = static_cast<int64_t>(latency(random));
    run.stats.rpc_latency.Record(ns);
    run.stats.rpc_latency_uncorrected.Record(ns);
    if (images_per_rpc == 0) continue;
    run.stats.first_image.Record(ns / 4);
    for (int image = 1; image < images_per_rpc; ++image) {
      run.stats.image_gap.Record(ns / 10);
    }
  }
  run.stats.rpcs = rpcs;
  run.stats.images = int64_t{rpcs} * images_per_rpc;
  run.stats.bytes = run.stats.images * 5000;
  return run;
}

struct Result {
  int exit_code = -1;
  std::string out;
  std::string err;
};

Result RunMerge(const std::vector<std::string>& args) {
  Subprocess merge(MERGE_BINARY, args);
  EXPECT_TRUE(merge.started());
  const std::optional<int> exit_code = merge.WaitForExit(absl::Seconds(30));
  EXPECT_TRUE(exit_code.has_value());
  return {exit_code.value_or(-1), merge.out(), merge.err()};
}

TEST_F(MergeEndToEndTest, PrintsTotalsAndWritesTheExactMerge) {
  const std::vector<RecordedRun> a = {
      MakeRun(kList, 1, 3000, absl::Seconds(2), 0),
      MakeRun(kStream, 2, 200, absl::Seconds(2), 7)};
  const std::vector<RecordedRun> b = {
      MakeRun(kList, 3, 1000, absl::Milliseconds(2500), 0),
      MakeRun(kStream, 4, 50, absl::Seconds(1), 7)};
  const std::string merged_file = Path("merged.txt");

  const Result result =
      RunMerge({"--out=" + merged_file, "--hgrm_dir=" + Path("hgrm"),
                Write("a.txt", FormatRecordedRuns(a)),
                Write("b.txt", FormatRecordedRuns(b))});

  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.err, "");
  EXPECT_THAT(result.out, HasSubstr("Merged 2 files into 2 runs:"));
  EXPECT_THAT(result.out, HasSubstr(std::string(kList) +
                                    "  repetition 0\n"
                                    "  processes merged 2 of 2, longest wall "
                                    "time 2.500 s\n"
                                    "  rpcs 4000  images 0  bytes 0  errors 0\n"
                                    "  per second: rpcs 1600.0"));
  EXPECT_THAT(result.out,
              HasSubstr("rpcs 250  images 1750  bytes 8750000  errors 0\n"
                        "  per second: rpcs 125.0  images 875.0  "
                        "bytes 4375000 (0.004 GB/s)"));
  EXPECT_THAT(result.out, HasSubstr("image_gap"));
  EXPECT_EQ(image_common::ReadFile(merged_file).value_or(""),
            FormatRecordedRuns(MergeRecordedRuns({a, b})));
  EXPECT_TRUE(fs::exists(
      Path("hgrm/ListImages__concurrency_4__process_time__manual_time.rep0."
           "hgrm")));
}

TEST_F(MergeEndToEndTest, AMergeMergesAgain) {
  const std::vector<RecordedRun> a = {
      MakeRun(kList, 1, 100, absl::Seconds(1), 0)};
  const std::vector<RecordedRun> b = {
      MakeRun(kList, 2, 200, absl::Seconds(1), 0)};
  const std::vector<RecordedRun> c = {
      MakeRun(kList, 3, 300, absl::Seconds(3), 0)};
  ASSERT_EQ(RunMerge({"--out=" + Path("ab.txt"),
                      Write("a.txt", FormatRecordedRuns(a)),
                      Write("b.txt", FormatRecordedRuns(b))})
                .exit_code,
            0);

  const Result result = RunMerge({"--out=" + Path("abc.txt"), Path("ab.txt"),
                                  Write("c.txt", FormatRecordedRuns(c))});

  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_THAT(result.out, HasSubstr("rpcs 600  images 0"));
  EXPECT_EQ(image_common::ReadFile(Path("abc.txt")).value_or(""),
            FormatRecordedRuns(MergeRecordedRuns({a, b, c})));
}

void ExpectOneLineFailure(const Result& result, const std::string& what) {
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_EQ(result.out, "");
  EXPECT_THAT(result.err, StartsWith("image_bench_merge: "));
  EXPECT_THAT(result.err, HasSubstr(what));
  EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1)
      << result.err;
}

TEST_F(MergeEndToEndTest, MissingFileIsOneLine) {
  const std::string good =
      Write("a.txt",
            FormatRecordedRuns({MakeRun(kList, 1, 10, absl::Seconds(1), 0)}));
  ExpectOneLineFailure(
      RunMerge({good, Path("missing.txt")}),
      "cannot read '" + Path("missing.txt") + "': No such file or directory");
}

TEST_F(MergeEndToEndTest, NotARecordedRunsFileIsOneLine) {
  const std::string json = Write("run.json", "{\"benchmarks\": []}\n");
  ExpectOneLineFailure(RunMerge({json}),
                       "'" + json + "': not a recorded-runs file");
}

TEST_F(MergeEndToEndTest, TruncatedFileIsOneLine) {
  const std::string text =
      FormatRecordedRuns({MakeRun(kStream, 1, 10, absl::Seconds(1), 7)});
  const std::string truncated =
      Write("truncated.txt", text.substr(0, text.size() / 2));
  ExpectOneLineFailure(RunMerge({truncated}), "'" + truncated + "': line ");
}

TEST_F(MergeEndToEndTest, NoFilesIsTheUsageLine) {
  const Result result = RunMerge({});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_EQ(result.err,
            "usage: image_bench_merge [--out=MERGED_FILE] [--hgrm_dir=DIR] "
            "FILE... (--help for more)\n");
}

}  // namespace
}  // namespace image_bench

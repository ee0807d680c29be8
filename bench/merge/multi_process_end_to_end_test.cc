// Several real image_bench processes against one real image_server, started
// together with one --start_at, then merged by the real image_bench_merge:
// what "Merging several bench processes" promises. Their timed windows must
// start together and overlap, the merge must be exactly the union of their
// samples (read from the files' text, bucket by bucket, not through the
// code that merges), and its rate must be the sum of what each process
// reported.
#include <algorithm>
#include <cstdio>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "bench/report/recorded_runs.h"
#include "bench/start/start_barrier.h"
#include "common/file_io.h"
#include "gmock/gmock.h"
#include "google/protobuf/struct.pb.h"
#include "gtest/gtest.h"
#include "testing/bench_json.h"
#include "testing/sanitizer_slowdown.h"
#include "testing/scratch_path.h"
#include "testing/subprocess.h"

namespace image_bench {
namespace {

using ::image_testing::BenchmarksByName;
using ::image_testing::Number;
using ::image_testing::ScratchPath;
using ::image_testing::ServerProcess;
using ::image_testing::Subprocess;
using ::testing::HasSubstr;

constexpr int kProcesses = 4;
// Enough for four processes to start, connect, fetch their reference
// images and warm up on a loaded two-core machine before the instant.
constexpr absl::Duration kLead = absl::Seconds(6);
constexpr absl::Duration kMostStartSkew = absl::Milliseconds(50);

// Open loop: every process runs one run of the same schedule, so their
// windows last alike (closed-loop runs are sized by gbench per process).
// Small images keep four processes and the server light on two cores.
std::vector<std::string> BenchArgs(const std::string& target,
                                   absl::Time start_at, int index) {
  return {"--target=" + target,
          "--start_at=" + FormatUnixSeconds(start_at),
          "--rate=20",
          "--open_loop_duration_s=3",
          "--images=meadow_640x480.jpg,street_640x480.jpg,"
          "hills_gray_640x480.png",
          "--images_per_stream=10",
          "--stream_concurrency=4",
          "--channels=2",
          "--benchmark_filter=^StreamImages",
          "--histogram_out=" + ScratchPath(absl::StrCat("h", index, ".txt")),
          "--benchmark_out=" + ScratchPath(absl::StrCat("r", index, ".json")),
          "--benchmark_out_format=json"};
}

// What a recorded-runs file says, read from its text alone: the counts
// before the first histogram, and per histogram its count line and buckets.
struct FileText {
  std::map<std::string, int64_t> counts;
  std::map<std::string, int64_t> histogram_counts;
  std::map<std::pair<std::string, int64_t>, int64_t> buckets;
};

FileText ReadText(const std::string& text) {
  FileText file;
  std::string histogram;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    const std::vector<std::string> parts = absl::StrSplit(line, ' ');
    int64_t value = 0;
    if (parts[0] == "histogram" && parts.size() == 2) {
      histogram = parts[1];
    } else if (parts[0] == "bucket" && parts.size() == 3) {
      int64_t lower = 0;
      EXPECT_TRUE(absl::SimpleAtoi(parts[1], &lower) &&
                  absl::SimpleAtoi(parts[2], &value))
          << line;
      file.buckets[{histogram, lower}] += value;
    } else if (parts.size() == 2 && absl::SimpleAtoi(parts[1], &value)) {
      if (histogram.empty()) {
        file.counts[parts[0]] += value;
      } else if (parts[0] == "count") {
        file.histogram_counts[histogram] += value;
      }
    }
  }
  return file;
}

void Add(const FileText& from, FileText* to) {
  for (const auto& [key, value] : from.counts) to->counts[key] += value;
  for (const auto& [key, value] : from.histogram_counts) {
    to->histogram_counts[key] += value;
  }
  for (const auto& [key, value] : from.buckets) to->buckets[key] += value;
}

struct Rates {
  double rpcs = 0;
  double images = 0;
  double bytes = 0;
};

// The merge's line "  LABEL: rpcs R  images I  bytes B (...)".
std::optional<Rates> RateLine(const std::string& report,
                              const std::string& label) {
  const size_t at = report.find("  " + label + ": rpcs ");
  if (at == std::string::npos) return std::nullopt;
  Rates rates;
  const std::string format = "  " + label + ": rpcs %lf  images %lf  bytes %lf";
  if (std::sscanf(report.c_str() + at, format.c_str(), &rates.rpcs,
                  &rates.images, &rates.bytes) != 3) {
    return std::nullopt;
  }
  return rates;
}

TEST(MultiProcessEndToEndTest, FourProcessesStartTogetherAndMergeExactly) {
  ServerProcess server(SERVER_BINARY, {"--images_dir=" IMAGES_DIR});
  const std::optional<std::string> address = server.WaitForAddress();
  ASSERT_TRUE(address.has_value()) << server.process().err();

  const absl::Time start_at = absl::Now() + kLead;
  std::vector<std::unique_ptr<Subprocess>> benches;
  for (int i = 0; i < kProcesses; ++i) {
    benches.push_back(std::make_unique<Subprocess>(
        BENCH_BINARY, BenchArgs(*address, start_at, i)));
    ASSERT_TRUE(benches.back()->started());
  }
  for (const auto& bench : benches) {
    const std::optional<int> exit_code = bench->WaitForExit(absl::Minutes(1));
    ASSERT_TRUE(exit_code.has_value());
    ASSERT_EQ(*exit_code, 0) << bench->err();
    EXPECT_THAT(bench->err(), HasSubstr("timed work began "));
  }

  std::vector<std::string> files;
  std::vector<RecordedRun> runs;
  Rates reported;
  for (int i = 0; i < kProcesses; ++i) {
    files.push_back(ScratchPath(absl::StrCat("h", i, ".txt")));
    absl::StatusOr<std::vector<RecordedRun>> recorded =
        ParseRecordedRuns(image_common::ReadFile(files.back()).value_or(""));
    ASSERT_TRUE(recorded.ok()) << recorded.status();
    ASSERT_EQ(recorded->size(), 1);
    ASSERT_TRUE(recorded->front().start.has_value());
    EXPECT_EQ(recorded->front().stats.errors, 0);
    runs.push_back(recorded->front());
    const auto json = BenchmarksByName(
        image_common::ReadFile(ScratchPath(absl::StrCat("r", i, ".json")))
            .value_or(""));
    ASSERT_EQ(json.size(), 1);
    reported.rpcs += Number(json.begin()->second, "rpcs_per_second");
    reported.images += Number(json.begin()->second, "images_per_second");
    reported.bytes += Number(json.begin()->second, "bytes_per_second");
  }

  // (a) The windows began at the instant, together, and overlap.
  absl::Time first_start = absl::InfiniteFuture(),
             last_start = absl::InfinitePast(),
             first_end = absl::InfiniteFuture(),
             last_end = absl::InfinitePast();
  absl::Duration shortest = absl::InfiniteDuration();
  for (const RecordedRun& run : runs) {
    EXPECT_GE(*run.start, start_at) << "a process began before --start_at";
    first_start = std::min(first_start, *run.start);
    last_start = std::max(last_start, *run.start);
    first_end = std::min(first_end, *run.start + run.wall);
    last_end = std::max(last_end, *run.start + run.wall);
    shortest = std::min(shortest, run.wall);
  }
  EXPECT_LE(last_start - first_start, kMostStartSkew)
      << "starts " << last_start - first_start << " apart";
  EXPECT_GT(first_end - last_start, 0.9 * shortest)
      << "the windows overlap for " << first_end - last_start;

  // (b) The merge holds every sample: counts and buckets are the sums.
  const std::string merged_file = ScratchPath("merged.txt");
  std::vector<std::string> merge_args = {"--out=" + merged_file};
  merge_args.insert(merge_args.end(), files.begin(), files.end());
  Subprocess merge(MERGE_BINARY, merge_args);
  const std::optional<int> merge_exit = merge.WaitForExit(absl::Seconds(30));
  ASSERT_TRUE(merge_exit.has_value());
  ASSERT_EQ(*merge_exit, 0) << merge.err();
  FileText sum;
  for (const std::string& file : files) {
    Add(ReadText(image_common::ReadFile(file).value_or("")), &sum);
  }
  const FileText merged =
      ReadText(image_common::ReadFile(merged_file).value_or(""));
  EXPECT_EQ(merged.counts.at("rpcs"), kProcesses * 60);
  EXPECT_EQ(merged.counts.at("images"), kProcesses * 600);
  for (const char* count : {"rpcs", "images", "bytes", "errors"}) {
    EXPECT_EQ(merged.counts.at(count), sum.counts.at(count)) << count;
  }
  EXPECT_EQ(merged.histogram_counts, sum.histogram_counts);
  EXPECT_EQ(merged.histogram_counts.at("rpc_latency"), kProcesses * 60);
  EXPECT_EQ(merged.buckets, sum.buckets);
  EXPECT_THAT(merge.out(),
              HasSubstr(absl::StrCat("processes merged ", kProcesses, " of ",
                                     kProcesses, ", window ")));

  // (c) The merged rate is the sum of the processes' own: exactly in the
  // sum line (to its rounding), and over the merged window to within how
  // far the windows' ends lay apart.
  const std::optional<Rates> window = RateLine(merge.out(), "per second");
  const std::optional<Rates> summed =
      RateLine(merge.out(), "sum of per-process rates");
  ASSERT_TRUE(window.has_value() && summed.has_value()) << merge.out();
  EXPECT_NEAR(summed->rpcs, reported.rpcs, 0.05 + 1e-6 * reported.rpcs);
  EXPECT_NEAR(summed->images, reported.images, 0.05 + 1e-6 * reported.images);
  EXPECT_NEAR(summed->bytes, reported.bytes, 0.5 + 1e-6 * reported.bytes);
  const double span = absl::ToDoubleSeconds(last_end - first_start);
  const double spread = 1 - absl::ToDoubleSeconds(shortest) / span;
  // A sanitized build runs the tail of each window several times slower.
  EXPECT_LT(spread, 0.05 * image_testing::kSanitizerSlowdown);
  for (const auto& [merged_rate, sum_rate] :
       {std::pair{window->rpcs, reported.rpcs},
        std::pair{window->images, reported.images},
        std::pair{window->bytes, reported.bytes}}) {
    EXPECT_LE(merged_rate, sum_rate * (1 + 1e-6) + 0.05);
    EXPECT_GE(merged_rate, sum_rate * (1 - spread) - 0.05);
  }
  std::printf(
      "starts %.1f ms apart, ends %.1f ms apart; window rate %.1f "
      "images/s, sum of rates %.1f\n",
      absl::ToDoubleMilliseconds(last_start - first_start),
      absl::ToDoubleMilliseconds(last_end - first_end), window->images,
      reported.images);
  for (int i = 0; i < kProcesses; ++i) {
    std::remove(files[i].c_str());
    std::remove(ScratchPath(absl::StrCat("r", i, ".json")).c_str());
  }
  std::remove(merged_file.c_str());
}

}  // namespace
}  // namespace image_bench

#include "bench/report/recorded_runs.h"

#include <random>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace image_bench {
namespace {

using ::testing::HasSubstr;

void RecordSamples(int seed, int count, RpcStats* stats) {
  std::mt19937_64 random(seed);
  std::lognormal_distribution<double> latency(11, 1.5);
  for (int i = 0; i < count; ++i) {
    const auto ns = static_cast<int64_t>(latency(random));
    stats->rpc_latency.Record(ns);
    stats->rpc_latency_uncorrected.Record(ns / 2);
    stats->first_image.Record(ns / 3);
    stats->image_gap.Record(ns / 7);
    stats->images += 3;
    stats->bytes += 1000;
  }
  stats->rpcs += count;
}

RecordedRun MakeRun(const std::string& name, int seed, int count,
                    absl::Duration wall) {
  RecordedRun run;
  run.name = name;
  run.wall = wall;
  RecordSamples(seed, count, &run.stats);
  return run;
}

void ExpectSameStats(const RpcStats& a, const RpcStats& b) {
  EXPECT_TRUE(a.rpc_latency == b.rpc_latency);
  EXPECT_TRUE(a.rpc_latency_uncorrected == b.rpc_latency_uncorrected);
  EXPECT_TRUE(a.first_image == b.first_image);
  EXPECT_TRUE(a.image_gap == b.image_gap);
  EXPECT_EQ(a.rpcs, b.rpcs);
  EXPECT_EQ(a.images, b.images);
  EXPECT_EQ(a.bytes, b.bytes);
  EXPECT_EQ(a.errors, b.errors);
}

TEST(RecordedRunsTest, TextRoundTripIsLossless) {
  std::vector<RecordedRun> runs = {
      MakeRun("ListImages/concurrency:1", 1, 5000, absl::Milliseconds(1234)),
      MakeRun("StreamImages/x", 2, 300, absl::Seconds(2))};
  runs[1].repetition = 3;
  runs[1].stats.errors = 2;

  absl::StatusOr<std::vector<RecordedRun>> parsed =
      ParseRecordedRuns(FormatRecordedRuns(runs));

  ASSERT_TRUE(parsed.ok()) << parsed.status();
  ASSERT_EQ(parsed->size(), 2);
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ((*parsed)[i].name, runs[i].name);
    EXPECT_EQ((*parsed)[i].repetition, runs[i].repetition);
    EXPECT_EQ((*parsed)[i].wall, runs[i].wall);
    ExpectSameStats((*parsed)[i].stats, runs[i].stats);
  }
}

TEST(RecordedRunsTest, MergingTwoProcessesEqualsOneHistogramOfAllSamples) {
  const RecordedRun first =
      MakeRun("StreamImages/x", 10, 4000, absl::Seconds(3));
  const RecordedRun second =
      MakeRun("StreamImages/x", 20, 7000, absl::Seconds(5));
  RpcStats everything;
  RecordSamples(10, 4000, &everything);
  RecordSamples(20, 7000, &everything);

  // Through the file form, as scripts/merge does.
  absl::StatusOr<std::vector<RecordedRun>> file1 =
      ParseRecordedRuns(FormatRecordedRuns({first}));
  absl::StatusOr<std::vector<RecordedRun>> file2 =
      ParseRecordedRuns(FormatRecordedRuns({second}));
  ASSERT_TRUE(file1.ok() && file2.ok());
  const std::vector<RecordedRun> merged = MergeRecordedRuns({*file1, *file2});

  ASSERT_EQ(merged.size(), 1);
  ExpectSameStats(merged[0].stats, everything);
  EXPECT_EQ(merged[0].wall, absl::Seconds(5));
  for (double p : {50.0, 90.0, 99.0, 99.9, 100.0}) {
    EXPECT_EQ(merged[0].stats.rpc_latency.ValueAtPercentile(p),
              everything.rpc_latency.ValueAtPercentile(p));
  }
}

const absl::Time kStart = absl::FromUnixSeconds(1767225600);

TEST(RecordedRunsTest, TheWindowStartRoundTripsToTheNanosecond) {
  RecordedRun run = MakeRun("StreamImages/x", 1, 10, absl::Milliseconds(1500));
  run.start = kStart + absl::Nanoseconds(123456789);

  const std::string text = FormatRecordedRuns({run});
  absl::StatusOr<std::vector<RecordedRun>> parsed = ParseRecordedRuns(text);

  EXPECT_THAT(text, HasSubstr("\nwall_ns 1500000000\n"
                              "start_unix_ns 1767225600123456789\n"));
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  ASSERT_EQ(parsed->size(), 1);
  EXPECT_EQ((*parsed)[0].start, run.start);
  EXPECT_EQ((*parsed)[0].wall, run.wall);
}

// Files written before windows were recorded: header v1, no start.
TEST(RecordedRunsTest, AVersion1FileStillReads) {
  std::string text = FormatRecordedRuns(
      {MakeRun("ListImages/concurrency:1", 1, 50, absl::Seconds(2))});
  ASSERT_EQ(text.rfind("image_bench.RecordedRuns v2\n", 0), 0);
  text.replace(0, std::string("image_bench.RecordedRuns v2").size(),
               "image_bench.RecordedRuns v1");

  absl::StatusOr<std::vector<RecordedRun>> parsed = ParseRecordedRuns(text);

  ASSERT_TRUE(parsed.ok()) << parsed.status();
  ASSERT_EQ(parsed->size(), 1);
  EXPECT_EQ((*parsed)[0].start, std::nullopt);
  EXPECT_EQ((*parsed)[0].stats.rpcs, 50);
  EXPECT_EQ((*parsed)[0].wall, absl::Seconds(2));
}

TEST(RecordedRunsTest, MergedWindowSpansTheFirstStartToTheLastEnd) {
  RecordedRun early = MakeRun("x", 1, 10, absl::Seconds(3));
  early.start = kStart;
  RecordedRun late = MakeRun("x", 2, 10, absl::Seconds(2));
  late.start = kStart + absl::Milliseconds(1500);  // Ends 0.5 s after early.
  RecordedRun inside = MakeRun("x", 3, 10, absl::Seconds(1));
  inside.start = kStart + absl::Seconds(1);

  const std::vector<RecordedRun> merged =
      MergeRecordedRuns({{late}, {inside}, {early}});

  ASSERT_EQ(merged.size(), 1);
  EXPECT_EQ(merged[0].start, kStart);
  EXPECT_EQ(merged[0].wall, absl::Milliseconds(3500));
  // A merge of merges spans the same.
  const std::vector<RecordedRun> again =
      MergeRecordedRuns({MergeRecordedRuns({{late}, {inside}}), {early}});
  EXPECT_EQ(again[0].start, kStart);
  EXPECT_EQ(again[0].wall, absl::Milliseconds(3500));
}

TEST(RecordedRunsTest, AnUnknownStartLeavesTheLongestWallTime) {
  RecordedRun windowed = MakeRun("x", 1, 10, absl::Seconds(2));
  windowed.start = kStart;
  const RecordedRun old = MakeRun("x", 2, 10, absl::Seconds(3));

  for (const auto& files :
       {std::vector<std::vector<RecordedRun>>{{windowed}, {old}},
        std::vector<std::vector<RecordedRun>>{{old}, {windowed}}}) {
    const std::vector<RecordedRun> merged = MergeRecordedRuns(files);
    ASSERT_EQ(merged.size(), 1);
    EXPECT_EQ(merged[0].start, std::nullopt);
    EXPECT_EQ(merged[0].wall, absl::Seconds(3));
    EXPECT_THAT(FormatRecordedRuns(merged),
                ::testing::Not(HasSubstr("start_unix_ns")));
  }
}

TEST(RecordedRunsTest, DifferentRunsStaySeparate) {
  const std::vector<RecordedRun> merged =
      MergeRecordedRuns({{MakeRun("a", 1, 10, absl::Seconds(1))},
                         {MakeRun("b", 2, 10, absl::Seconds(1))}});
  ASSERT_EQ(merged.size(), 2);
  EXPECT_EQ(merged[0].name, "a");
  EXPECT_EQ(merged[1].name, "b");
}

TEST(RecordedRunsTest, RejectsOtherFilesWithALineNumber) {
  EXPECT_THAT(ParseRecordedRuns("hello\n").status().message(),
              HasSubstr("not a recorded-runs file"));
  std::string text =
      FormatRecordedRuns({MakeRun("a", 1, 10, absl::Seconds(1))});
  text.replace(text.find("rpcs "), 6, "rpcs x");
  const absl::Status status = ParseRecordedRuns(text).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("line 5: 'rpcs' needs an integer"));
}

}  // namespace
}  // namespace image_bench

#include "bench/merge/merge_report.h"

#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace image_bench {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kList[] = "ListImages/concurrency:8/process_time/manual_time";
constexpr char kStream[] =
    "StreamImages/images_per_stream:10/concurrency:2/process_time/manual_time";

// `rpcs` calls of `latency_us` each; streams also get images and bytes.
RecordedRun MakeRun(const std::string& name, int64_t rpcs, int64_t latency_us,
                    absl::Duration wall, bool stream = false) {
  RecordedRun run;
  run.name = name;
  run.wall = wall;
  for (int64_t i = 0; i < rpcs; ++i) {
    run.stats.rpc_latency.Record(latency_us * 1000);
    run.stats.rpc_latency_uncorrected.Record(latency_us * 1000);
    if (!stream) continue;
    run.stats.first_image.Record(latency_us * 100);
    for (int image = 1; image < 10; ++image) {
      run.stats.image_gap.Record(latency_us * 50);
    }
  }
  run.stats.rpcs = rpcs;
  if (stream) {
    run.stats.images = rpcs * 10;
    run.stats.bytes = rpcs * 10 * 1000;
  }
  return run;
}

std::string Row(const char* label, const LatencyHistogram& latency) {
  return absl::StrFormat("  %-25s %10.1f %10.1f %10.1f %10.1f %10.1f", label,
                         latency.ValueAtPercentile(50) / 1000.0,
                         latency.ValueAtPercentile(90) / 1000.0,
                         latency.ValueAtPercentile(99) / 1000.0,
                         latency.ValueAtPercentile(99.9) / 1000.0,
                         latency.max_ns() / 1000.0);
}

TEST(MergeReportTest, CountsHowManyFilesHoldEachRun) {
  RecordedRun second_repetition = MakeRun(kList, 10, 100, absl::Seconds(1));
  second_repetition.repetition = 1;
  const MergedRuns merged =
      MergeFiles({{MakeRun(kList, 10, 100, absl::Seconds(1))},
                  {MakeRun(kList, 20, 100, absl::Seconds(2)),
                   MakeRun(kStream, 5, 1000, absl::Seconds(1), true)},
                  {second_repetition}});

  EXPECT_EQ(merged.files, 3);
  ASSERT_EQ(merged.runs.size(), 3);
  EXPECT_EQ(merged.runs[0].stats.rpcs, 30);
  EXPECT_THAT(merged.processes, ElementsAre(2, 1, 1));
}

TEST(MergeReportTest, TotalsAndRatesOverTheLongestWallTime) {
  const MergedRuns merged =
      MergeFiles({{MakeRun(kStream, 300, 1000, absl::Seconds(2), true)},
                  {MakeRun(kStream, 100, 1000, absl::Seconds(4), true)}});

  const std::string report = MergeReport(merged);

  EXPECT_THAT(report, HasSubstr("Merged 2 files into 1 run:"));
  EXPECT_THAT(report, HasSubstr(std::string(kStream) + "  repetition 0\n"));
  EXPECT_THAT(report, HasSubstr("processes merged 2 of 2, longest wall time "
                                "4.000 s"));
  EXPECT_THAT(report,
              HasSubstr("rpcs 400  images 4000  bytes 4000000  errors 0"));
  // 400 rpcs, 4000 images, 4 MB over 4 s: the processes ran side by side.
  EXPECT_THAT(report, HasSubstr("per second: rpcs 100.0  images 1000.0  "
                                "bytes 1000000 (0.001 GB/s)"));
}

const absl::Time kStart = absl::FromUnixSeconds(1767225600);

RecordedRun Windowed(RecordedRun run, absl::Duration after_start) {
  run.start = kStart + after_start;
  return run;
}

TEST(MergeReportTest, CoincidingWindowsGiveTheSumOfTheProcessesRates) {
  const MergedRuns merged =
      MergeFiles({{Windowed(MakeRun(kStream, 300, 1000, absl::Seconds(2), true),
                            absl::ZeroDuration())},
                  {Windowed(MakeRun(kStream, 100, 1000, absl::Seconds(2), true),
                            absl::ZeroDuration())}});

  const std::string report = MergeReport(merged);

  EXPECT_THAT(report,
              HasSubstr("processes merged 2 of 2, window 2.000 s from the "
                        "first start to the last end\n"
                        "  starts 0.0 ms apart, ends 0.0 ms apart\n"
                        "  rpcs 400  images 4000  bytes 4000000  errors 0\n"
                        "  per second: rpcs 200.0  images 2000.0  bytes "
                        "2000000 (0.002 GB/s)\n"
                        "  sum of per-process rates: rpcs 200.0  images "
                        "2000.0  bytes 2000000 (0.002 GB/s)\n"));
  EXPECT_THAT(report, Not(HasSubstr("WARNING")));
}

TEST(MergeReportTest, TheWindowSpansFirstStartToLastEndAndSaysTheSpread) {
  // Starts 10 ms apart, ends 30 ms apart: a window of 1.030 s.
  const MergedRuns merged =
      MergeFiles({{Windowed(MakeRun(kList, 1000, 100, absl::Seconds(1)),
                            absl::ZeroDuration())},
                  {Windowed(MakeRun(kList, 1000, 100, absl::Milliseconds(1020)),
                            absl::Milliseconds(10))}});
  ASSERT_TRUE(merged.windows[0].has_value());
  EXPECT_EQ(merged.windows[0]->first_start, kStart);
  EXPECT_EQ(merged.windows[0]->last_start, kStart + absl::Milliseconds(10));
  EXPECT_EQ(merged.windows[0]->first_end, kStart + absl::Seconds(1));
  EXPECT_EQ(merged.windows[0]->last_end, kStart + absl::Milliseconds(1030));
  EXPECT_NEAR(merged.rate_sums[0].rpcs, 1000 + 1000 / 1.02, 1e-9);

  const std::string report = MergeReport(merged);

  EXPECT_THAT(report, HasSubstr("window 1.030 s from the first start to the "
                                "last end\n  starts 10.0 ms apart, ends 30.0 "
                                "ms apart\n"));
  // 2000 calls over 1.030 s; the sum assumes both ran at once throughout.
  EXPECT_THAT(report, HasSubstr("per second: rpcs 1941.7  images 0.0"));
  EXPECT_THAT(report, HasSubstr("sum of per-process rates: rpcs 1980.4"));
  EXPECT_THAT(report, Not(HasSubstr("WARNING")));
}

TEST(MergeReportTest, WindowsThatHardlyOverlapAreWarned) {
  const MergedRuns merged =
      MergeFiles({{Windowed(MakeRun(kList, 1000, 100, absl::Seconds(1)),
                            absl::ZeroDuration())},
                  {Windowed(MakeRun(kList, 1000, 100, absl::Seconds(1)),
                            absl::Milliseconds(600))}});

  EXPECT_THAT(MergeReport(merged),
              HasSubstr("  WARNING: every process was measuring for only "
                        "0.400 s of the 1.600 s window"));
}

TEST(MergeReportTest, WithoutEveryWindowTheLongestWallTimeAsBefore) {
  const MergedRuns merged =
      MergeFiles({{Windowed(MakeRun(kList, 100, 100, absl::Seconds(1)),
                            absl::ZeroDuration())},
                  {MakeRun(kList, 100, 100, absl::Seconds(2))}});

  EXPECT_EQ(merged.windows[0], std::nullopt);
  const std::string report = MergeReport(merged);
  EXPECT_THAT(report, HasSubstr("processes merged 2 of 2, longest wall time "
                                "2.000 s\n"));
  EXPECT_THAT(report, HasSubstr("per second: rpcs 100.0"));
  EXPECT_THAT(report, HasSubstr("sum of per-process rates: rpcs 150.0"));
}

TEST(MergeReportTest, OneProcessPrintsItsWindowButNoSum) {
  const std::string report = MergeReport(MergeFiles({{Windowed(
      MakeRun(kList, 100, 100, absl::Seconds(1)), absl::ZeroDuration())}}));
  EXPECT_THAT(report, HasSubstr("processes merged 1 of 1, window 1.000 s from "
                                "the first start to the last end\n  rpcs 100"));
  EXPECT_THAT(report, Not(HasSubstr("sum of per-process rates")));
}

TEST(MergeReportTest, PercentilesComeFromSummedBucketsNotAverages) {
  // 900 fast calls in one process, 100 slow in the other: p50 and p90 of all
  // samples are fast, p99 slow; averaging the processes' p50s would say
  // about 5 ms.
  const MergedRuns merged =
      MergeFiles({{MakeRun(kList, 900, 100, absl::Seconds(1))},
                  {MakeRun(kList, 100, 10000, absl::Seconds(1))}});
  const LatencyHistogram& latency = merged.runs[0].stats.rpc_latency;
  ASSERT_EQ(latency.count(), 1000);
  EXPECT_NEAR(latency.ValueAtPercentile(90), 100e3, 1e3);
  EXPECT_NEAR(latency.ValueAtPercentile(99), 10e6, 1e5);

  const std::string report = MergeReport(merged);

  EXPECT_THAT(report, HasSubstr(Row("rpc_latency", latency)));
  EXPECT_THAT(report, HasSubstr("max"));
}

TEST(MergeReportTest, StreamHistogramsShownOnlyForStreams) {
  const std::string list =
      MergeReport(MergeFiles({{MakeRun(kList, 10, 100, absl::Seconds(1))}}));
  const MergedRuns streams = MergeFiles(
      {{MakeRun(kStream, 10, 1000, absl::Seconds(1), /*stream=*/true)}});
  const std::string stream = MergeReport(streams);

  EXPECT_THAT(list, Not(HasSubstr("first_image")));
  EXPECT_THAT(list, Not(HasSubstr("image_gap")));
  EXPECT_THAT(stream,
              HasSubstr(Row("first_image", streams.runs[0].stats.first_image)));
  EXPECT_THAT(stream,
              HasSubstr(Row("image_gap", streams.runs[0].stats.image_gap)));
}

TEST(MergeReportTest, UncorrectedLatencyShownOnlyWhenItDiffers) {
  RecordedRun open_loop = MakeRun(kList, 10, 100, absl::Seconds(1));
  open_loop.stats.rpc_latency_uncorrected.Reset();
  open_loop.stats.rpc_latency_uncorrected.Record(40'000);

  EXPECT_THAT(
      MergeReport(MergeFiles({{MakeRun(kList, 10, 100, absl::Seconds(1))}})),
      Not(HasSubstr("rpc_latency_uncorrected")));
  EXPECT_THAT(MergeReport(MergeFiles({{open_loop}})),
              HasSubstr("rpc_latency_uncorrected"));
  // Closed loop: the same calls timed from starts 300 ns apart.
  RecordedRun closed_loop = MakeRun(kList, 10, 100, absl::Seconds(1));
  closed_loop.stats.rpc_latency_uncorrected.Reset();
  for (int i = 0; i < 10; ++i) {
    closed_loop.stats.rpc_latency_uncorrected.Record(100'000 - 300);
  }
  EXPECT_THAT(MergeReport(MergeFiles({{closed_loop}})),
              Not(HasSubstr("rpc_latency_uncorrected")));
  RecordedRun no_samples = open_loop;
  no_samples.stats.rpc_latency_uncorrected.Reset();
  EXPECT_THAT(MergeReport(MergeFiles({{no_samples}})),
              Not(HasSubstr("rpc_latency_uncorrected")));
}

TEST(MergeReportTest, NoWallTimeMeansNoRates) {
  const std::string report = MergeReport(
      MergeFiles({{MakeRun(kList, 10, 100, absl::ZeroDuration())}}));
  EXPECT_THAT(report, HasSubstr("per second: n/a"));
}

}  // namespace
}  // namespace image_bench

#include "bench/report/compact_console.h"

#include <sstream>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace image_bench {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using BenchRun = benchmark::BenchmarkReporter::Run;

BenchRun MakeRun(const std::string& name) {
  BenchRun run;
  run.run_name.function_name = name;
  run.run_type = BenchRun::RT_Iteration;
  run.iterations = 10;
  run.real_accumulated_time = 1;
  run.time_unit = benchmark::kMillisecond;
  return run;
}

TEST(CompactConsoleTest, DisplayNamesDropGbenchsRunSettings) {
  EXPECT_EQ(DisplayName("StreamImages/images_per_stream:100/concurrency:8/"
                        "process_time/manual_time"),
            "StreamImages/images_per_stream:100/concurrency:8");
  EXPECT_EQ(DisplayName("Baseline/tcp_bulk/min_time:0.300/process_time/"
                        "manual_time"),
            "Baseline/tcp_bulk");
  EXPECT_EQ(DisplayName("ListImages/concurrency:4/iterations:500/"
                        "process_time/manual_time"),
            "ListImages/concurrency:4");
}

// What a user reads: each stream's rate beside the same run's TCP bulk rate,
// in a line that fits a 120-column terminal.
TEST(CompactConsoleTest, StreamRowsShowTheirShareOfTheSameRunsTcpBulk) {
  CompactConsoleReporter reporter;
  std::ostringstream out, err;
  reporter.SetOutputStream(&out);
  reporter.SetErrorStream(&err);
  BenchRun tcp = MakeRun("Baseline/tcp_bulk/min_time:0.300/manual_time");
  tcp.counters["bytes_per_second"] = 4e9;
  BenchRun stream = MakeRun(
      "StreamImages/images_per_stream:1000/concurrency:64/process_time/"
      "manual_time");
  stream.counters["bytes_per_second"] = 3e9;
  stream.counters["images_per_second"] = 5120;
  stream.counters["p50_us"] = 12345;
  stream.counters["p99_us"] = 2.5e6;
  stream.counters["errors"] = 0;
  BenchRun list = MakeRun("ListImages/concurrency:1/process_time/manual_time");
  list.counters["rpcs_per_second"] = 18500;
  list.counters["p50_us"] = 52.4;
  list.counters["p99_us"] = 151;
  list.counters["errors"] = 2;

  reporter.ReportRuns({tcp});
  reporter.ReportRuns({stream, list});

  const std::string text = out.str();
  EXPECT_THAT(text, HasSubstr("Baseline/tcp_bulk "));
  EXPECT_THAT(text, HasSubstr("4.000"));
  const std::string stream_row = reporter.Row(stream);
  EXPECT_THAT(stream_row,
              HasSubstr("StreamImages/images_per_stream:1000/concurrency:64"));
  EXPECT_THAT(stream_row, HasSubstr("5120.0"));
  EXPECT_THAT(stream_row, HasSubstr("3.000"));
  EXPECT_THAT(stream_row, HasSubstr("75.0 %"));
  EXPECT_THAT(stream_row, HasSubstr("12.35 ms"));
  EXPECT_THAT(stream_row, HasSubstr("2.50 s"));
  const std::string list_row = reporter.Row(list);
  EXPECT_THAT(list_row, HasSubstr("18.5k"));
  EXPECT_THAT(list_row, HasSubstr("52.4 us"));
  EXPECT_THAT(list_row, HasSubstr("151.0 us"));
  EXPECT_THAT(list_row, Not(HasSubstr("%")));
  for (const std::string& row : {reporter.Header(), stream_row, list_row}) {
    EXPECT_LE(row.size(), 120u) << row;
  }
}

TEST(CompactConsoleTest, ErrorsAndMediansOfRepetitions) {
  CompactConsoleReporter reporter;
  BenchRun failed =
      MakeRun("ListImages/concurrency:8/process_time/manual_time");
  failed.error_occurred = true;
  failed.error_message = "3 errors against 127.0.0.1:1; first: UNAVAILABLE";
  EXPECT_THAT(reporter.Row(failed), HasSubstr("ERROR: 3 errors against"));

  BenchRun median =
      MakeRun("ListImages/concurrency:8/process_time/manual_time");
  median.run_type = BenchRun::RT_Aggregate;
  median.aggregate_name = "median";
  median.repetitions = 5;
  median.counters["p50_us"] = 60;
  EXPECT_THAT(reporter.Row(median), HasSubstr("  median of 5 repetitions"));
  EXPECT_THAT(reporter.Row(median), HasSubstr("60.0 us"));
}

}  // namespace
}  // namespace image_bench

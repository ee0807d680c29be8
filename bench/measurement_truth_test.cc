// Does the bench measure right? Against a server with known, calibrated
// behaviour: a fixed added delay must show in the p50, and a periodic stall
// must show in the open-loop p99 while the closed-loop and uncorrected
// figures hide it (coordinated omission).
#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/file_io.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/bench_json.h"
#include "testing/scratch_path.h"
#include "testing/subprocess.h"

namespace image_bench {
namespace {

using ::google::protobuf::Struct;
using ::image_testing::BenchmarksByName;
using ::image_testing::Number;
using ::image_testing::ScratchPath;
using ::image_testing::ServerProcess;
using ::image_testing::Subprocess;

// Runs image_bench against `target` and returns the one ListImages run.
Struct RunListImages(const std::string& target,
                     const std::vector<std::string>& flags) {
  const std::string json = ScratchPath("truth.json");
  std::vector<std::string> args = {
      "--target=" + target, "--benchmark_filter=^ListImages/",
      "--benchmark_out=" + json, "--benchmark_out_format=json"};
  args.insert(args.end(), flags.begin(), flags.end());
  Subprocess bench(BENCH_BINARY, args);
  const std::optional<int> exit_code = bench.WaitForExit(absl::Minutes(2));
  EXPECT_TRUE(exit_code.has_value());
  EXPECT_EQ(exit_code.value_or(-1), 0) << bench.err();
  const std::map<std::string, Struct> runs =
      BenchmarksByName(image_common::ReadFile(json).value_or(""));
  EXPECT_EQ(runs.size(), 1);
  return runs.empty() ? Struct() : runs.begin()->second;
}

// The calibrated server delays every call by exactly 2 ms (its wait is
// precise to a few microseconds). The bench must show it: never less than
// 2 ms + the no-delay p50 (3 % slack), and never more than that plus what it
// costs this client to wake a CPU that idled for 2 ms, which no client-side
// code can avoid and which grows when the VM is in a slow spell. A bench that
// lost the delay (about +0) or counted it twice (about +2 ms more) is far
// outside that window whatever the VM does, so a measurement that lands
// outside it only through the VM's wake-up noise is taken again, up to three
// times, while a real error fails every attempt.
TEST(MeasurementTruthTest, AddedDelayShowsInTheP50) {
  ServerProcess plain(SERVER_BINARY, {"--images_dir=" IMAGES_DIR});
  ServerProcess delayed(SERVER_BINARY, {"--images_dir=" IMAGES_DIR,
                                        "--calibration_delay_per_call_ms=2"});
  const std::optional<std::string> plain_address = plain.WaitForAddress();
  const std::optional<std::string> delayed_address = delayed.WaitForAddress();
  ASSERT_TRUE(plain_address && delayed_address);
  const std::vector<std::string> flags = {"--list_concurrency=1",
                                          "--benchmark_min_time=1"};
  constexpr double kWakeUpAllowance = 500;
  std::string attempts;
  for (int attempt = 0; attempt < 3; ++attempt) {
    const double base_p50 =
        Number(RunListImages(*plain_address, flags), "p50_us");
    const double delayed_p50 =
        Number(RunListImages(*delayed_address, flags), "p50_us");
    ASSERT_GT(base_p50, 0);
    const double expected = 2000 + base_p50;
    const double slack = std::max(0.03 * expected, 20.0);
    if (delayed_p50 >= expected - slack &&
        delayed_p50 <= expected + slack + kWakeUpAllowance) {
      return;
    }
    absl::StrAppend(&attempts, " [no-delay p50 ", base_p50,
                    " us, 2 ms delay p50 ", delayed_p50, " us]");
  }
  ADD_FAILURE() << "the 2 ms delay did not show as +2 ms in three attempts:"
                << attempts;
}

// A 200 ms stall every 5 s, over a 10 s open-loop run at a rate the server
// easily holds: the stalls hold up about 2 % of the calls, so the corrected
// p99 must show them, while the same calls timed from their actual start, and
// a closed-loop run, barely notice.
TEST(MeasurementTruthTest, OpenLoopShowsAStallThatClosedLoopHides) {
  const std::vector<std::string> stall = {"--images_dir=" IMAGES_DIR,
                                          "--calibration_stall_ms=200",
                                          "--calibration_stall_every_s=5"};
  ServerProcess open_server(SERVER_BINARY, stall);
  const std::optional<std::string> open_address = open_server.WaitForAddress();
  ASSERT_TRUE(open_address);
  const Struct open = RunListImages(
      *open_address,
      {"--list_concurrency=4", "--rate=500", "--open_loop_duration_s=10"});

  ServerProcess closed_server(SERVER_BINARY, stall);
  const std::optional<std::string> closed_address =
      closed_server.WaitForAddress();
  ASSERT_TRUE(closed_address);
  const Struct closed = RunListImages(
      *closed_address, {"--list_concurrency=4", "--benchmark_min_time=10"});

  EXPECT_GE(Number(open, "p99_us"), 100000);
  EXPECT_LT(Number(open, "p99_uncorrected_us"), 20000);
  EXPECT_GE(Number(open, "max_uncorrected_us"), 150000)
      << "the calls in flight during a stall wait for it";
  EXPECT_LT(Number(closed, "p99_us"), 20000);
  EXPECT_GE(Number(closed, "max_us"), 150000);
}

}  // namespace
}  // namespace image_bench

#include "bench/report/efficiency.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace image_bench {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(EfficiencyTest, StatesStreamsAsFractionOfBulkAndListAsMultipleOfRtt) {
  EfficiencyInputs inputs;
  inputs.bytes_per_second["Baseline/tcp_bulk"] = {4e9, 5e9, 6e9};
  inputs.p50_us["Baseline/tcp_ping_pong"] = {50};
  inputs.bytes_per_second["StreamImages/images_per_stream:1000/concurrency:1"] =
      {2.5e9};
  inputs.p50_us["ListImages/concurrency:1"] = {75};
  inputs.names = {"Baseline/tcp_bulk", "ListImages/concurrency:1",
                  "StreamImages/images_per_stream:1000/concurrency:1"};

  const std::string summary = EfficiencySummary(inputs);

  EXPECT_THAT(summary, HasSubstr("bulk 5.00 GB/s"));
  EXPECT_THAT(summary, HasSubstr("round trip 50.0 us"));
  EXPECT_THAT(summary, HasSubstr("2.50 GB/s   50.0 % of TCP bulk"));
  EXPECT_THAT(summary, HasSubstr("1.50x TCP round trip"));
  EXPECT_LT(summary.find("ListImages"), summary.find("StreamImages"));
  EXPECT_THAT(summary, Not(HasSubstr("gRPC floor")));
}

TEST(EfficiencyTest, StatesListAlsoAsMultipleOfTheGrpcFloor) {
  EfficiencyInputs inputs;
  inputs.p50_us["Baseline/tcp_ping_pong"] = {50};
  inputs.p50_us["Baseline/health_check"] = {60};
  inputs.p50_us["ListImages/concurrency:1"] = {75};
  inputs.names = {"ListImages/concurrency:1"};

  const std::string summary = EfficiencySummary(inputs);

  EXPECT_THAT(summary, HasSubstr("gRPC floor (Health/Check) 60.0 us"));
  EXPECT_THAT(summary, HasSubstr("1.50x TCP round trip, 1.25x gRPC floor"));
}

TEST(EfficiencyTest, SaysWhenThereIsNoBaseline) {
  EfficiencyInputs inputs;
  inputs.p50_us["ListImages/concurrency:1"] = {75};
  EXPECT_THAT(EfficiencySummary(inputs), HasSubstr("no TCP baseline"));
}

}  // namespace
}  // namespace image_bench

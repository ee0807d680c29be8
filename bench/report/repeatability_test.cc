#include "bench/report/repeatability.h"

#include <cmath>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace image_bench {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

constexpr char kStream[] = "StreamImages/images_per_stream:100/concurrency:1";
constexpr char kList[] = "ListImages/concurrency:8";

RepeatabilityInputs QuietInputs() {
  RepeatabilityInputs inputs;
  inputs.names = {"Baseline/tcp_bulk", kList, kStream};
  inputs.bytes_per_second["Baseline/tcp_bulk"] = {4e9, 8e9};
  inputs.bytes_per_second[kStream] = {2.00e9, 2.02e9, 1.98e9};
  inputs.rpcs_per_second[kList] = {10000, 10100, 9900};
  inputs.rpcs_per_second[kStream] = {20, 20, 20};
  inputs.p99_us[kList] = {100, 101, 99};
  inputs.p99_us[kStream] = {5000, 5010, 4990};
  return inputs;
}

TEST(RepeatabilityTest, TabulatesThroughputAndP99OfGrpcBenchmarksInRunOrder) {
  const std::string summary = RepeatabilitySummary(QuietInputs());

  EXPECT_THAT(summary, HasSubstr("Repeatability across repetitions"));
  EXPECT_THAT(summary, Not(HasSubstr("Baseline")));
  EXPECT_THAT(summary, Not(HasSubstr("WARNING")));
  // Streams in GB/s (10^9 bytes), ListImages in rpcs/s.
  EXPECT_THAT(summary, HasSubstr("   3  GB/s           2.000        2.000"));
  EXPECT_THAT(summary, HasSubstr("   3  rpcs/s       10000.0      10000.0"));
  EXPECT_THAT(summary, HasSubstr("p99 us        5000.0       5000.0"));
  EXPECT_THAT(summary, HasSubstr("1.0 %"));
  EXPECT_LT(summary.find(kList), summary.find(kStream));
}

TEST(RepeatabilityTest, WarnsForEachCvAboveFivePercent) {
  RepeatabilityInputs inputs = QuietInputs();
  inputs.bytes_per_second[kStream] = {1.85e9, 2.15e9};  // CV 10.6 %.
  inputs.p99_us[kList] = {90, 110};                     // CV 14.1 %.

  const std::string summary = RepeatabilitySummary(inputs);

  EXPECT_THAT(summary,
              HasSubstr(std::string("WARNING: ") + kStream +
                        " throughput CV 10.6 % > 5 %: the run is noisy; use "
                        "more repetitions or a quieter machine\n"));
  EXPECT_THAT(summary, HasSubstr(std::string("WARNING: ") + kList +
                                 " p99 CV 14.1 % > 5 %"));
  EXPECT_THAT(summary,
              Not(HasSubstr(std::string("WARNING: ") + kList + " throughput")));
}

TEST(RepeatabilityTest, ThresholdIsFivePercent) {
  RepeatabilityInputs inputs;
  inputs.names = {kList};
  inputs.p99_us[kList] = {100, 100};
  // Two samples 100 -+ d have a sample stddev of d * sqrt(2).
  inputs.rpcs_per_second[kList] = {100 - 4.9 / std::sqrt(2.0),
                                   100 + 4.9 / std::sqrt(2.0)};
  EXPECT_THAT(RepeatabilitySummary(inputs), Not(HasSubstr("WARNING")));
  inputs.rpcs_per_second[kList] = {100 - 5.1 / std::sqrt(2.0),
                                   100 + 5.1 / std::sqrt(2.0)};
  EXPECT_THAT(RepeatabilitySummary(inputs), HasSubstr("throughput CV 5.1 %"));
}

TEST(RepeatabilityTest, EmptyWithoutRepetitions) {
  RepeatabilityInputs inputs;
  inputs.names = {kList, kStream};
  inputs.rpcs_per_second[kList] = {10000};
  inputs.p99_us[kList] = {100};
  inputs.bytes_per_second[kStream] = {2e9};
  EXPECT_THAT(RepeatabilitySummary(inputs), IsEmpty());
  EXPECT_THAT(RepeatabilitySummary({}), IsEmpty());
}

}  // namespace
}  // namespace image_bench

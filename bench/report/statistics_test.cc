#include "bench/report/statistics.h"

#include <cmath>

#include "gtest/gtest.h"

namespace image_bench {
namespace {

TEST(StatisticsTest, MedianOfOddAndEvenCounts) {
  EXPECT_EQ(Median({3, 1, 2}), 2);
  EXPECT_EQ(Median({4, 1, 3, 2}), 2.5);
  EXPECT_EQ(Median({}), 0);
}

TEST(StatisticsTest, SpreadUsesSampleStddevLikeGbench) {
  const Spread spread = SpreadOf({2, 4, 4, 4, 5, 5, 7, 9});

  EXPECT_EQ(spread.samples, 8);
  EXPECT_DOUBLE_EQ(spread.mean, 5);
  EXPECT_DOUBLE_EQ(spread.median, 4.5);
  // Sum of squared deviations is 32; n - 1 = 7.
  EXPECT_DOUBLE_EQ(spread.stddev, std::sqrt(32.0 / 7));
  EXPECT_DOUBLE_EQ(spread.cv, std::sqrt(32.0 / 7) / 5);
}

TEST(StatisticsTest, CvIsAFraction) {
  EXPECT_DOUBLE_EQ(SpreadOf({90, 110}).cv, std::sqrt(200.0) / 100);
  EXPECT_EQ(SpreadOf({100, 100, 100}).cv, 0);
}

TEST(StatisticsTest, NoSpreadFromFewerThanTwoSamplesOrAZeroMean) {
  EXPECT_EQ(SpreadOf({}).cv, 0);
  EXPECT_EQ(SpreadOf({42}).cv, 0);
  EXPECT_EQ(SpreadOf({42}).stddev, 0);
  EXPECT_EQ(SpreadOf({0, 0}).cv, 0);
}

}  // namespace
}  // namespace image_bench

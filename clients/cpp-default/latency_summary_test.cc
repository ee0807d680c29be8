#include "clients/cpp-default/latency_summary.h"

#include <numeric>

#include "gtest/gtest.h"

namespace cpp_default_client {
namespace {

std::vector<double> OneTo(int n) {
  std::vector<double> values(n);
  std::iota(values.begin(), values.end(), 1.0);
  return values;
}

TEST(NearestRankTest, HundredValuesGiveTheirRanks) {
  const std::vector<double> values = OneTo(100);
  EXPECT_EQ(NearestRank(values, 0), 1);
  EXPECT_EQ(NearestRank(values, 50), 50);
  EXPECT_EQ(NearestRank(values, 90), 90);
  EXPECT_EQ(NearestRank(values, 99), 99);
  EXPECT_EQ(NearestRank(values, 100), 100);
}

TEST(NearestRankTest, RoundsTheRankUp) {
  const std::vector<double> ten = OneTo(10);
  EXPECT_EQ(NearestRank(ten, 50), 5);
  EXPECT_EQ(NearestRank(ten, 90), 9);
  EXPECT_EQ(NearestRank(ten, 99), 10);
  EXPECT_EQ(NearestRank(OneTo(200), 99), 198);
  EXPECT_EQ(NearestRank(OneTo(3), 50), 2);
  EXPECT_EQ(NearestRank({7}, 99), 7);
}

TEST(SummarizeTest, NoValuesNoSummary) {
  EXPECT_FALSE(Summarize({}).has_value());
}

TEST(SummarizeTest, SortsAndAverages) {
  const std::optional<LatencySummary> summary = Summarize({30, 10, 20, 40});
  ASSERT_TRUE(summary.has_value());
  EXPECT_EQ(summary->min, 10);
  EXPECT_EQ(summary->p50, 20);
  EXPECT_EQ(summary->p90, 40);
  EXPECT_EQ(summary->p99, 40);
  EXPECT_EQ(summary->max, 40);
  EXPECT_DOUBLE_EQ(summary->mean, 25);
}

}  // namespace
}  // namespace cpp_default_client

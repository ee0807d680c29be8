#include "clients/cpp-default/client_options.h"

#include <cmath>
#include <cstdlib>
#include <string>

#include "clients/cpp-default/scenario.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace cpp_default_client {
namespace {

using ::testing::HasSubstr;

CommandLine WithOut() {
  CommandLine given;
  given.out = "result.json";
  return given;
}

std::string ProblemWith(const CommandLine& given) {
  const absl::StatusOr<RunOptions> options = ResolveOptions(given);
  EXPECT_FALSE(options.ok());
  return std::string(options.status().message());
}

TEST(ResolveOptionsTest, DefaultsDependOnQuick) {
  CommandLine given = WithOut();
  absl::StatusOr<RunOptions> full = ResolveOptions(given);
  ASSERT_TRUE(full.ok()) << full.status();
  EXPECT_EQ(full->min_time_s, 1.0);
  EXPECT_EQ(full->list_calls, 200);
  EXPECT_EQ(full->target, "127.0.0.1:50051");
  given.quick = true;
  absl::StatusOr<RunOptions> quick = ResolveOptions(given);
  ASSERT_TRUE(quick.ok()) << quick.status();
  EXPECT_EQ(quick->min_time_s, 0.2);
  EXPECT_EQ(quick->list_calls, 50);
  given.min_time_s = 0.05;
  given.list_calls = 20;
  absl::StatusOr<RunOptions> given_values = ResolveOptions(given);
  ASSERT_TRUE(given_values.ok()) << given_values.status();
  EXPECT_EQ(given_values->min_time_s, 0.05);
  EXPECT_EQ(given_values->list_calls, 20);
}

TEST(ResolveOptionsTest, BadValuesNameTheirFlag) {
  EXPECT_THAT(ProblemWith(CommandLine()), HasSubstr("--out is required"));
  CommandLine given = WithOut();
  given.target = "";
  EXPECT_THAT(ProblemWith(given), HasSubstr("--target"));
  for (double bad : {-1.0, std::nan(""), 1e9}) {
    given = WithOut();
    given.min_time_s = bad;
    EXPECT_THAT(ProblemWith(given), HasSubstr("--min_time_s must be from 0"));
  }
  for (int bad : {0, -5, 2000000}) {
    given = WithOut();
    given.list_calls = bad;
    EXPECT_THAT(ProblemWith(given), HasSubstr("--list_calls must be from 1"));
  }
}

TEST(CheckOutputPathTest, NeedsAWritableDirectory) {
  const std::string scratch = ::testing::TempDir();
  EXPECT_TRUE(CheckOutputPath(scratch + "/result.json").ok());
  EXPECT_THAT(CheckOutputPath(scratch).message(), HasSubstr("is a directory"));
  EXPECT_THAT(CheckOutputPath("/no/such/folder/result.json").message(),
              HasSubstr("cannot write --out '/no/such/folder/result.json'"));
}

TEST(SettingsFlagTest, ParsesOnlyTheTwoNames) {
  Settings settings = Settings::kDefault;
  std::string error;
  EXPECT_TRUE(AbslParseFlag("recommended", &settings, &error));
  EXPECT_EQ(settings, Settings::kRecommended);
  EXPECT_EQ(AbslUnparseFlag(settings), "recommended");
  EXPECT_FALSE(AbslParseFlag("fast", &settings, &error));
  EXPECT_THAT(error, HasSubstr("'default' or 'recommended'"));
}

TEST(ChannelSettingsTest, DefaultOnlyRaisesTheReceiveLimit) {
  const std::vector<ChannelSetting> plain =
      ChannelSettingsFor(Settings::kDefault);
  ASSERT_EQ(plain.size(), 1u);
  EXPECT_EQ(plain[0].key, "grpc.max_receive_message_length");
  EXPECT_EQ(plain[0].value, 64 << 20);
  const std::vector<ChannelSetting> tuned =
      ChannelSettingsFor(Settings::kRecommended);
  ASSERT_EQ(tuned.size(), 4u);
  EXPECT_EQ(tuned[1].key, "grpc.http2.max_frame_size");
  EXPECT_EQ(tuned[2].key, "grpc.http2.bdp_probe");
  EXPECT_EQ(tuned[2].value, 0);
  EXPECT_EQ(tuned[3].key, "grpc.http2.lookahead_bytes");
}

std::vector<std::string> Names(const std::vector<ScenarioSpec>& plan) {
  std::vector<std::string> names;
  for (const ScenarioSpec& spec : plan) {
    names.push_back(std::string(ScenarioName(spec.rpc)) + "/" +
                    std::to_string(spec.concurrency) + "/" +
                    std::to_string(spec.images_per_stream));
  }
  return names;
}

TEST(ScenarioPlanTest, FollowsTheContractsTableInOrder) {
  RunOptions options;
  options.list_calls = 7;
  options.min_time_s = 0.5;
  options.quick = true;
  const std::vector<ScenarioSpec> quick = ScenarioPlan(options);
  EXPECT_THAT(Names(quick),
              ::testing::ElementsAre("list/1/0", "list/8/0", "stream/1/1",
                                     "stream/1/10", "stream/1/100",
                                     "stream/8/10", "stream/8/100"));
  EXPECT_EQ(quick[0].calls, 7);
  EXPECT_EQ(quick[2].min_time_s, 0.5);
  options.quick = false;
  const std::vector<std::string> full = Names(ScenarioPlan(options));
  ASSERT_EQ(full.size(), 16u);
  EXPECT_EQ(full[2], "stream/1/1");
  EXPECT_EQ(full[11], "stream/1/1000");
  EXPECT_EQ(full[12], "stream/8/1");
  EXPECT_EQ(full[15], "stream/8/1000");
}

}  // namespace
}  // namespace cpp_default_client

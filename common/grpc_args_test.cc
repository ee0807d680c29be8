#include "common/grpc_args.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace image_common {
namespace {

using ::testing::HasSubstr;

TEST(GrpcArgsTest, ParsesIntegersAndStrings) {
  absl::StatusOr<std::vector<GrpcArg>> args = ParseGrpcArgs(
      {"grpc.http2.lookahead_bytes=1048576", "grpc.primary_user_agent=x=y"});
  ASSERT_TRUE(args.ok()) << args.status();
  ASSERT_EQ(args->size(), 2);
  EXPECT_EQ((*args)[0].key, "grpc.http2.lookahead_bytes");
  EXPECT_EQ(std::get<int>((*args)[0].value), 1048576);
  EXPECT_EQ((*args)[1].key, "grpc.primary_user_agent");
  EXPECT_EQ(std::get<std::string>((*args)[1].value), "x=y");
}

TEST(GrpcArgsTest, AppliesToChannelArguments) {
  absl::StatusOr<std::vector<GrpcArg>> args =
      ParseGrpcArgs({"grpc.http2.bdp_probe=0", "grpc.lb_policy_name=x"});
  ASSERT_TRUE(args.ok());
  grpc::ChannelArguments arguments;
  ApplyGrpcArgs(*args, &arguments);
  const grpc_channel_args c_args = arguments.c_channel_args();
  int found = 0;
  for (size_t i = 0; i < c_args.num_args; ++i) {
    const grpc_arg& arg = c_args.args[i];
    if (std::string(arg.key) == "grpc.http2.bdp_probe") {
      EXPECT_EQ(arg.type, GRPC_ARG_INTEGER);
      EXPECT_EQ(arg.value.integer, 0);
      ++found;
    } else if (std::string(arg.key) == "grpc.lb_policy_name") {
      EXPECT_EQ(arg.type, GRPC_ARG_STRING);
      EXPECT_STREQ(arg.value.string, "x");
      ++found;
    }
  }
  EXPECT_EQ(found, 2);
}

TEST(GrpcArgsTest, RejectsItemsWithoutKeyOrEquals) {
  for (const char* bad : {"grpc.http2.bdp_probe", "=5"}) {
    absl::StatusOr<std::vector<GrpcArg>> args = ParseGrpcArgs({bad});
    EXPECT_EQ(args.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(args.status().message(), HasSubstr(bad));
  }
}

TEST(GrpcArgsTest, AnIntegerArgumentWithTextIsAnErrorNotSilentlyIgnored) {
  for (const char* bad :
       {"grpc.max_concurrent_streams=abc", "grpc.http2.max_frame_size=1MiB",
        "grpc.http2.lookahead_bytes=99999999999"}) {
    absl::StatusOr<std::vector<GrpcArg>> args = ParseGrpcArgs({bad});
    EXPECT_EQ(args.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_THAT(args.status().message(), HasSubstr("takes an integer"));
  }
  EXPECT_TRUE(ParseGrpcArgs({"grpc.max_concurrent_streams=100"}).ok());
  EXPECT_TRUE(ParseGrpcArgs({"grpc.primary_user_agent=mine"}).ok());
}

}  // namespace
}  // namespace image_common

#include "server/stream_record.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace image_server {
namespace {

StreamRecord Example() {
  StreamRecord record;
  record.rpc = kStreamImagesRpc;
  record.start_unix_us = 1764640001000123;
  record.end_unix_us = 1764640001090456;
  record.peer = "ipv4:127.0.0.1:40112";
  record.user_agent = "grpc-python/1.51.1 grpc-c/29.0.0 (linux; chttp2)";
  record.images = 100;
  record.bytes = 58000000;
  record.duration_us = 90333;
  record.first_image_us = 412;
  record.write_us = 88000;
  record.write_blocked_us = 81000;
  record.server_cpu_us = 30000;
  return record;
}

TEST(StreamRecordTest, JsonLineIsTheContractsExample) {
  EXPECT_EQ(StreamRecordJson(Example()),
            "{\"rpc\": \"StreamImages\", \"start_unix_us\": 1764640001000123, "
            "\"end_unix_us\": 1764640001090456, \"peer\": "
            "\"ipv4:127.0.0.1:40112\", \"user_agent\": \"grpc-python/1.51.1 "
            "grpc-c/29.0.0 (linux; chttp2)\", \"images\": 100, \"bytes\": "
            "58000000, \"duration_us\": 90333, \"first_image_us\": 412, "
            "\"write_us\": 88000, \"write_blocked_us\": 81000, "
            "\"blocked_share\": 0.8967, \"server_cpu_us\": 30000, "
            "\"status\": \"OK\", \"message\": \"\"}");
}

TEST(StreamRecordTest, NoImageMeansNullFirstImage) {
  StreamRecord record = Example();
  record.rpc = kListImagesRpc;
  record.images = 0;
  record.first_image_us = -1;
  EXPECT_THAT(StreamRecordJson(record),
              ::testing::HasSubstr("\"first_image_us\": null, "));
  EXPECT_THAT(StreamRecordJson(record),
              ::testing::StartsWith("{\"rpc\": \"ListImages\", "));
}

TEST(StreamRecordTest, QuotesAndBackslashesAreEscaped) {
  StreamRecord record = Example();
  record.user_agent = "a\"b\\x0a";
  record.status = "NOT_FOUND";
  record.message = "unknown image 'x\"'";
  const std::string line = StreamRecordJson(record);
  EXPECT_THAT(line, ::testing::HasSubstr("\"user_agent\": \"a\\\"b\\\\x0a\""));
  EXPECT_THAT(line,
              ::testing::HasSubstr("\"status\": \"NOT_FOUND\", \"message\": "
                                   "\"unknown image 'x\\\"'\"}"));
  EXPECT_EQ(line.find('\n'), std::string::npos);
}

TEST(StreamRecordTest, AControlByteLeftInAFieldIsAJsonEscape) {
  StreamRecord record = Example();
  record.peer = std::string(
      "a\x01"
      "b",
      3);
  EXPECT_THAT(StreamRecordJson(record),
              ::testing::HasSubstr("\"peer\": \"a\\u0001b\""));
}

TEST(StreamRecordTest, BlockedShareOfAZeroDurationIsZero) {
  StreamRecord record;
  record.write_blocked_us = 5;
  EXPECT_EQ(record.blocked_share(), 0);
  record.duration_us = 10;
  EXPECT_DOUBLE_EQ(record.blocked_share(), 0.5);
}

}  // namespace
}  // namespace image_server

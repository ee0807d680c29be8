#include "server/probe_wire.h"

#include <sys/socket.h>
#include <unistd.h>

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace image_server {
namespace {

using ::testing::HasSubstr;

class ProbeWireTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, fds_), 0);
  }
  void TearDown() override {
    if (fds_[0] >= 0) close(fds_[0]);
    if (fds_[1] >= 0) close(fds_[1]);
  }
  int fds_[2] = {-1, -1};
};

TEST_F(ProbeWireTest, RequestsKeepEveryByte) {
  const std::string bytes("\0\xff\n binary", 10);
  ASSERT_TRUE(WriteProbeRequest(fds_[0], bytes).ok());
  ASSERT_TRUE(WriteProbeRequest(fds_[0], "").ok());
  close(fds_[0]);
  fds_[0] = -1;
  absl::StatusOr<std::optional<std::string>> first = ReadProbeRequest(fds_[1]);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(**first, bytes);
  absl::StatusOr<std::optional<std::string>> second = ReadProbeRequest(fds_[1]);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(**second, "");
  absl::StatusOr<std::optional<std::string>> end = ReadProbeRequest(fds_[1]);
  ASSERT_TRUE(end.ok());
  EXPECT_FALSE(end->has_value());
}

TEST_F(ProbeWireTest, ATruncatedRequestIsAnError) {
  ASSERT_EQ(write(fds_[0], "\x10\0\0\0\0\0\0\0abc", 11), 11);
  close(fds_[0]);
  fds_[0] = -1;
  EXPECT_FALSE(ReadProbeRequest(fds_[1]).ok());
}

TEST_F(ProbeWireTest, RepliesCarryMetadataOrTheReason) {
  ASSERT_TRUE(WriteProbeReply(fds_[1], ImageMetadata{640, 480, 3, "jpg"}).ok());
  ASSERT_TRUE(WriteProbeReply(fds_[1], ImageMetadata{2, 3, 1, ""}).ok());
  ASSERT_TRUE(
      WriteProbeReply(fds_[1], absl::InvalidArgumentError("corrupt\npng image"))
          .ok());

  absl::StatusOr<absl::StatusOr<ImageMetadata>> jpg = ReadProbeReply(fds_[0]);
  ASSERT_TRUE(jpg.ok() && jpg->ok());
  EXPECT_EQ((*jpg)->width, 640);
  EXPECT_EQ((*jpg)->height, 480);
  EXPECT_EQ((*jpg)->channels, 3);
  EXPECT_EQ((*jpg)->sniffed_format, "jpg");
  absl::StatusOr<absl::StatusOr<ImageMetadata>> unknown =
      ReadProbeReply(fds_[0]);
  ASSERT_TRUE(unknown.ok() && unknown->ok());
  EXPECT_EQ((*unknown)->sniffed_format, "");
  absl::StatusOr<absl::StatusOr<ImageMetadata>> bad = ReadProbeReply(fds_[0]);
  ASSERT_TRUE(bad.ok());
  EXPECT_EQ(bad->status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(bad->status().message(), "corrupt png image");
}

TEST(ProbeReplyTest, MalformedRepliesAreErrors) {
  for (const char* line :
       {"", "ok", "ok 1 2 3", "ok a 2 3 jpg", "ok 1 2 3 ", "yes 1 2 3 jpg"}) {
    SCOPED_TRACE(line);
    EXPECT_FALSE(ParseProbeReply(line).ok());
  }
}

TEST_F(ProbeWireTest, AClosedPeerIsAnErrorNotASignal) {
  close(fds_[1]);
  fds_[1] = -1;
  EXPECT_FALSE(WriteProbeRequest(fds_[0], std::string(1 << 20, 'x')).ok());
  const absl::StatusOr<absl::StatusOr<ImageMetadata>> reply =
      ReadProbeReply(fds_[0]);
  EXPECT_THAT(reply.status().message(), HasSubstr("image prober"));
}

}  // namespace
}  // namespace image_server

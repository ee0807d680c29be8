#include "common/grpc_status.h"

#include "gtest/gtest.h"

namespace image_common {
namespace {

TEST(GrpcStatusTest, HandlersKeepCodeAndMessage) {
  const grpc::Status status =
      ToGrpcStatus(absl::NotFoundError("unknown image 'cat.jpg'"));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(status.error_message(), "unknown image 'cat.jpg'");
  EXPECT_TRUE(ToGrpcStatus(absl::OkStatus()).ok());
}

TEST(GrpcStatusTest, ClientsGetTheCodeNameInTheMessage) {
  const absl::Status status = ToAbslStatus(
      grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED, "too big"));
  EXPECT_EQ(status.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(status.message(), "RESOURCE_EXHAUSTED: too big");
}

TEST(GrpcStatusTest, EveryCanonicalCodeMapsToItself) {
  for (int code = 0; code <= 16; ++code) {
    const absl::Status status(static_cast<absl::StatusCode>(code), "x");
    EXPECT_EQ(static_cast<int>(ToGrpcStatus(status).error_code()), code);
    EXPECT_EQ(static_cast<int>(ToAbslStatus(ToGrpcStatus(status)).code()),
              code);
  }
}

}  // namespace
}  // namespace image_common

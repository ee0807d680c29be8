#include "server/accept_failure.h"

#include <string>

#include "grpc/support/log.h"
#include "gtest/gtest.h"

namespace image_server {
namespace {

TEST(AcceptFailureTest, RecognisesGrpcsAcceptFailureLinesOnly) {
  EXPECT_TRUE(IsAcceptFailure("Failed accept4: Too many open files"));
  EXPECT_TRUE(IsAcceptFailure("Failed accept: Too many open files"));
  EXPECT_FALSE(IsAcceptFailure("Failed to add port to server"));
  EXPECT_FALSE(IsAcceptFailure(""));
}

TEST(AcceptFailureTest, TheHandlerHearsOfTheFirstFailureOnce) {
  gpr_set_log_verbosity(GPR_LOG_SEVERITY_ERROR);  // As grpc_init sets it.
  int calls = 0;
  std::string heard;
  WatchForAcceptFailure("accept_failure_test", [&](const std::string& message) {
    ++calls;
    heard = message;
  });
  gpr_log(GPR_ERROR, "something else went wrong");
  EXPECT_EQ(calls, 0);
  gpr_log(GPR_ERROR, "Failed accept4: %s", "Too many open files");
  gpr_log(GPR_ERROR, "Failed accept4: %s", "Too many open files");
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(heard, "Failed accept4: Too many open files");
  gpr_set_log_function(nullptr);
}

}  // namespace
}  // namespace image_server

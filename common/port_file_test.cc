#include "common/port_file.h"

#include <unistd.h>

#include <filesystem>
#include <string>

#include "common/file_io.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace image_common {
namespace {

using ::testing::HasSubstr;

std::string ScratchFile(const std::string& name) {
  return (std::filesystem::temp_directory_path() /
          ("port_file_test_" + std::to_string(getpid()) + "_" + name))
      .string();
}

TEST(PortFileTest, WrittenAddressReadsBack) {
  const std::string path = ScratchFile("a");
  ASSERT_TRUE(WritePortFile(path, "127.0.0.1:43117").ok());
  EXPECT_EQ(ReadFile(path).value(), "127.0.0.1:43117\n");
  EXPECT_EQ(ReadPortFile(path).value(), "127.0.0.1:43117");
  std::filesystem::remove(path);
}

TEST(PortFileTest, ClearRemovesAnEarlierRunsFile) {
  const std::string path = ScratchFile("b");
  ASSERT_TRUE(WritePortFile(path, "127.0.0.1:1").ok());
  ASSERT_TRUE(ClearPortFile(path).ok());
  EXPECT_EQ(ReadPortFile(path).status().code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(ClearPortFile(path).ok()) << "nothing to clear is fine";
}

TEST(PortFileTest, ClearFailsAtOnceWhereNoFileCanBeWritten) {
  const absl::Status status = ClearPortFile("/no/such/dir/port");
  EXPECT_FALSE(status.ok());
  EXPECT_THAT(status.message(), HasSubstr("'/no/such/dir/port'"));
  EXPECT_FALSE(ClearPortFile(std::filesystem::temp_directory_path()).ok());
}

TEST(PortFileTest, AnEmptyPathMeansNoPortFile) {
  EXPECT_TRUE(ClearPortFile("").ok());
  EXPECT_TRUE(WritePortFile("", "127.0.0.1:1").ok());
}

TEST(PortFileTest, OnlyOneCompleteLineIsAnAddress) {
  const std::string path = ScratchFile("c");
  for (const std::string bad : {"", "127.0.0.1:5", "a\nb:1\n", "no port\n"}) {
    ASSERT_TRUE(WriteFile(path, bad).ok());
    EXPECT_EQ(ReadPortFile(path).status().code(),
              absl::StatusCode::kInvalidArgument)
        << bad;
  }
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace image_common

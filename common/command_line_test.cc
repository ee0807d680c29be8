#include "common/command_line.h"

#include <string>

#include "absl/flags/flag.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

ABSL_FLAG(std::string, sample_target, "127.0.0.1:50051",
          "A flag of this project, so --help must list it with its help "
          "text, which is long enough to be wrapped onto a second line at the "
          "hundredth column.");
ABSL_FLAG(int, sample_count, 3, "Another one.");

namespace image_common {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

const ProgramInfo kInfo = {"sample", "Does a sample thing.",
                           "sample [--sample_target=HOST:PORT]"};

TEST(CommandLineTest, HelpListsOwnFlagsWithDefaultsAndNotAbslOrGrpcOnes) {
  const std::string help = HelpText(kInfo);
  EXPECT_THAT(help, HasSubstr("Does a sample thing."));
  EXPECT_THAT(help, HasSubstr("Usage: sample [--sample_target=HOST:PORT]"));
  EXPECT_THAT(help,
              HasSubstr("  --sample_target (default \"127.0.0.1:50051\")\n"));
  EXPECT_THAT(help, HasSubstr("  --sample_count (default 3)\n"));
  EXPECT_THAT(help, HasSubstr("      A flag of this project"));
  EXPECT_THAT(help, Not(HasSubstr("--flagfile")));
  EXPECT_THAT(help, Not(HasSubstr("--fromenv")));
  EXPECT_LT(help.find("  --sample_count ("), help.find("  --sample_target ("))
      << "sorted by name";
  for (size_t start = 0, end; start < help.size(); start = end + 1) {
    end = help.find('\n', start);
    EXPECT_LE(end - start, 100u) << help.substr(start, end - start);
  }
}

TEST(CommandLineTest, VersionNamesTheLibrariesBuiltWith) {
  const std::string version = VersionText("sample");
  EXPECT_THAT(version, HasSubstr("sample " IMAGE_PROJECT_VERSION_FOR_TEST));
  EXPECT_THAT(version, HasSubstr("gRPC 1."));
  EXPECT_THAT(version, HasSubstr("protobuf 3."));
  EXPECT_THAT(version, HasSubstr("OpenCV 4."));
}

TEST(CommandLineTest, FailWritesOneLineAndReturnsOne) {
  ::testing::internal::CaptureStderr();
  const int code = FailWith("sample", "bad\nvalue");
  EXPECT_EQ(::testing::internal::GetCapturedStderr(),
            "sample: bad\\x0avalue\n");
  EXPECT_EQ(code, 1);
}

}  // namespace
}  // namespace image_common

// What a new user sees first: every binary's --help names its own main flags
// (not only absl's or gbench's), --version names the libraries it was built
// with, and both exit 0.
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/subprocess.h"

namespace image_common {
namespace {

using ::image_testing::Subprocess;
using ::testing::HasSubstr;
using ::testing::Not;

struct Binary {
  const char* path;
  const char* name;
  std::vector<std::string> own_flags;
};

const Binary kBinaries[] = {
    {SERVER_BINARY,
     "image_server",
     {"--images_dir", "--address", "--port_file", "--max_threads",
      "--calibration_delay_per_call_ms", "--tls_cert", "--tls_key",
      "--tls_client_ca"}},
    {BENCH_BINARY,
     "image_bench",
     {"--target", "--quick", "--rate", "--images_per_stream", "--histogram_out",
      "--benchmark_filter", "--benchmark_repetitions", "--tls_ca",
      "--tls_server_name", "--tls_cert", "--tls_key"}},
    {MERGE_BINARY, "image_bench_merge", {"--out", "--hgrm_dir"}},
    {REFERENCE_BINARY,
     "async_reference_server",
     {"--images_dir", "--address", "--port_file", "--tls_cert", "--tls_key",
      "--tls_client_ca"}},
    {GENERATE_BINARY, "generate_images", {"--out_dir"}},
    {PROBER_BINARY, "image_prober", {}},
};

struct Result {
  int exit_code;
  std::string out;
  std::string err;
};

Result RunWith(const char* binary, const std::string& flag) {
  Subprocess process(binary, {flag});
  const std::optional<int> exit_code = process.WaitForExit(absl::Seconds(30));
  return {exit_code.value_or(-1), process.out(), process.err()};
}

TEST(CommandLineEndToEndTest, HelpListsEachBinarysOwnFlags) {
  for (const Binary& binary : kBinaries) {
    SCOPED_TRACE(binary.name);
    const Result help = RunWith(binary.path, "--help");
    EXPECT_EQ(help.exit_code, 0) << help.err;
    EXPECT_THAT(help.out, HasSubstr(std::string("Flags of ") + binary.name));
    EXPECT_THAT(help.out, HasSubstr("Usage: "));
    for (const std::string& flag : binary.own_flags) {
      EXPECT_THAT(help.out, HasSubstr(flag)) << help.out;
    }
    EXPECT_THAT(help.out, Not(HasSubstr("No flags matched")));
    EXPECT_THAT(help.out, Not(HasSubstr("--flagfile"))) << "absl's own flags";
  }
}

TEST(CommandLineEndToEndTest, BenchHelpListsItsFlagsBeforeGbenchs) {
  const Result help = RunWith(BENCH_BINARY, "--help");
  ASSERT_EQ(help.exit_code, 0);
  const size_t own = help.out.find("  --target (default");
  const size_t gbench = help.out.find("[--benchmark_filter=");
  ASSERT_NE(own, std::string::npos) << help.out;
  ASSERT_NE(gbench, std::string::npos) << help.out;
  EXPECT_LT(own, gbench);
}

// A TLS run's "% TCP" compares TLS with raw TCP; --help must say so.
TEST(CommandLineEndToEndTest, BenchHelpSaysTheTcpBaselinesStayRawTcp) {
  const Result help = RunWith(BENCH_BINARY, "--help");
  ASSERT_EQ(help.exit_code, 0);
  EXPECT_THAT(help.out, HasSubstr("the TCP baselines stay raw TCP"));
}

TEST(CommandLineEndToEndTest, VersionNamesTheLibraries) {
  for (const Binary& binary : kBinaries) {
    SCOPED_TRACE(binary.name);
    const Result version = RunWith(binary.path, "--version");
    EXPECT_EQ(version.exit_code, 0) << version.err;
    EXPECT_THAT(version.out, HasSubstr(std::string(binary.name) + " "));
    EXPECT_THAT(version.out, HasSubstr("gRPC 1.51"));
    EXPECT_THAT(version.out, HasSubstr("protobuf 3.21"));
    EXPECT_THAT(version.out, HasSubstr("OpenCV 4."));
  }
}

TEST(CommandLineEndToEndTest, AnUnknownFlagIsOneLineAndExitOne) {
  for (const Binary& binary : kBinaries) {
    SCOPED_TRACE(binary.name);
    const Result result = RunWith(binary.path, "--no_such_flag=1");
    EXPECT_EQ(result.exit_code, 1);
    EXPECT_THAT(result.err, HasSubstr("no_such_flag"));
    EXPECT_EQ(result.err.find('\n'), result.err.size() - 1) << result.err;
  }
}

}  // namespace
}  // namespace image_common

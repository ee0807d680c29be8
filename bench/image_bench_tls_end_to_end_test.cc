// The real image_bench with --tls_ca (and --tls_server_name, --tls_cert,
// --tls_key) against the real image_server over TLS, with certificates made
// for the test: a short run measures, the gRPC floor included, and files or
// trust that cannot work fail with a line that says why.
#include <algorithm>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/file_io.h"
#include "gmock/gmock.h"
#include "google/protobuf/struct.pb.h"
#include "gtest/gtest.h"
#include "testing/bench_json.h"
#include "testing/scratch_path.h"
#include "testing/subprocess.h"
#include "testing/test_certificates.h"

namespace image_bench {
namespace {

using ::google::protobuf::Struct;
using ::image_testing::BenchmarksByName;
using ::image_testing::CertificateFiles;
using ::image_testing::Number;
using ::image_testing::ServerProcess;
using ::image_testing::Subprocess;
using ::image_testing::TestCertificates;
using ::testing::HasSubstr;

class ImageBenchTlsEndToEndTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    absl::StatusOr<TestCertificates> made =
        image_testing::MakeTestCertificates("image_bench_tls_test");
    ASSERT_TRUE(made.ok()) << made.status();
    certificates_ = new TestCertificates(*std::move(made));
  }
  static void TearDownTestSuite() {
    image_testing::RemoveTestCertificates(*certificates_);
    delete certificates_;
    certificates_ = nullptr;
  }
  static const TestCertificates& certs() { return *certificates_; }

  static std::unique_ptr<ServerProcess> StartServer(
      const CertificateFiles& identity, std::vector<std::string> more = {}) {
    more.push_back("--images_dir=" IMAGES_DIR);
    more.push_back("--tls_cert=" + identity.cert);
    more.push_back("--tls_key=" + identity.key);
    return std::make_unique<ServerProcess>(SERVER_BINARY, std::move(more));
  }

 private:
  static TestCertificates* certificates_;
};

TestCertificates* ImageBenchTlsEndToEndTest::certificates_ = nullptr;

struct BenchRun {
  int exit_code = -1;
  std::string out;
  std::string err;
  std::string json;
};

// A short run of the floor, one ListImages scenario and one small stream.
BenchRun RunBench(const std::string& target,
                  const std::vector<std::string>& tls_flags) {
  const std::string json_path = image_testing::ScratchPath("tls_run.json");
  std::vector<std::string> args = {
      "--target=" + target,
      "--list_concurrency=1",
      "--images_per_stream=7",
      "--stream_concurrency=1",
      "--connect_timeout_s=2",
      "--benchmark_filter=^(Baseline/health_check|ListImages|StreamImages)",
      "--benchmark_min_time=0.05",
      "--benchmark_out=" + json_path,
      "--benchmark_out_format=json"};
  args.insert(args.end(), tls_flags.begin(), tls_flags.end());
  Subprocess bench(BENCH_BINARY, args);
  BenchRun run;
  run.exit_code = bench.WaitForExit(absl::Minutes(2)).value_or(-1);
  run.out = bench.out();
  run.err = bench.err();
  run.json = image_common::ReadFile(json_path).value_or("");
  std::filesystem::remove(json_path);
  return run;
}

void ExpectMeasuredWithoutErrors(const BenchRun& run) {
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const std::map<std::string, Struct> runs = BenchmarksByName(run.json);
  int measured = 0;
  for (const auto& [name, result] : runs) {
    SCOPED_TRACE(name);
    EXPECT_GT(Number(result, "p50_us"), 0);
    if (!absl::StartsWith(name, "Baseline/")) {
      EXPECT_EQ(Number(result, "errors"), 0);
    }
    ++measured;
  }
  EXPECT_EQ(measured, 3) << run.json;
}

TEST_F(ImageBenchTlsEndToEndTest, AShortRunOverTlsMeasuresTheFloorToo) {
  const auto server = StartServer(certs().server);
  const std::optional<std::string> address = server->WaitForAddress();
  ASSERT_TRUE(address.has_value()) << server->process().err();

  const BenchRun run = RunBench(*address, {"--tls_ca=" + certs().ca});

  ExpectMeasuredWithoutErrors(run);
  EXPECT_THAT(run.json, HasSubstr("\"transport\": \"TLS\""));
  EXPECT_THAT(run.err, HasSubstr("the TCP baselines are raw TCP"));
}

TEST_F(ImageBenchTlsEndToEndTest, ANameOverrideAndAClientCertificate) {
  const auto server =
      StartServer(certs().renamed_server, {"--tls_client_ca=" + certs().ca});
  const std::optional<std::string> address = server->WaitForAddress();
  ASSERT_TRUE(address.has_value()) << server->process().err();

  const BenchRun run = RunBench(
      *address,
      {"--tls_ca=" + certs().ca,
       absl::StrCat("--tls_server_name=", image_testing::kRenamedServerName),
       "--tls_cert=" + certs().client.cert, "--tls_key=" + certs().client.key});

  ExpectMeasuredWithoutErrors(run);
  EXPECT_THAT(run.json,
              HasSubstr("\"transport\": \"TLS, name images.test, client "
                        "certificate\""));
}

TEST_F(ImageBenchTlsEndToEndTest, PlaintextOrAnotherCaCannotConnect) {
  const auto server = StartServer(certs().server);
  const std::optional<std::string> address = server->WaitForAddress();
  ASSERT_TRUE(address.has_value()) << server->process().err();

  const BenchRun plaintext = RunBench(*address, {});
  EXPECT_EQ(plaintext.exit_code, 1);
  EXPECT_THAT(plaintext.err, HasSubstr("image_bench: cannot connect to " +
                                       *address + " within 2s"));

  const BenchRun other_ca =
      RunBench(*address, {"--tls_ca=" + certs().other_ca});
  EXPECT_EQ(other_ca.exit_code, 1);
  EXPECT_THAT(other_ca.err, HasSubstr("image_bench: cannot connect to " +
                                      *address + " with TLS within 2s: "));
  EXPECT_THAT(other_ca.err, HasSubstr("certificate verify failed"));
}

// Checked before any connection: the target has no server at all.
TEST_F(ImageBenchTlsEndToEndTest, BadTlsFlagsAreOneLineAndExitOne) {
  const std::string not_pem = certs().dir + "/server.ext";
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"--tls_ca=/no/such.pem"},
       "--tls_ca: cannot read '/no/such.pem': No such file or directory"},
      {{"--tls_ca=" + not_pem},
       "--tls_ca '" + not_pem + "' holds no PEM certificate"},
      {{"--tls_server_name=images.test"}, "need --tls_ca"},
      {{"--tls_ca=" + certs().ca, "--tls_cert=" + certs().client.cert},
       "--tls_cert needs --tls_key"},
      {{"--tls_ca=" + certs().ca, "--tls_cert=" + certs().client.cert,
        "--tls_key=" + certs().server.key},
       "is not the key of the certificate in --tls_cert"},
  };
  for (const auto& [flags, message] : cases) {
    SCOPED_TRACE(message);
    const BenchRun run = RunBench("127.0.0.1:1", flags);
    EXPECT_EQ(run.exit_code, 1);
    EXPECT_THAT(run.err, HasSubstr("image_bench: "));
    EXPECT_THAT(run.err, HasSubstr(message));
    EXPECT_EQ(std::count(run.err.begin(), run.err.end(), '\n'), 1) << run.err;
  }
}

}  // namespace
}  // namespace image_bench

// The real image_server with --tls_cert, --tls_key and --tls_client_ca,
// against certificates made for the test: who gets in, what they receive,
// and what a bad combination of flags says.
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/file_io.h"
#include "common/tls_credentials.h"
#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "image_service.grpc.pb.h"
#include "testing/subprocess.h"
#include "testing/test_certificates.h"

namespace image_server {
namespace {

namespace fs = std::filesystem;
using ::image_testing::CertificateFiles;
using ::image_testing::ServerProcess;
using ::image_testing::Subprocess;
using ::image_testing::TestCertificates;
using ::testing::HasSubstr;
using ::testing::Not;

class TlsEndToEndTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    absl::StatusOr<TestCertificates> made =
        image_testing::MakeTestCertificates("tls_end_to_end_test");
    ASSERT_TRUE(made.ok()) << made.status();
    certificates_ = new TestCertificates(*std::move(made));
  }
  static void TearDownTestSuite() {
    image_testing::RemoveTestCertificates(*certificates_);
    delete certificates_;
    certificates_ = nullptr;
  }
  static const TestCertificates& certs() { return *certificates_; }

  // image_server on a free port with `identity` and any `more` flags; its
  // address once listening, or a failed assertion.
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

TestCertificates* TlsEndToEndTest::certificates_ = nullptr;

// A client with the trust, name and certificate a user would give the bench.
std::unique_ptr<image_service::ImageService::Stub> Client(
    const std::string& address, const image_common::ChannelTlsFiles& files) {
  absl::StatusOr<std::optional<image_common::ChannelTls>> tls =
      image_common::LoadChannelTls(files);
  EXPECT_TRUE(tls.ok()) << tls.status();
  grpc::ChannelArguments arguments;
  arguments.SetMaxReceiveMessageSize(64 << 20);
  arguments.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  std::shared_ptr<grpc::ChannelCredentials> credentials =
      grpc::InsecureChannelCredentials();
  if (tls.ok() && tls->has_value()) {
    image_common::ApplyChannelTls(**tls, &arguments);
    credentials = (*tls)->credentials;
  }
  return image_service::ImageService::NewStub(
      grpc::CreateCustomChannel(address, credentials, arguments));
}

grpc::Status List(image_service::ImageService::Stub& stub,
                  image_service::ListImagesResponse* response) {
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
  return stub.ListImages(&context, image_service::ListImagesRequest(),
                         response);
}

grpc::StatusCode ListCode(image_service::ImageService::Stub& stub) {
  image_service::ListImagesResponse ignored;
  return List(stub, &ignored).error_code();
}

TEST_F(TlsEndToEndTest, TheRightCaGetsTheListAndByteExactImages) {
  const auto server = StartServer(certs().server);
  const std::optional<std::string> address = server->WaitForAddress();
  ASSERT_TRUE(address.has_value()) << server->process().err();
  const std::optional<std::string> line =
      server->process().WaitForLine("listening on", absl::Seconds(5));
  ASSERT_TRUE(line.has_value());
  EXPECT_THAT(*line,
              HasSubstr("listening on " + *address + " (TLS), 24 images, "));

  const auto stub = Client(*address, {certs().ca, "", "", ""});
  image_service::ListImagesResponse list;
  const grpc::Status listed = List(*stub, &list);
  ASSERT_TRUE(listed.ok()) << listed.error_message();
  ASSERT_EQ(list.image_names_size(), 24);

  grpc::ClientContext context;
  auto reader = stub->StreamImages(&context, {});
  image_service::StreamImagesResponse message;
  int received = 0;
  while (reader->Read(&message)) {
    ASSERT_LT(received, list.image_names_size());
    const std::string& name = list.image_names(received++);
    EXPECT_EQ(message.image().name(), name);
    const absl::StatusOr<std::string> file =
        image_common::ReadFile((fs::path(IMAGES_DIR) / name).string());
    ASSERT_TRUE(file.ok()) << file.status();
    EXPECT_TRUE(message.image().content() == *file) << name;
  }
  const grpc::Status streamed = reader->Finish();
  EXPECT_TRUE(streamed.ok()) << streamed.error_message();
  EXPECT_EQ(received, 24);
}

TEST_F(TlsEndToEndTest, PlaintextAndAnotherCaAreRefused) {
  const auto server = StartServer(certs().server);
  const std::optional<std::string> address = server->WaitForAddress();
  ASSERT_TRUE(address.has_value()) << server->process().err();

  EXPECT_EQ(ListCode(*Client(*address, {})), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(ListCode(*Client(*address, {certs().other_ca, "", "", ""})),
            grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(ListCode(*Client(*address, {certs().ca, "", "", ""})),
            grpc::StatusCode::OK);
}

TEST_F(TlsEndToEndTest, ANameOverrideReachesACertificateForAnotherName) {
  const auto server = StartServer(certs().renamed_server);
  const std::optional<std::string> address = server->WaitForAddress();
  ASSERT_TRUE(address.has_value()) << server->process().err();

  EXPECT_EQ(ListCode(*Client(*address, {certs().ca, "", "", ""})),
            grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(
      ListCode(*Client(
          *address, {certs().ca, image_testing::kRenamedServerName, "", ""})),
      grpc::StatusCode::OK);
}

TEST_F(TlsEndToEndTest, ClientCertificatesAreRequiredAndVerified) {
  const auto server =
      StartServer(certs().server, {"--tls_client_ca=" + certs().ca});
  const std::optional<std::string> address = server->WaitForAddress();
  ASSERT_TRUE(address.has_value()) << server->process().err();
  EXPECT_THAT(server->process().out(),
              HasSubstr(" (TLS, client certificates required), 24 images"));

  EXPECT_EQ(ListCode(*Client(*address, {certs().ca, "", "", ""})),
            grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(
      ListCode(*Client(*address, {certs().ca, "", certs().other_client.cert,
                                  certs().other_client.key})),
      grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(ListCode(*Client(*address, {certs().ca, "", certs().client.cert,
                                        certs().client.key})),
            grpc::StatusCode::OK);
}

// Each is refused before any image loads: --images_dir names no directory,
// so a check made after loading would report that instead.
TEST_F(TlsEndToEndTest, BadFlagCombinationsAreOneLineAndExitOne) {
  const std::string cert = "--tls_cert=" + certs().server.cert;
  const std::string key = "--tls_key=" + certs().server.key;
  const std::string not_pem = certs().dir + "/server.ext";
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{cert}, "--tls_cert needs --tls_key"},
      {{key}, "--tls_key needs --tls_cert"},
      {{"--tls_client_ca=" + certs().ca}, "--tls_client_ca needs --tls_cert"},
      {{cert, "--tls_key=/no/such.key"},
       "--tls_key: cannot read '/no/such.key': No such file or directory"},
      {{"--tls_cert=" + not_pem, key},
       "--tls_cert '" + not_pem + "' holds no PEM certificate"},
      {{cert, "--tls_key=" + certs().client.key},
       "--tls_key '" + certs().client.key +
           "' is not the key of the certificate in --tls_cert '" +
           certs().server.cert + "'"},
      {{cert, key, "--tls_client_ca=" + not_pem},
       "--tls_client_ca '" + not_pem + "' holds no PEM certificate"},
  };
  for (const auto& [flags, message] : cases) {
    SCOPED_TRACE(message);
    std::vector<std::string> args = {"--address=127.0.0.1:0",
                                     "--images_dir=/no/such/images"};
    args.insert(args.end(), flags.begin(), flags.end());
    Subprocess server(SERVER_BINARY, args);
    const std::optional<int> exit_code = server.WaitForExit(absl::Seconds(10));
    ASSERT_TRUE(exit_code.has_value());
    EXPECT_EQ(*exit_code, 1);
    EXPECT_THAT(server.err(), HasSubstr("image_server: " + message));
    EXPECT_EQ(server.err().find('\n'), server.err().size() - 1) << server.err();
    EXPECT_THAT(server.out(), Not(HasSubstr("listening")));
  }
}

}  // namespace
}  // namespace image_server

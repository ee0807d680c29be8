#include "common/tls_credentials.h"

#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/file_io.h"
#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "image_service.grpc.pb.h"
#include "testing/subprocess.h"
#include "testing/test_certificates.h"

namespace image_common {
namespace {

using ::image_testing::TestCertificates;
using ::testing::HasSubstr;

class TlsCredentialsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    absl::StatusOr<TestCertificates> made =
        image_testing::MakeTestCertificates("tls_credentials_test");
    ASSERT_TRUE(made.ok()) << made.status();
    certificates_ = new TestCertificates(*std::move(made));
  }
  static void TearDownTestSuite() {
    image_testing::RemoveTestCertificates(*certificates_);
    delete certificates_;
    certificates_ = nullptr;
  }

  // A file of its own in the certificates' directory.
  static std::string WriteScratch(const std::string& name,
                                  const std::string& bytes) {
    const std::string path = certificates_->dir + "/" + name;
    EXPECT_TRUE(WriteFile(path, bytes).ok());
    return path;
  }

  static std::string ServerError(const ServerTlsFiles& files) {
    absl::StatusOr<std::optional<ServerTls>> tls = LoadServerTls(files);
    EXPECT_FALSE(tls.ok());
    return tls.ok() ? "" : std::string(tls.status().message());
  }

  static std::string ChannelError(const ChannelTlsFiles& files) {
    absl::StatusOr<std::optional<ChannelTls>> tls = LoadChannelTls(files);
    EXPECT_FALSE(tls.ok());
    return tls.ok() ? "" : std::string(tls.status().message());
  }

  static const TestCertificates& certs() { return *certificates_; }

 private:
  static TestCertificates* certificates_;
};

TestCertificates* TlsCredentialsTest::certificates_ = nullptr;

// A server whose handlers all answer UNIMPLEMENTED: a channel becomes READY
// only once the TLS handshake has succeeded, which is all these tests look
// at.
// READY, or false at the first failure rather than after retrying until a
// deadline.
bool Connects(grpc::Channel& channel) {
  const auto deadline = absl::ToChronoTime(absl::Now() + absl::Seconds(10));
  grpc_connectivity_state state = channel.GetState(true);
  while (state != GRPC_CHANNEL_READY &&
         state != GRPC_CHANNEL_TRANSIENT_FAILURE) {
    if (!channel.WaitForStateChange(state, deadline)) return false;
    state = channel.GetState(true);
  }
  return state == GRPC_CHANNEL_READY;
}

class HandshakeServer {
 public:
  explicit HandshakeServer(const ServerTls& tls) {
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", tls.credentials, &port_);
    builder.RegisterService(&service_);
    server_ = builder.BuildAndStart();
  }
  ~HandshakeServer() {
    if (server_ != nullptr) server_->Shutdown();
  }
  bool started() const { return server_ != nullptr && port_ > 0; }

  bool Accepts(const std::shared_ptr<grpc::ChannelCredentials>& credentials,
               const std::string& server_name = "",
               const std::string& host = "localhost") {
    grpc::ChannelArguments arguments;
    ApplyChannelTls({credentials, server_name}, &arguments);
    // Each attempt on a connection of its own.
    arguments.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    const auto channel = grpc::CreateCustomChannel(
        absl::StrCat(host, ":", port_), credentials, arguments);
    return Connects(*channel);
  }

 private:
  image_service::ImageService::Service service_;
  int port_ = 0;
  std::unique_ptr<grpc::Server> server_;
};

ChannelTls LoadedChannel(const ChannelTlsFiles& files) {
  absl::StatusOr<std::optional<ChannelTls>> tls = LoadChannelTls(files);
  EXPECT_TRUE(tls.ok()) << tls.status();
  EXPECT_TRUE(tls.ok() && tls->has_value());
  return tls.ok() && tls->has_value() ? **tls : ChannelTls{};
}

ServerTls LoadedServer(const ServerTlsFiles& files) {
  absl::StatusOr<std::optional<ServerTls>> tls = LoadServerTls(files);
  EXPECT_TRUE(tls.ok()) << tls.status();
  EXPECT_TRUE(tls.ok() && tls->has_value());
  return tls.ok() && tls->has_value() ? **tls : ServerTls{};
}

TEST_F(TlsCredentialsTest, NoFilesMeansPlaintext) {
  absl::StatusOr<std::optional<ServerTls>> server = LoadServerTls({});
  ASSERT_TRUE(server.ok());
  EXPECT_FALSE(server->has_value());
  absl::StatusOr<std::optional<ChannelTls>> channel = LoadChannelTls({});
  ASSERT_TRUE(channel.ok());
  EXPECT_FALSE(channel->has_value());
}

TEST_F(TlsCredentialsTest, ServerFlagsThatNeedEachOther) {
  EXPECT_EQ(ServerError({certs().server.cert, "", ""}),
            "--tls_cert needs --tls_key (its private key)");
  EXPECT_EQ(ServerError({"", certs().server.key, ""}),
            "--tls_key needs --tls_cert (the certificate it is for)");
  EXPECT_THAT(ServerError({"", "", certs().ca}),
              HasSubstr("--tls_client_ca needs --tls_cert and --tls_key"));
}

TEST_F(TlsCredentialsTest, ChannelFlagsNeedTheCa) {
  const std::string need = "need --tls_ca";
  EXPECT_THAT(ChannelError({"", "images.test", "", ""}), HasSubstr(need));
  EXPECT_THAT(ChannelError({"", "", certs().client.cert, certs().client.key}),
              HasSubstr(need));
  EXPECT_EQ(ChannelError({certs().ca, "", certs().client.cert, ""}),
            "--tls_cert needs --tls_key (its private key)");
}

TEST_F(TlsCredentialsTest, UnreadableFilesNameTheFlagAndTheFile) {
  EXPECT_EQ(
      ServerError({"/no/such.pem", certs().server.key, ""}),
      "--tls_cert: cannot read '/no/such.pem': No such file or directory");
  EXPECT_EQ(ServerError({certs().server.cert, "/no/such.key", ""}),
            "--tls_key: cannot read '/no/such.key': No such file or directory");
  EXPECT_EQ(ServerError({certs().server.cert, certs().server.key, "/no/ca"}),
            "--tls_client_ca: cannot read '/no/ca': No such file or directory");
  EXPECT_EQ(ChannelError({certs().dir, "", "", ""}),
            absl::StrCat("--tls_ca: '", certs().dir, "' is a directory"));
}

TEST_F(TlsCredentialsTest, AFileLargerThanTheBoundIsNotRead) {
  const std::string large =
      WriteScratch("large.pem", std::string(kMaxPemBytes + 1, 'x'));
  EXPECT_THAT(ChannelError({large, "", "", ""}),
              HasSubstr(absl::StrCat("--tls_ca: '", large, "' is larger than ",
                                     kMaxPemBytes, " bytes")));
}

TEST_F(TlsCredentialsTest, FilesWithoutPemOfTheirKindAreRefused) {
  const std::string text = WriteScratch("notes.txt", "not a certificate\n");
  EXPECT_EQ(ServerError({text, certs().server.key, ""}),
            absl::StrCat("--tls_cert '", text, "' holds no PEM certificate"));
  EXPECT_EQ(ServerError({certs().server.cert, text, ""}),
            absl::StrCat("--tls_key '", text, "' holds no PEM private key"));
  EXPECT_EQ(ChannelError({text, "", "", ""}),
            absl::StrCat("--tls_ca '", text, "' holds no PEM certificate"));
  // A certificate is no key, and a key no certificate.
  EXPECT_THAT(ServerError({certs().server.key, certs().server.cert, ""}),
              HasSubstr("are --tls_cert and --tls_key swapped?"));
}

TEST_F(TlsCredentialsTest, AKeyOfAnotherCertificateIsRefused) {
  EXPECT_EQ(ServerError({certs().server.cert, certs().client.key, ""}),
            absl::StrCat("--tls_key '", certs().client.key,
                         "' is not the key of the certificate in --tls_cert '",
                         certs().server.cert, "'"));
  EXPECT_THAT(ChannelError({certs().ca, "", certs().client.cert,
                            certs().other_client.key}),
              HasSubstr("is not the key of the certificate in --tls_cert"));
}

TEST_F(TlsCredentialsTest, AnEncryptedKeyIsRefusedWithoutAPrompt) {
  const std::string encrypted = certs().dir + "/encrypted.key";
  image_testing::Subprocess openssl(
      "/usr/bin/openssl", {"pkey", "-in", certs().server.key, "-aes128",
                           "-passout", "pass:secret", "-out", encrypted});
  ASSERT_EQ(openssl.WaitForExit(absl::Seconds(30)), 0) << openssl.err();
  EXPECT_EQ(ServerError({certs().server.cert, encrypted, ""}),
            absl::StrCat("--tls_key '", encrypted,
                         "' holds no unencrypted PEM private key (gRPC cannot "
                         "use a key with a passphrase)"));
}

TEST_F(TlsCredentialsTest, TheRightCaConnectsAndAnotherDoesNot) {
  const ServerTls server_tls =
      LoadedServer({certs().server.cert, certs().server.key, ""});
  EXPECT_EQ(DescribeServerTls(server_tls), "TLS");
  HandshakeServer server(server_tls);
  ASSERT_TRUE(server.started());
  const ChannelTls right = LoadedChannel({certs().ca, "", "", ""});
  EXPECT_EQ(DescribeChannelTls(right), "TLS");
  EXPECT_TRUE(server.Accepts(right.credentials));
  EXPECT_TRUE(server.Accepts(right.credentials, "", "127.0.0.1"));
  EXPECT_FALSE(server.Accepts(
      LoadedChannel({certs().other_ca, "", "", ""}).credentials));
  EXPECT_FALSE(server.Accepts(grpc::InsecureChannelCredentials()));
}

TEST_F(TlsCredentialsTest, ANameOverrideMatchesACertificateForAnotherName) {
  HandshakeServer server(LoadedServer(
      {certs().renamed_server.cert, certs().renamed_server.key, ""}));
  ASSERT_TRUE(server.started());
  const ChannelTls renamed =
      LoadedChannel({certs().ca, image_testing::kRenamedServerName, "", ""});
  EXPECT_EQ(DescribeChannelTls(renamed), "TLS, name images.test");
  EXPECT_TRUE(server.Accepts(renamed.credentials, renamed.server_name));
  EXPECT_FALSE(server.Accepts(renamed.credentials));
}

TEST_F(TlsCredentialsTest, ClientCertificatesRequiredAndVerified) {
  const ServerTls server_tls =
      LoadedServer({certs().server.cert, certs().server.key, certs().ca});
  EXPECT_EQ(DescribeServerTls(server_tls), "TLS, client certificates required");
  HandshakeServer server(server_tls);
  ASSERT_TRUE(server.started());
  const ChannelTls with_certificate =
      LoadedChannel({certs().ca, "", certs().client.cert, certs().client.key});
  EXPECT_EQ(DescribeChannelTls(with_certificate), "TLS, client certificate");
  EXPECT_TRUE(server.Accepts(with_certificate.credentials));
  EXPECT_FALSE(
      server.Accepts(LoadedChannel({certs().ca, "", "", ""}).credentials));
  EXPECT_FALSE(
      server.Accepts(LoadedChannel({certs().ca, "", certs().other_client.cert,
                                    certs().other_client.key})
                         .credentials));
}

}  // namespace
}  // namespace image_common

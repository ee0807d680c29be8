// StartServer with TLS credentials: what it says when gRPC refuses them, and
// that a busy port is still reported as one.
#include "server/server_start.h"

#include <chrono>
#include <string>

#include "absl/status/status.h"
#include "common/tls_credentials.h"
#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "image_service.grpc.pb.h"
#include "testing/test_certificates.h"

namespace image_server {
namespace {

using ::testing::HasSubstr;

// Files that common/tls_credentials would refuse, given to gRPC directly:
// only BuildAndStart finds out.
std::shared_ptr<grpc::ServerCredentials> CredentialsGrpcRefuses() {
  grpc::SslServerCredentialsOptions options;
  options.pem_key_cert_pairs.push_back({"not a key", "not a certificate"});
  return grpc::SslServerCredentials(options);
}

TEST(ServerStartTest, CredentialsGrpcRefusesAreOneClearError) {
  image_service::ImageService::Service service;
  ServerConfig config;
  config.address = "127.0.0.1:0";
  config.credentials = CredentialsGrpcRefuses();

  const absl::StatusOr<StartedServer> started = StartServer(config, &service);

  ASSERT_FALSE(started.ok());
  EXPECT_EQ(started.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(started.status().message(),
            "cannot listen on '127.0.0.1:0' with TLS: gRPC refused the "
            "certificate, key or client CA (check --tls_cert, --tls_key and "
            "--tls_client_ca)");
}

TEST(ServerStartTest, ABusyPortWithTlsIsStillABusyPort) {
  image_service::ImageService::Service service;
  ServerConfig first_config;
  first_config.address = "127.0.0.1:0";
  absl::StatusOr<StartedServer> first = StartServer(first_config, &service);
  ASSERT_TRUE(first.ok()) << first.status();

  image_service::ImageService::Service second_service;
  ServerConfig second_config;
  second_config.address = first->address;
  const absl::StatusOr<image_testing::TestCertificates> certificates =
      image_testing::MakeTestCertificates("server_start_test");
  ASSERT_TRUE(certificates.ok()) << certificates.status();
  const absl::StatusOr<std::optional<image_common::ServerTls>> tls =
      image_common::LoadServerTls(
          {certificates->server.cert, certificates->server.key, ""});
  image_testing::RemoveTestCertificates(*certificates);
  ASSERT_TRUE(tls.ok() && tls->has_value()) << tls.status();
  second_config.credentials = (*tls)->credentials;
  const absl::StatusOr<StartedServer> second =
      StartServer(second_config, &second_service);

  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().message(), "cannot listen on '" + first->address +
                                           "': Address already in use");
  first->Shutdown(std::chrono::system_clock::now());
}

}  // namespace
}  // namespace image_server

#include "tools/async_reference_server.h"

#include <memory>
#include <string>

#include "common/file_io.h"
#include "common/tls_credentials.h"
#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "health.grpc.pb.h"
#include "image_service.grpc.pb.h"
#include "server/test_util.h"
#include "testing/test_certificates.h"

namespace image_tools {
namespace {

using ::image_server::ImageStore;
using ::image_server::testing::TestLoadOptions;
using ::testing::HasSubstr;

class AsyncReferenceServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<ImageStore> store =
        ImageStore::Load(IMAGES_DIR, TestLoadOptions());
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::make_unique<ImageStore>(*std::move(store));
    absl::StatusOr<std::unique_ptr<AsyncReferenceServer>> server =
        AsyncReferenceServer::Start(store_.get(), "127.0.0.1:0");
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    grpc::ChannelArguments arguments;
    arguments.SetMaxReceiveMessageSize(64 << 20);
    stub_ = image_service::ImageService::NewStub(grpc::CreateCustomChannel(
        "127.0.0.1:" + std::to_string(server_->port()),
        grpc::InsecureChannelCredentials(), arguments));
  }

  std::unique_ptr<ImageStore> store_;
  std::unique_ptr<AsyncReferenceServer> server_;
  std::unique_ptr<image_service::ImageService::Stub> stub_;
};

TEST_F(AsyncReferenceServerTest, ListsWhatTheStoreHolds) {
  grpc::ClientContext context;
  image_service::ListImagesResponse response;
  ASSERT_TRUE(stub_->ListImages(&context, {}, &response).ok());
  ASSERT_EQ(response.image_names_size(), store_->images().size());
  EXPECT_EQ(response.image_names(0), store_->images()[0].info.name());
  EXPECT_EQ(response.images(0).width(), store_->images()[0].info.width());
}

TEST_F(AsyncReferenceServerTest, StreamsTheFilesBytesInRequestOrder) {
  const std::string first = store_->images().front().info.name();
  const std::string last = store_->images().back().info.name();
  image_service::StreamImagesRequest request;
  for (const std::string& name : {last, first, last}) {
    request.add_image_names(name);
  }
  grpc::ClientContext context;
  std::unique_ptr<grpc::ClientReader<image_service::StreamImagesResponse>>
      reader = stub_->StreamImages(&context, request);
  image_service::StreamImagesResponse response;
  for (const std::string& name : {last, first, last}) {
    ASSERT_TRUE(reader->Read(&response)) << name;
    EXPECT_EQ(response.image().name(), name);
    EXPECT_EQ(
        response.image().content(),
        image_common::ReadFile(std::string(IMAGES_DIR) + "/" + name).value());
  }
  EXPECT_FALSE(reader->Read(&response));
  EXPECT_TRUE(reader->Finish().ok());
  EXPECT_EQ(server_->images_sent(), 3);
}

TEST_F(AsyncReferenceServerTest, ABusyPortIsAnErrorNotACrash) {
  absl::StatusOr<std::unique_ptr<AsyncReferenceServer>> second =
      AsyncReferenceServer::Start(
          store_.get(), "127.0.0.1:" + std::to_string(server_->port()));
  ASSERT_FALSE(second.ok());
  EXPECT_THAT(second.status().message(), HasSubstr("cannot listen"));
}

TEST_F(AsyncReferenceServerTest, AnUnknownNameIsNotFoundAndNamed) {
  image_service::StreamImagesRequest request;
  request.add_image_names("cat.jpg");
  grpc::ClientContext context;
  std::unique_ptr<grpc::ClientReader<image_service::StreamImagesResponse>>
      reader = stub_->StreamImages(&context, request);
  image_service::StreamImagesResponse response;
  EXPECT_FALSE(reader->Read(&response));
  const grpc::Status status = reader->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(status.error_message(), HasSubstr("'cat.jpg'"));
}

TEST_F(AsyncReferenceServerTest, HealthCheckSaysServing) {
  auto health = grpc::health::v1::Health::NewStub(
      grpc::CreateChannel("127.0.0.1:" + std::to_string(server_->port()),
                          grpc::InsecureChannelCredentials()));
  grpc::ClientContext context;
  grpc::health::v1::HealthCheckResponse response;
  ASSERT_TRUE(health->Check(&context, {}, &response).ok());
  EXPECT_EQ(response.status(), grpc::health::v1::HealthCheckResponse::SERVING);
}

TEST_F(AsyncReferenceServerTest, ShutsDownWithAStreamStillOpen) {
  image_service::StreamImagesRequest request;
  for (int i = 0; i < 1000; ++i) {
    request.add_image_names(store_->images().back().info.name());
  }
  grpc::ClientContext context;
  std::unique_ptr<grpc::ClientReader<image_service::StreamImagesResponse>>
      reader = stub_->StreamImages(&context, request);
  image_service::StreamImagesResponse response;
  ASSERT_TRUE(reader->Read(&response));
  server_.reset();  // Must not hang or crash with the stream unread.
  while (reader->Read(&response)) {
  }
  EXPECT_FALSE(reader->Finish().ok());
}

// The same credentials as image_server's, so that TLS runs can be compared
// with gRPC's ceiling too.
TEST(AsyncReferenceServerTlsTest, ServesOnlyOverTlsWhenGivenCredentials) {
  absl::StatusOr<image_testing::TestCertificates> certificates =
      image_testing::MakeTestCertificates("async_reference_server_test");
  ASSERT_TRUE(certificates.ok()) << certificates.status();
  const absl::StatusOr<std::optional<image_common::ServerTls>> server_tls =
      image_common::LoadServerTls(
          {certificates->server.cert, certificates->server.key, ""});
  const absl::StatusOr<std::optional<image_common::ChannelTls>> channel_tls =
      image_common::LoadChannelTls({certificates->ca, "", "", ""});
  image_testing::RemoveTestCertificates(*certificates);
  ASSERT_TRUE(server_tls.ok() && server_tls->has_value());
  ASSERT_TRUE(channel_tls.ok() && channel_tls->has_value());
  absl::StatusOr<ImageStore> store =
      ImageStore::Load(IMAGES_DIR, TestLoadOptions());
  ASSERT_TRUE(store.ok()) << store.status();
  absl::StatusOr<std::unique_ptr<AsyncReferenceServer>> server =
      AsyncReferenceServer::Start(&*store, "127.0.0.1:0",
                                  (*server_tls)->credentials);
  ASSERT_TRUE(server.ok()) << server.status();
  const std::string address = "127.0.0.1:" + std::to_string((*server)->port());

  const auto list = [&](std::shared_ptr<grpc::ChannelCredentials> credentials) {
    auto stub = image_service::ImageService::NewStub(
        grpc::CreateChannel(address, std::move(credentials)));
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::seconds(10));
    image_service::ListImagesResponse response;
    return stub->ListImages(&context, {}, &response).error_code();
  };
  EXPECT_EQ(list((*channel_tls)->credentials), grpc::StatusCode::OK);
  EXPECT_EQ(list(grpc::InsecureChannelCredentials()),
            grpc::StatusCode::UNAVAILABLE);
}

}  // namespace
}  // namespace image_tools

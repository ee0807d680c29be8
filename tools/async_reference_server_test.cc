#include "tools/async_reference_server.h"

#include <memory>
#include <string>

#include "common/file_io.h"
#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "health.grpc.pb.h"
#include "image_service.grpc.pb.h"
#include "server/test_util.h"

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

}  // namespace
}  // namespace image_tools

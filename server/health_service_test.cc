#include "server/health_service.h"

#include <chrono>
#include <future>
#include <memory>
#include <string>

#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "health.grpc.pb.h"

namespace image_server {
namespace {

using grpc::health::v1::Health;
using grpc::health::v1::HealthCheckRequest;
using grpc::health::v1::HealthCheckResponse;
using ::testing::HasSubstr;

class HealthServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    grpc::EnableDefaultHealthCheckService(false);
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(),
                             &port);
    builder.RegisterService(&health_);
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    stub_ = Health::NewStub(
        grpc::CreateChannel("127.0.0.1:" + std::to_string(port),
                            grpc::InsecureChannelCredentials()));
  }
  void TearDown() override {
    health_.Shutdown();
    server_->Shutdown(std::chrono::system_clock::now());
  }

  grpc::Status Check(const std::string& service,
                     HealthCheckResponse* response) {
    grpc::ClientContext context;
    HealthCheckRequest request;
    request.set_service(service);
    return stub_->Check(&context, request, response);
  }

  HealthService health_{absl::Milliseconds(10), /*max_watches=*/2};
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<Health::Stub> stub_;
};

TEST_F(HealthServiceTest, CheckReportsTheStatusSet) {
  health_.SetServingStatus("", true);
  health_.SetServingStatus("svc", false);
  HealthCheckResponse response;
  ASSERT_TRUE(Check("", &response).ok());
  EXPECT_EQ(response.status(), HealthCheckResponse::SERVING);
  ASSERT_TRUE(Check("svc", &response).ok());
  EXPECT_EQ(response.status(), HealthCheckResponse::NOT_SERVING);
}

TEST_F(HealthServiceTest, CheckOfAnUnknownServiceIsNotFoundAndNamesIt) {
  HealthCheckResponse response;
  const grpc::Status status = Check("nope", &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(status.error_message(), HasSubstr("'nope'"));
}

TEST_F(HealthServiceTest, CheckQuotesAHugeServiceNameOnlyInPart) {
  HealthCheckResponse response;
  const grpc::Status status = Check(std::string(100000, 'x'), &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_LT(status.error_message().size(), 400u);
  EXPECT_THAT(status.error_message(), HasSubstr("(100000 bytes)"));
}

TEST_F(HealthServiceTest, WatchesPastTheLimitFailAndFreeTheirPlaceWhenDone) {
  health_.SetServingStatus("", true);
  HealthCheckRequest request;
  std::unique_ptr<grpc::ClientContext> contexts[3];
  std::unique_ptr<grpc::ClientReader<HealthCheckResponse>> readers[3];
  HealthCheckResponse response;
  for (int i = 0; i < 2; ++i) {
    contexts[i] = std::make_unique<grpc::ClientContext>();
    readers[i] = stub_->Watch(contexts[i].get(), request);
    ASSERT_TRUE(readers[i]->Read(&response));  // Its handler now waits.
  }
  contexts[2] = std::make_unique<grpc::ClientContext>();
  readers[2] = stub_->Watch(contexts[2].get(), request);
  EXPECT_FALSE(readers[2]->Read(&response));
  const grpc::Status refused = readers[2]->Finish();
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_THAT(refused.error_message(),
              HasSubstr("too many health Watch streams: 2 are open, the limit "
                        "is 2"));

  contexts[0]->TryCancel();
  EXPECT_FALSE(readers[0]->Read(&response));
  readers[0]->Finish();
  // The handler notices the cancel within its poll interval.
  bool admitted = false;
  for (int attempt = 0; attempt < 100 && !admitted; ++attempt) {
    grpc::ClientContext context;
    auto reader = stub_->Watch(&context, request);
    admitted = reader->Read(&response);
    context.TryCancel();
    reader->Finish();
    if (!admitted) absl::SleepFor(absl::Milliseconds(20));
  }
  EXPECT_TRUE(admitted);
  contexts[1]->TryCancel();
}

TEST_F(HealthServiceTest, ShutdownMakesEveryServiceNotServingForGood) {
  health_.SetServingStatus("svc", true);
  health_.Shutdown();
  health_.SetServingStatus("svc", true);
  HealthCheckResponse response;
  ASSERT_TRUE(Check("svc", &response).ok());
  EXPECT_EQ(response.status(), HealthCheckResponse::NOT_SERVING);
}

TEST_F(HealthServiceTest, WatchSendsTheStatusThenEachChangeUntilShutdown) {
  health_.SetServingStatus("svc", true);
  grpc::ClientContext context;
  HealthCheckRequest request;
  request.set_service("svc");
  std::unique_ptr<grpc::ClientReader<HealthCheckResponse>> reader =
      stub_->Watch(&context, request);
  HealthCheckResponse response;
  ASSERT_TRUE(reader->Read(&response));
  EXPECT_EQ(response.status(), HealthCheckResponse::SERVING);

  health_.SetServingStatus("svc", false);
  ASSERT_TRUE(reader->Read(&response));
  EXPECT_EQ(response.status(), HealthCheckResponse::NOT_SERVING);
  health_.SetServingStatus("svc", true);
  ASSERT_TRUE(reader->Read(&response));
  EXPECT_EQ(response.status(), HealthCheckResponse::SERVING);

  health_.Shutdown();
  ASSERT_TRUE(reader->Read(&response));
  EXPECT_EQ(response.status(), HealthCheckResponse::NOT_SERVING);
  EXPECT_FALSE(reader->Read(&response));
  const grpc::Status status = reader->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_THAT(status.error_message(), HasSubstr("shutting down"));
}

TEST_F(HealthServiceTest, WatchOfAnUnknownServiceWaitsForItToAppear) {
  grpc::ClientContext context;
  HealthCheckRequest request;
  request.set_service("later");
  std::unique_ptr<grpc::ClientReader<HealthCheckResponse>> reader =
      stub_->Watch(&context, request);
  HealthCheckResponse response;
  ASSERT_TRUE(reader->Read(&response));
  EXPECT_EQ(response.status(), HealthCheckResponse::SERVICE_UNKNOWN);
  health_.SetServingStatus("later", true);
  ASSERT_TRUE(reader->Read(&response));
  EXPECT_EQ(response.status(), HealthCheckResponse::SERVING);
  context.TryCancel();
}

TEST_F(HealthServiceTest, AWatchWhoseClientLeftDoesNotHoldShutdown) {
  auto context = std::make_unique<grpc::ClientContext>();
  HealthCheckRequest request;
  std::unique_ptr<grpc::ClientReader<HealthCheckResponse>> reader =
      stub_->Watch(context.get(), request);
  HealthCheckResponse response;
  ASSERT_TRUE(reader->Read(&response));  // The handler is now waiting.
  context->TryCancel();
  EXPECT_FALSE(reader->Read(&response));
  // Without a deadline the server waits for every handler to return, and
  // nothing else would make this one return.
  std::future<void> shutdown =
      std::async(std::launch::async, [this] { server_->Shutdown(); });
  EXPECT_EQ(shutdown.wait_for(std::chrono::seconds(20)),
            std::future_status::ready);
}

}  // namespace
}  // namespace image_server

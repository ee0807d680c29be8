#include "bench/baselines/grpc_floor.h"

#include <memory>
#include <string>

#include "gtest/gtest.h"
#include "image_service.grpc.pb.h"

namespace image_bench {
namespace {

class Healthy final : public grpc::health::v1::Health::Service {
  grpc::Status Check(grpc::ServerContext*,
                     const grpc::health::v1::HealthCheckRequest*,
                     grpc::health::v1::HealthCheckResponse* response) override {
    response->set_status(grpc::health::v1::HealthCheckResponse::SERVING);
    return grpc::Status::OK;
  }
};

std::unique_ptr<grpc::Server> Serve(grpc::Service* service, int* port) {
  grpc::ServerBuilder builder;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(),
                           port);
  builder.RegisterService(service);
  return builder.BuildAndStart();
}

std::shared_ptr<grpc::Channel> ChannelTo(int port) {
  return grpc::CreateChannel("127.0.0.1:" + std::to_string(port),
                             grpc::InsecureChannelCredentials());
}

TEST(GrpcFloorTest, ChecksSucceedAgainstAHealthService) {
  Healthy service;
  int port = 0;
  std::unique_ptr<grpc::Server> server = Serve(&service, &port);
  HealthCheckCaller caller(ChannelTo(port));
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(caller.Call().ok());
  server->Shutdown();
}

TEST(GrpcFloorTest, AServerWithoutHealthServiceIsNamedAsTheProblem) {
  image_service::ImageService::Service images_only;
  int port = 0;
  std::unique_ptr<grpc::Server> server = Serve(&images_only, &port);
  HealthCheckCaller caller(ChannelTo(port));
  const absl::Status status = caller.Call();
  EXPECT_EQ(status.code(), absl::StatusCode::kUnimplemented);
  EXPECT_NE(status.message().find("no grpc.health.v1.Health"),
            absl::string_view::npos);
  server->Shutdown();
}

}  // namespace
}  // namespace image_bench

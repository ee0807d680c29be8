#include "server/image_server.h"

#include <utility>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/health_check_service_interface.h"

namespace image_server {
namespace {

constexpr char kServiceName[] = "image_service.ImageService";

std::string WithPort(const std::string& address, int port) {
  const size_t colon = address.rfind(':');
  return absl::StrCat(address.substr(0, colon), ":", port);
}

}  // namespace

absl::StatusOr<StartedServer> StartServer(const ServerConfig& config,
                                          grpc::Service* service) {
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();

  StartedServer started;
  grpc::ServerBuilder builder;
  builder.AddListeningPort(config.address, grpc::InsecureServerCredentials(),
                           &started.port);
  builder.RegisterService(service);
  builder.SetMaxReceiveMessageSize(config.max_request_bytes);
  if (config.max_threads > 0) {
    grpc::ResourceQuota quota("image_server");
    quota.SetMaxThreads(config.max_threads);
    builder.SetResourceQuota(quota);
  }
  started.server = builder.BuildAndStart();
  if (started.server == nullptr || started.port == 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen on '", config.address,
                     "' (is it host:port, and is the port free?)"));
  }
  started.address = WithPort(config.address, started.port);
  started.server->GetHealthCheckService()->SetServingStatus(kServiceName, true);
  return started;
}

}  // namespace image_server

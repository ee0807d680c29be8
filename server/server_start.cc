#include "server/server_start.h"

#include <utility>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "grpc/support/log.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"

namespace image_server {
namespace {

constexpr char kServiceName[] = "image_service.ImageService";
constexpr int kHandshakeTimeoutMs = 10000;
constexpr int kMaxStreamsPerConnection = 256;

// gRPC logs why a port cannot be bound on its own, in several lines; while
// the server starts, the last message is kept instead so that the one error
// line the user sees can say why.
absl::Mutex start_log_mutex;
std::string* last_start_message ABSL_GUARDED_BY(start_log_mutex) = nullptr;

void KeepLastMessage(gpr_log_func_args* args) {
  absl::MutexLock lock(&start_log_mutex);
  if (last_start_message != nullptr) *last_start_message = args->message;
}

absl::Status CheckAddress(const std::string& address) {
  const size_t colon = address.rfind(':');
  int port = -1;
  if (colon == std::string::npos || colon == 0 ||
      !absl::SimpleAtoi(address.substr(colon + 1), &port) || port < 0 ||
      port > 65535) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--address must be host:port (e.g. 127.0.0.1:50051), got '", address,
        "'"));
  }
  return absl::OkStatus();
}

// gRPC's message nests causes; the innermost os_error says it best.
std::string LastCause(const std::string& message) {
  const size_t at = message.rfind("os_error:\"");
  if (at == std::string::npos) return message.empty() ? "unknown" : message;
  const size_t start = at + 10;
  return message.substr(start, message.find('"', start) - start);
}

std::unique_ptr<grpc::Server> BuildQuietly(grpc::ServerBuilder& builder,
                                           std::string* last_message) {
  {
    absl::MutexLock lock(&start_log_mutex);
    last_start_message = last_message;
  }
  gpr_set_log_function(KeepLastMessage);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  gpr_set_log_function(nullptr);  // Back to gRPC's default.
  absl::MutexLock lock(&start_log_mutex);
  last_start_message = nullptr;
  return server;
}

// gRPC refuses TLS files only here, after the images have loaded, and says
// so in a debug string; the files were checked when they were loaded, so
// this is the fallback for what those checks missed.
absl::Status ListenError(const ServerConfig& config, const std::string& why) {
  if (config.credentials != nullptr &&
      absl::StrContains(why, "Unable to create secure server")) {
    return absl::InvalidArgumentError(absl::StrCat(
        "cannot listen on '", config.address,
        "' with TLS: gRPC refused the certificate, key or client CA (check "
        "--tls_cert, --tls_key and --tls_client_ca)"));
  }
  return absl::UnavailableError(absl::StrCat(
      "cannot listen on '", config.address, "': ", LastCause(why)));
}

std::string WithPort(const std::string& address, int port) {
  const size_t colon = address.rfind(':');
  return absl::StrCat(address.substr(0, colon), ":", port);
}

}  // namespace

absl::StatusOr<StartedServer> StartServer(const ServerConfig& config,
                                          grpc::Service* service) {
  if (absl::Status address = CheckAddress(config.address); !address.ok()) {
    return address;
  }
  // Our own sync health service replaces gRPC's callback one (see
  // health_service.h).
  grpc::EnableDefaultHealthCheckService(false);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();

  StartedServer started;
  started.health = std::make_unique<HealthService>(absl::Milliseconds(100),
                                                   config.max_health_watches);
  grpc::ServerBuilder builder;
  builder.AddListeningPort(config.address,
                           config.credentials != nullptr
                               ? config.credentials
                               : grpc::InsecureServerCredentials(),
                           &started.port);
  // Two servers sharing a port would each get part of the traffic; a busy
  // port must be an error.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  // A connection that never completes its HTTP/2 handshake holds a
  // descriptor; gRPC's default waits two minutes before closing it.
  builder.AddChannelArgument(GRPC_ARG_SERVER_HANDSHAKE_TIMEOUT_MS,
                             kHandshakeTimeoutMs);
  // Each running stream holds a thread of the sync server; one connection
  // must not be able to take them all. A client that opens more at once
  // loses the connection. --grpc_arg can raise it.
  builder.AddChannelArgument(GRPC_ARG_MAX_CONCURRENT_STREAMS,
                             kMaxStreamsPerConnection);
  builder.RegisterService(service);
  builder.RegisterService(started.health.get());
  for (grpc::Service* more : config.more_services) {
    builder.RegisterService(more);
  }
  builder.SetMaxReceiveMessageSize(config.max_request_bytes);
  if (config.max_threads > 0) {
    grpc::ResourceQuota quota("image_server");
    quota.SetMaxThreads(config.max_threads);
    builder.SetResourceQuota(quota);
  }
  image_common::ApplyGrpcArgs(config.grpc_args, &builder);
  std::string why;
  started.server = BuildQuietly(builder, &why);
  if (started.server == nullptr || started.port == 0) {
    return ListenError(config, why);
  }
  started.address = WithPort(config.address, started.port);
  started.health->SetServingStatus("", true);
  started.health->SetServingStatus(kServiceName, true);
  return started;
}

void StartedServer::Shutdown(std::chrono::system_clock::time_point deadline) {
  health->Shutdown();
  server->Shutdown(deadline);
}

}  // namespace image_server

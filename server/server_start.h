// Builds and starts the gRPC server around an ImageServiceImpl: listening
// address, thread limits, health checking (grpc.health.v1) and reflection.
// Shared by main and by the tests, which start real servers on ephemeral ports.
#ifndef SERVER_SERVER_START_H_
#define SERVER_SERVER_START_H_

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/grpc_args.h"
#include "grpcpp/grpcpp.h"
#include "server/health_service.h"

namespace image_server {

struct ServerConfig {
  // Enough for thousands of streams; it bounds what clients that open
  // streams and never read them can take (threads, and their stacks).
  static constexpr int kDefaultMaxThreads = 4096;

  // host:port; port 0 picks a free port.
  std::string address = "127.0.0.1:50051";
  // Upper bound on the threads gRPC's sync server may use; 0 leaves it
  // unbounded. Each running RPC holds one thread; past the bound new calls
  // fail at once with RESOURCE_EXHAUSTED ("Server Threadpool Exhausted").
  int max_threads = kDefaultMaxThreads;
  // Health Watch calls open at once (each holds a thread while it waits).
  int max_health_watches = HealthService::kDefaultMaxWatches;
  // Largest request accepted. Requests are lists of names, so the gRPC
  // default is plenty; responses (images) have no size limit.
  int max_request_bytes = 4 * 1024 * 1024;
  // Extra channel arguments (--grpc_arg), applied last so they win.
  std::vector<image_common::GrpcArg> grpc_args;
  // TLS (common/tls_credentials.h); null listens in plaintext.
  std::shared_ptr<grpc::ServerCredentials> credentials;
  // Served beside the main service and health (e.g. ServerStats), listed by
  // reflection like them; each must outlive the server.
  std::vector<grpc::Service*> more_services;
};

struct StartedServer {
  // Declared before `server` so that it outlives it.
  std::unique_ptr<HealthService> health;
  std::unique_ptr<grpc::Server> server;
  // The port actually bound, and the address with that port.
  int port = 0;
  std::string address;

  // Ends health Watch calls first: they would otherwise hold the server open
  // until the deadline.
  void Shutdown(std::chrono::system_clock::time_point deadline);
};

absl::StatusOr<StartedServer> StartServer(const ServerConfig& config,
                                          grpc::Service* service);

}  // namespace image_server

#endif  // SERVER_SERVER_START_H_

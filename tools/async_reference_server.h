// An asynchronous grpc++ server for the same ImageService contract, sending the
// same pre-encoded responses, all from one thread through a CompletionQueue.
// It is not the product (image_server is synchronous by design) but a
// yardstick: what gRPC itself allows on a machine, so that image_bench's
// figures for image_server can be read against gRPC's ceiling as well as raw
// TCP's. Health/Check always says SERVING; no Watch, reflection or
// calibration.
#ifndef TOOLS_ASYNC_REFERENCE_SERVER_H_
#define TOOLS_ASYNC_REFERENCE_SERVER_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "grpcpp/generic/async_generic_service.h"
#include "grpcpp/grpcpp.h"
#include "server/image_store.h"

namespace image_tools {

class AsyncReferenceServer {
 public:
  // Listens on `address` (port 0 picks one) and serves from its own thread,
  // with TLS when `credentials` is given (common/tls_credentials.h), else in
  // plaintext. `store` must outlive the server.
  static absl::StatusOr<std::unique_ptr<AsyncReferenceServer>> Start(
      const image_server::ImageStore* store, const std::string& address,
      std::shared_ptr<grpc::ServerCredentials> credentials = nullptr);
  // Cancels what is still running and joins the serving thread.
  ~AsyncReferenceServer();

  int port() const { return port_; }
  // Images handed to gRPC so far, for per-image costs (perf stat counts
  // divided by this) and the stop line.
  int64_t images_sent() const { return responses_.images_sent.load(); }

  // What every call shares: the store and its responses as gRPC buffers.
  struct Responses {
    const image_server::ImageStore* store = nullptr;
    std::vector<grpc::ByteBuffer> images;
    grpc::ByteBuffer list;
    std::string serving_bytes;
    grpc::ByteBuffer serving;
    // The one thing calls change: counted as each write starts.
    mutable std::atomic<int64_t> images_sent{0};
  };

 private:
  class Call;
  AsyncReferenceServer() = default;
  void Serve();

  Responses responses_;
  // Once set, no call starts another step: a step begun after the queue shut
  // down would abort the process.
  absl::Mutex mutex_;
  bool stopping_ ABSL_GUARDED_BY(mutex_) = false;
  grpc::AsyncGenericService service_;
  std::unique_ptr<grpc::ServerCompletionQueue> queue_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
  std::thread thread_;
};

}  // namespace image_tools

#endif  // TOOLS_ASYNC_REFERENCE_SERVER_H_

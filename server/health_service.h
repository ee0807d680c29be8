// grpc.health.v1.Health on the synchronous API. gRPC's built-in health
// service is a callback service: registering it starts two extra threads that
// poll the same sockets as the sync handlers, so a stream's socket work hops
// between threads, and every call pays for the hand-off (docs/performance.md
// has the before and after).
#ifndef SERVER_HEALTH_SERVICE_H_
#define SERVER_HEALTH_SERVICE_H_

#include <optional>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "grpcpp/grpcpp.h"
#include "health.grpc.pb.h"

namespace image_server {

class HealthService final : public grpc::health::v1::Health::Service {
 public:
  using ServingStatus = grpc::health::v1::HealthCheckResponse::ServingStatus;

  // Each Watch call holds one of the sync server's threads for as long as
  // its client keeps it open, so idle watchers could take every thread;
  // past `max_watches` open at once, Watch fails with RESOURCE_EXHAUSTED.
  static constexpr int kDefaultMaxWatches = 100;

  // Watch checks every `cancel_poll` whether its client has gone away: a
  // sync handler has no other way to learn it while it waits for a change.
  explicit HealthService(absl::Duration cancel_poll = absl::Milliseconds(100),
                         int max_watches = kDefaultMaxWatches);

  // "" is the server as a whole. Ignored after Shutdown.
  void SetServingStatus(const std::string& service, bool serving);
  // Every service becomes NOT_SERVING for good, and Watch calls end, so that
  // the server's own shutdown does not wait for them.
  void Shutdown();

  grpc::Status Check(grpc::ServerContext* context,
                     const grpc::health::v1::HealthCheckRequest* request,
                     grpc::health::v1::HealthCheckResponse* response) override;
  grpc::Status Watch(grpc::ServerContext* context,
                     const grpc::health::v1::HealthCheckRequest* request,
                     grpc::ServerWriter<grpc::health::v1::HealthCheckResponse>*
                         writer) override;

 private:
  ServingStatus StatusOf(const std::string& service) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);
  // Waits until `service`'s status differs from `last` and returns it;
  // nullopt once the service shuts down or the call is cancelled.
  std::optional<ServingStatus> WaitForChange(const std::string& service,
                                             ServingStatus last,
                                             grpc::ServerContext* context);

  const absl::Duration cancel_poll_;
  const int max_watches_;
  mutable absl::Mutex mutex_;
  absl::CondVar changed_;
  absl::flat_hash_map<std::string, bool> serving_ ABSL_GUARDED_BY(mutex_);
  bool shut_down_ ABSL_GUARDED_BY(mutex_) = false;
  int open_watches_ ABSL_GUARDED_BY(mutex_) = 0;
};

}  // namespace image_server

#endif  // SERVER_HEALTH_SERVICE_H_

// The cheapest unary call the server under test answers: grpc.health.v1
// Health/Check, whose handler does next to nothing, on a fresh connection
// with the scenarios' channel settings. ListImages' latency beside it shows
// what the image service adds to gRPC's own cost per call; beside the raw
// TCP round trip, what gRPC costs. (A gRPC echo server inside the bench
// process is no floor: sharing the bench's pollers made it slower than
// ListImages on the real server.)
#ifndef BENCH_BASELINES_GRPC_FLOOR_H_
#define BENCH_BASELINES_GRPC_FLOOR_H_

#include <memory>

#include "absl/status/status.h"
#include "bench/benchmark_names.h"
#include "bench/client/image_client.h"
#include "bench/start/start_barrier.h"
#include "grpcpp/grpcpp.h"
#include "health.grpc.pb.h"

namespace image_bench {

// One Check of the server as a whole ("") at a time on `channel`.
class HealthCheckCaller {
 public:
  explicit HealthCheckCaller(std::shared_ptr<grpc::Channel> channel);
  // Fails naming the problem, e.g. a server without the health service.
  absl::Status Call();

 private:
  std::unique_ptr<grpc::health::v1::Health::Stub> stub_;
  grpc::health::v1::HealthCheckRequest request_;
  grpc::health::v1::HealthCheckResponse response_;
};

// Registers kHealthCheckName against `options.target`. `start_barrier` (may be
// null) is awaited once connected, before the timed calls.
void RegisterGrpcFloor(const ChannelOptions& options,
                       StartBarrier* start_barrier);

}  // namespace image_bench

#endif  // BENCH_BASELINES_GRPC_FLOOR_H_

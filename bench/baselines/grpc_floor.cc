#include "bench/baselines/grpc_floor.h"

#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "bench/baselines/tcp_benchmarks.h"
#include "benchmark/benchmark.h"
#include "common/grpc_status.h"

namespace image_bench {

HealthCheckCaller::HealthCheckCaller(std::shared_ptr<grpc::Channel> channel)
    : stub_(grpc::health::v1::Health::NewStub(std::move(channel))) {}

absl::Status HealthCheckCaller::Call() {
  grpc::ClientContext context;
  const grpc::Status status = stub_->Check(&context, request_, &response_);
  if (status.error_code() == grpc::StatusCode::UNIMPLEMENTED) {
    return absl::UnimplementedError(
        "the server has no grpc.health.v1.Health service to measure the "
        "gRPC floor with");
  }
  if (!status.ok()) {
    return absl::UnavailableError(absl::StrCat(
        "Health/Check: ", image_common::DescribeGrpcStatus(status)));
  }
  return absl::OkStatus();
}

namespace {

void HealthCheckRoundTrips(benchmark::State& state,
                           const ChannelOptions& options,
                           StartBarrier* start_barrier) {
  absl::StatusOr<std::vector<std::shared_ptr<grpc::Channel>>> channels =
      ConnectChannels(options, 1);
  if (!channels.ok()) {
    return state.SkipWithError(
        std::string(channels.status().message()).c_str());
  }
  HealthCheckCaller caller(channels->front());
  TimeRoundTrips(
      state, [&] { return caller.Call(); }, start_barrier);
}

}  // namespace

void RegisterGrpcFloor(const ChannelOptions& options,
                       StartBarrier* start_barrier) {
  benchmark::RegisterBenchmark(
      kHealthCheckName,
      [options, start_barrier](benchmark::State& state) {
        HealthCheckRoundTrips(state, options, start_barrier);
      })
      ->UseManualTime()
      ->MeasureProcessCPUTime()
      ->Unit(benchmark::kMicrosecond);
}

}  // namespace image_bench

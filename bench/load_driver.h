// Runs a fixed number of RPCs with a fixed number in flight, one thread per
// in-flight RPC (the sync API blocks), and collects what the workers saw.
#ifndef BENCH_LOAD_DRIVER_H_
#define BENCH_LOAD_DRIVER_H_

#include <cstdint>
#include <functional>
#include <memory>

#include "absl/time/time.h"
#include "bench/rpc_stats.h"

namespace image_bench {

// One in-flight slot: it owns whatever it reuses from call to call (stub,
// request, response message) and records each call into `stats`.
class RpcWorker {
 public:
  virtual ~RpcWorker() = default;
  // `intended_start` is when the call should begin: now in closed loop, a
  // point on the arrival schedule in open loop.
  virtual void Call(absl::Time intended_start, RpcStats* stats) = 0;
};

using WorkerFactory = std::function<std::unique_ptr<RpcWorker>(int worker)>;

struct LoadPlan {
  int64_t rpcs = 1;
  int concurrency = 1;
};

struct LoadResult {
  RpcStats stats;
  absl::Duration wall;
};

// Closed loop: each worker starts its next call as soon as its last ends.
LoadResult RunClosedLoop(const LoadPlan& plan, const WorkerFactory& factory);

}  // namespace image_bench

#endif  // BENCH_LOAD_DRIVER_H_

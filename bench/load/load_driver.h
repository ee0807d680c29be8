// Runs a fixed number of RPCs with a fixed number in flight, one thread per
// in-flight RPC (the sync API blocks), and collects what the workers saw.
#ifndef BENCH_LOAD_LOAD_DRIVER_H_
#define BENCH_LOAD_LOAD_DRIVER_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "absl/time/time.h"
#include "bench/stats/rpc_stats.h"

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
  // The timed window: it began at `start` (wall clock) and lasted `wall`.
  absl::Time start;
  absl::Duration wall;
  // Open loop only: calls that began more than kLateStart after their
  // intended time because every worker was busy.
  int64_t late_starts = 0;
};

// Closed loop: each worker starts its next call as soon as its last ends.
LoadResult RunClosedLoop(const LoadPlan& plan, const WorkerFactory& factory);

enum class Arrival { kConstant, kPoisson };

struct OpenLoopPlan {
  int64_t rpcs = 1;
  // Most calls in flight (worker threads).
  int concurrency = 1;
  // Calls per second over the whole run.
  double rate = 1;
  Arrival arrival = Arrival::kConstant;
  // Poisson arrivals are drawn from this seed, so runs are repeatable.
  uint64_t seed = 1;
};

inline constexpr absl::Duration kLateStart = absl::Milliseconds(1);

// When each call should start, relative to the start of the run.
std::vector<absl::Duration> ArrivalSchedule(const OpenLoopPlan& plan);

// Open loop: calls start on the schedule whether or not earlier ones have
// finished (up to `concurrency` in flight). Latency counts from the intended
// start, so a stalled server shows in the percentiles instead of silently
// slowing the client down (coordinated omission).
LoadResult RunOpenLoop(const OpenLoopPlan& plan, const WorkerFactory& factory);

}  // namespace image_bench

#endif  // BENCH_LOAD_LOAD_DRIVER_H_

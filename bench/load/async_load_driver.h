// Drives closed-loop calls from one thread through a CompletionQueue:
// the thread that polls the sockets also records each result and starts the
// next call. The thread-per-call driver (load_driver.h) hands every
// completion from the polling thread to the waiting worker; with many calls
// in flight that hand-off cost the bench more CPU per ListImages call than
// the server spent answering it.
// Open loop stays on load_driver.h: a CompletionQueue wakes on a deadline
// only to the millisecond, so calls would start late and that lateness would
// count against the server in latency measured from the intended start.
#ifndef BENCH_LOAD_ASYNC_LOAD_DRIVER_H_
#define BENCH_LOAD_ASYNC_LOAD_DRIVER_H_

#include <functional>
#include <memory>

#include "bench/load/load_driver.h"
#include "bench/stats/rpc_stats.h"
#include "grpcpp/completion_queue.h"

namespace image_bench {

// One in-flight slot: it owns what it reuses between calls (request, response,
// the call's context) and runs one call at a time.
class AsyncRpcSlot {
 public:
  virtual ~AsyncRpcSlot() = default;
  // Starts a call; each of its steps completes on `cq` with `tag`.
  virtual void Start(grpc::CompletionQueue* cq, void* tag) = 0;
  // A step completed (`ok` as the queue reported it). Starts the next step
  // and returns false, or returns true once the call has ended, having
  // checked the result and recorded any error. The driver records the
  // call's latency; the slot records anything finer (e.g. image gaps).
  virtual bool Proceed(bool ok, RpcStats* stats) = 0;
};

using AsyncSlotFactory = std::function<std::unique_ptr<AsyncRpcSlot>(int slot)>;

// Closed loop: each slot starts its next call as soon as its last ends.
LoadResult RunAsyncClosedLoop(const LoadPlan& plan,
                              const AsyncSlotFactory& factory);

}  // namespace image_bench

#endif  // BENCH_LOAD_ASYNC_LOAD_DRIVER_H_

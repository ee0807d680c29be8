#include "bench/load/async_load_driver.h"

#include <algorithm>
#include <memory>
#include <vector>

#include "absl/time/clock.h"

namespace image_bench {
namespace {

struct Slot {
  std::unique_ptr<AsyncRpcSlot> rpc;
  absl::Time start;
};

}  // namespace

LoadResult RunAsyncClosedLoop(const LoadPlan& plan,
                              const AsyncSlotFactory& factory) {
  grpc::CompletionQueue queue;
  std::vector<Slot> slots(
      std::max<int64_t>(1, std::min<int64_t>(plan.concurrency, plan.rpcs)));
  LoadResult result;
  int64_t started = 0;
  const auto start_call = [&](Slot& slot) {
    slot.start = absl::Now();
    ++started;
    slot.rpc->Start(&queue, &slot);
  };

  const absl::Time begin = absl::Now();
  for (size_t i = 0; i < slots.size(); ++i) {
    slots[i].rpc = factory(static_cast<int>(i));
    if (started < plan.rpcs) start_call(slots[i]);
  }
  void* tag;
  bool ok;
  while (result.stats.rpcs < plan.rpcs && queue.Next(&tag, &ok)) {
    Slot& slot = *static_cast<Slot*>(tag);
    if (!slot.rpc->Proceed(ok, &result.stats)) continue;
    // Closed loop: a call starts when it is due, so both latencies agree.
    const absl::Duration latency = absl::Now() - slot.start;
    result.stats.rpc_latency.RecordDuration(latency);
    result.stats.rpc_latency_uncorrected.RecordDuration(latency);
    ++result.stats.rpcs;
    if (started < plan.rpcs) start_call(slot);
  }
  result.start = begin;
  result.wall = absl::Now() - begin;
  queue.Shutdown();
  while (queue.Next(&tag, &ok)) {
  }
  return result;
}

}  // namespace image_bench

#include "bench/async_load_driver.h"

#include <algorithm>
#include <vector>

#include "absl/time/clock.h"
#include "grpcpp/support/time.h"

namespace image_bench {
namespace {

struct Slot {
  std::unique_ptr<AsyncRpcSlot> rpc;
  absl::Time intended_start;
  absl::Time start;
};

// What both loops share: the slots, the queue and the bookkeeping of one run.
class AsyncRun {
 public:
  AsyncRun(int64_t rpcs, int concurrency, const AsyncSlotFactory& factory)
      : rpcs_(rpcs) {
    const int64_t count = std::max<int64_t>(
        1, std::min<int64_t>(concurrency, std::max<int64_t>(rpcs, 1)));
    slots_.resize(count);
    for (int i = 0; i < count; ++i) {
      slots_[i].rpc = factory(i);
      idle_.push_back(&slots_[i]);
    }
  }

  ~AsyncRun() {
    queue_.Shutdown();
    void* tag;
    bool ok;
    while (queue_.Next(&tag, &ok)) {
    }
  }

  bool AllStarted() const { return started_ >= rpcs_; }
  bool AllDone() const { return done_ >= rpcs_; }
  bool HasIdleSlot() const { return !idle_.empty(); }

  void StartNext(absl::Time intended_start) {
    Slot* slot = idle_.back();
    idle_.pop_back();
    slot->intended_start = intended_start;
    slot->start = absl::Now();
    ++started_;
    slot->rpc->Start(&queue_, slot);
  }

  // Waits for one step of a call to complete, until `deadline`; false if
  // none did.
  bool CompleteOne(absl::Time deadline) {
    void* tag;
    bool ok;
    const grpc::CompletionQueue::NextStatus next =
        deadline == absl::InfiniteFuture()
            ? (queue_.Next(&tag, &ok) ? grpc::CompletionQueue::GOT_EVENT
                                      : grpc::CompletionQueue::SHUTDOWN)
            : queue_.AsyncNext(&tag, &ok, absl::ToChronoTime(deadline));
    if (next != grpc::CompletionQueue::GOT_EVENT) return false;
    Slot* slot = static_cast<Slot*>(tag);
    if (!slot->rpc->Proceed(ok, &result_.stats)) return true;
    const absl::Time end = absl::Now();
    result_.stats.rpc_latency.RecordDuration(end - slot->intended_start);
    result_.stats.rpc_latency_uncorrected.RecordDuration(end - slot->start);
    ++result_.stats.rpcs;
    idle_.push_back(slot);
    ++done_;
    return true;
  }

  LoadResult& result() { return result_; }

 private:
  const int64_t rpcs_;
  grpc::CompletionQueue queue_;
  std::vector<Slot> slots_;
  std::vector<Slot*> idle_;
  int64_t started_ = 0;
  int64_t done_ = 0;
  LoadResult result_;
};

}  // namespace

LoadResult RunAsyncClosedLoop(const LoadPlan& plan,
                              const AsyncSlotFactory& factory) {
  AsyncRun run(plan.rpcs, plan.concurrency, factory);
  const absl::Time start = absl::Now();
  while (!run.AllDone()) {
    while (!run.AllStarted() && run.HasIdleSlot()) run.StartNext(absl::Now());
    run.CompleteOne(absl::InfiniteFuture());
  }
  run.result().wall = absl::Now() - start;
  return std::move(run.result());
}

}  // namespace image_bench

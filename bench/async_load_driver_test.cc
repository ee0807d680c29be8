#include "bench/async_load_driver.h"

#include <memory>

#include "absl/time/clock.h"
#include "grpcpp/alarm.h"
#include "grpcpp/support/time.h"
#include "gtest/gtest.h"

namespace image_bench {
namespace {

// A call that completes after `normal`, except the `stall_at`-th call
// overall, which takes `stall`: a server pausing once. An alarm stands in
// for the server's answer.
class AlarmSlot : public AsyncRpcSlot {
 public:
  AlarmSlot(absl::Duration normal, int stall_at, absl::Duration stall,
            int* calls, int* in_flight, int* most_in_flight)
      : normal_(normal),
        stall_at_(stall_at),
        stall_(stall),
        calls_(calls),
        in_flight_(in_flight),
        most_in_flight_(most_in_flight) {}

  void Start(grpc::CompletionQueue* cq, void* tag) override {
    const absl::Duration wait = (*calls_)++ == stall_at_ ? stall_ : normal_;
    *most_in_flight_ = std::max(*most_in_flight_, ++*in_flight_);
    alarm_.Set(cq, absl::ToChronoTime(absl::Now() + wait), tag);
  }

  void Finish(bool ok, RpcStats* stats) override {
    --*in_flight_;
    if (!ok) stats->AddError("alarm cancelled");
  }

 private:
  const absl::Duration normal_;
  const int stall_at_;
  const absl::Duration stall_;
  int* calls_;
  int* in_flight_;
  int* most_in_flight_;
  grpc::Alarm alarm_;
};

class AsyncLoadDriverTest : public ::testing::Test {
 protected:
  AsyncSlotFactory Alarms(absl::Duration normal, int stall_at = -1,
                          absl::Duration stall = absl::ZeroDuration()) {
    return [=](int) {
      return std::make_unique<AlarmSlot>(normal, stall_at, stall, &calls_,
                                         &in_flight_, &most_in_flight_);
    };
  }

  int calls_ = 0;
  int in_flight_ = 0;
  int most_in_flight_ = 0;
};

TEST_F(AsyncLoadDriverTest, ClosedLoopRunsEveryCallOnceWithAllSlotsBusy) {
  const LoadResult result = RunAsyncClosedLoop({/*rpcs=*/37, /*concurrency=*/4},
                                               Alarms(absl::Milliseconds(1)));
  EXPECT_EQ(calls_, 37);
  EXPECT_EQ(result.stats.rpcs, 37);
  EXPECT_EQ(result.stats.rpc_latency.count(), 37);
  EXPECT_EQ(result.stats.errors, 0);
  EXPECT_EQ(most_in_flight_, 4);
  EXPECT_EQ(in_flight_, 0);
  // 37 calls of 1 ms, 4 at a time: at least 10 rounds.
  EXPECT_GE(result.wall, absl::Milliseconds(10));
  EXPECT_GE(result.stats.rpc_latency.ValueAtPercentile(50),
            absl::ToInt64Nanoseconds(absl::Milliseconds(1)));
}

TEST_F(AsyncLoadDriverTest, NeverMoreSlotsThanCalls) {
  const LoadResult result = RunAsyncClosedLoop({/*rpcs=*/3, /*concurrency=*/64},
                                               Alarms(absl::Microseconds(100)));
  EXPECT_EQ(result.stats.rpcs, 3);
  EXPECT_EQ(most_in_flight_, 3);
}

}  // namespace
}  // namespace image_bench

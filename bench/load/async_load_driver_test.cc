#include "bench/load/async_load_driver.h"

#include <memory>

#include "absl/time/clock.h"
#include "grpcpp/alarm.h"
#include "grpcpp/support/time.h"
#include "gtest/gtest.h"

namespace image_bench {
namespace {

// A call of `steps` steps that each complete after `wait`; an alarm stands in
// for each answer from the server.
class AlarmSlot : public AsyncRpcSlot {
 public:
  AlarmSlot(int steps, absl::Duration wait, int* calls, int* in_flight,
            int* most_in_flight)
      : steps_(steps),
        wait_(wait),
        calls_(calls),
        in_flight_(in_flight),
        most_in_flight_(most_in_flight) {}

  void Start(grpc::CompletionQueue* cq, void* tag) override {
    cq_ = cq;
    tag_ = tag;
    ++*calls_;
    steps_left_ = steps_;
    *most_in_flight_ = std::max(*most_in_flight_, ++*in_flight_);
    NextStep();
  }

  bool Proceed(bool ok, RpcStats* stats) override {
    if (!ok) stats->AddError("alarm cancelled");
    if (--steps_left_ > 0) {
      NextStep();
      return false;
    }
    --*in_flight_;
    return true;
  }

 private:
  void NextStep() {
    alarm_.Set(cq_, absl::ToChronoTime(absl::Now() + wait_), tag_);
  }

  const int steps_;
  const absl::Duration wait_;
  int* calls_;
  int* in_flight_;
  int* most_in_flight_;
  grpc::CompletionQueue* cq_ = nullptr;
  void* tag_ = nullptr;
  int steps_left_ = 0;
  grpc::Alarm alarm_;
};

class AsyncLoadDriverTest : public ::testing::Test {
 protected:
  AsyncSlotFactory Alarms(absl::Duration wait, int steps = 1) {
    return [=](int) {
      return std::make_unique<AlarmSlot>(steps, wait, &calls_, &in_flight_,
                                         &most_in_flight_);
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

TEST_F(AsyncLoadDriverTest, TheWindowIsWhenTheCallsRan) {
  const absl::Time before = absl::Now();
  const LoadResult result = RunAsyncClosedLoop({/*rpcs=*/8, /*concurrency=*/2},
                                               Alarms(absl::Milliseconds(1)));
  const absl::Time after = absl::Now();
  EXPECT_GE(result.start, before);
  EXPECT_LE(result.start + result.wall, after);
  EXPECT_GE(result.wall, absl::Milliseconds(4));
}

TEST_F(AsyncLoadDriverTest, ACallEndsOnlyAfterItsLastStep) {
  const LoadResult result =
      RunAsyncClosedLoop({/*rpcs=*/6, /*concurrency=*/2},
                         Alarms(absl::Milliseconds(1), /*steps=*/5));
  EXPECT_EQ(calls_, 6);
  EXPECT_EQ(result.stats.rpcs, 6);
  EXPECT_EQ(most_in_flight_, 2);
  // Each call is five 1 ms steps.
  EXPECT_GE(result.stats.rpc_latency.ValueAtPercentile(0),
            absl::ToInt64Nanoseconds(absl::Milliseconds(5)));
  EXPECT_GE(result.wall, absl::Milliseconds(15));
}

TEST_F(AsyncLoadDriverTest, NeverMoreSlotsThanCalls) {
  const LoadResult result = RunAsyncClosedLoop({/*rpcs=*/3, /*concurrency=*/64},
                                               Alarms(absl::Microseconds(100)));
  EXPECT_EQ(result.stats.rpcs, 3);
  EXPECT_EQ(most_in_flight_, 3);
}

}  // namespace
}  // namespace image_bench

#include "bench/load/load_driver.h"

#include <memory>
#include <vector>

#include "absl/time/clock.h"
#include "gtest/gtest.h"

namespace image_bench {
namespace {

// A call that takes `normal`, except the `stall_at`-th call on this worker,
// which takes `stall`: a server pausing once.
class FakeWorker : public RpcWorker {
 public:
  FakeWorker(absl::Duration normal, int stall_at, absl::Duration stall)
      : normal_(normal), stall_at_(stall_at), stall_(stall) {}

  void Call(absl::Time intended_start, RpcStats* stats) override {
    const absl::Time start = absl::Now();
    absl::SleepFor(calls_++ == stall_at_ ? stall_ : normal_);
    const absl::Time end = absl::Now();
    stats->rpc_latency.RecordDuration(end - intended_start);
    stats->rpc_latency_uncorrected.RecordDuration(end - start);
    ++stats->rpcs;
  }

 private:
  const absl::Duration normal_;
  const int stall_at_;
  const absl::Duration stall_;
  int calls_ = 0;
};

WorkerFactory Fakes(absl::Duration normal, int stall_at = -1,
                    absl::Duration stall = absl::ZeroDuration()) {
  return [=](int) {
    return std::make_unique<FakeWorker>(normal, stall_at, stall);
  };
}

TEST(ArrivalScheduleTest, ConstantArrivalsAreEvenlySpaced) {
  OpenLoopPlan plan;
  plan.rpcs = 5;
  plan.rate = 4;
  const std::vector<absl::Duration> schedule = ArrivalSchedule(plan);
  ASSERT_EQ(schedule.size(), 5);
  for (int i = 0; i < 5; ++i)
    EXPECT_EQ(schedule[i], absl::Milliseconds(250) * i);
}

TEST(ArrivalScheduleTest, PoissonArrivalsHaveTheRateOnAverageAndRepeat) {
  OpenLoopPlan plan;
  plan.rpcs = 20000;
  plan.rate = 1000;
  plan.arrival = Arrival::kPoisson;
  const std::vector<absl::Duration> schedule = ArrivalSchedule(plan);
  const double seconds = absl::ToDoubleSeconds(schedule.back());
  EXPECT_NEAR(plan.rpcs / seconds, plan.rate, plan.rate * 0.03);
  for (size_t i = 1; i < schedule.size(); ++i) {
    ASSERT_GE(schedule[i], schedule[i - 1]);
  }
  EXPECT_EQ(ArrivalSchedule(plan), schedule);
  plan.seed = 2;
  EXPECT_NE(ArrivalSchedule(plan), schedule);
}

TEST(LoadDriverTest, ClosedLoopRunsEveryCallOnce) {
  const LoadResult result = RunClosedLoop({/*rpcs=*/37, /*concurrency=*/4},
                                          Fakes(absl::Microseconds(100)));
  EXPECT_EQ(result.stats.rpcs, 37);
  EXPECT_EQ(result.stats.rpc_latency.count(), 37);
  EXPECT_EQ(result.late_starts, 0);
}

// The window merged histogram files compare across processes: it lies
// inside the call, on the wall clock.
TEST(LoadDriverTest, TheWindowIsWhenTheCallsRan) {
  for (const bool open_loop : {false, true}) {
    SCOPED_TRACE(open_loop ? "open loop" : "closed loop");
    const absl::Time before = absl::Now();
    const LoadResult result =
        open_loop ? RunOpenLoop({/*rpcs=*/10, /*concurrency=*/2, /*rate=*/1000},
                                Fakes(absl::Microseconds(100)))
                  : RunClosedLoop({/*rpcs=*/10, /*concurrency=*/2},
                                  Fakes(absl::Microseconds(100)));
    const absl::Time after = absl::Now();
    EXPECT_GE(result.start, before);
    EXPECT_LE(result.start + result.wall, after);
    EXPECT_GE(result.wall, absl::Microseconds(500));
  }
}

TEST(LoadDriverTest, OpenLoopKeepsTheScheduleWhenTheServerKeepsUp) {
  OpenLoopPlan plan;
  plan.rpcs = 50;
  plan.concurrency = 2;
  plan.rate = 500;
  const LoadResult result = RunOpenLoop(plan, Fakes(absl::Microseconds(200)));
  EXPECT_EQ(result.stats.rpcs, 50);
  // 50 calls at 500/s take 98 ms of schedule, plus the last call.
  EXPECT_GE(result.wall, absl::Milliseconds(98));
  EXPECT_LT(result.wall, absl::Milliseconds(300));
}

// The core of coordinated omission: one 100 ms stall with one worker. The
// calls scheduled during the stall start late; counted from their intended
// start they are slow, counted from their actual start they look fast.
TEST(LoadDriverTest, OpenLoopCountsAStallFromTheIntendedStart) {
  OpenLoopPlan plan;
  plan.rpcs = 100;
  plan.concurrency = 1;
  plan.rate = 200;  // A call every 5 ms.
  const LoadResult result =
      RunOpenLoop(plan, Fakes(absl::Microseconds(100), /*stall_at=*/10,
                              /*stall=*/absl::Milliseconds(100)));

  EXPECT_EQ(result.stats.rpcs, 100);
  // About 20 calls were due during the stall.
  EXPECT_GE(result.late_starts, 15);
  const LatencyHistogram& corrected = result.stats.rpc_latency;
  const LatencyHistogram& uncorrected = result.stats.rpc_latency_uncorrected;
  EXPECT_GE(corrected.ValueAtPercentile(90),
            absl::ToInt64Nanoseconds(absl::Milliseconds(10)));
  EXPECT_LT(uncorrected.ValueAtPercentile(90),
            absl::ToInt64Nanoseconds(absl::Milliseconds(5)));
  EXPECT_GE(corrected.max_ns(),
            absl::ToInt64Nanoseconds(absl::Milliseconds(100)));
}

}  // namespace
}  // namespace image_bench

#include "server/process_cpu.h"

#include <time.h>

#include <chrono>
#include <thread>

#include "gtest/gtest.h"

namespace image_server {
namespace {

int64_t ThreadCpuNanos() {
  timespec cpu{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &cpu);
  return int64_t{cpu.tv_sec} * 1'000'000'000 + cpu.tv_nsec;
}

// `nanos` on a CPU, however long a busy machine takes to give them.
void Spin(int64_t nanos) {
  const int64_t start = ThreadCpuNanos();
  while (ThreadCpuNanos() - start < nanos) {
  }
}

constexpr int kManyCalls = kFreshReadMaxCalls + 1;

TEST(ProcessCpuTest, WithManyCallsInFlightItIsReadAtMostOncePerInterval) {
  const int64_t before = ProcessCpuNanos(kManyCalls);
  Spin(30'000'000);
  std::this_thread::sleep_for(
      std::chrono::nanoseconds(kProcessCpuRefreshNs + 1'000'000));
  const int64_t after = ProcessCpuNanos(kManyCalls);
  // Within the interval of a reading, callers get that reading.
  EXPECT_EQ(ProcessCpuNanos(kManyCalls), after);
  // `before` may be a reading up to one interval old, which only adds;
  // after the sleep, `after` is a fresh one.
  EXPECT_GE(after - before, 30'000'000);
}

// A call shorter than the interval, alone on the server: a reading kept
// from its start would give it no CPU time at all.
TEST(ProcessCpuTest, WithFewCallsInFlightEveryReadingIsFresh) {
  const int64_t start = ProcessCpuNanos(1);
  Spin(2'000'000);
  const int64_t end = ProcessCpuNanos(1);
  EXPECT_GE(end - start, 2'000'000);
  // Readings of either kind never go back.
  EXPECT_GE(ProcessCpuNanos(kManyCalls), end);
}

}  // namespace
}  // namespace image_server

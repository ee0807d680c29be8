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

TEST(ProcessCpuTest, AdvancesWithWorkAndIsReadAtMostOncePerInterval) {
  const int64_t before = ProcessCpuNanos();
  // 30 ms on a CPU, however long a busy machine takes to give them.
  const int64_t start = ThreadCpuNanos();
  while (ThreadCpuNanos() - start < 30'000'000) {
  }
  // Within the interval of a reading, callers get that reading.
  std::this_thread::sleep_for(
      std::chrono::nanoseconds(kProcessCpuRefreshNs + 1'000'000));
  const int64_t after = ProcessCpuNanos();
  EXPECT_EQ(ProcessCpuNanos(), after);
  // `before` may be a reading up to one interval old, which only adds;
  // after the sleep, `after` is a fresh one.
  EXPECT_GE(after - before, 30'000'000);
}

}  // namespace
}  // namespace image_server

#include "server/thread_times.h"

#include <chrono>
#include <optional>
#include <thread>

#include "gtest/gtest.h"

namespace image_server {
namespace {

int64_t Spin(std::chrono::milliseconds how_long) {
  const auto until = std::chrono::steady_clock::now() + how_long;
  int64_t spins = 0;
  while (std::chrono::steady_clock::now() < until) ++spins;
  return spins;
}

TEST(ThreadTimesTest, SpinningCountsOnCpuAndSleepingDoesNot) {
  const std::optional<ThreadTimes> before = CurrentThreadTimes();
  if (!before) GTEST_SKIP() << "this kernel keeps no scheduler statistics";
  EXPECT_GT(Spin(std::chrono::milliseconds(30)), 0);
  const std::optional<ThreadTimes> spun = CurrentThreadTimes();
  ASSERT_TRUE(spun);
  // Spinning for 30 ms is on a CPU or waiting for one, nothing else.
  EXPECT_GE((spun->on_cpu_ns - before->on_cpu_ns) +
                (spun->queued_ns - before->queued_ns),
            25'000'000);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  const std::optional<ThreadTimes> slept = CurrentThreadTimes();
  ASSERT_TRUE(slept);
  // Asleep, the thread is neither on a CPU nor queued for one (waking and
  // reading the file cost far less than 20 ms).
  EXPECT_LT((slept->on_cpu_ns - spun->on_cpu_ns) +
                (slept->queued_ns - spun->queued_ns),
            20'000'000);
}

TEST(ThreadTimesTest, EachThreadReadsItsOwn) {
  const std::optional<ThreadTimes> here = CurrentThreadTimes();
  if (!here) GTEST_SKIP() << "this kernel keeps no scheduler statistics";
  std::optional<ThreadTimes> there;
  std::thread([&] { there = CurrentThreadTimes(); }).join();
  ASSERT_TRUE(there);
  // A new thread has run for next to nothing; this one has run the test.
  EXPECT_LT(there->on_cpu_ns, here->on_cpu_ns);
}

}  // namespace
}  // namespace image_server

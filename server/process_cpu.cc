#include "server/process_cpu.h"

#include <time.h>

#include <atomic>
#include <chrono>

namespace image_server {

namespace {

int64_t ReadClock() {
  timespec cpu{};
  if (clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu) != 0) return -1;
  return int64_t{cpu.tv_sec} * 1'000'000'000 + cpu.tv_nsec;
}

}  // namespace

int64_t ProcessCpuNanos(int calls_in_flight) {
  static std::atomic<int64_t> sampled_at{0};
  static std::atomic<int64_t> sample{0};
  if (calls_in_flight <= kFreshReadMaxCalls) {
    const int64_t now = ReadClock();
    if (now >= 0) {
      // Kept as the last reading too, so that it never goes back when the
      // calls in flight pass the bound.
      int64_t last = sample.load(std::memory_order_relaxed);
      while (now > last && !sample.compare_exchange_weak(
                               last, now, std::memory_order_relaxed)) {
      }
      return now;
    }
  }
  const int64_t now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                          std::chrono::steady_clock::now().time_since_epoch())
                          .count();
  int64_t last = sampled_at.load(std::memory_order_relaxed);
  // One caller per interval reads the clock; the others take its reading.
  if (now - last >= kProcessCpuRefreshNs &&
      sampled_at.compare_exchange_strong(last, now,
                                         std::memory_order_relaxed)) {
    const int64_t cpu = ReadClock();
    int64_t last_sample = sample.load(std::memory_order_relaxed);
    while (cpu > last_sample &&
           !sample.compare_exchange_weak(last_sample, cpu,
                                         std::memory_order_relaxed)) {
    }
  }
  return sample.load(std::memory_order_relaxed);
}

}  // namespace image_server

#include "server/process_cpu.h"

#include <time.h>

#include <atomic>
#include <chrono>

namespace image_server {

int64_t ProcessCpuNanos() {
  static std::atomic<int64_t> sampled_at{0};
  static std::atomic<int64_t> sample{0};
  const int64_t now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                          std::chrono::steady_clock::now().time_since_epoch())
                          .count();
  int64_t last = sampled_at.load(std::memory_order_relaxed);
  // One caller per interval reads the clock; the others take its reading.
  if (now - last >= kProcessCpuRefreshNs &&
      sampled_at.compare_exchange_strong(last, now,
                                         std::memory_order_relaxed)) {
    timespec cpu{};
    if (clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu) == 0) {
      sample.store(int64_t{cpu.tv_sec} * 1'000'000'000 + cpu.tv_nsec,
                   std::memory_order_relaxed);
    }
  }
  return sample.load(std::memory_order_relaxed);
}

}  // namespace image_server

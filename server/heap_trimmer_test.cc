#include "server/heap_trimmer.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <thread>
#include <vector>

#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "testing/sanitizer_slowdown.h"

namespace image_server {
namespace {

constexpr size_t kMB = size_t{1} << 20;

TEST(HeapTrimPolicyTest, TrimsOnceMemoryFreedOnceAndAgainWhenReusedAndFreed) {
  HeapTrimPolicy policy(64 * kMB);
  EXPECT_FALSE(policy.ShouldTrim(0));
  EXPECT_FALSE(policy.ShouldTrim(64 * kMB));
  EXPECT_TRUE(policy.ShouldTrim(100 * kMB));
  policy.Trimmed(100 * kMB);
  // Trimmed pages stay counted as free: no trim for them again.
  EXPECT_FALSE(policy.ShouldTrim(100 * kMB));
  EXPECT_FALSE(policy.ShouldTrim(150 * kMB));
  // Reused, then freed again: resident again, so due again.
  EXPECT_FALSE(policy.ShouldTrim(20 * kMB));
  EXPECT_TRUE(policy.ShouldTrim(100 * kMB));
}

size_t ResidentBytes() {
  long pages = 0, resident = 0;
  FILE* statm = std::fopen("/proc/self/statm", "r");
  if (statm == nullptr) return 0;
  if (std::fscanf(statm, "%ld %ld", &pages, &resident) != 2) resident = 0;
  std::fclose(statm);
  return static_cast<size_t>(resident) * sysconf(_SC_PAGESIZE);
}

TEST(HeapTrimmerTest, GivesBackWhatABurstOfThreadsFreed) {
#ifdef IMAGE_TESTING_SANITIZED
  GTEST_SKIP() << "a sanitizer's allocator has no glibc arenas to trim";
#endif
  // Blocks below glibc's mmap threshold, allocated on another thread, one in
  // 32 of them kept: the freed runs sit between blocks in use, away from the
  // top of their heap, as a burst of calls leaves them.
  std::vector<void*> kept;
  std::thread burst([&kept] {
    std::vector<void*> blocks;
    for (int i = 0; i < 2048; ++i) {
      blocks.push_back(std::malloc(64 * 1024));
      std::memset(blocks.back(), 1, 64 * 1024);
    }
    for (size_t i = 0; i < blocks.size(); ++i) {
      if (i % 32 == 31) {
        kept.push_back(blocks[i]);
      } else {
        std::free(blocks[i]);
      }
    }
  });
  burst.join();
  ASSERT_GT(FreeHeapBytes(), 100 * kMB);
  const size_t before = ResidentBytes();

  HeapTrimmer trimmer(absl::Milliseconds(10), 64 * kMB);
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  while (trimmer.trims() == 0 && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(5));
  }
  EXPECT_EQ(trimmer.trims(), 1);
  EXPECT_LT(ResidentBytes() + 100 * kMB, before);
  // Nothing more was freed, so nothing more is trimmed.
  absl::SleepFor(absl::Milliseconds(100));
  EXPECT_EQ(trimmer.trims(), 1);
  for (void* block : kept) std::free(block);
}

}  // namespace
}  // namespace image_server

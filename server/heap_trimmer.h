// Gives free heap memory back to the system when much of it sits unused.
// A burst of calls on the sync server (a rapid-reset attack on a starved
// machine reaches the thread limit) leaves hundreds of MB freed inside
// glibc's per-thread arenas. glibc returns memory on its own only from the
// top of a heap, so without a trim the process keeps that RSS for good.
#ifndef SERVER_HEAP_TRIMMER_H_
#define SERVER_HEAP_TRIMMER_H_

#include <atomic>
#include <cstddef>
#include <thread>

#include "absl/synchronization/notification.h"
#include "absl/time/time.h"

namespace image_server {

// Free bytes inside malloc's arenas, as glibc counts them. A trim releases
// their pages but leaves them counted, so this alone cannot say whether a
// trim is due.
size_t FreeHeapBytes();

// Decides when to trim: once the free bytes have grown by more than
// `min_growth` over the least seen since the last trim. Memory trimmed,
// reused and freed again counts anew; memory freed once is trimmed once.
class HeapTrimPolicy {
 public:
  explicit HeapTrimPolicy(size_t min_growth) : min_growth_(min_growth) {}
  bool ShouldTrim(size_t free_bytes);
  void Trimmed(size_t free_bytes_after) { low_ = free_bytes_after; }

 private:
  const size_t min_growth_;
  size_t low_ = 0;
};

// Checks every `period` on a thread of its own and trims every arena
// (malloc_trim) when the policy says so. The check is cheap; the trim walks
// every free chunk, hence the policy.
class HeapTrimmer {
 public:
  HeapTrimmer(absl::Duration period, size_t min_growth);
  ~HeapTrimmer();
  HeapTrimmer(const HeapTrimmer&) = delete;
  HeapTrimmer& operator=(const HeapTrimmer&) = delete;

  static constexpr size_t kDefaultMinGrowth = size_t{64} << 20;

  int trims() const { return trims_.load(); }  // So far (for tests).

 private:
  absl::Notification stopping_;
  std::atomic<int> trims_{0};
  std::thread thread_;
};

}  // namespace image_server

#endif  // SERVER_HEAP_TRIMMER_H_

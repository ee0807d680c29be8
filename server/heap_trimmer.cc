#include "server/heap_trimmer.h"

#include <malloc.h>

#include <algorithm>

namespace image_server {

size_t FreeHeapBytes() { return mallinfo2().fordblks; }

bool HeapTrimPolicy::ShouldTrim(size_t free_bytes) {
  low_ = std::min(low_, free_bytes);
  return free_bytes - low_ > min_growth_;
}

HeapTrimmer::HeapTrimmer(absl::Duration period, size_t min_growth)
    : thread_([this, period, min_growth] {
        HeapTrimPolicy policy(min_growth);
        while (!stopping_.WaitForNotificationWithTimeout(period)) {
          if (!policy.ShouldTrim(FreeHeapBytes())) continue;
          malloc_trim(0);
          policy.Trimmed(FreeHeapBytes());
          trims_.fetch_add(1);
        }
      }) {}

HeapTrimmer::~HeapTrimmer() {
  stopping_.Notify();
  thread_.join();
}

}  // namespace image_server

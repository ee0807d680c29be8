// Memory for the image cache's responses, mapped and reused within a bound.
//
// Why not malloc: responses of a few hundred KB to many MB, freed by
// whichever thread sent last, stay resident in glibc's per-thread arenas, and
// a server bounded to N MB of cache grows to several times N. Why not a
// fresh mapping per response: mmap and munmap take the process's mapping
// lock and shoot down TLBs on every core, and faulting a new mapping in page
// by page costs more than reading the file; with 64 streams that is most of
// the server's time. So a large buffer, once mapped, goes back to a free list
// when its last holder lets go and is handed out again for a response of
// about its size, already faulted in.
#ifndef SERVER_RESPONSE_BUFFERS_H_
#define SERVER_RESPONSE_BUFFERS_H_

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>

#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"

namespace image_server {

class ResponseBuffers;

// One response's bytes. Its memory returns to its ResponseBuffers when the
// last shared_ptr to it goes.
class ResponseBuffer {
 public:
  char* data() { return bytes_; }
  absl::string_view bytes() const { return {bytes_, size_}; }

 private:
  friend class ResponseBuffers;
  ResponseBuffer(char* bytes, size_t size, size_t mapped)
      : bytes_(bytes), size_(size), mapped_(mapped) {}
  char* bytes_;
  size_t size_;
  size_t mapped_;  // 0: from the heap.
};

class ResponseBuffers : public std::enable_shared_from_this<ResponseBuffers> {
 public:
  // Free buffers are unmapped whenever keeping them would take the mapped
  // total past `capacity_bytes`.
  static std::shared_ptr<ResponseBuffers> Create(int64_t capacity_bytes);
  ~ResponseBuffers();

  // A buffer of `size` bytes, contents undefined: a free one of at least
  // that size (and at most twice it) when there is one, else new memory.
  std::shared_ptr<ResponseBuffer> Take(size_t size);

  // Bytes of buffers someone holds: what they take, mappings whole.
  int64_t in_use_bytes() const;
  // Bytes mapped, in use or free.
  int64_t mapped_bytes() const;

 private:
  explicit ResponseBuffers(int64_t capacity_bytes)
      : capacity_bytes_(capacity_bytes) {}
  void Return(ResponseBuffer* buffer);
  void UnmapFreeUntil(int64_t mapped_target)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);

  const int64_t capacity_bytes_;
  mutable absl::Mutex mutex_;
  // Free mappings by size, and where each starts.
  std::multimap<size_t, char*> free_ ABSL_GUARDED_BY(mutex_);
  int64_t in_use_bytes_ ABSL_GUARDED_BY(mutex_) = 0;
  int64_t mapped_bytes_ ABSL_GUARDED_BY(mutex_) = 0;
};

}  // namespace image_server

#endif  // SERVER_RESPONSE_BUFFERS_H_

#include "server/response_buffers.h"

#include <sys/mman.h>
#include <unistd.h>

#include <new>

namespace image_server {
namespace {

// Smaller responses come from the heap, where malloc reuses them well.
constexpr size_t kMappedFrom = 128 * 1024;

size_t PageRounded(size_t size) {
  static const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  return (size + page - 1) / page * page;
}

}  // namespace

std::shared_ptr<ResponseBuffers> ResponseBuffers::Create(
    int64_t capacity_bytes) {
  return std::shared_ptr<ResponseBuffers>(new ResponseBuffers(capacity_bytes));
}

ResponseBuffers::~ResponseBuffers() {
  absl::MutexLock lock(&mutex_);
  UnmapFreeUntil(0);
}

std::shared_ptr<ResponseBuffer> ResponseBuffers::Take(size_t size) {
  // Buffers hold their pool alive: gRPC may release one after the server
  // dropped the cache.
  std::shared_ptr<ResponseBuffers> self = shared_from_this();
  auto give_back = [self](ResponseBuffer* buffer) { self->Return(buffer); };
  if (size < kMappedFrom) {
    {
      absl::MutexLock lock(&mutex_);
      in_use_bytes_ += static_cast<int64_t>(size);
    }
    return std::shared_ptr<ResponseBuffer>(
        new ResponseBuffer(new char[size], size, 0), give_back);
  }
  const size_t wanted = PageRounded(size);
  absl::MutexLock lock(&mutex_);
  const auto fit = free_.lower_bound(wanted);
  if (fit != free_.end() && fit->first <= 2 * wanted) {
    ResponseBuffer* buffer = new ResponseBuffer(fit->second, size, fit->first);
    in_use_bytes_ += static_cast<int64_t>(fit->first);
    free_.erase(fit);
    return std::shared_ptr<ResponseBuffer>(buffer, give_back);
  }
  in_use_bytes_ += static_cast<int64_t>(wanted);
  UnmapFreeUntil(capacity_bytes_ - static_cast<int64_t>(wanted));
  void* mapped = mmap(nullptr, wanted, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
  if (mapped == MAP_FAILED) throw std::bad_alloc();
  mapped_bytes_ += static_cast<int64_t>(wanted);
  return std::shared_ptr<ResponseBuffer>(
      new ResponseBuffer(static_cast<char*>(mapped), size, wanted), give_back);
}

void ResponseBuffers::Return(ResponseBuffer* buffer) {
  absl::MutexLock lock(&mutex_);
  in_use_bytes_ -= static_cast<int64_t>(buffer->mapped_ == 0 ? buffer->size_
                                                             : buffer->mapped_);
  if (buffer->mapped_ == 0) {
    delete[] buffer->bytes_;
  } else {
    free_.emplace(buffer->mapped_, buffer->bytes_);
    UnmapFreeUntil(capacity_bytes_);
  }
  delete buffer;
}

void ResponseBuffers::UnmapFreeUntil(int64_t mapped_target) {
  // Largest first: the fewest unmaps to get under the target.
  while (mapped_bytes_ > mapped_target && !free_.empty()) {
    const auto largest = std::prev(free_.end());
    munmap(largest->second, largest->first);
    mapped_bytes_ -= static_cast<int64_t>(largest->first);
    free_.erase(largest);
  }
}

int64_t ResponseBuffers::in_use_bytes() const {
  absl::MutexLock lock(&mutex_);
  return in_use_bytes_;
}

int64_t ResponseBuffers::mapped_bytes() const {
  absl::MutexLock lock(&mutex_);
  return mapped_bytes_;
}

}  // namespace image_server

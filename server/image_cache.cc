#include "server/image_cache.h"

#include <cstring>
#include <utility>

#include "server/response_framing.h"

namespace image_server {
ImageCache::ImageCache(int64_t capacity_bytes)
    : capacity_bytes_(capacity_bytes),
      buffers_(ResponseBuffers::Create(capacity_bytes)) {}

absl::StatusOr<std::shared_ptr<const CachedResponse>> ImageCache::Get(
    const StoredImage& image) {
  const KeyView key(image.info.name(), image.file_identity);
  {
    absl::MutexLock lock(&mutex_);
    const auto found = entries_.find(key);
    if (found != entries_.end()) {
      ++stats_.hits;
      recency_.splice(recency_.begin(), recency_, found->second.recency);
      return found->second.response;
    }
    if (std::shared_ptr<const CachedResponse> held = StillHeld(key)) {
      ++stats_.hits;
      // Costs no memory: it is in use anyway.
      Insert(Key{std::string(key.name), key.file}, held);
      return held;
    }
    ++stats_.misses;
  }
  // Read without the lock: other streams' hits must not wait on the disk.
  // Two streams missing the same image at once both read it; the first to
  // finish caches it.
  absl::StatusOr<std::shared_ptr<const CachedResponse>> response = Read(image);
  if (!response.ok()) return response.status();
  absl::MutexLock lock(&mutex_);
  const auto found = entries_.find(key);
  if (found != entries_.end()) return found->second.response;
  // Dropped empty handles, so that the index stays about as large as the
  // set of live responses.
  if (handed_out_.size() > 2 * entries_.size() + 1024) {
    absl::erase_if(handed_out_,
                   [](const auto& handed) { return handed.second.expired(); });
  }
  Key owned{std::string(key.name), key.file};
  handed_out_[owned] = *response;
  Insert(std::move(owned), *response);
  return response;
}

std::shared_ptr<const CachedResponse> ImageCache::StillHeld(KeyView key) {
  const auto handed = handed_out_.find(key);
  if (handed == handed_out_.end()) return nullptr;
  std::shared_ptr<const CachedResponse> held = handed->second.lock();
  if (held == nullptr) handed_out_.erase(handed);
  return held;
}

// The response read from the image's file straight into its place between
// the framing's parts.
absl::StatusOr<std::shared_ptr<const CachedResponse>> ImageCache::Read(
    const StoredImage& image) {
  const ResponseFraming framing =
      FramingFor(image.info, image.file_identity.size);
  const size_t size = static_cast<size_t>(framing.size());
  {
    // Room first, so that the new response never joins a full set.
    absl::MutexLock lock(&mutex_);
    while (buffers_->in_use_bytes() + static_cast<int64_t>(size) >
               capacity_bytes_ &&
           !recency_.empty()) {
      EvictOldest();
    }
  }
  std::shared_ptr<CachedResponse> response = buffers_->Take(size);
  char* const bytes = response->data();
  std::memcpy(bytes, framing.prefix.data(), framing.prefix.size());
  std::memcpy(bytes + framing.prefix.size() + framing.content_size,
              framing.suffix.data(), framing.suffix.size());
  if (absl::Status read =
          ReadUnchangedFile(image.path, image.info.name(), image.file_identity,
                            bytes + framing.prefix.size());
      !read.ok()) {
    return read;
  }
  return response;
}

void ImageCache::Insert(Key key,
                        std::shared_ptr<const CachedResponse> response) {
  // Other fills may have landed meanwhile; the new response already counts.
  while (buffers_->in_use_bytes() > capacity_bytes_ && !recency_.empty()) {
    EvictOldest();
  }
  if (buffers_->in_use_bytes() > capacity_bytes_) return;  // Sent, not kept.
  recency_.push_front(key);
  stats_.cached_bytes += static_cast<int64_t>(response->bytes().size());
  entries_.emplace(std::move(key),
                   Entry{std::move(response), recency_.begin()});
}

void ImageCache::EvictOldest() {
  const auto oldest = entries_.find(recency_.back());
  stats_.cached_bytes -=
      static_cast<int64_t>(oldest->second.response->bytes().size());
  // Resident only drops here if no stream still holds the response.
  entries_.erase(oldest);
  recency_.pop_back();
  ++stats_.evictions;
}

ImageCache::Stats ImageCache::stats() const {
  absl::MutexLock lock(&mutex_);
  Stats stats = stats_;
  stats.entries = static_cast<int64_t>(entries_.size());
  stats.resident_bytes = buffers_->in_use_bytes();
  stats.mapped_bytes = buffers_->mapped_bytes();
  return stats;
}

}  // namespace image_server

// Encoded StreamImagesResponses for images whose bytes stay on disk
// (image_server --max_cache_mb): each is read from its file and encoded once
// per fill, then served from memory until it is evicted, least recently used
// first.
//
// The capacity bounds every response the server holds, cached or being sent:
// a response handed out stays valid for as long as its holder keeps it
// (gRPC may still be sending it after it was evicted), and it counts against
// the capacity until then. A fill evicts until the total fits; when what is
// being sent alone passes the capacity (more streams at once than the
// capacity holds images), nothing stays cached and each send reads its file.
// That holds an image larger than the capacity too. Streams that want an
// image some sender still holds share that copy, cached or not, so memory
// grows with the distinct images being sent, not with the streams.
#ifndef SERVER_IMAGE_CACHE_H_
#define SERVER_IMAGE_CACHE_H_

#include <cstdint>
#include <list>
#include <memory>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/hash/hash.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "server/image_file.h"
#include "server/image_store.h"
#include "server/response_buffers.h"

namespace image_server {

// A cached response: bytes of its own (see response_buffers.h).
using CachedResponse = ResponseBuffer;

class ImageCache {
 public:
  explicit ImageCache(int64_t capacity_bytes);
  ImageCache(const ImageCache&) = delete;
  ImageCache& operator=(const ImageCache&) = delete;

  // `image`'s encoded response, cached or read now from `image.path`.
  // ReadUnchangedFile's errors when the file is no longer the one indexed:
  // nothing of a changed file is ever served.
  absl::StatusOr<std::shared_ptr<const CachedResponse>> Get(
      const StoredImage& image);

  struct Stats {
    int64_t hits = 0;       // Cached, or shared with a sender.
    int64_t misses = 0;     // Reads from disk, cached or not.
    int64_t evictions = 0;  // Responses dropped to make room.
    int64_t cached_bytes = 0;
    int64_t entries = 0;
    // Every live response, cached or still held by a sender.
    int64_t resident_bytes = 0;
    // Memory mapped for responses, in use or free for the next fills.
    int64_t mapped_bytes = 0;
  };
  Stats stats() const;
  int64_t capacity_bytes() const { return capacity_bytes_; }

 private:
  // An image's name and file identity: a rescan that finds the same file
  // under the same name finds its response still cached, and a changed file
  // never matches its old response.
  struct Key {
    std::string name;
    FileIdentity file;
  };
  // A key to look up with, over the caller's name: a hit copies no string.
  struct KeyView {
    KeyView(absl::string_view name, const FileIdentity& file)
        : name(name), file(file) {}
    KeyView(const Key& key)  // NOLINT: implicit, for the map's own keys.
        : name(key.name), file(key.file) {}
    absl::string_view name;
    const FileIdentity& file;
  };
  struct KeyHash {
    using is_transparent = void;
    size_t operator()(KeyView key) const {
      return absl::HashOf(key.name, key.file.device, key.file.inode,
                          key.file.size, key.file.modified_ns);
    }
  };
  struct KeyEqual {
    using is_transparent = void;
    bool operator()(KeyView a, KeyView b) const {
      return a.name == b.name && a.file == b.file;
    }
  };
  template <typename Value>
  using KeyMap = absl::flat_hash_map<Key, Value, KeyHash, KeyEqual>;
  struct Entry {
    std::shared_ptr<const CachedResponse> response;
    std::list<Key>::iterator recency;
  };

  absl::StatusOr<std::shared_ptr<const CachedResponse>> Read(
      const StoredImage& image);
  void Insert(Key key, std::shared_ptr<const CachedResponse> response)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);
  void EvictOldest() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);

  // A response some sender still holds, cached or evicted: another stream
  // that wants the same image shares it rather than reading a copy.
  std::shared_ptr<const CachedResponse> StillHeld(KeyView key)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);

  const int64_t capacity_bytes_;
  // Shared with the responses, which can outlive the cache.
  const std::shared_ptr<ResponseBuffers> buffers_;
  mutable absl::Mutex mutex_;
  KeyMap<Entry> entries_ ABSL_GUARDED_BY(mutex_);
  // Every response handed out and maybe still alive.
  KeyMap<std::weak_ptr<const CachedResponse>> handed_out_
      ABSL_GUARDED_BY(mutex_);
  // Most recently used first.
  std::list<Key> recency_ ABSL_GUARDED_BY(mutex_);
  Stats stats_ ABSL_GUARDED_BY(mutex_);
};

}  // namespace image_server

#endif  // SERVER_IMAGE_CACHE_H_

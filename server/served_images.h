// One generation of what the server serves: an image store and its encoded
// responses, as gRPC buffers over the store's bytes or, for an index without
// content, read through an image cache that all generations share. A rescan
// (SIGHUP) makes a new generation; each call holds the one it started with, so
// a stream never sends some images from one scan and some from the next, and a
// generation's bytes live until its last stream ends.
#ifndef SERVER_SERVED_IMAGES_H_
#define SERVER_SERVED_IMAGES_H_

#include <memory>
#include <vector>

#include "absl/status/status.h"
#include "grpcpp/support/byte_buffer.h"
#include "server/image_cache.h"
#include "server/image_store.h"

namespace image_server {

class ServedImages {
 public:
  // Over a store the caller keeps alive for the life of the server: static
  // buffers, free per send (the store loaded at start-up).
  // With a `cache`, the store holds no content and images are read through
  // it.
  static std::shared_ptr<const ServedImages> Borrowing(
      const ImageStore* store, std::shared_ptr<ImageCache> cache = nullptr);
  // Owns `store`; it lives until this generation is dropped and gRPC has
  // finished sending its last bytes, whichever comes last.
  static std::shared_ptr<const ServedImages> Owning(
      ImageStore store, std::shared_ptr<ImageCache> cache = nullptr);

  const ImageStore& store() const { return *store_; }
  // store().images()[i]'s encoded StreamImagesResponse when the store holds
  // it; nullptr with a cache (use Read).
  const grpc::ByteBuffer* in_memory_image(int i) const {
    return cache_ == nullptr ? &encoded_images_[i] : nullptr;
  }
  // The same response through the cache (ImageCache::Get's errors), into
  // `out`, as a buffer that keeps its bytes alive until gRPC has sent them.
  // (An out-parameter: grpc::ByteBuffer has no move, and each copy costs an
  // allocation per image.)
  absl::Status Read(int i, grpc::ByteBuffer* out) const;
  const grpc::ByteBuffer& encoded_list() const { return encoded_list_; }

 private:
  ServedImages() = default;

  const ImageStore* store_ = nullptr;
  std::shared_ptr<ImageCache> cache_;
  std::vector<grpc::ByteBuffer> encoded_images_;
  grpc::ByteBuffer encoded_list_;
};

}  // namespace image_server

#endif  // SERVER_SERVED_IMAGES_H_

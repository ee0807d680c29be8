#include "server/served_images.h"

#include <utility>

#include "server/borrowed_buffer.h"

namespace image_server {

std::shared_ptr<const ServedImages> ServedImages::Borrowing(
    const ImageStore* store, std::shared_ptr<ImageCache> cache) {
  std::shared_ptr<ServedImages> served(new ServedImages);
  served->store_ = store;
  served->cache_ = std::move(cache);
  if (served->cache_ == nullptr) {
    served->encoded_images_ = BorrowedImageBuffers(*store);
  }
  served->encoded_list_ = BorrowedBuffer(store->encoded_list());
  return served;
}

std::shared_ptr<const ServedImages> ServedImages::Owning(
    ImageStore store, std::shared_ptr<ImageCache> cache) {
  const auto owned = std::make_shared<const ImageStore>(std::move(store));
  std::shared_ptr<ServedImages> served(new ServedImages);
  served->store_ = owned.get();
  served->cache_ = std::move(cache);
  if (served->cache_ == nullptr) {
    served->encoded_images_.reserve(owned->images().size());
    for (const StoredImage& image : owned->images()) {
      served->encoded_images_.push_back(
          SharingBuffer(image.encoded_response, owned));
    }
  }
  served->encoded_list_ = SharingBuffer(owned->encoded_list(), owned);
  return served;
}

absl::Status ServedImages::Read(int i, grpc::ByteBuffer* out) const {
  absl::StatusOr<std::shared_ptr<const CachedResponse>> response =
      cache_->Get(store_->images()[i]);
  if (!response.ok()) return response.status();
  grpc::ByteBuffer shared = SharingBuffer((*response)->bytes(), *response);
  out->Swap(&shared);
  return absl::OkStatus();
}

}  // namespace image_server

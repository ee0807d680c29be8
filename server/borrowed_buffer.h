// gRPC buffers over bytes that are not gRPC's, so that every send of a
// pre-encoded response shares one copy.
//
// BorrowedBuffer: a static slice is never copied or freed by gRPC, and costs
// nothing per send. The caller keeps `bytes` alive for as long as gRPC may
// send them: in practice, for the life of the server.
#ifndef SERVER_BORROWED_BUFFER_H_
#define SERVER_BORROWED_BUFFER_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "grpcpp/support/byte_buffer.h"
#include "grpcpp/support/slice.h"
#include "server/image_store.h"

namespace image_server {

inline grpc::ByteBuffer BorrowedBuffer(const std::string& bytes) {
  const grpc::Slice slice(bytes.data(), bytes.size(),
                          grpc::Slice::STATIC_SLICE);
  return grpc::ByteBuffer(&slice, 1);
}

// Each store image's encoded StreamImagesResponse, in store order.
inline std::vector<grpc::ByteBuffer> BorrowedImageBuffers(
    const ImageStore& store) {
  std::vector<grpc::ByteBuffer> buffers;
  buffers.reserve(store.images().size());
  for (const StoredImage& image : store.images()) {
    buffers.push_back(BorrowedBuffer(image.encoded_response));
  }
  return buffers;
}

// A gRPC buffer over `bytes` that keeps `owner` alive for as long as gRPC
// holds any reference to it: gRPC may still be sending the bytes after the
// call that wrote them has ended, so a store that can be replaced must not
// go before they are sent. Costs a reference count per send, which static
// slices do not.
inline grpc::ByteBuffer SharingBuffer(
    absl::string_view bytes, const std::shared_ptr<const void>& owner) {
  auto* hold = new std::shared_ptr<const void>(owner);
  const grpc::Slice slice(
      const_cast<char*>(bytes.data()), bytes.size(),
      [](void* held) {
        delete static_cast<std::shared_ptr<const void>*>(held);
      },
      hold);
  return grpc::ByteBuffer(&slice, 1);
}

}  // namespace image_server

#endif  // SERVER_BORROWED_BUFFER_H_

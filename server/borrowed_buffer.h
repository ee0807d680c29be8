// A gRPC buffer over bytes the caller owns: a static slice is never copied or
// freed by gRPC, so every send of a pre-encoded response shares one copy. The
// caller keeps `bytes` alive for as long as any such buffer is in use.
#ifndef SERVER_BORROWED_BUFFER_H_
#define SERVER_BORROWED_BUFFER_H_

#include <string>
#include <vector>

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

}  // namespace image_server

#endif  // SERVER_BORROWED_BUFFER_H_

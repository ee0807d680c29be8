// A gRPC buffer over bytes the caller owns: a static slice is never copied or
// freed by gRPC, so every send of a pre-encoded response shares one copy. The
// caller keeps `bytes` alive for as long as any such buffer is in use.
#ifndef SERVER_BORROWED_BUFFER_H_
#define SERVER_BORROWED_BUFFER_H_

#include <string>

#include "grpcpp/support/byte_buffer.h"
#include "grpcpp/support/slice.h"

namespace image_server {

inline grpc::ByteBuffer BorrowedBuffer(const std::string& bytes) {
  const grpc::Slice slice(bytes.data(), bytes.size(),
                          grpc::Slice::STATIC_SLICE);
  return grpc::ByteBuffer(&slice, 1);
}

}  // namespace image_server

#endif  // SERVER_BORROWED_BUFFER_H_

// Reads a serialized StreamImagesResponse straight out of gRPC's receive
// buffers. Only what the bench verifies is decoded (name, size_in_bytes, the
// content's location); the content itself is never copied, so the receive
// path costs no more than the bytes it must look at.
#ifndef BENCH_WIRE_IMAGE_WIRE_H_
#define BENCH_WIRE_IMAGE_WIRE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "grpcpp/support/byte_buffer.h"

namespace image_bench {

// One received image. `content` points into the ByteBuffer it was parsed
// from, which must outlive it.
struct ImageView {
  std::string name;
  int64_t size_in_bytes = 0;
  int64_t content_size = 0;
  // The content in order, one piece per receive buffer it spans.
  std::vector<absl::string_view> content;

  // Copies the pieces into `*out` (for decoding, which needs them together).
  void CopyContent(std::string* out) const;
};

// DataLossError when the bytes are not a well-formed StreamImagesResponse.
// Reuses `view`'s storage.
absl::Status ParseStreamImagesResponse(grpc::ByteBuffer* buffer,
                                       ImageView* view);

}  // namespace image_bench

#endif  // BENCH_WIRE_IMAGE_WIRE_H_

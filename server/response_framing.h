// A StreamImagesResponse's bytes as three parts: what comes before the
// image's content, the content, and what comes after. Together they are
// exactly the bytes protobuf's serializer writes for the same response, so a
// response can be built around file bytes read straight into place (the
// image cache reads each file into its final buffer, never copying it).
#ifndef SERVER_RESPONSE_FRAMING_H_
#define SERVER_RESPONSE_FRAMING_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "image_service.pb.h"

namespace image_server {

struct ResponseFraming {
  std::string prefix;  // Response and image headers, the name, the content tag.
  std::string suffix;  // The fields after the content: format, sizes.
  int64_t content_size = 0;

  int64_t size() const {
    return static_cast<int64_t>(prefix.size() + suffix.size()) + content_size;
  }
};

// The framing of a response whose image is `info`'s metadata and whose
// content is `content_size` bytes (more than 0: the store serves no empty
// file).
ResponseFraming FramingFor(const image_service::ImageInfo& info,
                           int64_t content_size);

// prefix + content + suffix, for `content` of the framing's size.
std::string EncodeResponse(const ResponseFraming& framing,
                           absl::string_view content);

}  // namespace image_server

#endif  // SERVER_RESPONSE_FRAMING_H_

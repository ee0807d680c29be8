// Tells whether a file's bytes are an image this OpenCV build can decode, and
// reads the metadata the server publishes (size in pixels, channels). Decodes
// no more than that needs: JPEG, the common case, is checked at 1/8 scale.
#ifndef SERVER_IMAGE_PROBE_H_
#define SERVER_IMAGE_PROBE_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace image_server {

struct ImageMetadata {
  int width = 0;
  int height = 0;
  // As cv::imdecode(IMREAD_UNCHANGED) would return them: 1 (gray), 3 or 4.
  int channels = 0;
  // "jpg", "png", "bmp", "tiff", "webp", ... from the content's signature;
  // empty when the signature is not one of these but OpenCV still decodes it.
  std::string sniffed_format;
};

// The format named by the first bytes of `bytes`, or "" when unknown.
std::string SniffFormat(absl::string_view bytes);

// InvalidArgumentError saying "not an image ..." or "corrupt <format> image"
// when OpenCV cannot decode `bytes`.
absl::StatusOr<ImageMetadata> ProbeImage(absl::string_view bytes);

}  // namespace image_server

#endif  // SERVER_IMAGE_PROBE_H_

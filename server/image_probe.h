// Tells whether a file's bytes are an image this OpenCV build can decode, and
// reads the metadata the server publishes (size in pixels, channels). Decodes
// no more than that needs: JPEG, the common case, is checked at 1/8 scale.
#ifndef SERVER_IMAGE_PROBE_H_
#define SERVER_IMAGE_PROBE_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "server/prober.h"

namespace image_server {

// The format named by the first bytes of `bytes`, or "" when unknown.
std::string SniffFormat(absl::string_view bytes);

// InvalidArgumentError saying "not an image ...", "corrupt <format> image" or
// "truncated jpg image ..." when OpenCV cannot decode `bytes` whole, and
// "... larger than 100 megapixels" for a JPEG or PNG whose header claims more,
// refused before any decoding. Other formats get OpenCV's own bound, which is
// the same only where OPENCV_IO_MAX_IMAGE_PIXELS says so (prober.h).
absl::StatusOr<ImageMetadata> ProbeImage(absl::string_view bytes);

// ProbeImage in this process, for tests and tools; the server probes in a
// child process instead (subprocess_prober.h).
ProberFactory InProcessProber();

}  // namespace image_server

#endif  // SERVER_IMAGE_PROBE_H_

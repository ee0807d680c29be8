// How the image store learns whether a file's bytes are an image it can serve
// and reads the metadata it publishes. Two implementations: ProbeImage in this
// process (image_probe.h, OpenCV) and SubprocessProber (subprocess_prober.h),
// which keeps OpenCV out of the server process.
#ifndef SERVER_PROBER_H_
#define SERVER_PROBER_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace image_server {

// The most pixels a servable image may have, whatever its format: a file of
// a few hundred bytes that claims more would make the decoder allocate, and
// a valid one decode, gigabytes. ProbeImage reads it from PNG and JPEG
// headers itself; for every other format it is OpenCV's own bound, which
// OpenCV reads from OPENCV_IO_MAX_IMAGE_PIXELS when it loads: the image_prober
// child is started with it (subprocess_prober.cc), and anything else that
// probes in process must set it too, or keep OpenCV's default of 2^30.
inline constexpr int64_t kMaxImagePixels = 100'000'000;

struct ImageMetadata {
  int width = 0;
  int height = 0;
  // As cv::imdecode(IMREAD_UNCHANGED) would return them: 1 (gray), 3 or 4.
  int channels = 0;
  // "jpg", "png", "bmp", "tiff", "webp", ... from the content's signature;
  // empty when the signature is not one of these but OpenCV still decodes it.
  std::string sniffed_format;
};

// Not thread-safe: the store gives each loading thread a prober of its own.
class Prober {
 public:
  virtual ~Prober() = default;
  // InvalidArgumentError (the file is skipped, the message says why) when
  // `bytes` is not a servable image.
  virtual absl::StatusOr<ImageMetadata> Probe(absl::string_view bytes) = 0;
};

using ProberFactory = std::function<absl::StatusOr<std::unique_ptr<Prober>>()>;

}  // namespace image_server

#endif  // SERVER_PROBER_H_

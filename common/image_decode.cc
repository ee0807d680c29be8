#include "common/image_decode.h"

#include <limits>

#include "opencv2/imgcodecs.hpp"

namespace image_common {

cv::Mat DecodeImage(absl::string_view bytes, int flags) {
  if (bytes.empty() ||
      bytes.size() > static_cast<size_t>(std::numeric_limits<int>::max())) {
    return cv::Mat();
  }
  // imdecode does not write to its input; the Mat only wraps the bytes.
  const cv::Mat wrapped(1, static_cast<int>(bytes.size()), CV_8UC1,
                        const_cast<char*>(bytes.data()));
  try {
    return cv::imdecode(wrapped, flags);
  } catch (const cv::Exception&) {
    return cv::Mat();
  }
}

}  // namespace image_common

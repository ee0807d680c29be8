// OpenCV's imdecode over bytes the caller owns, without a copy. Some of
// OpenCV's decoders throw cv::Exception on corrupt input instead of returning
// an empty image; here both mean "does not decode", and nothing throws.
#ifndef COMMON_IMAGE_DECODE_H_
#define COMMON_IMAGE_DECODE_H_

#include "absl/strings/string_view.h"
#include "opencv2/core.hpp"

namespace image_common {

// The decoded image, or an empty Mat. `flags` as for cv::imdecode
// (cv::IMREAD_UNCHANGED, cv::IMREAD_REDUCED_GRAYSCALE_8, ...).
cv::Mat DecodeImage(absl::string_view bytes, int flags);

}  // namespace image_common

#endif  // COMMON_IMAGE_DECODE_H_

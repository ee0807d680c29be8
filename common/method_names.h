// Full method names of image_service.proto, for the code that registers or
// calls the methods by hand (pre-encoded responses, raw buffers) instead of
// through generated stubs.
#ifndef COMMON_METHOD_NAMES_H_
#define COMMON_METHOD_NAMES_H_

namespace image_common {

inline constexpr char kListImagesMethod[] =
    "/image_service.ImageService/ListImages";
inline constexpr char kStreamImagesMethod[] =
    "/image_service.ImageService/StreamImages";

}  // namespace image_common

#endif  // COMMON_METHOD_NAMES_H_

// One ListImages or StreamImages call through the generated stub, timed and
// checked as the contract says: every image is the name asked for, in
// order, and holds size_in_bytes bytes.
#ifndef CLIENTS_CPP_DEFAULT_IMAGE_CALLS_H_
#define CLIENTS_CPP_DEFAULT_IMAGE_CALLS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "image_service.grpc.pb.h"

namespace cpp_default_client {

struct CallOutcome {
  double latency_us = 0;  // Just before the call to its final status.
  std::optional<double> first_image_us;  // Nullopt when no image came.
  int64_t images = 0;
  int64_t bytes = 0;
  std::string error;  // Empty for a call that succeeded and passed the check.
};

// The request for a stream of `count` images: names[0], names[1], ...,
// starting again from the first when `count` exceeds names.size().
image_service::StreamImagesRequest StreamRequest(
    const std::vector<std::string>& names, int count);

CallOutcome ListOnce(image_service::ImageService::Stub& stub);

// `request` as StreamRequest made it.
CallOutcome StreamOnce(image_service::ImageService::Stub& stub,
                       const image_service::StreamImagesRequest& request);

// Why `image`, received at `index` of a stream that asked for `request`, is
// not what was asked for; empty when it is.
std::string CheckImage(const image_service::StreamImagesRequest& request,
                       int64_t index, const image_service::Image& image);

}  // namespace cpp_default_client

#endif  // CLIENTS_CPP_DEFAULT_IMAGE_CALLS_H_

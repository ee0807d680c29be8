#include "clients/cpp-default/image_calls.h"

#include <chrono>

#include "absl/strings/str_cat.h"
#include "clients/cpp-default/scenario.h"
#include "common/grpc_status.h"
#include "common/one_line.h"

namespace cpp_default_client {
namespace {

using Clock = std::chrono::steady_clock;

// A server that stops sending must not hang the matrix; no call of the full
// set comes near this on loopback.
constexpr auto kCallTimeout = std::chrono::seconds(120);

double MicrosSince(Clock::time_point start) {
  return std::chrono::duration<double, std::micro>(Clock::now() - start)
      .count();
}

// "StreamImages of 10: NOT_FOUND: ..." cut to what an error sample may hold.
std::string ErrorSample(absl::string_view call, absl::string_view what) {
  std::string sample =
      image_common::OneLine(absl::StrCat(call, ": ", what), 1000);
  if (sample.size() > kMaxErrorSampleChars) {
    size_t cut = kMaxErrorSampleChars - 3;
    // Not inside a UTF-8 sequence (continuation bytes are 10xxxxxx).
    while (cut > 0 && (static_cast<unsigned char>(sample[cut]) & 0xC0) == 0x80)
      --cut;
    sample = absl::StrCat(sample.substr(0, cut), "...");
  }
  return sample;
}

}  // namespace

image_service::StreamImagesRequest StreamRequest(
    const std::vector<std::string>& names, int count) {
  image_service::StreamImagesRequest request;
  for (int i = 0; i < count && !names.empty(); ++i) {
    request.add_image_names(names[i % names.size()]);
  }
  return request;
}

CallOutcome ListOnce(image_service::ImageService::Stub& stub) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + kCallTimeout);
  image_service::ListImagesResponse response;
  const Clock::time_point start = Clock::now();
  const grpc::Status status =
      stub.ListImages(&context, image_service::ListImagesRequest(), &response);
  CallOutcome outcome;
  outcome.latency_us = MicrosSince(start);
  if (!status.ok()) {
    outcome.error =
        ErrorSample("ListImages", image_common::DescribeGrpcStatus(status));
  }
  return outcome;
}

std::string CheckImage(const image_service::StreamImagesRequest& request,
                       int64_t index, const image_service::Image& image) {
  if (index >= request.image_names_size()) {
    return absl::StrCat("more images than the ", request.image_names_size(),
                        " asked for");
  }
  const std::string& expected = request.image_names(static_cast<int>(index));
  if (image.name() != expected) {
    return absl::StrCat(
        "image ", index, " is ", image_common::QuotedForLine(image.name(), 60),
        ", expected ", image_common::QuotedForLine(expected, 60));
  }
  if (image.content().size() != static_cast<size_t>(image.size_in_bytes())) {
    return absl::StrCat("image ", index, " ",
                        image_common::QuotedForLine(expected, 60), " has ",
                        image.content().size(), " bytes, size_in_bytes says ",
                        image.size_in_bytes());
  }
  return "";
}

CallOutcome StreamOnce(image_service::ImageService::Stub& stub,
                       const image_service::StreamImagesRequest& request) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + kCallTimeout);
  CallOutcome outcome;
  std::string mismatch;
  const Clock::time_point start = Clock::now();
  std::unique_ptr<grpc::ClientReader<image_service::StreamImagesResponse>>
      reader = stub.StreamImages(&context, request);
  image_service::StreamImagesResponse response;
  while (reader->Read(&response)) {
    if (outcome.images == 0) outcome.first_image_us = MicrosSince(start);
    if (mismatch.empty()) {
      mismatch = CheckImage(request, outcome.images, response.image());
    }
    ++outcome.images;
    outcome.bytes += static_cast<int64_t>(response.image().content().size());
  }
  const grpc::Status status = reader->Finish();
  outcome.latency_us = MicrosSince(start);
  const std::string call =
      absl::StrCat("StreamImages of ", request.image_names_size());
  if (!status.ok()) {
    outcome.error = ErrorSample(call, image_common::DescribeGrpcStatus(status));
  } else if (!mismatch.empty()) {
    outcome.error = ErrorSample(call, mismatch);
  } else if (outcome.images != request.image_names_size()) {
    outcome.error =
        ErrorSample(call, absl::StrCat("OK after ", outcome.images, " images"));
  }
  return outcome;
}

}  // namespace cpp_default_client

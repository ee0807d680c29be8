#include "server/image_probe.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/image_decode.h"
#include "opencv2/core.hpp"
#include "opencv2/imgcodecs.hpp"

namespace image_server {
namespace {

struct JpegFrame {
  int width;
  int height;
  int components;
};

int ReadBigEndian16(absl::string_view bytes, size_t at) {
  return (static_cast<uint8_t>(bytes[at]) << 8) |
         static_cast<uint8_t>(bytes[at + 1]);
}

// Walks the marker segments up to the first start-of-frame. A reduced decode
// cannot give exact dimensions, so they come from the header.
std::optional<JpegFrame> ReadJpegFrame(absl::string_view bytes) {
  size_t at = 2;
  while (at + 4 <= bytes.size()) {
    if (static_cast<uint8_t>(bytes[at]) != 0xFF) return std::nullopt;
    const uint8_t marker = static_cast<uint8_t>(bytes[at + 1]);
    if (marker == 0xFF) {  // Fill byte before a marker.
      ++at;
      continue;
    }
    const int length = ReadBigEndian16(bytes, at + 2);
    const bool is_frame = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 &&
                          marker != 0xC8 && marker != 0xCC;
    if (is_frame) {
      if (at + 10 > bytes.size()) return std::nullopt;
      return JpegFrame{ReadBigEndian16(bytes, at + 7),
                       ReadBigEndian16(bytes, at + 5),
                       static_cast<uint8_t>(bytes[at + 9])};
    }
    at += 2 + length;
  }
  return std::nullopt;
}

absl::Status Undecodable(const std::string& format) {
  if (format.empty()) {
    return absl::InvalidArgumentError("not an image OpenCV can decode");
  }
  return absl::InvalidArgumentError(absl::StrCat("corrupt ", format, " image"));
}

absl::StatusOr<ImageMetadata> ProbeJpeg(absl::string_view bytes) {
  const std::optional<JpegFrame> frame = ReadJpegFrame(bytes);
  if (!frame || frame->width <= 0 || frame->height <= 0 ||
      image_common::DecodeImage(bytes, cv::IMREAD_REDUCED_GRAYSCALE_8)
          .empty()) {
    return Undecodable("jpg");
  }
  // OpenCV turns every multi-component JPEG (YCbCr, CMYK) into BGR.
  return ImageMetadata{frame->width, frame->height,
                       frame->components > 1 ? 3 : 1, "jpg"};
}

}  // namespace

std::string SniffFormat(absl::string_view bytes) {
  if (absl::StartsWith(bytes, "\xFF\xD8\xFF")) return "jpg";
  if (absl::StartsWith(bytes, "\x89PNG\r\n\x1A\n")) return "png";
  if (absl::StartsWith(bytes, "BM")) return "bmp";
  if (absl::StartsWith(bytes, absl::string_view("II*\0", 4)) ||
      absl::StartsWith(bytes, absl::string_view("MM\0*", 4))) {
    return "tiff";
  }
  if (bytes.size() >= 12 && absl::StartsWith(bytes, "RIFF") &&
      bytes.substr(8, 4) == "WEBP") {
    return "webp";
  }
  return "";
}

absl::StatusOr<ImageMetadata> ProbeImage(absl::string_view bytes) {
  const std::string format = SniffFormat(bytes);
  if (format == "jpg") return ProbeJpeg(bytes);
  const cv::Mat image = image_common::DecodeImage(bytes, cv::IMREAD_UNCHANGED);
  if (image.empty()) return Undecodable(format);
  return ImageMetadata{image.cols, image.rows, image.channels(), format};
}

namespace {

class InProcess final : public Prober {
 public:
  absl::StatusOr<ImageMetadata> Probe(absl::string_view bytes) override {
    return ProbeImage(bytes);
  }
};

}  // namespace

ProberFactory InProcessProber() {
  return []() -> absl::StatusOr<std::unique_ptr<Prober>> {
    return std::make_unique<InProcess>();
  };
}

}  // namespace image_server

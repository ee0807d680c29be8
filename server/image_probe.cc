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

// A bound on what probing may decode (prober.h): OpenCV's default (2^30
// pixels) lets a small file that claims 30000x30000 take gigabytes and many
// seconds.
constexpr int64_t kMaxMegapixels = kMaxImagePixels / (1000 * 1000);

struct JpegHeader {
  int width;
  int height;
  int components;
  // Where the first start-of-scan marker is: entropy-coded data follows.
  size_t scan_start;
};

int ReadBigEndian16(absl::string_view bytes, size_t at) {
  return (static_cast<uint8_t>(bytes[at]) << 8) |
         static_cast<uint8_t>(bytes[at + 1]);
}

uint32_t ReadBigEndian32(absl::string_view bytes, size_t at) {
  return (static_cast<uint32_t>(ReadBigEndian16(bytes, at)) << 16) |
         static_cast<uint32_t>(ReadBigEndian16(bytes, at + 2));
}

bool IsStartOfFrame(uint8_t marker) {
  return marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 &&
         marker != 0xCC;
}

// Walks the marker segments up to the first start-of-scan. A reduced decode
// cannot give exact dimensions, so they come from the start-of-frame.
std::optional<JpegHeader> ReadJpegHeader(absl::string_view bytes) {
  std::optional<JpegHeader> header;
  size_t at = 2;
  while (at + 4 <= bytes.size()) {
    if (static_cast<uint8_t>(bytes[at]) != 0xFF) return std::nullopt;
    const uint8_t marker = static_cast<uint8_t>(bytes[at + 1]);
    if (marker == 0xFF) {  // Fill byte before a marker.
      ++at;
      continue;
    }
    if (marker == 0xDA) {
      if (!header) return std::nullopt;
      header->scan_start = at;
      return header;
    }
    if (IsStartOfFrame(marker) && !header) {
      if (at + 10 > bytes.size()) return std::nullopt;
      header = JpegHeader{ReadBigEndian16(bytes, at + 7),
                          ReadBigEndian16(bytes, at + 5),
                          static_cast<uint8_t>(bytes[at + 9]), 0};
    }
    at += 2 + ReadBigEndian16(bytes, at + 2);
  }
  return std::nullopt;  // No scan: nothing but headers.
}

// libjpeg decodes a cut file without complaint, filling what is missing with
// gray, so a truncated JPEG needs its own check: an end-of-image marker after
// the first scan. Entropy-coded data cannot hold 0xFF 0xD9 (an 0xFF there is
// followed by 0x00 or a restart marker), so the marker is the image's end.
// Bytes after it are allowed, however many: phones append trailers and
// motion-photo videos to JPEGs that decode fine.
bool HasEndOfImage(absl::string_view bytes, size_t scan_start) {
  return bytes.substr(scan_start).rfind("\xFF\xD9") != absl::string_view::npos;
}

absl::Status Undecodable(const std::string& format) {
  if (format.empty()) {
    return absl::InvalidArgumentError("not an image OpenCV can decode");
  }
  return absl::InvalidArgumentError(absl::StrCat("corrupt ", format, " image"));
}

absl::Status CheckPixelCount(int64_t width, int64_t height) {
  if (width * height <= kMaxImagePixels) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat(width, "x", height, " pixels, larger than ", kMaxMegapixels,
                   " megapixels"));
}

absl::StatusOr<ImageMetadata> ProbeJpeg(absl::string_view bytes) {
  const std::optional<JpegHeader> header = ReadJpegHeader(bytes);
  if (!header || header->width <= 0 || header->height <= 0) {
    return Undecodable("jpg");
  }
  if (absl::Status size = CheckPixelCount(header->width, header->height);
      !size.ok()) {
    return size;
  }
  if (!HasEndOfImage(bytes, header->scan_start)) {
    return absl::InvalidArgumentError(
        "truncated jpg image (no end-of-image marker)");
  }
  if (image_common::DecodeImage(bytes, cv::IMREAD_REDUCED_GRAYSCALE_8)
          .empty()) {
    return Undecodable("jpg");
  }
  // OpenCV turns every multi-component JPEG (YCbCr, CMYK) into BGR.
  return ImageMetadata{header->width, header->height,
                       header->components > 1 ? 3 : 1, "jpg"};
}

// The size a PNG claims, from its IHDR chunk, the first after the signature
// (length at 8, type at 12, width at 16, height at 20, all big endian), so that
// a huge image is refused before anything is decoded.
absl::Status CheckPngSize(absl::string_view bytes) {
  if (bytes.size() < 24 || bytes.substr(12, 4) != "IHDR") {
    return Undecodable("png");
  }
  const uint32_t width = ReadBigEndian32(bytes, 16);
  const uint32_t height = ReadBigEndian32(bytes, 20);
  // The PNG specification bounds each side by 2^31 - 1.
  if (width == 0 || height == 0 || width > INT32_MAX || height > INT32_MAX) {
    return Undecodable("png");
  }
  return CheckPixelCount(width, height);
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
  if (format == "png") {
    if (absl::Status size = CheckPngSize(bytes); !size.ok()) return size;
  }
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

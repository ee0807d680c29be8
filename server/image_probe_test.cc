#include "server/image_probe.h"

#include <filesystem>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "common/file_io.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/test_util.h"

namespace image_server {
namespace {

namespace fs = std::filesystem;
using ::image_server::testing::EncodeTestImage;
using ::testing::AnyOf;
using ::testing::HasSubstr;

std::string BigEndian32(uint32_t value) {
  return {static_cast<char>(value >> 24), static_cast<char>(value >> 16),
          static_cast<char>(value >> 8), static_cast<char>(value)};
}

// A PNG signature and an IHDR chunk claiming width x height (8-bit RGB), with
// no image data: a prober that decoded it would first allocate the pixels.
std::string PngHeader(uint32_t width, uint32_t height) {
  return absl::StrCat("\x89PNG\r\n\x1A\n", BigEndian32(13), "IHDR",
                      BigEndian32(width), BigEndian32(height),
                      std::string("\x08\x02\x00\x00\x00", 5),
                      BigEndian32(0));  // CRC, never checked: never decoded.
}

// `jpeg` with the first start-of-frame's size replaced.
std::string WithJpegSize(std::string jpeg, int width, int height) {
  const size_t frame = jpeg.find("\xFF\xC0");
  EXPECT_NE(frame, std::string::npos);
  jpeg[frame + 5] = static_cast<char>(height >> 8);
  jpeg[frame + 6] = static_cast<char>(height);
  jpeg[frame + 7] = static_cast<char>(width >> 8);
  jpeg[frame + 8] = static_cast<char>(width);
  return jpeg;
}

TEST(ImageProbeTest, RefusesAHugePngFromItsHeaderAlone) {
  const absl::Time start = absl::Now();
  absl::StatusOr<ImageMetadata> probed = ProbeImage(PngHeader(30000, 30000));
  EXPECT_LT(absl::Now() - start, absl::Milliseconds(500));
  EXPECT_EQ(probed.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(probed.status().message(),
              HasSubstr("30000x30000 pixels, larger than 100 megapixels"));
}

TEST(ImageProbeTest, APngWithoutAHeaderIsCorrupt) {
  for (const std::string& bytes : {PngHeader(0, 10), PngHeader(10, 0x80000000u),
                                   PngHeader(10, 10).substr(0, 20)}) {
    EXPECT_THAT(ProbeImage(bytes).status().message(),
                HasSubstr("corrupt png image"));
  }
}

TEST(ImageProbeTest, PngsWithinTheBoundKeepTheirMetadata) {
  for (const int channels : {1, 3, 4}) {
    absl::StatusOr<ImageMetadata> probed =
        ProbeImage(EncodeTestImage(31, 7, channels, ".png"));
    ASSERT_TRUE(probed.ok()) << probed.status();
    EXPECT_EQ(probed->width, 31);
    EXPECT_EQ(probed->height, 7);
    EXPECT_EQ(probed->channels, channels);
  }
}

TEST(ImageProbeTest, RefusesAHugeJpegFromItsHeaderAlone) {
  const std::string jpeg =
      WithJpegSize(EncodeTestImage(16, 16, 3, ".jpg"), 30000, 30000);
  const absl::Time start = absl::Now();
  absl::StatusOr<ImageMetadata> probed = ProbeImage(jpeg);
  EXPECT_LT(absl::Now() - start, absl::Milliseconds(500));
  EXPECT_EQ(probed.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(probed.status().message(),
              HasSubstr("30000x30000 pixels, larger than 100 megapixels"));
}

// Every file of the default set, with the size its name ends with
// ("street_640x480.jpg").
struct DefaultImage {
  std::string name;
  std::string bytes;
  int width;
  int height;
};

std::vector<DefaultImage> DefaultImages() {
  std::vector<DefaultImage> images;
  for (const auto& entry : fs::recursive_directory_iterator(IMAGES_DIR)) {
    if (!entry.is_regular_file()) continue;
    DefaultImage image;
    image.name = entry.path().filename().string();
    const std::string stem = entry.path().stem().string();
    const std::vector<std::string> size =
        absl::StrSplit(stem.substr(stem.rfind('_') + 1), 'x');
    EXPECT_EQ(size.size(), 2) << image.name;
    if (size.size() != 2 || !absl::SimpleAtoi(size[0], &image.width) ||
        !absl::SimpleAtoi(size[1], &image.height)) {
      continue;
    }
    absl::StatusOr<std::string> bytes =
        image_common::ReadFile(entry.path().string());
    EXPECT_TRUE(bytes.ok()) << bytes.status();
    image.bytes = bytes.value_or("");
    images.push_back(std::move(image));
  }
  return images;
}

TEST(ImageProbeTest, EveryDefaultImageProbesWithTheSizeItsNameGives) {
  const std::vector<DefaultImage> images = DefaultImages();
  ASSERT_GE(images.size(), 20);
  for (const DefaultImage& image : images) {
    SCOPED_TRACE(image.name);
    absl::StatusOr<ImageMetadata> probed = ProbeImage(image.bytes);
    ASSERT_TRUE(probed.ok()) << probed.status();
    EXPECT_EQ(probed->width, image.width);
    EXPECT_EQ(probed->height, image.height);
  }
}

TEST(ImageProbeTest, TruncatedJpegsAreRefused) {
  int jpegs = 0;
  for (const DefaultImage& image : DefaultImages()) {
    if (SniffFormat(image.bytes) != "jpg") continue;
    ++jpegs;
    const size_t size = image.bytes.size();
    for (const size_t cut : {size_t{700}, size / 2, size - 2}) {
      SCOPED_TRACE(absl::StrCat(image.name, " cut at ", cut));
      absl::StatusOr<ImageMetadata> probed =
          ProbeImage(absl::string_view(image.bytes).substr(0, cut));
      EXPECT_EQ(probed.status().code(), absl::StatusCode::kInvalidArgument);
      EXPECT_THAT(probed.status().message(),
                  AnyOf(HasSubstr("corrupt jpg image"),
                        HasSubstr("truncated jpg image")));
    }
  }
  EXPECT_GE(jpegs, 10);
}

TEST(ImageProbeTest, ACutJpegSaysItIsTruncated) {
  const std::string jpeg = EncodeTestImage(64, 64, 3, ".jpg");
  EXPECT_THAT(ProbeImage(jpeg.substr(0, jpeg.size() - 2)).status().message(),
              HasSubstr("truncated jpg image (no end-of-image marker)"));
}

TEST(ImageProbeTest, BytesAfterTheEndOfAJpegAreAllowed) {
  const std::string jpeg = EncodeTestImage(64, 48, 3, ".jpg");
  absl::StatusOr<ImageMetadata> probed =
      ProbeImage(jpeg + std::string(100 * 1024, '\0') + "trailer");
  ASSERT_TRUE(probed.ok()) << probed.status();
  EXPECT_EQ(probed->width, 64);
  EXPECT_EQ(probed->height, 48);
}

}  // namespace
}  // namespace image_server

#include "server/subprocess_prober.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/test_util.h"

namespace image_server {
namespace {

using ::image_server::testing::EncodeTestImage;
using ::testing::HasSubstr;

TEST(SubprocessProberTest, TheChildReadsTheMetadata) {
  absl::StatusOr<std::unique_ptr<SubprocessProber>> prober =
      SubprocessProber::Start(PROBER_BINARY);
  ASSERT_TRUE(prober.ok()) << prober.status();
  for (int i = 0; i < 3; ++i) {  // One child answers many requests.
    absl::StatusOr<ImageMetadata> png =
        (*prober)->Probe(EncodeTestImage(20 + i, 10, 4, ".png"));
    ASSERT_TRUE(png.ok()) << png.status();
    EXPECT_EQ(png->width, 20 + i);
    EXPECT_EQ(png->height, 10);
    EXPECT_EQ(png->channels, 4);
    EXPECT_EQ(png->sniffed_format, "png");
  }
  absl::StatusOr<ImageMetadata> jpg =
      (*prober)->Probe(EncodeTestImage(33, 17, 1, ".jpg"));
  ASSERT_TRUE(jpg.ok()) << jpg.status();
  EXPECT_EQ(jpg->width, 33);
  EXPECT_EQ(jpg->channels, 1);
}

TEST(SubprocessProberTest, TheChildsReasonComesBack) {
  absl::StatusOr<std::unique_ptr<SubprocessProber>> prober =
      SubprocessProber::Start(PROBER_BINARY);
  ASSERT_TRUE(prober.ok()) << prober.status();
  std::string png = EncodeTestImage(20, 10, 3, ".png");
  png.resize(png.size() / 2);
  absl::StatusOr<ImageMetadata> result = (*prober)->Probe(png);
  EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(result.status().message(), HasSubstr("corrupt png image"));
  // The child is still there for the next file.
  EXPECT_TRUE((*prober)->Probe(EncodeTestImage(8, 8, 3, ".png")).ok());
}

// Found by fuzz/image_store_fuzzer: a 180-byte TIFF that claimed 26372x32516
// pixels had OpenCV allocate 3.4 GB before it read any. The child holds every
// format to the probers' bound; this one just past it is 1 bit a pixel, so
// that the file stays small.
TEST(SubprocessProberTest, TheChildRefusesAnyFormatPastThePixelBound) {
  absl::StatusOr<std::unique_ptr<SubprocessProber>> prober =
      SubprocessProber::Start(PROBER_BINARY);
  ASSERT_TRUE(prober.ok()) << prober.status();
  const int width = 10008, height = 10000;  // 100,080,000 pixels.
  ASSERT_GT(int64_t{width} * height, kMaxImagePixels);
  const std::string bitmap = absl::StrCat("P4\n", width, " ", height, "\n") +
                             std::string(width / 8 * height, '\0');
  EXPECT_EQ((*prober)->Probe(bitmap).status().code(),
            absl::StatusCode::kInvalidArgument);
  // The same format within the bound is served.
  const std::string small =
      absl::StrCat("P4\n16 2\n") + std::string(16 / 8 * 2, '\0');
  absl::StatusOr<ImageMetadata> served = (*prober)->Probe(small);
  ASSERT_TRUE(served.ok()) << served.status();
  EXPECT_EQ(served->width, 16);
}

// /bin/true exits without answering, as a decoder that crashed would.
TEST(SubprocessProberTest, AChildThatDiesMakesTheFileSkippedNotTheServer) {
  absl::StatusOr<std::unique_ptr<SubprocessProber>> prober =
      SubprocessProber::Start("/bin/true");
  ASSERT_TRUE(prober.ok()) << prober.status();
  for (int i = 0; i < 2; ++i) {  // The second call starts a new child.
    absl::StatusOr<ImageMetadata> result =
        (*prober)->Probe(std::string(1 << 20, 'x'));
    EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(result.status().message(),
                HasSubstr("the image decoder failed on it"));
  }
}

TEST(SubprocessProberTest, AMissingBinaryIsNamed) {
  absl::StatusOr<std::unique_ptr<SubprocessProber>> prober =
      SubprocessProber::Start("/no/such/image_prober");
  EXPECT_EQ(prober.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(prober.status().message(),
              HasSubstr("cannot run the image prober '/no/such/image_prober'"));
}

}  // namespace
}  // namespace image_server

#include "common/image_decode.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "opencv2/imgcodecs.hpp"

namespace image_common {
namespace {

std::string Encoded(const std::string& extension) {
  cv::Mat image(48, 64, CV_8UC3, cv::Scalar(10, 200, 30));
  std::vector<uchar> bytes;
  EXPECT_TRUE(cv::imencode(extension, image, bytes));
  return std::string(bytes.begin(), bytes.end());
}

TEST(ImageDecodeTest, DecodesWithTheFlagsGiven) {
  const std::string png = Encoded(".png");
  const cv::Mat full = DecodeImage(png, cv::IMREAD_UNCHANGED);
  EXPECT_EQ(full.cols, 64);
  EXPECT_EQ(full.rows, 48);
  EXPECT_EQ(full.channels(), 3);
  const cv::Mat reduced =
      DecodeImage(Encoded(".jpg"), cv::IMREAD_REDUCED_GRAYSCALE_8);
  EXPECT_EQ(reduced.cols, 8);
  EXPECT_EQ(reduced.channels(), 1);
}

TEST(ImageDecodeTest, BadBytesGiveAnEmptyImageNeverAnException) {
  const std::string png = Encoded(".png");
  const std::string jpg = Encoded(".jpg");
  for (const std::string& bad :
       {std::string(), std::string("not an image"), png.substr(0, 40),
        jpg.substr(0, jpg.size() / 2), std::string(png.size(), '\xff')}) {
    EXPECT_NO_THROW({
      EXPECT_TRUE(DecodeImage(bad, cv::IMREAD_UNCHANGED).empty()) << bad.size();
    });
  }
}

}  // namespace
}  // namespace image_common

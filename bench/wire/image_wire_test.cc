#include "bench/wire/image_wire.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "grpcpp/support/slice.h"
#include "gtest/gtest.h"
#include "image_service.pb.h"

namespace image_bench {
namespace {

using ::testing::HasSubstr;

std::string Encoded(const std::string& name, const std::string& content) {
  image_service::StreamImagesResponse response;
  image_service::Image& image = *response.mutable_image();
  image.set_name(name);
  image.set_content(content);
  image.set_format("jpg");
  image.set_size_in_bytes(static_cast<int>(content.size()));
  image.set_width(640);
  image.set_height(480);
  image.set_channels(3);
  return response.SerializeAsString();
}

// The bytes as gRPC might deliver them: cut into slices of `piece` bytes.
grpc::ByteBuffer InSlices(const std::string& bytes, size_t piece) {
  std::vector<grpc::Slice> slices;
  for (size_t at = 0; at < bytes.size(); at += piece) {
    slices.emplace_back(bytes.data() + at, std::min(piece, bytes.size() - at));
  }
  return grpc::ByteBuffer(slices.data(), slices.size());
}

std::string Joined(const ImageView& view) {
  std::string content;
  view.CopyContent(&content);
  return content;
}

TEST(ImageWireTest, ReadsNameSizeAndContentAcrossSliceBoundaries) {
  std::string content(100000, '\0');
  for (size_t i = 0; i < content.size(); ++i)
    content[i] = static_cast<char>(i * 7);
  const std::string bytes = Encoded("aerial/tile.png", content);
  for (const size_t piece :
       {size_t{1}, size_t{7}, size_t{4096}, bytes.size()}) {
    SCOPED_TRACE(piece);
    grpc::ByteBuffer buffer = InSlices(bytes, piece);
    ImageView view;

    ASSERT_TRUE(ParseStreamImagesResponse(&buffer, &view).ok());

    EXPECT_EQ(view.name, "aerial/tile.png");
    EXPECT_EQ(view.size_in_bytes, 100000);
    EXPECT_EQ(view.content_size, 100000);
    EXPECT_EQ(Joined(view), content);
    if (piece == bytes.size()) EXPECT_EQ(view.content.size(), 1);
  }
}

TEST(ImageWireTest, ReusedViewForgetsThePreviousImage) {
  grpc::ByteBuffer first = InSlices(Encoded("a.jpg", "aaaa"), 3);
  grpc::ByteBuffer second = InSlices(Encoded("b.jpg", ""), 3);
  ImageView view;
  ASSERT_TRUE(ParseStreamImagesResponse(&first, &view).ok());
  ASSERT_TRUE(ParseStreamImagesResponse(&second, &view).ok());
  EXPECT_EQ(view.name, "b.jpg");
  EXPECT_EQ(view.content_size, 0);
  EXPECT_TRUE(view.content.empty());
}

TEST(ImageWireTest, TruncatedOrGarbageBytesAreDataLoss) {
  const std::string bytes = Encoded("a.jpg", std::string(5000, 'x'));
  for (const std::string& bad :
       {bytes.substr(0, bytes.size() - 1), bytes.substr(0, 10),
        std::string("\xff\xff\xff\xff", 4), std::string()}) {
    grpc::ByteBuffer buffer =
        InSlices(bad.empty() ? std::string("\x08\x01", 2) : bad, 100);
    ImageView view;
    const absl::Status status = ParseStreamImagesResponse(&buffer, &view);
    EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss) << bad.size();
    EXPECT_THAT(status.message(), HasSubstr("malformed StreamImagesResponse"));
  }
}

}  // namespace
}  // namespace image_bench

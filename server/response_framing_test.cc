#include "server/response_framing.h"

#include <string>

#include "gtest/gtest.h"
#include "image_service.pb.h"

namespace image_server {
namespace {

image_service::ImageInfo Info(const std::string& name, int32_t size) {
  image_service::ImageInfo info;
  info.set_name(name);
  info.set_format("png");
  info.set_size_in_bytes(size);
  info.set_width(640);
  info.set_height(480);
  info.set_channels(3);
  return info;
}

std::string ProtobufBytes(const image_service::ImageInfo& info,
                          const std::string& content) {
  image_service::StreamImagesResponse response;
  image_service::Image& image = *response.mutable_image();
  image.set_name(info.name());
  image.set_content(content);
  image.set_format(info.format());
  image.set_size_in_bytes(info.size_in_bytes());
  image.set_width(info.width());
  image.set_height(info.height());
  image.set_channels(info.channels());
  return response.SerializeAsString();
}

TEST(ResponseFramingTest, IsExactlyWhatProtobufWrites) {
  // Sizes around the one- to three-byte varint boundaries of the lengths.
  for (const int size : {1, 100, 127, 128, 16383, 16384, 300000}) {
    const image_service::ImageInfo info = Info("a/b.png", size);
    const std::string content(size, 'x');
    const ResponseFraming framing = FramingFor(info, size);
    const std::string bytes = EncodeResponse(framing, content);
    EXPECT_EQ(bytes, ProtobufBytes(info, content)) << size;
    EXPECT_EQ(static_cast<int64_t>(bytes.size()), framing.size()) << size;
  }
}

TEST(ResponseFramingTest, FieldsProtobufLeavesOutStayOut) {
  // proto3 writes no zero or empty field: an unnamed image of unknown size.
  image_service::ImageInfo info;
  info.set_format("jpg");
  const std::string content = "\xff\xd8";
  EXPECT_EQ(EncodeResponse(FramingFor(info, content.size()), content),
            ProtobufBytes(info, content));
}

TEST(ResponseFramingTest, ALongNameKeepsItsLengthPrefix) {
  const image_service::ImageInfo info = Info(std::string(300, 'n'), 5);
  EXPECT_EQ(EncodeResponse(FramingFor(info, 5), "12345"),
            ProtobufBytes(info, "12345"));
}

}  // namespace
}  // namespace image_server

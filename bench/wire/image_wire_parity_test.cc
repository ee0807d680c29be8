// Our zero-copy parser (image_wire.h) against protobuf's own: on every default
// image, and on responses protobuf accepts that a hand-written parser easily
// gets wrong (fields out of order, repeated, of unknown numbers or wire
// types, an image split in two), they must agree on what the image is; and
// where protobuf rejects the bytes, ours must too.
#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "bench/wire/image_wire.h"
#include "common/file_io.h"
#include "grpcpp/support/slice.h"
#include "gtest/gtest.h"
#include "image_service.pb.h"

namespace image_bench {
namespace {

// A few bytes of the wire format, written by hand so that tests can order
// and repeat fields as no serializer would.
class Wire {
 public:
  Wire& Varint(uint64_t value) {
    do {
      const uint8_t low = value & 0x7F;
      value >>= 7;
      bytes_.push_back(static_cast<char>(low | (value ? 0x80 : 0)));
    } while (value);
    return *this;
  }
  Wire& Tag(int field, int wire_type) {
    return Varint(static_cast<uint64_t>(field) << 3 | wire_type);
  }
  Wire& Bytes(int field, const std::string& value) {
    Tag(field, 2).Varint(value.size());
    bytes_ += value;
    return *this;
  }
  Wire& Number(int field, uint64_t value) {
    return Tag(field, 0).Varint(value);
  }
  Wire& Fixed(int field, int wire_type, int width) {
    Tag(field, wire_type);
    bytes_.append(width, '\x5a');
    return *this;
  }
  Wire& Raw(const std::string& bytes) {
    bytes_ += bytes;
    return *this;
  }
  const std::string& str() const { return bytes_; }

 private:
  std::string bytes_;
};

constexpr int kImage = 1, kName = 1, kContent = 2, kFormat = 3, kSize = 4;

// A response whose one field is an Image with these encoded fields.
std::string Response(const Wire& image) {
  return Wire().Bytes(kImage, image.str()).str();
}

grpc::ByteBuffer InSlices(const std::string& bytes, size_t piece) {
  std::vector<grpc::Slice> slices;
  for (size_t at = 0; at < bytes.size(); at += piece) {
    slices.emplace_back(bytes.data() + at, std::min(piece, bytes.size() - at));
  }
  return grpc::ByteBuffer(slices.data(), slices.size());
}

// Both parsers agree on `bytes`, however gRPC happens to slice them. Ours
// also rejects a response without an image, which protobuf accepts.
void ExpectSameAsProtobuf(const std::string& bytes) {
  image_service::StreamImagesResponse expected;
  const bool protobuf_accepts =
      expected.ParseFromString(bytes) && expected.has_image();
  for (const size_t piece : {size_t{1}, size_t{3}, size_t{1000},
                             std::max<size_t>(1, bytes.size())}) {
    SCOPED_TRACE(testing::Message() << "slices of " << piece << " bytes");
    grpc::ByteBuffer buffer = InSlices(bytes, piece);
    ImageView view;
    const absl::Status parsed = ParseStreamImagesResponse(&buffer, &view);
    ASSERT_EQ(parsed.ok(), protobuf_accepts) << parsed;
    if (!parsed.ok()) {
      EXPECT_EQ(parsed.code(), absl::StatusCode::kDataLoss);
      continue;
    }
    std::string content;
    view.CopyContent(&content);
    EXPECT_EQ(view.name, expected.image().name());
    EXPECT_EQ(view.size_in_bytes, expected.image().size_in_bytes());
    EXPECT_EQ(view.content_size,
              static_cast<int64_t>(expected.image().content().size()));
    EXPECT_TRUE(content == expected.image().content());
  }
}

TEST(ImageWireParityTest, EveryDefaultImageAsTheServerEncodesIt) {
  int images = 0;
  for (const auto& entry :
       std::filesystem::recursive_directory_iterator(IMAGES_DIR)) {
    if (!entry.is_regular_file()) continue;
    absl::StatusOr<std::string> content =
        image_common::ReadFile(entry.path().string());
    ASSERT_TRUE(content.ok()) << content.status();
    image_service::StreamImagesResponse response;
    image_service::Image& image = *response.mutable_image();
    image.set_name(entry.path().filename().string());
    image.set_content(*content);
    image.set_format("jpg");
    image.set_size_in_bytes(static_cast<int>(content->size()));
    image.set_width(1920);
    image.set_height(1080);
    image.set_channels(3);
    SCOPED_TRACE(image.name());
    ExpectSameAsProtobuf(response.SerializeAsString());
    ++images;
  }
  EXPECT_GE(images, 20);
}

TEST(ImageWireParityTest, FieldsInReverseOrder) {
  ExpectSameAsProtobuf(Response(Wire()
                                    .Number(7, 3)
                                    .Number(kSize, 5)
                                    .Bytes(kFormat, "png")
                                    .Bytes(kContent, "12345")
                                    .Bytes(kName, "last/first.png")));
}

TEST(ImageWireParityTest, RepeatedFieldsTakeTheLastValue) {
  ExpectSameAsProtobuf(Response(Wire()
                                    .Bytes(kName, "old.png")
                                    .Bytes(kContent, "old content")
                                    .Number(kSize, 11)
                                    .Bytes(kName, "new.png")
                                    .Bytes(kContent, "new")
                                    .Number(kSize, 3)));
}

TEST(ImageWireParityTest, AnImageSplitInTwoIsMerged) {
  ExpectSameAsProtobuf(Wire()
                           .Bytes(kImage, Wire().Bytes(kName, "a.png").str())
                           .Bytes(kImage, Wire().Bytes(kContent, "xyz").str())
                           .Bytes(kImage, Wire().Number(kSize, 3).str())
                           .str());
}

TEST(ImageWireParityTest, UnknownFieldsOfEveryWireTypeAreSkipped) {
  const Wire group = Wire()
                         .Tag(20, 3)
                         .Number(1, 9)
                         .Bytes(2, "inside")
                         .Tag(21, 3)
                         .Fixed(1, 5, 4)
                         .Tag(21, 4)
                         .Tag(20, 4);
  const Wire image = Wire()
                         .Number(15, 123456789)
                         .Fixed(16, 1, 8)
                         .Bytes(17, std::string(300, 'u'))
                         .Raw(group.str())
                         .Fixed(18, 5, 4)
                         .Bytes(kName, "unknowns.jpg")
                         .Bytes(kContent, std::string(5000, 'c'))
                         .Number(kSize, 5000)
                         .Number(536870911, 1);  // The largest field number.
  ExpectSameAsProtobuf(Wire()
                           .Number(9, 1)
                           .Raw(group.str())
                           .Bytes(kImage, image.str())
                           .Fixed(10, 1, 8)
                           .str());
}

TEST(ImageWireParityTest, KnownFieldsWithAnotherWireTypeAreUnknownFields) {
  ExpectSameAsProtobuf(Response(Wire()
                                    .Number(kName, 5)
                                    .Fixed(kContent, 5, 4)
                                    .Bytes(kSize, "not a number")
                                    .Bytes(kName, "kept.png")
                                    .Bytes(kContent, "abc")));
  // A response whose field 1 is not length-delimited has no image at all.
  ExpectSameAsProtobuf(Wire().Number(kImage, 1).str());
}

TEST(ImageWireParityTest, NegativeAndOversizedSizes) {
  ExpectSameAsProtobuf(
      Response(Wire().Number(kSize, static_cast<uint64_t>(-5))));
  ExpectSameAsProtobuf(Response(Wire().Number(kSize, uint64_t{1} << 40)));
}

TEST(ImageWireParityTest, AnEmptyImageAndAnEmptyResponse) {
  ExpectSameAsProtobuf(Response(Wire()));
  ExpectSameAsProtobuf("");
}

TEST(ImageWireParityTest, MalformedBytesAreRejectedByBoth) {
  const std::string good = Response(
      Wire().Bytes(kName, "a.png").Bytes(kContent, std::string(100, 'x')));
  const std::vector<std::string> bad = {
      good.substr(0, good.size() - 1),
      good.substr(0, 3),
      Response(Wire().Tag(30, 4)),                     // End without start.
      Response(Wire().Tag(30, 3).Number(1, 1)),        // Start without end.
      Response(Wire().Tag(30, 3).Tag(31, 4)),          // Mismatched end.
      Response(Wire().Tag(30, 6)),                     // No wire type 6.
      Response(Wire().Tag(30, 7)),                     // No wire type 7.
      Response(Wire().Bytes(0, "field zero")),         // No field 0.
      Response(Wire().Raw(std::string(11, '\xff'))),   // Varint too long.
      Response(Wire().Tag(kContent, 2).Varint(1000)),  // Length too long.
      Wire().Tag(kImage, 2).Varint(uint64_t{1} << 33).str(),
  };
  for (size_t i = 0; i < bad.size(); ++i) {
    SCOPED_TRACE(i);
    ExpectSameAsProtobuf(bad[i]);
  }
}

}  // namespace
}  // namespace image_bench

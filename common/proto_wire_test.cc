#include "common/proto_wire.h"

#include <string>

#include "gtest/gtest.h"

namespace image_common {
namespace {

using google::protobuf::io::CodedInputStream;

// Skips the one field at the start of `bytes`; where it stopped, or -1.
int SkipOne(const std::string& bytes) {
  CodedInputStream in(reinterpret_cast<const uint8_t*>(bytes.data()),
                      static_cast<int>(bytes.size()));
  const uint32_t tag = ReadTag(in);
  if (tag == 0 || !SkipField(in, tag)) return -1;
  return in.CurrentPosition();
}

TEST(ProtoWireTest, SkipsEveryWireType) {
  EXPECT_EQ(SkipOne(std::string("\x08\x96\x01", 3)), 3);  // varint
  EXPECT_EQ(SkipOne(std::string("\x09"
                                "12345678",
                                9)),
            9);  // fixed64
  EXPECT_EQ(SkipOne(std::string("\x0a\x03"
                                "abc",
                                5)),
            5);  // bytes
  EXPECT_EQ(SkipOne(std::string("\x0d"
                                "1234",
                                5)),
            5);                                               // fixed32
  EXPECT_EQ(SkipOne(std::string("\x0b\x10\x01\x0c", 4)), 4);  // group
  EXPECT_EQ(SkipOne(std::string("\x0b\x13\x14\x0c", 4)), 4);  // nested
}

TEST(ProtoWireTest, RefusesMalformedFields) {
  EXPECT_EQ(SkipOne(std::string("\x0a\x05"
                                "abc",
                                5)),
            -1);                                           // Too short.
  EXPECT_EQ(SkipOne(std::string("\x0b\x10\x01", 3)), -1);  // Unended group.
  EXPECT_EQ(SkipOne(std::string("\x0b\x14", 2)), -1);      // Another's end.
  EXPECT_EQ(SkipOne(std::string("\x0c", 1)), -1);          // End without start.
  EXPECT_EQ(SkipOne(std::string("\x0e"
                                "1234",
                                5)),
            -1);                                       // Wire type 6.
  EXPECT_EQ(SkipOne(std::string("\x02\x00", 2)), -1);  // Field number 0.
  std::string deep;
  for (int i = 0; i < 200; ++i) deep += '\x0b';
  EXPECT_EQ(SkipOne(deep), -1);
}

// Found by fuzz/stream_plan_fuzzer: CodedInputStream takes these, protobuf's
// parser does not.
TEST(ProtoWireTest, TagsAndLengthsOverFiveBytesAreRefused) {
  EXPECT_EQ(SkipOne(std::string("\x8d\x80\x80\x80\x00"
                                "1234",
                                9)),
            9);
  EXPECT_EQ(SkipOne(std::string("\x8d\x80\x80\x80\x80\x00"
                                "1234",
                                10)),
            -1);
  EXPECT_EQ(SkipOne(std::string("\x0a\x83\x80\x80\x80\x00"
                                "abc",
                                9)),
            9);
  EXPECT_EQ(SkipOne(std::string("\x0a\x83\x80\x80\x80\x80\x00"
                                "abc",
                                10)),
            -1);
  EXPECT_EQ(SkipOne(std::string("\x0b\x90\x80\x80\x80\x80\x00\x01\x0c", 9)),
            -1);  // In a group.
}

TEST(ProtoWireTest, ALengthOf2To32IsNotReadAsZero) {
  const std::string bytes("\x80\x80\x80\x80\x10", 5);
  CodedInputStream in(reinterpret_cast<const uint8_t*>(bytes.data()), 5);
  int length = -1;
  EXPECT_FALSE(ReadLength(in, &length));
}

}  // namespace
}  // namespace image_common

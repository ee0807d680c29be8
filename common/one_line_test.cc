#include "common/one_line.h"

#include <string>

#include "gtest/gtest.h"

namespace image_common {
namespace {

TEST(OneLineTest, ControlAndInvalidBytesAreEscapedValidUtf8Stays) {
  EXPECT_EQ(OneLine("a\nb\tc\x01\x7f"), "a\\x0ab\\x09c\\x01\\x7f");
  EXPECT_EQ(OneLine("caf\xc3\xa9"), "caf\xc3\xa9");
  EXPECT_EQ(OneLine("bad \xff\xc3"), "bad \\xff\\xc3");
  EXPECT_EQ(OneLine("c1 \xc2\x85"), "c1 \\xc2\\x85");
}

TEST(OneLineTest, LongTextStopsWithItsSize) {
  EXPECT_EQ(OneLine(std::string(50, 'x'), 10),
            std::string(10, 'x') + "... (50 bytes)");
  // Never half a character: "é" does not fit in the last byte.
  EXPECT_EQ(OneLine("abc\xc3\xa9", 4), "abc... (5 bytes)");
}

TEST(OneLineTest, QuotedEscapesItsQuotesAndBackslashes) {
  EXPECT_EQ(QuotedForLine("it's a\\b", 100), "'it\\'s a\\\\b'");
  EXPECT_EQ(QuotedForLine("two\nlines", 100), "'two\\x0alines'");
}

}  // namespace
}  // namespace image_common

#include "common/utf8.h"

#include <string>

#include "gtest/gtest.h"

namespace image_common {
namespace {

TEST(Utf8Test, AcceptsWellFormedText) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("cat.jpg"));
  EXPECT_TRUE(IsValidUtf8(std::string("a\0b", 3)));
  EXPECT_TRUE(IsValidUtf8("caf\xC3\xA9"));               // U+00E9
  EXPECT_TRUE(IsValidUtf8("\xE2\x82\xAC"));              // U+20AC
  EXPECT_TRUE(IsValidUtf8("\xF0\x9F\x90\x88"));          // U+1F408
  EXPECT_TRUE(IsValidUtf8("\xC2\x80\xDF\xBF"));          // U+0080, U+07FF
  EXPECT_TRUE(IsValidUtf8("\xE0\xA0\x80\xEF\xBF\xBF"));  // U+0800, U+FFFF
  EXPECT_TRUE(IsValidUtf8("\xED\x9F\xBF\xEE\x80\x80"));  // U+D7FF, U+E000
  EXPECT_TRUE(IsValidUtf8("\xF0\x90\x80\x80\xF4\x8F\xBF\xBF"));  // U+10000,
                                                                 // U+10FFFF
}

TEST(Utf8Test, RejectsBytesThatNeverAppear) {
  EXPECT_FALSE(IsValidUtf8("\xFF"));
  EXPECT_FALSE(IsValidUtf8("a\xFE"));
  EXPECT_FALSE(IsValidUtf8("\xF5\x80\x80\x80"));
  EXPECT_FALSE(IsValidUtf8("\x80"));     // A continuation byte alone.
  EXPECT_FALSE(IsValidUtf8("caf\xE9"));  // Latin-1, not UTF-8.
}

TEST(Utf8Test, RejectsOverlongForms) {
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));  // '/' in two bytes.
  EXPECT_FALSE(IsValidUtf8("\xC1\xBF"));
  EXPECT_FALSE(IsValidUtf8("\xE0\x80\xAF"));
  EXPECT_FALSE(IsValidUtf8("\xE0\x9F\xBF"));
  EXPECT_FALSE(IsValidUtf8("\xF0\x80\x80\xAF"));
  EXPECT_FALSE(IsValidUtf8("\xF0\x8F\xBF\xBF"));
}

TEST(Utf8Test, RejectsSurrogatesAndCodePointsAboveTheLast) {
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));      // U+D800
  EXPECT_FALSE(IsValidUtf8("\xED\xBF\xBF"));      // U+DFFF
  EXPECT_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));  // U+110000
}

TEST(Utf8Test, RejectsTruncatedAndBrokenSequences) {
  EXPECT_FALSE(IsValidUtf8("\xC3"));
  EXPECT_FALSE(IsValidUtf8("\xE2\x82"));
  EXPECT_FALSE(IsValidUtf8("\xF0\x9F\x90"));
  EXPECT_FALSE(IsValidUtf8("\xE2\x82x"));
  EXPECT_FALSE(IsValidUtf8("\xF0\x9F\x90\xC3\xA9"));
}

TEST(Utf8Test, SequenceLengthIsThatOfTheFirstCharacter) {
  EXPECT_EQ(Utf8SequenceLength(""), 0);
  EXPECT_EQ(Utf8SequenceLength("ab"), 1);
  EXPECT_EQ(Utf8SequenceLength("\xC3\xA9z"), 2);
  EXPECT_EQ(Utf8SequenceLength("\xE2\x82\xACz"), 3);
  EXPECT_EQ(Utf8SequenceLength("\xF0\x9F\x90\x88z"), 4);
  EXPECT_EQ(Utf8SequenceLength("\xFFz"), 0);
  EXPECT_EQ(Utf8SequenceLength("\xE2\x82"), 0);
}

}  // namespace
}  // namespace image_common

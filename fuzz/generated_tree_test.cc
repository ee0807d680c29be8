#include "fuzz/generated_tree.h"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/test_util.h"

namespace image_fuzz {
namespace {

namespace fs = std::filesystem;
using ::image_server::testing::TempDirectory;
using ::testing::ElementsAre;

std::string Bytes(std::initializer_list<int> bytes) {
  std::string out;
  for (const int byte : bytes) out.push_back(static_cast<char>(byte));
  return out;
}

TEST(CleanNameTest, NamesStayInsideTheTree) {
  EXPECT_EQ(CleanName("a/b.png"), "a/b.png");
  EXPECT_EQ(CleanName("/../a//./b"), "_/a/_/b");
  EXPECT_EQ(CleanName(std::string("n\0l", 3)), "n_l");
  EXPECT_EQ(CleanName("//"), "_");
  EXPECT_EQ(CleanName(""), "_");
  EXPECT_EQ(CleanName("\xff\xfe"), "\xff\xfe");
}

TEST(ParseTreeTest, EachKindReadsItsBody) {
  const std::string input =
      Bytes({0, 3}) + "a.x" + Bytes({0, 2}) + "hi" +          // file "hi"
      Bytes({1, 1}) + "d" +                                   // directory
      Bytes({2, 1}) + "t" + Bytes({1, 0, 3, 1, 0, 0, 'Z'}) +  // template 1
      Bytes({3, 1}) + "l" + Bytes({0}) +  // symlink to entry 0
      Bytes({4, 1}) + "f";                // FIFO
  const std::vector<TreeEntry> entries = ParseTree(input, {"png!", "jpeg"});
  ASSERT_EQ(entries.size(), 5u);
  EXPECT_EQ(entries[0].kind, TreeEntry::Kind::kFile);
  EXPECT_EQ(entries[0].name, "a.x");
  EXPECT_EQ(entries[0].content, "hi");
  EXPECT_EQ(entries[1].kind, TreeEntry::Kind::kDirectory);
  EXPECT_EQ(entries[2].kind, TreeEntry::Kind::kFile);
  EXPECT_EQ(entries[2].content, "Zpe");  // Cut to 3 bytes, byte 0 edited.
  EXPECT_EQ(entries[3].kind, TreeEntry::Kind::kSymlink);
  EXPECT_EQ(entries[3].target, 0);
  EXPECT_EQ(entries[4].kind, TreeEntry::Kind::kFifo);
}

TEST(ParseTreeTest, ReadingPastTheEndGivesZerosAndShortReads) {
  const std::vector<TreeEntry> entries = ParseTree(Bytes({0, 9}) + "ab", {});
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].name, "ab");
  EXPECT_EQ(entries[0].content, "");
}

TEST(ParseTreeTest, AFirstSymlinkOrTarget0xFFPointsOutside) {
  const std::vector<TreeEntry> entries =
      ParseTree(Bytes({3, 1, 'a', 7, 3, 1, 'b', 0xFF, 3, 1, 'c', 3}), {});
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[0].target, TreeEntry::kOutside);
  EXPECT_EQ(entries[1].target, TreeEntry::kOutside);
  EXPECT_EQ(entries[2].target, 1);  // 3 % 2 entries so far.
}

TEST(ParseTreeTest, StopsAtTheEntryLimit) {
  std::string input;
  for (int i = 0; i < 2 * kMaxEntries; ++i) input += Bytes({1, 1, 'd'});
  EXPECT_EQ(ParseTree(input, {}).size(), static_cast<size_t>(kMaxEntries));
}

TEST(WriteTreeTest, WritesEveryKindAndRefusesTakenOrUnsafePaths) {
  TempDirectory dir;
  const std::string root = dir.path() + "/tree";
  fs::create_directory(root);
  std::vector<TreeEntry> entries(7);
  entries[0] = {TreeEntry::Kind::kFile, "sub/a.png", "bytes"};
  entries[1] = {TreeEntry::Kind::kFile, "sub/a.png", "again"};  // Taken.
  entries[2] = {TreeEntry::Kind::kSymlink, "link", "", 0};
  entries[3] = {TreeEntry::Kind::kFile, "link/x", "through a symlink"};
  entries[4] = {TreeEntry::Kind::kFile, "sub/a.png/x", "through a file"};
  entries[5] = {TreeEntry::Kind::kFifo, "fifo"};
  entries[6] = {TreeEntry::Kind::kSymlink, "away", "", TreeEntry::kOutside};

  EXPECT_THAT(WriteTree(root, "/elsewhere", entries),
              ElementsAre(true, false, true, false, false, true, true));
  EXPECT_EQ(fs::file_size(root + "/sub/a.png"), 5u);
  EXPECT_EQ(fs::read_symlink(root + "/link"), root + "/sub/a.png");
  EXPECT_EQ(fs::read_symlink(root + "/away"), "/elsewhere");
  EXPECT_EQ(fs::status(root + "/fifo").type(), fs::file_type::fifo);
}

}  // namespace
}  // namespace image_fuzz

#include "server/image_file.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <cstdio>
#include <string>

#include "common/file_io.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/scratch_path.h"

namespace image_server {
namespace {

using ::testing::HasSubstr;

class ImageFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(image_common::WriteFile(path_, "0123456789").ok());
    absl::StatusOr<IndexedFile> file = ReadIndexedFile(path_, 1 << 20);
    ASSERT_TRUE(file.ok()) << file.status();
    indexed_ = *std::move(file);
  }
  void TearDown() override { std::remove(path_.c_str()); }

  absl::Status ReadBack(std::string* into) {
    into->assign(indexed_.identity.size, '?');
    return ReadUnchangedFile(path_, "a.png", indexed_.identity, into->data());
  }

  const std::string path_ = image_testing::ScratchPath("image_file.png");
  IndexedFile indexed_;
};

TEST_F(ImageFileTest, AnUnchangedFileReadsBackWhole) {
  EXPECT_EQ(indexed_.bytes, "0123456789");
  EXPECT_EQ(indexed_.identity.size, 10);
  std::string bytes;
  ASSERT_TRUE(ReadBack(&bytes).ok());
  EXPECT_EQ(bytes, "0123456789");
}

TEST_F(ImageFileTest, ARemovedFileIsNamed) {
  std::remove(path_.c_str());
  std::string bytes;
  const absl::Status read = ReadBack(&bytes);
  EXPECT_EQ(read.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(read.message(), HasSubstr("image 'a.png' was removed since the "
                                        "server indexed it"));
}

TEST_F(ImageFileTest, AFileRenamedOverItIsAnotherFile) {
  const std::string other = path_ + ".new";
  ASSERT_TRUE(image_common::WriteFile(other, "0123456789").ok());
  ASSERT_EQ(std::rename(other.c_str(), path_.c_str()), 0);
  std::string bytes;
  const absl::Status read = ReadBack(&bytes);
  EXPECT_EQ(read.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(read.message(), HasSubstr("was replaced by another file"));
}

TEST_F(ImageFileTest, AFileRewrittenInPlaceIsChanged) {
  // Same inode, other size.
  ASSERT_TRUE(image_common::WriteFile(path_, "01234").ok());
  std::string bytes;
  EXPECT_THAT(ReadBack(&bytes).message(), HasSubstr("changed on disk"));
}

TEST_F(ImageFileTest, AnotherModificationTimeIsChangedEvenAtTheSameSize) {
  const timespec times[2] = {{0, UTIME_OMIT}, {12345, 0}};
  ASSERT_EQ(utimensat(AT_FDCWD, path_.c_str(), times, 0), 0);
  std::string bytes;
  const absl::Status read = ReadBack(&bytes);
  EXPECT_EQ(read.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(read.message(), HasSubstr("changed on disk"));
}

TEST_F(ImageFileTest, ASizeLimitIsCheckedBeforeReading) {
  EXPECT_EQ(ReadIndexedFile(path_, 9).status().code(),
            absl::StatusCode::kOutOfRange);
}

}  // namespace
}  // namespace image_server

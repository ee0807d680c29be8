#include "common/file_io.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace image_common {
namespace {

using ::testing::HasSubstr;

class FileIoTest : public ::testing::Test {
 protected:
  FileIoTest() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "file_io_XXXXXX").string();
    directory_ = mkdtemp(pattern.data());
  }
  ~FileIoTest() override { std::filesystem::remove_all(directory_); }

  std::string Path(const std::string& name) const {
    return directory_ + "/" + name;
  }

  std::string directory_;
};

TEST_F(FileIoTest, WritesAndReadsBackEveryByte) {
  std::string bytes(200000, '\0');
  for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<char>(i);
  ASSERT_TRUE(WriteFile(Path("a.bin"), bytes).ok());
  EXPECT_EQ(ReadFile(Path("a.bin")).value(), bytes);
  ASSERT_TRUE(WriteFile(Path("a.bin"), "short").ok());
  EXPECT_EQ(ReadFile(Path("a.bin")).value(), "short");
}

TEST_F(FileIoTest, ErrorsNameTheFileAndTheReason) {
  const absl::StatusOr<std::string> missing = ReadFile(Path("missing"));
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(missing.status().message(),
            "cannot read '" + Path("missing") + "': No such file or directory");

  const absl::StatusOr<std::string> directory = ReadFile(directory_);
  EXPECT_EQ(directory.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(directory.status().message(),
            "'" + directory_ + "' is a directory");

  const absl::Status unwritable = WriteFile(Path("no/such/dir/x"), "x");
  EXPECT_EQ(unwritable.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(unwritable.message(),
              HasSubstr("cannot write '" + Path("no/such/dir/x") + "': "));
}

TEST_F(FileIoTest, ALargerFileIsRefusedBeforeItIsRead) {
  ASSERT_TRUE(WriteFile(Path("ten"), "0123456789").ok());
  EXPECT_EQ(ReadFile(Path("ten"), 10).value(), "0123456789");
  const absl::StatusOr<std::string> refused = ReadFile(Path("ten"), 9);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_THAT(refused.status().message(), HasSubstr("larger than 9 bytes"));

  // A sparse file of 1 TiB: refused from its size alone, instantly.
  ASSERT_EQ(truncate(Path("ten").c_str(), int64_t{1} << 40), 0);
  EXPECT_EQ(ReadFile(Path("ten"), 1 << 20).status().code(),
            absl::StatusCode::kOutOfRange);
}

TEST_F(FileIoTest, AtomicWriteReplacesWholeAndLeavesNoTemporary) {
  ASSERT_TRUE(WriteFileAtomically(Path("port"), "old\n").ok());
  ASSERT_TRUE(WriteFileAtomically(Path("port"), "new\n").ok());
  EXPECT_EQ(ReadFile(Path("port")).value(), "new\n");
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(directory_)) {
    (void)entry;
    ++files;
  }
  EXPECT_EQ(files, 1);
  EXPECT_FALSE(WriteFileAtomically(Path("no/dir/port"), "x").ok());
}

}  // namespace
}  // namespace image_common

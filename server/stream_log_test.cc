#include "server/stream_log.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/file_io.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/scratch_path.h"

namespace image_server {
namespace {

using ::testing::HasSubstr;

std::shared_ptr<const StreamRecord> Record(int64_t images) {
  auto record = std::make_shared<StreamRecord>();
  record->images = images;
  record->peer = "ipv4:127.0.0.1:1";
  return record;
}

std::vector<std::string> Lines(const std::string& path) {
  const std::string text = image_common::ReadFile(path).value_or("");
  return absl::StrSplit(text, '\n', absl::SkipEmpty());
}

// Collects what the log warns, from its writer thread.
class Warnings {
 public:
  std::function<void(const std::string&)> Callback() {
    return [this](const std::string& line) {
      absl::MutexLock lock(&mutex_);
      lines_.push_back(line);
    };
  }
  std::vector<std::string> lines() {
    absl::MutexLock lock(&mutex_);
    return lines_;
  }

 private:
  absl::Mutex mutex_;
  std::vector<std::string> lines_;
};

TEST(StreamLogTest, AppendsOneLinePerRecordAndCloseWritesWhatIsQueued) {
  const std::string path = image_testing::ScratchPath("append.jsonl");
  ASSERT_TRUE(image_common::WriteFile(path, "earlier line\n").ok());
  StreamLogOptions options;
  options.flush_every = absl::Hours(1);  // Only Close can write these.
  absl::StatusOr<std::unique_ptr<StreamLog>> log =
      StreamLog::Open(path, options);
  ASSERT_TRUE(log.ok()) << log.status();
  for (int i = 0; i < 5; ++i) (*log)->Add(Record(i));

  EXPECT_TRUE((*log)->Close(absl::Seconds(10)));

  const std::vector<std::string> lines = Lines(path);
  ASSERT_EQ(lines.size(), 6);
  EXPECT_EQ(lines[0], "earlier line");
  EXPECT_EQ(lines[1], StreamRecordJson(*Record(0)));
  EXPECT_EQ(lines[5], StreamRecordJson(*Record(4)));
  EXPECT_EQ((*log)->totals().written, 5);
  EXPECT_EQ((*log)->totals().dropped(), 0);
  std::remove(path.c_str());
}

TEST(StreamLogTest, WritesABatchWithoutWaitingForClose) {
  const std::string path = image_testing::ScratchPath("batch.jsonl");
  StreamLogOptions options;
  options.batch = 3;
  options.flush_every = absl::Hours(1);
  absl::StatusOr<std::unique_ptr<StreamLog>> log =
      StreamLog::Open(path, options);
  ASSERT_TRUE(log.ok()) << log.status();
  for (int i = 0; i < 3; ++i) (*log)->Add(Record(i));

  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  while ((*log)->totals().written < 3 && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(5));
  }
  EXPECT_EQ(Lines(path).size(), 3);
  std::remove(path.c_str());
}

TEST(StreamLogTest, AFullDeviceDropsAndCountsAndWarnsOnce) {
  Warnings warnings;
  StreamLogOptions options;
  options.batch = 2;
  options.warn = warnings.Callback();
  absl::StatusOr<std::unique_ptr<StreamLog>> log =
      StreamLog::Open("/dev/full", options);
  ASSERT_TRUE(log.ok()) << log.status();
  for (int i = 0; i < 10; ++i) (*log)->Add(Record(i));

  EXPECT_TRUE((*log)->Close(absl::Seconds(10)));

  const StreamLogTotals totals = (*log)->totals();
  EXPECT_EQ(totals.written, 0);
  EXPECT_EQ(totals.dropped_write_error, 10);
  EXPECT_EQ(totals.dropped(), 10);
  ASSERT_EQ(warnings.lines().size(), 1);
  EXPECT_EQ(warnings.lines()[0],
            "cannot write the stream log '/dev/full': No space left on "
            "device; its records are dropped and counted while writes fail, "
            "serving goes on");
}

TEST(StreamLogTest, APathThatCannotBeOpenedIsOneLineNamingIt) {
  absl::StatusOr<std::unique_ptr<StreamLog>> log =
      StreamLog::Open("/no/such/dir/streams.jsonl");
  ASSERT_FALSE(log.ok());
  EXPECT_EQ(log.status().message(),
            "cannot open '/no/such/dir/streams.jsonl' to append: No such file "
            "or directory");

  log = StreamLog::Open("/tmp");
  ASSERT_FALSE(log.ok());
  EXPECT_THAT(log.status().message(), HasSubstr("Is a directory"));
}

TEST(StreamLogTest, AFifoNobodyReadsFailsAtOnceRatherThanHanging) {
  const std::string path = image_testing::ScratchPath("unread.fifo");
  ASSERT_EQ(mkfifo(path.c_str(), 0600), 0);
  absl::StatusOr<std::unique_ptr<StreamLog>> log = StreamLog::Open(path);
  EXPECT_FALSE(log.ok());
  std::remove(path.c_str());
}

// A reader that stops reading stands for a disk that stopped taking bytes:
// the writer blocks in write(), and Add must go on returning at once.
TEST(StreamLogTest, AStuckWriterNeverHoldsUpAddAndFullQueuesAreCounted) {
  const std::string path = image_testing::ScratchPath("stuck.fifo");
  ASSERT_EQ(mkfifo(path.c_str(), 0600), 0);
  const int reader = open(path.c_str(), O_RDONLY | O_NONBLOCK);
  ASSERT_GE(reader, 0);
  StreamLogOptions options;
  options.max_queued = 100;
  options.batch = 10;
  absl::StatusOr<std::unique_ptr<StreamLog>> log =
      StreamLog::Open(path, options);
  ASSERT_TRUE(log.ok()) << log.status();

  // Far more than a pipe holds (64 KiB, a few hundred lines).
  const absl::Time started = absl::Now();
  for (int i = 0; i < 20000; ++i) (*log)->Add(Record(i));
  const absl::Duration adding = absl::Now() - started;

  EXPECT_LT(adding, absl::Seconds(2));
  EXPECT_GT((*log)->totals().dropped_queue_full, 0);
  // Read everything, so that the writer can finish.
  std::thread drain([reader] {
    fcntl(reader, F_SETFL, 0);
    char buffer[65536];
    while (read(reader, buffer, sizeof buffer) > 0) {
    }
  });
  EXPECT_TRUE((*log)->Close(absl::Seconds(20)));
  const StreamLogTotals totals = (*log)->totals();
  EXPECT_EQ(totals.written + totals.dropped(), 20000);
  EXPECT_EQ(totals.dropped_write_error, 0);
  log->reset();  // Closes the writing end: the reader sees the end.
  drain.join();
  close(reader);
  std::remove(path.c_str());
}

TEST(StreamLogTest, CloseGivesUpOnAWriterStuckPastItsLimit) {
  const std::string path = image_testing::ScratchPath("hung.fifo");
  ASSERT_EQ(mkfifo(path.c_str(), 0600), 0);
  const int reader = open(path.c_str(), O_RDONLY | O_NONBLOCK);
  ASSERT_GE(reader, 0);
  StreamLogOptions options;
  options.batch = 10;
  absl::StatusOr<std::unique_ptr<StreamLog>> log =
      StreamLog::Open(path, options);
  ASSERT_TRUE(log.ok()) << log.status();
  for (int i = 0; i < 5000; ++i) (*log)->Add(Record(i));

  const absl::Time started = absl::Now();
  EXPECT_FALSE((*log)->Close(absl::Milliseconds(200)));

  EXPECT_LT(absl::Now() - started, absl::Seconds(5));
  EXPECT_GT((*log)->totals().dropped_at_close, 0);
  log->reset();
  // The writer left behind ends once its write does.
  fcntl(reader, F_SETFL, 0);
  char buffer[65536];
  while (read(reader, buffer, sizeof buffer) > 0) {
  }
  close(reader);
  std::remove(path.c_str());
}

TEST(StreamLogTest, RecordsAddedAfterCloseAreCounted) {
  const std::string path = image_testing::ScratchPath("late.jsonl");
  absl::StatusOr<std::unique_ptr<StreamLog>> log = StreamLog::Open(path);
  ASSERT_TRUE(log.ok()) << log.status();
  ASSERT_TRUE((*log)->Close(absl::Seconds(10)));
  (*log)->Add(Record(1));
  EXPECT_EQ((*log)->totals().dropped_at_close, 1);
  EXPECT_EQ((*log)->totals().written, 0);
  std::remove(path.c_str());
}

}  // namespace
}  // namespace image_server

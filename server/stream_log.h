// The --stream_log file: one JSON line per finished call
// (StreamRecordJson), appended by a writer thread of its own so that a slow
// or full disk never holds up serving. Handlers only queue a pointer; when
// the queue is full, or the file cannot be written (ENOSPC, EIO), records
// are dropped and counted, and serving goes on.
#ifndef SERVER_STREAM_LOG_H_
#define SERVER_STREAM_LOG_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/stream_record.h"

namespace image_server {

struct StreamLogOptions {
  // Records waiting for the writer; past it new records are dropped. At a
  // few hundred bytes each, a few megabytes at most.
  int max_queued = 10000;
  // The writer wakes when this many records wait, or this long after it
  // last wrote, whichever comes first: a handler rarely has to wake it.
  int batch = 256;
  absl::Duration flush_every = absl::Milliseconds(200);
  // Called once, from the writer thread, on the first failed write, with one
  // line (no newline) that names the file and the reason.
  std::function<void(const std::string&)> warn;
};

struct StreamLogTotals {
  int64_t written = 0;  // Lines the file took.
  int64_t dropped_queue_full = 0;
  // Lost to failed writes (a line cut short by one counts here too).
  int64_t dropped_write_error = 0;
  // Added after Close began, or still queued when Close gave up.
  int64_t dropped_at_close = 0;

  int64_t dropped() const {
    return dropped_queue_full + dropped_write_error + dropped_at_close;
  }
};

class StreamLog final : public StreamRecordSink {
 public:
  // Opens `path` to append (created 0644 if absent) and starts the writer.
  // Fails with one line naming the file when it cannot be opened for
  // writing; a file that opens but cannot take bytes (/dev/full, a full
  // disk) is found out by the first write.
  static absl::StatusOr<std::unique_ptr<StreamLog>> Open(
      const std::string& path, StreamLogOptions options = {});

  // Close(kCloseLimit) unless closed already.
  ~StreamLog() override;
  StreamLog(const StreamLog&) = delete;
  StreamLog& operator=(const StreamLog&) = delete;

  // Queues `record` for the writer, or counts it dropped when the queue is
  // full. Never waits on the disk.
  void Add(std::shared_ptr<const StreamRecord> record) override;

  // Writes every record added before it, then stops the writer. True when
  // everything was written (or failed to be, and was counted) within
  // `limit`; false when the writer was still stuck in a write (a hung
  // filesystem): it is then left behind, and the records still queued are
  // counted in dropped_at_close.
  bool Close(absl::Duration limit);
  static constexpr absl::Duration kCloseLimit = absl::Seconds(10);

  StreamLogTotals totals() const;
  const std::string& path() const { return path_; }

  struct State;  // Shared with the writer thread, which may outlive us.

 private:
  StreamLog(std::string path, std::shared_ptr<State> state);

  const std::string path_;
  std::shared_ptr<State> state_;
  std::thread writer_;
  bool closed_ = false;
};

}  // namespace image_server

#endif  // SERVER_STREAM_LOG_H_

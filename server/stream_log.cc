#include "server/stream_log.h"

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "common/one_line.h"

namespace image_server {

struct StreamLog::State {
  State(int fd, std::string path, StreamLogOptions options)
      : fd(fd), path(std::move(path)), options(std::move(options)) {}
  ~State() { close(fd); }

  bool ShouldWake() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex) {
    return closing || queue.size() >= static_cast<size_t>(options.batch);
  }

  const int fd;
  const std::string path;
  const StreamLogOptions options;

  absl::Mutex mutex;
  std::vector<std::shared_ptr<const StreamRecord>> queue ABSL_GUARDED_BY(mutex);
  bool closing ABSL_GUARDED_BY(mutex) = false;
  bool writer_done ABSL_GUARDED_BY(mutex) = false;
  StreamLogTotals totals ABSL_GUARDED_BY(mutex);

  // The writer thread's own.
  bool warned = false;
  // The last write stopped inside a line: the next one starts a new line, so
  // that one cut line is lost rather than the line after it too.
  bool mid_line = false;
};

namespace {

using State = StreamLog::State;

struct WriteResult {
  size_t written = 0;
  int error = 0;  // errno of the write that failed, 0 when all was written.
};

WriteResult WriteAll(int fd, const std::string& bytes) {
  WriteResult result;
  while (result.written < bytes.size()) {
    const ssize_t n =
        write(fd, bytes.data() + result.written, bytes.size() - result.written);
    if (n > 0) {
      result.written += static_cast<size_t>(n);
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else {
      result.error = n < 0 ? errno : EIO;
      break;
    }
  }
  return result;
}

// Lines of `batch` written whole, given that `bytes` (the batch, after a
// newline when the file was mid-line) was written up to `written`.
int64_t WholeLines(const std::string& bytes, size_t written, bool led) {
  int64_t newlines = 0;
  for (size_t i = 0; i < written; ++i) newlines += bytes[i] == '\n';
  if (led && written > 0) --newlines;
  return newlines;
}

void WriteBatch(State& state,
                const std::vector<std::shared_ptr<const StreamRecord>>& batch,
                std::string* bytes) {
  bytes->clear();
  const bool led = state.mid_line;
  if (led) bytes->push_back('\n');
  for (const std::shared_ptr<const StreamRecord>& record : batch) {
    *bytes += StreamRecordJson(*record);
    bytes->push_back('\n');
  }
  const WriteResult result = WriteAll(state.fd, *bytes);
  const int64_t whole = result.error == 0
                            ? static_cast<int64_t>(batch.size())
                            : WholeLines(*bytes, result.written, led);
  if (result.written > 0) state.mid_line = (*bytes)[result.written - 1] != '\n';
  {
    absl::MutexLock lock(&state.mutex);
    state.totals.written += whole;
    state.totals.dropped_write_error +=
        static_cast<int64_t>(batch.size()) - whole;
  }
  if (result.error != 0 && !state.warned && state.options.warn) {
    state.warned = true;
    state.options.warn(absl::StrCat(
        "cannot write the stream log ",
        image_common::QuotedForLine(state.path, 300), ": ",
        std::strerror(result.error),
        "; its records are dropped and counted while writes fail, serving "
        "goes on"));
  }
}

void RunWriter(const std::shared_ptr<State>& state) {
  std::vector<std::shared_ptr<const StreamRecord>> batch;
  std::string bytes;
  for (;;) {
    bool closing;
    {
      absl::MutexLock lock(&state->mutex);
      state->mutex.AwaitWithTimeout(
          absl::Condition(state.get(), &State::ShouldWake),
          state->options.flush_every);
      batch.swap(state->queue);
      closing = state->closing;
    }
    if (!batch.empty()) {
      WriteBatch(*state, batch, &bytes);
      batch.clear();
    }
    // Once closing is set Add queues nothing, so this batch was the last.
    if (closing) {
      absl::MutexLock lock(&state->mutex);
      state->writer_done = true;
      return;
    }
  }
}

// The writer starts with every signal blocked: a process-directed signal
// (SIGTERM) must go to the thread that waits for it, never to this one,
// whose default action would end the process.
std::thread StartWriter(std::shared_ptr<State> state) {
  sigset_t all, before;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &before);
  std::thread writer([state = std::move(state)] { RunWriter(state); });
  pthread_sigmask(SIG_SETMASK, &before, nullptr);
  return writer;
}

}  // namespace

absl::StatusOr<std::unique_ptr<StreamLog>> StreamLog::Open(
    const std::string& path, StreamLogOptions options) {
  // O_NONBLOCK only for the open: a FIFO nobody reads fails at once (ENXIO)
  // instead of hanging the start; writes then block as usual.
  const int fd =
      open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NONBLOCK,
           0644);
  if (fd < 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot open ", image_common::QuotedForLine(path, 300),
                     " to append: ", std::strerror(errno)));
  }
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  options.max_queued = std::max(1, options.max_queued);
  options.batch = std::max(1, options.batch);
  auto state = std::make_shared<State>(fd, path, std::move(options));
  return std::unique_ptr<StreamLog>(new StreamLog(path, std::move(state)));
}

StreamLog::StreamLog(std::string path, std::shared_ptr<State> state)
    : path_(std::move(path)),
      state_(std::move(state)),
      writer_(StartWriter(state_)) {}

StreamLog::~StreamLog() { Close(kCloseLimit); }

void StreamLog::Add(std::shared_ptr<const StreamRecord> record) {
  absl::MutexLock lock(&state_->mutex);
  if (state_->closing) {
    ++state_->totals.dropped_at_close;
  } else if (state_->queue.size() >=
             static_cast<size_t>(state_->options.max_queued)) {
    ++state_->totals.dropped_queue_full;
  } else {
    state_->queue.push_back(std::move(record));
  }
}

bool StreamLog::Close(absl::Duration limit) {
  if (closed_) return true;
  closed_ = true;
  bool done;
  {
    absl::MutexLock lock(&state_->mutex);
    state_->closing = true;
    done = state_->mutex.AwaitWithTimeout(absl::Condition(&state_->writer_done),
                                          limit);
    if (!done) {
      state_->totals.dropped_at_close +=
          static_cast<int64_t>(state_->queue.size());
      state_->queue.clear();
    }
  }
  if (done) {
    writer_.join();
  } else {
    writer_.detach();  // It holds the state; it ends if its write ever does.
  }
  return done;
}

StreamLogTotals StreamLog::totals() const {
  absl::MutexLock lock(&state_->mutex);
  return state_->totals;
}

}  // namespace image_server

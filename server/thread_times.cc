#include "server/thread_times.h"

#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#include <cstdlib>

namespace image_server {
namespace {

// The descriptor of this thread's own schedstat file, closed when the
// thread ends; -1 when it cannot be opened.
class SchedstatFile {
 public:
  SchedstatFile()
      : fd_(open("/proc/thread-self/schedstat", O_RDONLY | O_CLOEXEC)) {}
  ~SchedstatFile() {
    if (fd_ >= 0) close(fd_);
  }
  SchedstatFile(const SchedstatFile&) = delete;
  SchedstatFile& operator=(const SchedstatFile&) = delete;
  int fd() const { return fd_; }

 private:
  const int fd_;
};

}  // namespace

int64_t ProcessCpuNanos() {
  timespec now{};
  if (clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now) != 0) return 0;
  return int64_t{now.tv_sec} * 1'000'000'000 + now.tv_nsec;
}

std::optional<ThreadTimes> CurrentThreadTimes() {
  thread_local SchedstatFile file;
  if (file.fd() < 0) return std::nullopt;
  // "on_cpu_ns queued_ns timeslices\n"
  char text[96];
  const ssize_t got = pread(file.fd(), text, sizeof(text) - 1, 0);
  if (got <= 0) return std::nullopt;
  text[got] = '\0';
  char* end = nullptr;
  ThreadTimes times;
  times.on_cpu_ns = std::strtoll(text, &end, 10);
  if (end == text) return std::nullopt;
  char* after = nullptr;
  times.queued_ns = std::strtoll(end, &after, 10);
  if (after == end) return std::nullopt;
  return times;
}

}  // namespace image_server

// How the calling thread has spent its life so far, from the kernel's
// scheduler statistics: on a CPU, and runnable but waiting for one. A
// handler's wall time less both is the time it slept, i.e. waited for
// something else (call_recorder.h says what that is for a stream).
#ifndef SERVER_THREAD_TIMES_H_
#define SERVER_THREAD_TIMES_H_

#include <cstdint>
#include <optional>

namespace image_server {

struct ThreadTimes {
  int64_t on_cpu_ns = 0;
  int64_t queued_ns = 0;  // Runnable, waiting for a CPU.
};

// This thread's times, or nullopt where the kernel keeps no scheduler
// statistics (/proc/thread-self/schedstat, CONFIG_SCHED_INFO). The file is
// opened once per thread and read with one pread, about a microsecond.
std::optional<ThreadTimes> CurrentThreadTimes();

// CPU time the whole process (every thread) has used so far. gRPC's own
// threads do most of the sending of a stream, so this, not the handler
// thread's time, says how busy the server was while a call ran.
int64_t ProcessCpuNanos();

}  // namespace image_server

#endif  // SERVER_THREAD_TIMES_H_

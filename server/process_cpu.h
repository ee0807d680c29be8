// CPU time the whole server process has used, for the records of calls:
// gRPC's own threads do most of the sending of a stream while the sync
// handler sleeps in Write, so the process's time, not the handler thread's,
// says how busy the server was while a call ran.
#ifndef SERVER_PROCESS_CPU_H_
#define SERVER_PROCESS_CPU_H_

#include <cstdint>

namespace image_server {

// The kernel sums every thread to answer, which with the thousands of
// threads a burst of calls can start costs more than the calls: the clock is
// read at most once per kProcessCpuRefreshNs, whoever asks, and callers in
// between get the last reading.
inline constexpr int64_t kProcessCpuRefreshNs = 5'000'000;
int64_t ProcessCpuNanos();

}  // namespace image_server

#endif  // SERVER_PROCESS_CPU_H_

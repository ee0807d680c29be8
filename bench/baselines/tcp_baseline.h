// Raw loopback TCP baselines for the image-streaming benchmark.
//
// Every gRPC figure the benchmark reports is expressed as a fraction of what
// plain TCP achieves on the same machine in the same run, so that results
// from different machines (and noisy runs) stay comparable. This file provides
// the two reference workloads:
//   * bulk transfer: TcpBulkSender pushes the image bytes to a sink in
//     fixed-size writes and waits until the sink has consumed all of them;
//   * latency: TcpPingPong bounces a 64-byte message off an echo peer.
// LoopbackTcpPeer is the in-process server side of both.

#ifndef BENCH_BASELINES_TCP_BASELINE_H_
#define BENCH_BASELINES_TCP_BASELINE_H_

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <thread>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace image_bench {

// Owns a file descriptor; closes it on destruction.
class ScopedFd {
 public:
  ScopedFd() = default;
  explicit ScopedFd(int fd) : fd_(fd) {}
  ScopedFd(ScopedFd&& other) noexcept : fd_(other.release()) {}
  ScopedFd& operator=(ScopedFd&& other) noexcept;
  ScopedFd(const ScopedFd&) = delete;
  ScopedFd& operator=(const ScopedFd&) = delete;
  ~ScopedFd() { reset(); }

  int get() const { return fd_; }
  int release();
  void reset(int fd = -1);

 private:
  int fd_ = -1;
};

// Serves sink and echo connections on 127.0.0.1:<ephemeral port>, one thread
// per connection. Destruction disconnects any clients still attached.
class LoopbackTcpPeer {
 public:
  static absl::StatusOr<std::unique_ptr<LoopbackTcpPeer>> Start();

  LoopbackTcpPeer(const LoopbackTcpPeer&) = delete;
  LoopbackTcpPeer& operator=(const LoopbackTcpPeer&) = delete;
  ~LoopbackTcpPeer();

  int port() const { return port_; }

  // Payload bytes of completed sink transfers, over all connections. A
  // transfer is counted before it is acknowledged, so after
  // TcpBulkSender::Send() returns its bytes are included.
  uint64_t bytes_received() const { return bytes_received_.load(); }

 private:
  struct Connection {
    // Closed by the serving thread under mu_, so that the destructor never
    // shuts down a descriptor number that has since been reused.
    ScopedFd fd;
    bool done = false;  // Guarded by mu_.
    std::thread thread;
  };

  LoopbackTcpPeer(ScopedFd listen_fd, ScopedFd wake_read, ScopedFd wake_write,
                  int port);

  void AcceptLoop();
  void ServeConnection(Connection* connection);
  void ReapFinishedConnections();

  ScopedFd listen_fd_;  // Owned by the accept thread while it runs.
  ScopedFd wake_read_;
  ScopedFd wake_write_;
  const int port_;
  std::atomic<uint64_t> bytes_received_{0};

  std::mutex mu_;
  std::list<Connection> connections_;  // Guarded by mu_.

  std::thread accept_thread_;
};

// A connection to a LoopbackTcpPeer in sink mode.
//
// On the benchmark VM the first few hundred MB a process sends run at about
// half speed, so time only after a warm-up transfer of the full size.
class TcpBulkSender {
 public:
  static constexpr size_t kDefaultWriteSize = size_t{1} << 20;

  static absl::StatusOr<TcpBulkSender> Connect(int port);

  // Sends `bytes` in writes of at most `write_size` bytes and returns once the
  // peer has read all of them.
  absl::Status Send(absl::string_view bytes,
                    size_t write_size = kDefaultWriteSize);

 private:
  TcpBulkSender(ScopedFd fd, int port) : fd_(std::move(fd)), port_(port) {}

  ScopedFd fd_;
  int port_;
};

// A connection to a LoopbackTcpPeer in echo mode.
class TcpPingPong {
 public:
  static constexpr size_t kMessageSize = 64;
  using Message = std::array<char, kMessageSize>;

  static absl::StatusOr<TcpPingPong> Connect(int port);

  // Writes `request` and reads the peer's reply into `*reply`.
  absl::Status RoundTrip(const Message& request, Message* reply);

  // For timing loops: a round trip whose message differs on every call, so
  // that a stale or misrouted reply is reported as DataLoss.
  absl::Status RoundTrip();

 private:
  TcpPingPong(ScopedFd fd, int port) : fd_(std::move(fd)), port_(port) {}

  ScopedFd fd_;
  int port_;
  uint64_t sequence_ = 0;
};

}  // namespace image_bench

#endif  // BENCH_BASELINES_TCP_BASELINE_H_

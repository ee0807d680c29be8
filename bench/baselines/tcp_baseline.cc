#include "bench/baselines/tcp_baseline.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"

namespace image_bench {
namespace {

// Wire protocol. The client's first byte selects the connection's mode:
//   sink: repeatedly, an 8-byte big-endian length and that many payload
//         bytes, answered by kAck once the peer has read all of them, so the
//         sender's clock covers delivery and not just buffering;
//   echo: repeatedly, kMessageSize bytes that the peer writes back.
constexpr char kSinkHello = 'S';
constexpr char kEchoHello = 'E';
constexpr char kAck = 'A';
constexpr size_t kHeaderSize = 8;
// Matches the default bulk write size, so the sink needs no more than one
// read per write.
constexpr size_t kSinkReadSize = size_t{1} << 20;

#ifdef MSG_NOSIGNAL
constexpr int kSendFlags = MSG_NOSIGNAL;
#else
constexpr int kSendFlags = 0;  // SO_NOSIGPIPE is set on the socket instead.
#endif

std::string Address(int port) { return absl::StrCat("127.0.0.1:", port); }

// Prefixes `status` with what was being attempted, keeping its code.
absl::Status WithContext(const absl::Status& status, absl::string_view what) {
  return absl::Status(status.code(),
                      absl::StrCat(what, ": ", status.message()));
}

// The messages are bare (no context) so that the success path of the timed
// loops never builds strings; callers add context with WithContext().
absl::Status WriteAll(int fd, const char* data, size_t size) {
  while (size > 0) {
    const ssize_t n = send(fd, data, size, kSendFlags);
    if (n < 0) {
      if (errno == EINTR) continue;
      return absl::ErrnoToStatus(errno, "send");
    }
    data += n;
    size -= static_cast<size_t>(n);
  }
  return absl::OkStatus();
}

absl::Status ReadExactly(int fd, char* data, size_t size) {
  while (size > 0) {
    const ssize_t n = recv(fd, data, size, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      return absl::ErrnoToStatus(errno, "recv");
    }
    if (n == 0) return absl::UnavailableError("recv: connection closed");
    data += n;
    size -= static_cast<size_t>(n);
  }
  return absl::OkStatus();
}

absl::Status SetIntOption(int fd, int level, int option, int value,
                          absl::string_view name) {
  if (setsockopt(fd, level, option, &value, sizeof(value)) != 0) {
    const int error = errno;  // Before StrCat() can allocate and clobber it.
    return absl::ErrnoToStatus(error, absl::StrCat("setsockopt ", name));
  }
  return absl::OkStatus();
}

// Small messages (acks, pings) must leave immediately instead of waiting for
// Nagle's algorithm to coalesce them.
absl::Status SetNoDelay(int fd) {
  return SetIntOption(fd, IPPROTO_TCP, TCP_NODELAY, 1, "TCP_NODELAY");
}

absl::Status SetNoSigPipe(int fd) {
#if defined(SO_NOSIGPIPE) && !defined(MSG_NOSIGNAL)
  return SetIntOption(fd, SOL_SOCKET, SO_NOSIGPIPE, 1, "SO_NOSIGPIPE");
#else
  (void)fd;
  return absl::OkStatus();
#endif
}

// The benchmark may spawn a server process; it must not inherit our sockets,
// or closing them here would not end the connection.
absl::Status SetCloseOnExec(int fd) {
  if (fcntl(fd, F_SETFD, FD_CLOEXEC) != 0) {
    return absl::ErrnoToStatus(errno, "fcntl FD_CLOEXEC");
  }
  return absl::OkStatus();
}

absl::Status SetNonBlocking(int fd, bool on) {
  const int flags = fcntl(fd, F_GETFL);
  const int wanted = on ? (flags | O_NONBLOCK) : (flags & ~O_NONBLOCK);
  if (flags < 0 || fcntl(fd, F_SETFL, wanted) != 0) {
    return absl::ErrnoToStatus(errno, "fcntl O_NONBLOCK");
  }
  return absl::OkStatus();
}

absl::StatusOr<ScopedFd> NewTcpSocket() {
  ScopedFd fd(socket(AF_INET, SOCK_STREAM, 0));
  if (fd.get() < 0) return absl::ErrnoToStatus(errno, "socket");
  absl::Status status = SetCloseOnExec(fd.get());
  if (status.ok()) status = SetNoSigPipe(fd.get());
  if (!status.ok()) return status;
  return fd;
}

sockaddr_in LoopbackAddress(int port) {
  sockaddr_in address;
  std::memset(&address, 0, sizeof(address));
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<uint16_t>(port));
  return address;
}

// A connect() interrupted by a signal keeps going in the background and
// cannot simply be retried; wait for it to finish and fetch its outcome.
int FinishInterruptedConnect(int fd) {
  pollfd entry = {fd, POLLOUT, 0};
  while (poll(&entry, 1, -1) < 0) {
    if (errno != EINTR) return errno;
  }
  int error = 0;
  socklen_t length = sizeof(error);
  if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) != 0) return errno;
  return error;
}

// SO_SNDBUF/SO_RCVBUF are left alone: fixed 4 MiB buffers on either end made
// no difference beyond run-to-run noise on the benchmark machine, and setting
// them turns off the kernel's buffer autotuning.
absl::StatusOr<ScopedFd> ConnectToPeer(int port, char hello) {
  absl::StatusOr<ScopedFd> fd = NewTcpSocket();
  if (!fd.ok()) return fd.status();
  absl::Status status = SetNoDelay(fd->get());
  if (!status.ok()) return status;
  const sockaddr_in address = LoopbackAddress(port);
  int error = 0;
  if (connect(fd->get(), reinterpret_cast<const sockaddr*>(&address),
              sizeof(address)) != 0) {
    error = errno == EINTR ? FinishInterruptedConnect(fd->get()) : errno;
  }
  if (error != 0) {
    return absl::ErrnoToStatus(error,
                               absl::StrCat("connect to ", Address(port)));
  }
  status = WriteAll(fd->get(), &hello, 1);
  if (!status.ok()) {
    return WithContext(status, absl::StrCat("hello to ", Address(port)));
  }
  return fd;
}

void EncodeLength(uint64_t length, char* out) {
  for (size_t i = 0; i < kHeaderSize; ++i) {
    out[i] = static_cast<char>(length >> (8 * (kHeaderSize - 1 - i)));
  }
}

uint64_t DecodeLength(const char* in) {
  uint64_t length = 0;
  for (size_t i = 0; i < kHeaderSize; ++i) {
    length = (length << 8) | static_cast<unsigned char>(in[i]);
  }
  return length;
}

// Returns when the client disconnects or the connection fails; the peer has
// nobody to report errors to, and the client sees them as a closed socket.
void ServeSink(int fd, std::atomic<uint64_t>* bytes_received) {
  std::vector<char> buffer(kSinkReadSize);
  char header[kHeaderSize];
  while (ReadExactly(fd, header, kHeaderSize).ok()) {
    const uint64_t length = DecodeLength(header);
    for (uint64_t left = length; left > 0;) {
      const size_t chunk = std::min<uint64_t>(left, buffer.size());
      if (!ReadExactly(fd, buffer.data(), chunk).ok()) return;
      left -= chunk;
    }
    *bytes_received += length;
    if (!WriteAll(fd, &kAck, 1).ok()) return;
  }
}

void ServeEcho(int fd) {
  TcpPingPong::Message message;
  while (ReadExactly(fd, message.data(), message.size()).ok() &&
         WriteAll(fd, message.data(), message.size()).ok()) {
  }
}

}  // namespace

ScopedFd& ScopedFd::operator=(ScopedFd&& other) noexcept {
  if (this != &other) reset(other.release());
  return *this;
}

int ScopedFd::release() {
  const int fd = fd_;
  fd_ = -1;
  return fd;
}

void ScopedFd::reset(int fd) {
  // Retrying close() after EINTR is wrong on Linux: the descriptor is gone.
  if (fd_ >= 0) close(fd_);
  fd_ = fd;
}

absl::StatusOr<std::unique_ptr<LoopbackTcpPeer>> LoopbackTcpPeer::Start() {
  absl::StatusOr<ScopedFd> listen_fd = NewTcpSocket();
  if (!listen_fd.ok()) return listen_fd.status();
  // Non-blocking so that a connection reset between poll() and accept()
  // cannot block the accept thread where the destructor cannot wake it.
  absl::Status status = SetNonBlocking(listen_fd->get(), true);
  if (!status.ok()) return status;
  sockaddr_in address = LoopbackAddress(0);
  socklen_t length = sizeof(address);
  auto* raw = reinterpret_cast<sockaddr*>(&address);
  if (bind(listen_fd->get(), raw, length) != 0) {
    return absl::ErrnoToStatus(errno, "bind 127.0.0.1:0");
  }
  if (listen(listen_fd->get(), SOMAXCONN) != 0) {
    return absl::ErrnoToStatus(errno, "listen");
  }
  if (getsockname(listen_fd->get(), raw, &length) != 0) {
    return absl::ErrnoToStatus(errno, "getsockname");
  }
  int wake[2];
  if (pipe(wake) != 0) return absl::ErrnoToStatus(errno, "pipe");
  ScopedFd wake_read(wake[0]), wake_write(wake[1]);
  status = SetCloseOnExec(wake[0]);
  if (status.ok()) status = SetCloseOnExec(wake[1]);
  if (!status.ok()) return status;
  return std::unique_ptr<LoopbackTcpPeer>(
      new LoopbackTcpPeer(*std::move(listen_fd), std::move(wake_read),
                          std::move(wake_write), ntohs(address.sin_port)));
}

LoopbackTcpPeer::LoopbackTcpPeer(ScopedFd listen_fd, ScopedFd wake_read,
                                 ScopedFd wake_write, int port)
    : listen_fd_(std::move(listen_fd)),
      wake_read_(std::move(wake_read)),
      wake_write_(std::move(wake_write)),
      port_(port),
      accept_thread_(&LoopbackTcpPeer::AcceptLoop, this) {}

LoopbackTcpPeer::~LoopbackTcpPeer() {
  const char wake = 0;
  while (write(wake_write_.get(), &wake, 1) < 0 && errno == EINTR) {
  }
  accept_thread_.join();
  {
    // shutdown() rather than close(): it wakes threads blocked in recv() or
    // send() on the socket, and the serving thread still owns the descriptor.
    std::lock_guard<std::mutex> lock(mu_);
    for (Connection& connection : connections_) {
      if (connection.fd.get() >= 0) shutdown(connection.fd.get(), SHUT_RDWR);
    }
  }
  // The accept thread is gone, so nothing else modifies the list.
  for (Connection& connection : connections_) connection.thread.join();
}

void LoopbackTcpPeer::AcceptLoop() {
  pollfd entries[2] = {{listen_fd_.get(), POLLIN, 0},
                       {wake_read_.get(), POLLIN, 0}};
  while (true) {
    if (poll(entries, 2, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (entries[1].revents != 0) break;
    ScopedFd fd(accept(listen_fd_.get(), nullptr, nullptr));
    if (fd.get() < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ||
          errno == ECONNABORTED) {
        continue;
      }
      break;
    }
    // BSD-derived systems hand out accepted sockets with O_NONBLOCK set.
    if (!SetNonBlocking(fd.get(), false).ok() ||
        !SetCloseOnExec(fd.get()).ok() || !SetNoSigPipe(fd.get()).ok() ||
        !SetNoDelay(fd.get()).ok()) {
      continue;
    }
    ReapFinishedConnections();
    std::lock_guard<std::mutex> lock(mu_);
    Connection& connection = connections_.emplace_back();
    connection.fd = std::move(fd);
    connection.thread =
        std::thread(&LoopbackTcpPeer::ServeConnection, this, &connection);
  }
  // On an unexpected error, closing makes new clients fail to connect rather
  // than wait forever in the backlog for a reply.
  listen_fd_.reset();
}

void LoopbackTcpPeer::ServeConnection(Connection* connection) {
  const int fd = connection->fd.get();
  char hello = 0;
  if (ReadExactly(fd, &hello, 1).ok()) {
    if (hello == kSinkHello) ServeSink(fd, &bytes_received_);
    if (hello == kEchoHello) ServeEcho(fd);
  }
  std::lock_guard<std::mutex> lock(mu_);
  connection->fd.reset();
  connection->done = true;
}

void LoopbackTcpPeer::ReapFinishedConnections() {
  std::list<Connection> finished;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto it = connections_.begin(); it != connections_.end();) {
      auto next = std::next(it);
      if (it->done) finished.splice(finished.end(), connections_, it);
      it = next;
    }
  }
  for (Connection& connection : finished) connection.thread.join();
}

absl::StatusOr<TcpBulkSender> TcpBulkSender::Connect(int port) {
  absl::StatusOr<ScopedFd> fd = ConnectToPeer(port, kSinkHello);
  if (!fd.ok()) return fd.status();
  return TcpBulkSender(*std::move(fd), port);
}

absl::Status TcpBulkSender::Send(absl::string_view bytes, size_t write_size) {
  if (write_size == 0) {
    return absl::InvalidArgumentError("TcpBulkSender::Send: write_size is 0");
  }
  char header[kHeaderSize];
  EncodeLength(bytes.size(), header);
  absl::Status status = WriteAll(fd_.get(), header, kHeaderSize);
  for (size_t sent = 0; status.ok() && sent < bytes.size();) {
    const size_t chunk = std::min(write_size, bytes.size() - sent);
    status = WriteAll(fd_.get(), bytes.data() + sent, chunk);
    sent += chunk;
  }
  char ack = 0;
  if (status.ok()) status = ReadExactly(fd_.get(), &ack, 1);
  if (status.ok() && ack != kAck) {
    status = absl::DataLossError("unexpected acknowledgement byte");
  }
  if (status.ok()) return status;
  return WithContext(status, absl::StrCat("bulk send of ", bytes.size(),
                                          " bytes to ", Address(port_)));
}

absl::StatusOr<TcpPingPong> TcpPingPong::Connect(int port) {
  absl::StatusOr<ScopedFd> fd = ConnectToPeer(port, kEchoHello);
  if (!fd.ok()) return fd.status();
  return TcpPingPong(*std::move(fd), port);
}

absl::Status TcpPingPong::RoundTrip(const Message& request, Message* reply) {
  absl::Status status = WriteAll(fd_.get(), request.data(), request.size());
  if (status.ok())
    status = ReadExactly(fd_.get(), reply->data(), reply->size());
  if (status.ok()) return status;
  return WithContext(status, absl::StrCat("ping-pong with ", Address(port_)));
}

absl::Status TcpPingPong::RoundTrip() {
  Message request;
  request.fill(static_cast<char>(sequence_));
  std::memcpy(request.data(), &sequence_, sizeof(sequence_));
  ++sequence_;
  Message reply;
  absl::Status status = RoundTrip(request, &reply);
  if (status.ok() && reply != request) {
    return absl::DataLossError(absl::StrCat("ping-pong with ", Address(port_),
                                            ": echo differs from request"));
  }
  return status;
}

}  // namespace image_bench

#include "server/probe_wire.h"

#include <errno.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace image_server {
namespace {

// send() rather than write(): a child that died must give EPIPE, not a
// SIGPIPE that would kill the server. Falls back to write() for pipes.
absl::Status WriteAll(int fd, absl::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == ENOTSOCK) n = write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      return absl::UnavailableError(
          absl::StrCat("image prober channel: ", strerror(errno)));
    }
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return absl::OkStatus();
}

// Reads exactly `size` bytes; false at end of input before any byte when
// `eof_ok`, an error for a short read otherwise.
absl::StatusOr<bool> ReadExactly(int fd, char* data, size_t size, bool eof_ok) {
  size_t done = 0;
  while (done < size) {
    const ssize_t n = read(fd, data + done, size - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      return absl::UnavailableError(
          absl::StrCat("image prober channel: ", strerror(errno)));
    }
    if (n == 0) {
      if (done == 0 && eof_ok) return false;
      return absl::UnavailableError("image prober channel closed mid-message");
    }
    done += static_cast<size_t>(n);
  }
  return true;
}

std::string EncodeProbeReply(const absl::StatusOr<ImageMetadata>& result) {
  if (!result.ok()) {
    std::string message(result.status().message());
    for (char& c : message) {
      if (c == '\n') c = ' ';
    }
    return absl::StrCat("error ", message, "\n");
  }
  return absl::StrCat(
      "ok ", result->width, " ", result->height, " ", result->channels, " ",
      result->sniffed_format.empty() ? "-" : result->sniffed_format, "\n");
}

}  // namespace

absl::Status WriteProbeRequest(int fd, absl::string_view bytes) {
  char header[8];
  uint64_t size = bytes.size();
  for (char& byte : header) {
    byte = static_cast<char>(size & 0xFF);
    size >>= 8;
  }
  if (absl::Status status = WriteAll(fd, absl::string_view(header, 8));
      !status.ok()) {
    return status;
  }
  return WriteAll(fd, bytes);
}

absl::StatusOr<std::optional<std::string>> ReadProbeRequest(int fd) {
  unsigned char header[8];
  absl::StatusOr<bool> got =
      ReadExactly(fd, reinterpret_cast<char*>(header), 8, /*eof_ok=*/true);
  if (!got.ok()) return got.status();
  if (!*got) return std::nullopt;
  uint64_t size = 0;
  for (int i = 7; i >= 0; --i) size = (size << 8) | header[i];
  // The store refuses files over 2 GiB before asking.
  if (size > (uint64_t{1} << 31)) {
    return absl::InvalidArgumentError(
        absl::StrCat("probe request of ", size, " bytes"));
  }
  std::string bytes(size, '\0');
  got = ReadExactly(fd, bytes.data(), size, /*eof_ok=*/false);
  if (!got.ok()) return got.status();
  return bytes;
}

absl::Status WriteProbeReply(int fd,
                             const absl::StatusOr<ImageMetadata>& result) {
  return WriteAll(fd, EncodeProbeReply(result));
}

absl::StatusOr<absl::StatusOr<ImageMetadata>> ParseProbeReply(
    absl::string_view line) {
  if (absl::ConsumePrefix(&line, "error ")) {
    return absl::StatusOr<ImageMetadata>(
        absl::InvalidArgumentError(std::string(line)));
  }
  const std::vector<absl::string_view> fields = absl::StrSplit(line, ' ');
  ImageMetadata metadata;
  if (fields.size() != 5 || fields[0] != "ok" ||
      !absl::SimpleAtoi(fields[1], &metadata.width) ||
      !absl::SimpleAtoi(fields[2], &metadata.height) ||
      !absl::SimpleAtoi(fields[3], &metadata.channels) || fields[4].empty()) {
    return absl::InternalError(
        absl::StrCat("malformed image prober reply '", line, "'"));
  }
  if (fields[4] != "-") metadata.sniffed_format = std::string(fields[4]);
  return absl::StatusOr<ImageMetadata>(std::move(metadata));
}

absl::StatusOr<absl::StatusOr<ImageMetadata>> ReadProbeReply(int fd) {
  // Peeks first so that no byte after the newline is consumed.
  std::string line;
  while (line.empty() || line.back() != '\n') {
    char chunk[256];
    const ssize_t peeked = recv(fd, chunk, sizeof(chunk), MSG_PEEK);
    if (peeked < 0 && errno == EINTR) continue;
    if (peeked < 0) {
      return absl::UnavailableError(
          absl::StrCat("image prober channel: ", strerror(errno)));
    }
    if (peeked == 0) return absl::UnavailableError("image prober exited");
    const char* newline = static_cast<const char*>(
        memchr(chunk, '\n', static_cast<size_t>(peeked)));
    const size_t take = newline != nullptr
                            ? static_cast<size_t>(newline - chunk) + 1
                            : static_cast<size_t>(peeked);
    absl::StatusOr<bool> got = ReadExactly(fd, chunk, take, /*eof_ok=*/false);
    if (!got.ok()) return got.status();
    line.append(chunk, take);
  }
  line.pop_back();
  return ParseProbeReply(line);
}

}  // namespace image_server

#include "common/file_io.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/str_cat.h"

namespace image_common {
namespace {

absl::Status ErrnoError(int error, absl::string_view verb,
                        const std::string& path) {
  return absl::ErrnoToStatus(error, absl::StrCat(verb, " '", path, "'"));
}

absl::Status TooLarge(const std::string& path, int64_t max_bytes) {
  return absl::OutOfRangeError(
      absl::StrCat("'", path, "' is larger than ", max_bytes, " bytes"));
}

absl::Status WriteAll(int fd, absl::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t written = write(fd, bytes.data(), bytes.size());
    if (written < 0 && errno == EINTR) continue;
    if (written < 0) return absl::ErrnoToStatus(errno, "");
    bytes.remove_prefix(static_cast<size_t>(written));
  }
  return absl::OkStatus();
}

absl::Status WriteToFd(int fd, const std::string& path,
                       absl::string_view bytes) {
  absl::Status written = WriteAll(fd, bytes);
  if (written.ok() && close(fd) != 0) {
    written = absl::ErrnoToStatus(errno, "");
  } else if (!written.ok()) {
    close(fd);
  }
  if (written.ok()) return written;
  return absl::Status(written.code(), absl::StrCat("cannot write '", path, "'",
                                                   written.message()));
}

}  // namespace

absl::StatusOr<std::string> ReadFile(const std::string& path,
                                     int64_t max_bytes) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoError(errno, "cannot read", path);
  const absl::Cleanup closer = [fd] { close(fd); };
  struct stat info;
  if (fstat(fd, &info) != 0) return ErrnoError(errno, "cannot read", path);
  if (S_ISDIR(info.st_mode)) {
    return absl::InvalidArgumentError(
        absl::StrCat("'", path, "' is a directory"));
  }
  std::string bytes;
  if (S_ISREG(info.st_mode)) {
    if (info.st_size > max_bytes) return TooLarge(path, max_bytes);
    // Sized up front: growing by doubling would leave freed blocks behind in
    // the heap, as resident memory a long-lived server never uses again.
    bytes.reserve(static_cast<size_t>(info.st_size));
  }
  char buffer[1 << 16];
  while (true) {
    const ssize_t got = read(fd, buffer, sizeof(buffer));
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return ErrnoError(errno, "cannot read", path);
    if (got == 0) return bytes;
    if (static_cast<int64_t>(bytes.size()) + got > max_bytes) {
      return TooLarge(path, max_bytes);
    }
    bytes.append(buffer, static_cast<size_t>(got));
  }
}

absl::Status WriteFile(const std::string& path, absl::string_view bytes) {
  const int fd =
      open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return ErrnoError(errno, "cannot write", path);
  return WriteToFd(fd, path, bytes);
}

absl::Status WriteFileAtomically(const std::string& path,
                                 absl::string_view bytes) {
  const std::string temporary = absl::StrCat(path, ".tmp.", getpid());
  if (absl::Status written = WriteFile(temporary, bytes); !written.ok()) {
    return written;
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    const int error = errno;
    std::remove(temporary.c_str());
    return ErrnoError(error, "cannot write", path);
  }
  return absl::OkStatus();
}

}  // namespace image_common

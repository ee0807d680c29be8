#include "server/image_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/str_cat.h"
#include "common/one_line.h"

namespace image_server {
namespace {

// Image names come from the directory, so they are quoted like any name a
// log line or status carries.
constexpr size_t kMaxQuotedNameBytes = 200;

FileIdentity IdentityOf(const struct stat& info) {
  FileIdentity identity;
  identity.device = info.st_dev;
  identity.inode = info.st_ino;
  identity.size = info.st_size;
  identity.modified_ns =
      int64_t{info.st_mtim.tv_sec} * 1000000000 + info.st_mtim.tv_nsec;
  return identity;
}

absl::StatusOr<FileIdentity> IdentityOf(int fd, const std::string& path) {
  struct stat info;
  if (fstat(fd, &info) != 0) {
    return absl::ErrnoToStatus(errno, absl::StrCat("cannot read '", path, "'"));
  }
  return IdentityOf(info);
}

// Reads exactly `size` bytes from the start; false when the file ended
// sooner (it shrank meanwhile).
absl::StatusOr<bool> ReadExactly(int fd, int64_t size, char* into) {
  int64_t done = 0;
  while (done < size) {
    const ssize_t got = pread(fd, into + done, size - done, done);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return absl::ErrnoToStatus(errno, "");
    if (got == 0) return false;
    done += got;
  }
  return true;
}

absl::Status Changed(absl::string_view name, absl::string_view how) {
  return absl::FailedPreconditionError(absl::StrCat(
      "image ", image_common::QuotedForLine(name, kMaxQuotedNameBytes), " ",
      how, " since the server indexed it; not sent (SIGHUP rescans)"));
}

}  // namespace

absl::StatusOr<IndexedFile> ReadIndexedFile(const std::string& path,
                                            int64_t max_bytes) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return absl::ErrnoToStatus(errno, absl::StrCat("cannot read '", path, "'"));
  }
  const absl::Cleanup closer = [fd] { close(fd); };
  IndexedFile file;
  absl::StatusOr<FileIdentity> before = IdentityOf(fd, path);
  if (!before.ok()) return before.status();
  if (before->size > max_bytes) {
    return absl::OutOfRangeError(
        absl::StrCat("'", path, "' is larger than ", max_bytes, " bytes"));
  }
  file.identity = *before;
  file.bytes.resize(static_cast<size_t>(before->size));
  absl::StatusOr<bool> whole = ReadExactly(fd, before->size, file.bytes.data());
  if (!whole.ok()) {
    return absl::Status(
        whole.status().code(),
        absl::StrCat("cannot read '", path, "'", whole.status().message()));
  }
  absl::StatusOr<FileIdentity> after = IdentityOf(fd, path);
  if (!after.ok()) return after.status();
  if (!*whole || *after != *before) {
    return absl::AbortedError(
        absl::StrCat("'", path, "' changed while it was read"));
  }
  return file;
}

absl::Status ReadUnchangedFile(const std::string& path, absl::string_view name,
                               const FileIdentity& indexed, char* into) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0 && errno == ENOENT) return Changed(name, "was removed");
  if (fd < 0) {
    return absl::ErrnoToStatus(
        errno,
        absl::StrCat("cannot read image ",
                     image_common::QuotedForLine(name, kMaxQuotedNameBytes)));
  }
  const absl::Cleanup closer = [fd] { close(fd); };
  absl::StatusOr<FileIdentity> before = IdentityOf(fd, path);
  if (!before.ok()) return before.status();
  if (before->device != indexed.device || before->inode != indexed.inode) {
    return Changed(name, "was replaced by another file");
  }
  if (*before != indexed) return Changed(name, "changed on disk");
  absl::StatusOr<bool> whole = ReadExactly(fd, indexed.size, into);
  if (!whole.ok()) {
    return absl::Status(
        whole.status().code(),
        absl::StrCat("cannot read image ",
                     image_common::QuotedForLine(name, kMaxQuotedNameBytes),
                     whole.status().message()));
  }
  absl::StatusOr<FileIdentity> after = IdentityOf(fd, path);
  if (!after.ok()) return after.status();
  if (!*whole || *after != indexed) return Changed(name, "changed on disk");
  return absl::OkStatus();
}

}  // namespace image_server

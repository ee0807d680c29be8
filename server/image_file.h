// Reading an image's file so that what is sent is the file the server
// indexed, whole: never part of an old version and part of a new one. A file
// is known by its identity (device, inode, size, modification time), taken
// from the same descriptor the bytes are read through, and checked again
// after reading.
//
// A rewrite that keeps the inode and the size, within one tick of the
// filesystem's clock (a few milliseconds) of the indexing, is not seen: the
// identity is all that is compared, never the bytes.
#ifndef SERVER_IMAGE_FILE_H_
#define SERVER_IMAGE_FILE_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace image_server {

struct FileIdentity {
  uint64_t device = 0;
  uint64_t inode = 0;
  int64_t size = 0;
  int64_t modified_ns = 0;

  friend bool operator==(const FileIdentity& a, const FileIdentity& b) {
    return a.device == b.device && a.inode == b.inode && a.size == b.size &&
           a.modified_ns == b.modified_ns;
  }
  friend bool operator!=(const FileIdentity& a, const FileIdentity& b) {
    return !(a == b);
  }
};

struct IndexedFile {
  std::string bytes;
  FileIdentity identity;
};

// The file's bytes and its identity. Errors as image_common::ReadFile's
// (OutOfRange, before reading, past `max_bytes`), and Aborted when the file
// changed while it was read.
absl::StatusOr<IndexedFile> ReadIndexedFile(const std::string& path,
                                            int64_t max_bytes);

// Reads the file at `path` into `into`, which holds `indexed.size` bytes.
// FailedPrecondition naming the image `name` when the file is gone, is
// another file now, or changed since it was indexed or while it was read;
// the file's errno status for anything else.
absl::Status ReadUnchangedFile(const std::string& path, absl::string_view name,
                               const FileIdentity& indexed, char* into);

}  // namespace image_server

#endif  // SERVER_IMAGE_FILE_H_

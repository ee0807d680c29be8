// Whole-file reads and writes whose errors name the file and the reason, for
// the server's image files, the bench's outputs and the tests.
#ifndef COMMON_FILE_IO_H_
#define COMMON_FILE_IO_H_

#include <cstdint>
#include <limits>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace image_common {

inline constexpr int64_t kNoSizeLimit = std::numeric_limits<int64_t>::max();

// The file's bytes. Errors: NotFound, PermissionDenied or another errno code
// ("cannot read 'x': No such file or directory"); InvalidArgument for a
// directory; OutOfRange, before reading anything, when a regular file is
// larger than `max_bytes` (and while reading, when anything else is).
absl::StatusOr<std::string> ReadFile(const std::string& path,
                                     int64_t max_bytes = kNoSizeLimit);

// Replaces the file's contents with `bytes` ("cannot write 'x': ...").
absl::Status WriteFile(const std::string& path, absl::string_view bytes);

// Writes to a temporary file beside `path`, then renames it over `path`, so
// that a reader sees the old contents or the new, never a part.
absl::Status WriteFileAtomically(const std::string& path,
                                 absl::string_view bytes);

}  // namespace image_common

#endif  // COMMON_FILE_IO_H_

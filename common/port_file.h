// --port_file: a server started on port 0 tells scripts and tests which
// address it bound by writing it to a file, so nobody parses its start-up
// line. The file holds one line, "HOST:PORT\n", and appears whole or not at
// all.
#ifndef COMMON_PORT_FILE_H_
#define COMMON_PORT_FILE_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace image_common {

// Removes a file an earlier run left at `path`, so that a reader waiting for
// this run's address never takes that one. Fails if `path` cannot be
// replaced (a directory, no such directory, no permission). Does nothing for
// an empty path (no --port_file given).
absl::Status ClearPortFile(const std::string& path);

// Writes "`address`\n" to `path` atomically; nothing for an empty path.
absl::Status WritePortFile(const std::string& path, const std::string& address);

// The address in `path`: NotFound while there is no file yet,
// InvalidArgument when it does not hold one "HOST:PORT" line.
absl::StatusOr<std::string> ReadPortFile(const std::string& path);

}  // namespace image_common

#endif  // COMMON_PORT_FILE_H_

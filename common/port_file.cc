#include "common/port_file.h"

#include <unistd.h>

#include <cerrno>
#include <cstdio>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/file_io.h"

namespace image_common {

absl::Status ClearPortFile(const std::string& path) {
  if (path.empty()) return absl::OkStatus();
  if (std::remove(path.c_str()) != 0 && errno != ENOENT) {
    return absl::ErrnoToStatus(
        errno, absl::StrCat("cannot replace --port_file '", path, "'"));
  }
  // Fails now, not after loading every image, if the file cannot be made.
  const std::string directory = path.find('/') == std::string::npos
                                    ? "."
                                    : path.substr(0, path.rfind('/') + 1);
  if (access(directory.c_str(), W_OK) != 0) {
    return absl::ErrnoToStatus(
        errno, absl::StrCat("cannot write --port_file '", path, "'"));
  }
  return absl::OkStatus();
}

absl::Status WritePortFile(const std::string& path,
                           const std::string& address) {
  if (path.empty()) return absl::OkStatus();
  return WriteFileAtomically(path, absl::StrCat(address, "\n"));
}

absl::StatusOr<std::string> ReadPortFile(const std::string& path) {
  absl::StatusOr<std::string> text = ReadFile(path, 4096);
  if (!text.ok()) return text.status();
  absl::string_view line = *text;
  if (!absl::ConsumeSuffix(&line, "\n") || absl::StrContains(line, '\n') ||
      !absl::StrContains(line, ':')) {
    return absl::InvalidArgumentError(
        absl::StrCat("'", path, "' does not hold one HOST:PORT line"));
  }
  return std::string(line);
}

}  // namespace image_common

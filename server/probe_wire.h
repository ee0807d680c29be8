// The messages between the server and its image_prober child: a request is a
// file's bytes, a reply one text line with the metadata or the reason the
// bytes are not a servable image.
#ifndef SERVER_PROBE_WIRE_H_
#define SERVER_PROBE_WIRE_H_

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "server/prober.h"

namespace image_server {

// An 8-byte little-endian length, then the bytes.
absl::Status WriteProbeRequest(int fd, absl::string_view bytes);
// nullopt at a clean end of input (the server closed its side).
absl::StatusOr<std::optional<std::string>> ReadProbeRequest(int fd);

// "ok WIDTH HEIGHT CHANNELS FORMAT\n" ("-" for no format) or "error MESSAGE\n".
absl::Status WriteProbeReply(int fd,
                             const absl::StatusOr<ImageMetadata>& result);
// The outer status fails when no well-formed reply arrives (the child died);
// the inner one is the probe's own answer. `fd` must be a socket.
absl::StatusOr<absl::StatusOr<ImageMetadata>> ReadProbeReply(int fd);
// The parsing half of ReadProbeReply, for one line without its newline.
absl::StatusOr<absl::StatusOr<ImageMetadata>> ParseProbeReply(
    absl::string_view line);

}  // namespace image_server

#endif  // SERVER_PROBE_WIRE_H_

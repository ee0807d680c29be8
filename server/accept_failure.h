// gRPC 1.51's TCP listener gives up for good when accept4 fails with an
// error it does not expect (EMFILE or ENFILE: out of descriptors): it logs
// "Failed accept4: ..." once and never accepts again, while the process and
// its open connections carry on. A server in that state refuses every new
// client silently. The log line is the only sign gRPC gives of it, so this
// watches gRPC's log for it.
#ifndef SERVER_ACCEPT_FAILURE_H_
#define SERVER_ACCEPT_FAILURE_H_

#include <functional>
#include <string>

#include "absl/strings/string_view.h"

namespace image_server {

// Called at most once, on a gRPC thread, with gRPC's message. It must not
// block: it should hand the news to another thread.
using AcceptFailureHandler = std::function<void(const std::string& message)>;

// From now on gRPC's log lines go to stderr as "<program>: gRPC <severity>:
// <file>:<line>: <message>", escaped and bounded, and `handler` hears of the
// first failed accept. Replaces any gRPC log function set before; call it
// once the server listens.
void WatchForAcceptFailure(absl::string_view program,
                           AcceptFailureHandler handler);

// True when gRPC's log message says that accepting failed (visible for
// tests).
bool IsAcceptFailure(absl::string_view message);

}  // namespace image_server

#endif  // SERVER_ACCEPT_FAILURE_H_

// Text from outside (file names, requests, decoder messages) made fit for one
// line of a log, a terminal or a status message: control bytes, C1 controls
// and bytes that are not valid UTF-8 become \xNN, so that a name cannot forge
// or break a line, and the length is bounded, so that a huge name cannot
// flood a log or a gRPC header.
#ifndef COMMON_ONE_LINE_H_
#define COMMON_ONE_LINE_H_

#include <string>

#include "absl/strings/string_view.h"

namespace image_common {

// `text` escaped; past `max_bytes` it stops with "... (N bytes)", N being
// the size of the whole text.
std::string OneLine(absl::string_view text, size_t max_bytes = 1000);

// The same between single quotes, with ' and \ escaped too, so that a name
// cannot end its quotes early: 'two\x0alines.png'.
std::string QuotedForLine(absl::string_view text, size_t max_bytes);

}  // namespace image_common

#endif  // COMMON_ONE_LINE_H_

// UTF-8 validation for names the server publishes: protobuf refuses to
// serialize or parse a `string` field that is not valid UTF-8, so one bad
// file name would break ListImages for every client. absl 20220623 has no
// public validator and protobuf's is internal, hence this one.
#ifndef COMMON_UTF8_H_
#define COMMON_UTF8_H_

#include <cstddef>

#include "absl/strings/string_view.h"

namespace image_common {

// The length (1 to 4) of the well-formed UTF-8 sequence that starts `bytes`,
// or 0 when `bytes` is empty or starts with anything else: a stray
// continuation byte, an overlong form, a surrogate (U+D800 to U+DFFF), a code
// point above U+10FFFF, or a sequence cut short.
size_t Utf8SequenceLength(absl::string_view bytes);

// True when the whole of `bytes` is well-formed UTF-8 (RFC 3629).
bool IsValidUtf8(absl::string_view bytes);

}  // namespace image_common

#endif  // COMMON_UTF8_H_

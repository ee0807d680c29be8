#include "common/one_line.h"

#include <algorithm>
#include <cstdint>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/utf8.h"

namespace image_common {
namespace {

// Appends `text` to `out`, one line and readable: control bytes, C1 controls
// and bytes that are not part of valid UTF-8 become \xNN. With `quoted`, the
// quote and backslash are escaped too, so that a name cannot end its quotes
// early. Stops before `out` grows past `max_bytes`, with "... (N bytes)".
void AppendEscaped(absl::string_view text, size_t max_bytes, bool quoted,
                   std::string* out) {
  const size_t limit = out->size() + max_bytes;
  for (size_t at = 0; at < text.size();) {
    const size_t length = Utf8SequenceLength(text.substr(at));
    const uint8_t byte = static_cast<uint8_t>(text[at]);
    const bool c1_control = length == 2 && byte == 0xC2 &&
                            static_cast<uint8_t>(text[at + 1]) < 0xA0;
    std::string piece;
    if (length == 0 || byte < 0x20 || byte == 0x7F || c1_control) {
      piece = absl::StrFormat("\\x%02x", byte);
      at += 1;
    } else {
      piece = std::string(text.substr(at, length));
      if (quoted && (piece == "'" || piece == "\\")) piece.insert(0, "\\");
      at += length;
    }
    if (out->size() + piece.size() > limit) {
      absl::StrAppend(out, "... (", text.size(), " bytes)");
      return;
    }
    out->append(piece);
  }
}

}  // namespace

std::string OneLine(absl::string_view text, size_t max_bytes) {
  // Most text (peers, user-agents, status messages) is short printable
  // ASCII, which comes out unchanged: the byte-by-byte pass is for the rest.
  if (text.size() <= max_bytes &&
      std::all_of(text.begin(), text.end(),
                  [](char c) { return c >= 0x20 && c < 0x7F; })) {
    return std::string(text);
  }
  std::string line;
  AppendEscaped(text, max_bytes, /*quoted=*/false, &line);
  return line;
}

std::string QuotedForLine(absl::string_view text, size_t max_bytes) {
  std::string quoted = "'";
  AppendEscaped(text, max_bytes, /*quoted=*/true, &quoted);
  quoted += "'";
  return quoted;
}

}  // namespace image_common

#include "common/utf8.h"

#include <cstdint>

namespace image_common {
namespace {

bool IsContinuation(uint8_t byte) { return (byte & 0xC0) == 0x80; }

// The bounds of the second byte follow RFC 3629's table: they are what rules
// out overlong forms (E0, F0), surrogates (ED) and code points past U+10FFFF
// (F4); every later byte is a plain continuation byte.
struct LeadByte {
  size_t length;
  uint8_t second_min;
  uint8_t second_max;
};

LeadByte Classify(uint8_t lead) {
  if (lead < 0x80) return {1, 0, 0};
  if (lead >= 0xC2 && lead <= 0xDF) return {2, 0x80, 0xBF};
  if (lead == 0xE0) return {3, 0xA0, 0xBF};
  if (lead == 0xED) return {3, 0x80, 0x9F};
  if (lead >= 0xE1 && lead <= 0xEF) return {3, 0x80, 0xBF};
  if (lead == 0xF0) return {4, 0x90, 0xBF};
  if (lead >= 0xF1 && lead <= 0xF3) return {4, 0x80, 0xBF};
  if (lead == 0xF4) return {4, 0x80, 0x8F};
  return {0, 0, 0};  // Continuation bytes, C0, C1 and F5 to FF never lead.
}

}  // namespace

size_t Utf8SequenceLength(absl::string_view bytes) {
  if (bytes.empty()) return 0;
  const LeadByte lead = Classify(static_cast<uint8_t>(bytes[0]));
  if (lead.length <= 1) return lead.length;
  if (bytes.size() < lead.length) return 0;
  const uint8_t second = static_cast<uint8_t>(bytes[1]);
  if (second < lead.second_min || second > lead.second_max) return 0;
  for (size_t i = 2; i < lead.length; ++i) {
    if (!IsContinuation(static_cast<uint8_t>(bytes[i]))) return 0;
  }
  return lead.length;
}

bool IsValidUtf8(absl::string_view bytes) {
  while (!bytes.empty()) {
    const size_t length = Utf8SequenceLength(bytes);
    if (length == 0) return false;
    bytes.remove_prefix(length);
  }
  return true;
}

}  // namespace image_common

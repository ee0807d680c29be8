#include "common/proto_wire.h"

#include <climits>

namespace image_common {
namespace {

using google::protobuf::io::CodedInputStream;

// As deep as protobuf's own parser lets groups nest.
constexpr int kMaxGroupDepth = 100;
// The most bytes protobuf's parser reads for a tag or a length.
constexpr int kMaxVarint32Bytes = 5;

bool SkipFieldAt(CodedInputStream& in, uint32_t tag, int depth) {
  if (FieldOf(tag) == 0) return false;  // No field has number 0.
  switch (WireTypeOf(tag)) {
    case kVarint: {
      uint64_t ignored;
      return in.ReadVarint64(&ignored);
    }
    case kFixed64: {
      uint64_t ignored;
      return in.ReadLittleEndian64(&ignored);
    }
    case kLengthDelimited: {
      int length = 0;
      return ReadLength(in, &length) && in.Skip(length);
    }
    case kStartGroup: {
      if (depth >= kMaxGroupDepth) return false;
      while (const uint32_t inner = ReadTag(in)) {
        if (WireTypeOf(inner) == kEndGroup) {
          return FieldOf(inner) == FieldOf(tag);
        }
        if (!SkipFieldAt(in, inner, depth + 1)) return false;
      }
      return false;  // The input ended inside the group.
    }
    case kFixed32: {
      uint32_t ignored;
      return in.ReadLittleEndian32(&ignored);
    }
    default:  // An end-group without its start, or no wire type at all.
      return false;
  }
}

}  // namespace

uint32_t ReadTag(CodedInputStream& in) {
  const int start = in.CurrentPosition();
  const uint32_t tag = in.ReadTag();
  return in.CurrentPosition() - start <= kMaxVarint32Bytes ? tag : 0;
}

bool ReadLength(CodedInputStream& in, int* length) {
  const int start = in.CurrentPosition();
  uint64_t value = 0;
  if (!in.ReadVarint64(&value) ||
      in.CurrentPosition() - start > kMaxVarint32Bytes ||
      value > static_cast<uint64_t>(INT_MAX)) {
    return false;
  }
  *length = static_cast<int>(value);
  return true;
}

bool SkipField(CodedInputStream& in, uint32_t tag) {
  return SkipFieldAt(in, tag, 0);
}

}  // namespace image_common

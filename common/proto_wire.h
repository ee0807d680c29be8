// The protobuf wire format (protobuf.dev/programming-guides/encoding), read
// by hand where a message must not be parsed into protobuf's own objects:
// the bench reads images without copying them, and the server reads the
// names of a request as views into its bytes, so that a request of a million
// tiny names costs no million strings. A tag is the field number shifted
// left by three, or'd with the wire type.
#ifndef COMMON_PROTO_WIRE_H_
#define COMMON_PROTO_WIRE_H_

#include <cstdint>

#include "google/protobuf/io/coded_stream.h"

namespace image_common {

enum WireType : uint32_t {
  kVarint = 0,
  kFixed64 = 1,
  kLengthDelimited = 2,
  kStartGroup = 3,
  kEndGroup = 4,
  kFixed32 = 5,
};

inline uint32_t WireTypeOf(uint32_t tag) { return tag & 7; }
inline int FieldOf(uint32_t tag) { return static_cast<int>(tag >> 3); }

// The next tag, or 0 at the end of the input or when the tag is malformed.
// Protobuf's parser takes a tag in at most five bytes; CodedInputStream's
// ReadTag also takes six to ten, dropping the high bits, which would accept
// bytes that protobuf refuses.
uint32_t ReadTag(google::protobuf::io::CodedInputStream& in);

// A length prefix, in at most five bytes as protobuf's parser reads one. Read
// as 64 bits: ReadVarint32 would silently drop the high bits of a longer
// varint and take 2^32 for 0.
bool ReadLength(google::protobuf::io::CodedInputStream& in, int* length);

// Steps over one field whose tag was just read, as protobuf does for fields
// it does not know: a group up to its matching end (nested no deeper than
// protobuf allows), the rest by wire type. False on malformed input.
bool SkipField(google::protobuf::io::CodedInputStream& in, uint32_t tag);

}  // namespace image_common

#endif  // COMMON_PROTO_WIRE_H_

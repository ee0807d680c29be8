#include "bench/wire/image_wire.h"

#include <algorithm>
#include <cstdint>

#include "absl/strings/str_cat.h"
#include "google/protobuf/io/coded_stream.h"
#include "grpcpp/support/proto_buffer_reader.h"

namespace image_bench {
namespace {

using google::protobuf::io::CodedInputStream;

// Field numbers of image_service.proto.
constexpr int kResponseImage = 1;
constexpr int kImageName = 1;
constexpr int kImageContent = 2;
constexpr int kImageSizeInBytes = 4;

// The protobuf wire format (protobuf.dev/programming-guides/encoding): a tag
// is the field number shifted left by three, or'd with the wire type.
enum WireType : uint32_t {
  kVarint = 0,
  kFixed64 = 1,
  kLengthDelimited = 2,
  kStartGroup = 3,
  kEndGroup = 4,
  kFixed32 = 5,
};
// As deep as protobuf's own parser lets groups nest.
constexpr int kMaxGroupDepth = 100;

uint32_t WireTypeOf(uint32_t tag) { return tag & 7; }
int FieldOf(uint32_t tag) { return static_cast<int>(tag >> 3); }

// A length prefix. Read as 64 bits: ReadVarint32 would silently drop the
// high bits of a longer varint and take 2^32 for 0.
bool ReadLength(CodedInputStream& in, int* length) {
  uint64_t value = 0;
  if (!in.ReadVarint64(&value) || value > static_cast<uint64_t>(INT32_MAX)) {
    return false;
  }
  *length = static_cast<int>(value);
  return true;
}

absl::Status Malformed(absl::string_view what) {
  return absl::DataLossError(
      absl::StrCat("malformed StreamImagesResponse: ", what));
}

bool IsLengthDelimited(uint32_t tag) {
  return WireTypeOf(tag) == kLengthDelimited;
}

// Steps over one field whose tag was just read, as protobuf does for fields
// it does not know: a group up to its matching end, the rest by wire type.
bool SkipField(CodedInputStream& in, uint32_t tag, int depth = 0) {
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
      while (const uint32_t inner = in.ReadTag()) {
        if (WireTypeOf(inner) == kEndGroup) {
          return FieldOf(inner) == FieldOf(tag);
        }
        if (!SkipField(in, inner, depth + 1)) return false;
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

// Records where the content lies, piece by piece, and steps over it.
bool ReadContentPieces(CodedInputStream& in, ImageView* view) {
  int length = 0;
  if (!ReadLength(in, &length)) return false;
  view->content.clear();
  view->content_size = length;
  while (length > 0) {
    const void* data = nullptr;
    int available = 0;
    if (!in.GetDirectBufferPointer(&data, &available) || available <= 0) {
      return false;
    }
    const int take = std::min(length, available);
    view->content.emplace_back(static_cast<const char*>(data), take);
    in.Skip(take);
    length -= take;
  }
  return true;
}

bool ReadImageField(CodedInputStream& in, uint32_t tag, ImageView* view) {
  const int field = FieldOf(tag);
  if (field == kImageName && IsLengthDelimited(tag)) {
    int length = 0;
    return ReadLength(in, &length) && in.ReadString(&view->name, length);
  }
  if (field == kImageContent && IsLengthDelimited(tag)) {
    return ReadContentPieces(in, view);
  }
  if (field == kImageSizeInBytes && WireTypeOf(tag) == kVarint) {
    uint64_t value = 0;
    if (!in.ReadVarint64(&value)) return false;
    view->size_in_bytes = static_cast<int32_t>(value);
    return true;
  }
  return SkipField(in, tag);
}

bool ReadImage(CodedInputStream& in, ImageView* view) {
  int length = 0;
  if (!ReadLength(in, &length)) return false;
  const CodedInputStream::Limit limit = in.PushLimit(length);
  while (const uint32_t tag = in.ReadTag()) {
    if (!ReadImageField(in, tag, view)) return false;
  }
  // The stream can end before the limit: that is truncation, not the end.
  const bool complete = in.ConsumedEntireMessage() && in.BytesUntilLimit() == 0;
  in.PopLimit(limit);
  return complete;
}

}  // namespace

void ImageView::CopyContent(std::string* out) const {
  out->clear();
  out->reserve(content_size);
  for (const absl::string_view piece : content) {
    out->append(piece.data(), piece.size());
  }
}

absl::Status ParseStreamImagesResponse(grpc::ByteBuffer* buffer,
                                       ImageView* view) {
  view->name.clear();
  view->size_in_bytes = 0;
  view->content_size = 0;
  view->content.clear();
  grpc::ProtoBufferReader reader(buffer);
  CodedInputStream in(&reader);
  bool has_image = false;
  while (const uint32_t tag = in.ReadTag()) {
    if (FieldOf(tag) == kResponseImage && IsLengthDelimited(tag)) {
      if (!ReadImage(in, view)) return Malformed("bad image field");
      has_image = true;
    } else if (!SkipField(in, tag)) {
      return Malformed("bad field");
    }
  }
  if (!in.ConsumedEntireMessage()) return Malformed("truncated");
  if (!has_image) return Malformed("no image");
  return absl::OkStatus();
}

}  // namespace image_bench

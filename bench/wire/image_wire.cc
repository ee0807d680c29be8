#include "bench/wire/image_wire.h"

#include <algorithm>
#include <cstdint>

#include "absl/strings/str_cat.h"
#include "common/proto_wire.h"
#include "google/protobuf/io/coded_stream.h"
#include "grpcpp/support/proto_buffer_reader.h"

namespace image_bench {
namespace {

using google::protobuf::io::CodedInputStream;
using image_common::FieldOf;
using image_common::kLengthDelimited;
using image_common::kVarint;
using image_common::ReadLength;
using image_common::SkipField;
using image_common::WireTypeOf;

// Field numbers of image_service.proto.
constexpr int kResponseImage = 1;
constexpr int kImageName = 1;
constexpr int kImageContent = 2;
constexpr int kImageSizeInBytes = 4;

absl::Status Malformed(absl::string_view what) {
  return absl::DataLossError(
      absl::StrCat("malformed StreamImagesResponse: ", what));
}

bool IsLengthDelimited(uint32_t tag) {
  return WireTypeOf(tag) == kLengthDelimited;
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

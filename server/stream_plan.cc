#include "server/stream_plan.h"

#include <string>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/one_line.h"
#include "common/proto_wire.h"
#include "common/utf8.h"
#include "google/protobuf/io/coded_stream.h"
#include "grpcpp/support/slice.h"

namespace image_server {
namespace {

using google::protobuf::io::CodedInputStream;

// image_service.proto: StreamImagesRequest.image_names.
constexpr int kImageNames = 1;
// A name that is not UTF-8 is quoted in the error only in part.
constexpr size_t kMaxQuotedNameBytes = 200;

absl::Status Malformed() {
  return absl::InvalidArgumentError(
      "malformed StreamImagesRequest: not a valid protobuf message of that "
      "type");
}

// The request in one piece: names are read as views into it, not copied.
// gRPC usually hands over one slice; otherwise the slices are joined once.
class ContiguousBytes {
 public:
  explicit ContiguousBytes(const grpc::ByteBuffer& buffer) {
    if (!buffer.Dump(&slices_).ok() || slices_.empty()) return;
    if (slices_.size() == 1) {
      view_ = absl::string_view(
          reinterpret_cast<const char*>(slices_[0].begin()), slices_[0].size());
      return;
    }
    for (const grpc::Slice& slice : slices_) {
      joined_.append(reinterpret_cast<const char*>(slice.begin()),
                     slice.size());
    }
    slices_.clear();
    view_ = joined_;
  }
  absl::string_view view() const { return view_; }

 private:
  std::vector<grpc::Slice> slices_;
  std::string joined_;
  absl::string_view view_;
};

// Resolves the names as they are read, so that a request holding a million
// short names costs a million indices, not a million strings.
class NameResolver {
 public:
  explicit NameResolver(const ImageStore& store) : store_(store) {}

  void Add(absl::string_view name) {
    ++names_;
    const int index = store_.IndexOf(name);
    if (index >= 0) {
      indices_.push_back(index);
    } else if (unknown_seen_.insert(name).second) {
      unknown_.push_back(name);
    }
  }
  int names() const { return names_; }

  absl::StatusOr<std::vector<int>> Finish() && {
    if (!unknown_.empty()) return store_.UnknownNamesError(unknown_);
    if (names_ == 0) {  // No names: every image once, in store order.
      indices_.resize(store_.images().size());
      for (int i = 0; i < static_cast<int>(indices_.size()); ++i) {
        indices_[i] = i;
      }
    }
    return std::move(indices_);
  }

 private:
  const ImageStore& store_;
  int names_ = 0;
  std::vector<int> indices_;
  std::vector<absl::string_view> unknown_;
  absl::flat_hash_set<absl::string_view> unknown_seen_;
};

}  // namespace

absl::StatusOr<std::vector<int>> PlanStream(const ImageStore& store,
                                            const grpc::ByteBuffer& request) {
  const ContiguousBytes contiguous(request);
  const absl::string_view bytes = contiguous.view();
  CodedInputStream in(reinterpret_cast<const uint8_t*>(bytes.data()),
                      static_cast<int>(bytes.size()));
  in.SetTotalBytesLimit(static_cast<int>(bytes.size()));
  NameResolver resolver(store);
  while (in.CurrentPosition() < static_cast<int>(bytes.size())) {
    // 0 is no field's tag, and what ReadTag gives for a malformed one, such
    // as one cut short by the end of the bytes, which must not pass for the
    // end of the message.
    const uint32_t tag = image_common::ReadTag(in);
    if (tag == 0) return Malformed();
    // A known field with another wire type is an unknown field to
    // protobuf, and skipped like one.
    if (image_common::FieldOf(tag) != kImageNames ||
        image_common::WireTypeOf(tag) != image_common::kLengthDelimited) {
      if (!image_common::SkipField(in, tag)) return Malformed();
      continue;
    }
    int length = 0;
    if (!image_common::ReadLength(in, &length) ||
        length > static_cast<int>(bytes.size()) - in.CurrentPosition()) {
      return Malformed();
    }
    const absl::string_view name = bytes.substr(in.CurrentPosition(), length);
    in.Skip(length);
    if (!image_common::IsValidUtf8(name)) {
      return absl::InvalidArgumentError(
          absl::StrCat("malformed StreamImagesRequest: image name ",
                       resolver.names() + 1, " is not valid UTF-8: ",
                       image_common::QuotedForLine(name, kMaxQuotedNameBytes)));
    }
    resolver.Add(name);
  }
  return std::move(resolver).Finish();
}

}  // namespace image_server

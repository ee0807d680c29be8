#include "bench/wire/stream_verifier.h"

#include <cstring>

#include "absl/strings/str_cat.h"

namespace image_bench {
namespace {

// Compares piece by piece: the received content is never copied.
bool SameContent(const ImageView& image, absl::string_view reference) {
  if (image.content_size != static_cast<int64_t>(reference.size())) {
    return false;
  }
  size_t offset = 0;
  for (const absl::string_view piece : image.content) {
    if (std::memcmp(piece.data(), reference.data() + offset, piece.size()) !=
        0) {
      return false;
    }
    offset += piece.size();
  }
  return true;
}

}  // namespace

ReferenceImages IndexReferences(
    const std::vector<image_service::Image>& images) {
  ReferenceImages references;
  for (const image_service::Image& image : images) {
    references.emplace(image.name(), image.content());
  }
  return references;
}

StreamVerifier::StreamVerifier(const std::vector<std::string>& names,
                               const ReferenceImages& references) {
  Reset(names, references);
}

void StreamVerifier::Reset(const std::vector<std::string>& names,
                           const ReferenceImages& references) {
  // Resizing keeps the strings already there, and assigning to them keeps
  // their buffers.
  expected_.resize(names.size());
  for (size_t i = 0; i < names.size(); ++i) {
    expected_[i].name = names[i];
    expected_[i].content = references.at(names[i]);
  }
}

bool StreamVerifier::Check(int position, const ImageView& image,
                           std::string* problem) const {
  if (position >= expected_images()) {
    *problem =
        absl::StrCat("image ", position + 1, " ('", image.name,
                     "') is beyond the ", expected_images(), " requested");
    return false;
  }
  const Expected& expected = expected_[position];
  if (image.name != expected.name) {
    *problem = absl::StrCat("image ", position + 1, " is '", image.name,
                            "', expected '", expected.name, "'");
  } else if (image.size_in_bytes != image.content_size) {
    *problem =
        absl::StrCat("'", image.name, "': size_in_bytes ", image.size_in_bytes,
                     " but ", image.content_size, " content bytes");
  } else if (!SameContent(image, expected.content)) {
    *problem = absl::StrCat("'", image.name,
                            "': content differs from the first copy received");
  } else {
    return true;
  }
  return false;
}

}  // namespace image_bench

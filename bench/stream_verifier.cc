#include "bench/stream_verifier.h"

#include "absl/hash/hash.h"
#include "absl/strings/str_cat.h"

namespace image_bench {

uint64_t ContentDigest(absl::string_view content) {
  return absl::Hash<absl::string_view>{}(content);
}

ReferenceDigests DigestAll(const std::vector<image_service::Image>& images) {
  ReferenceDigests digests;
  for (const image_service::Image& image : images) {
    digests[image.name()] = {static_cast<int64_t>(image.content().size()),
                             ContentDigest(image.content())};
  }
  return digests;
}

StreamVerifier::StreamVerifier(const std::vector<std::string>& names,
                               const ReferenceDigests& references) {
  expected_.reserve(names.size());
  for (const std::string& name : names) {
    expected_.push_back({name, references.at(name)});
  }
}

bool StreamVerifier::Check(int position, const image_service::Image& image,
                           std::string* problem) const {
  if (position >= expected_images()) {
    *problem =
        absl::StrCat("image ", position + 1, " ('", image.name(),
                     "') is beyond the ", expected_images(), " requested");
    return false;
  }
  const Expected& expected = expected_[position];
  const int64_t size = static_cast<int64_t>(image.content().size());
  if (image.name() != expected.name) {
    *problem = absl::StrCat("image ", position + 1, " is '", image.name(),
                            "', expected '", expected.name, "'");
  } else if (image.size_in_bytes() != size) {
    *problem =
        absl::StrCat("'", image.name(), "': size_in_bytes ",
                     image.size_in_bytes(), " but ", size, " content bytes");
  } else if (size != expected.digest.size ||
             ContentDigest(image.content()) != expected.digest.digest) {
    *problem = absl::StrCat("'", image.name(),
                            "': content differs from the first copy received");
  } else {
    return true;
  }
  return false;
}

}  // namespace image_bench

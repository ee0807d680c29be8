// Checks every image the bench receives: right name at the right position,
// size_in_bytes equal to the content's size, and content equal (by digest) to
// the first copy of that name the bench received before measuring.
#ifndef BENCH_STREAM_VERIFIER_H_
#define BENCH_STREAM_VERIFIER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "image_service.pb.h"

namespace image_bench {

struct ImageDigest {
  int64_t size = 0;
  uint64_t digest = 0;
};

uint64_t ContentDigest(absl::string_view content);

// Digests of reference copies, by image name.
using ReferenceDigests = absl::flat_hash_map<std::string, ImageDigest>;

ReferenceDigests DigestAll(const std::vector<image_service::Image>& images);

// The expected images of one stream, in order. Built once per scenario so the
// receive loop does no lookups.
class StreamVerifier {
 public:
  // Every name must have a reference digest.
  StreamVerifier(const std::vector<std::string>& names,
                 const ReferenceDigests& references);

  int expected_images() const { return static_cast<int>(expected_.size()); }

  // False, with `problem` saying what was wrong, on any mismatch.
  bool Check(int position, const image_service::Image& image,
             std::string* problem) const;

 private:
  struct Expected {
    std::string name;
    ImageDigest digest;
  };
  std::vector<Expected> expected_;
};

}  // namespace image_bench

#endif  // BENCH_STREAM_VERIFIER_H_

// Checks every image the bench receives: right name at the right position,
// size_in_bytes equal to the content's size, and content byte-identical to
// the first copy of that name the bench received before measuring.
#ifndef BENCH_WIRE_STREAM_VERIFIER_H_
#define BENCH_WIRE_STREAM_VERIFIER_H_

#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "bench/wire/image_wire.h"
#include "image_service.pb.h"

namespace image_bench {

// Content of the reference copies by name, pointing into `images`.
using ReferenceImages = absl::flat_hash_map<std::string, absl::string_view>;

ReferenceImages IndexReferences(
    const std::vector<image_service::Image>& images);

// The expected images of one stream, in order. Built before the stream
// starts (once per scenario, or once per call when each call asks for other
// names) so that the receive loop does no lookups.
class StreamVerifier {
 public:
  // Every name must be in `references`, which must outlive the verifier.
  StreamVerifier(const std::vector<std::string>& names,
                 const ReferenceImages& references);

  // Expects `names` instead, with the same preconditions. It reuses the
  // memory of the previous expectation: a verifier reset for every call
  // allocates only while its names grow longer or more numerous.
  void Reset(const std::vector<std::string>& names,
             const ReferenceImages& references);

  int expected_images() const { return static_cast<int>(expected_.size()); }

  // False, with `problem` saying what was wrong, on any mismatch.
  bool Check(int position, const ImageView& image, std::string* problem) const;

 private:
  struct Expected {
    std::string name;
    absl::string_view content;
  };
  std::vector<Expected> expected_;
};

}  // namespace image_bench

#endif  // BENCH_WIRE_STREAM_VERIFIER_H_

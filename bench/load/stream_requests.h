// What each StreamImages call of a scenario asks for. By default every call
// sends one request, encoded once: the names cycled to the stream's length.
// With --random_names every call asks for names drawn at random from the
// whole set, new ones for each call, so that a server whose images do not
// all fit its cache (image_server --max_cache_mb) sees random access across
// them rather than the same few names again and again. Each request comes
// with the check of its answer.
#ifndef BENCH_LOAD_STREAM_REQUESTS_H_
#define BENCH_LOAD_STREAM_REQUESTS_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "bench/wire/stream_verifier.h"
#include "grpcpp/support/byte_buffer.h"
#include "image_service.pb.h"

namespace image_bench {

// A StreamImages request as the bench sends it (encoded) and what its answer
// must hold.
class StreamRequest {
 public:
  // Asks for `names`, in order. With `references` (which must hold every
  // name and outlive the request) each answer is verified; null: not.
  StreamRequest(const std::vector<std::string>& names,
                const ReferenceImages* references);

  // Asks for `names` instead, reusing the memory of the previous request.
  void Reset(const std::vector<std::string>& names,
             const ReferenceImages* references);

  int images() const { return images_; }
  const grpc::ByteBuffer& encoded() const { return encoded_; }
  // Null when answers are not verified.
  const StreamVerifier* verifier() const {
    return verifier_.has_value() ? &*verifier_ : nullptr;
  }

 private:
  int images_ = 0;
  image_service::StreamImagesRequest message_;
  std::string bytes_;
  grpc::ByteBuffer encoded_;
  std::optional<StreamVerifier> verifier_;
};

// The requests of one in-flight slot's calls, one call after the other.
class StreamRequestSource {
 public:
  virtual ~StreamRequestSource() = default;
  // The request of the slot's next call. It stays valid, and unchanged,
  // until Next is called again.
  virtual const StreamRequest& Next() = 0;
};

// `count` names cycling through `names` (not empty) from its first: what
// every stream asks for without --random_names.
std::vector<std::string> CycleNames(const std::vector<std::string>& names,
                                    int count);

// The value of --random_names: a seed, or 0 for none. As a flag type of its
// own, a bad value's error line says what the flag takes.
struct RandomNamesFlag {
  uint64_t seed = 0;
};
bool AbslParseFlag(absl::string_view text, RandomNamesFlag* flag,
                   std::string* error);
std::string AbslUnparseFlag(const RandomNamesFlag& flag);

// What a slot's random names are drawn from: the same values always give
// the same names in the same order (with the same standard library).
struct RandomNamesSeed {
  // --random_names.
  uint64_t seed = 1;
  // The scenario, so that scenarios do not replay each other's names: a
  // scenario asking again for what the one before it just asked for would
  // find those images in the server's cache.
  int images_per_stream = 1;
  int concurrency = 1;
  // Which call in flight, so that no two ask for the same names.
  int slot = 0;
};

// Every call asks for `images_per_stream` names drawn uniformly, with
// replacement, from `names`: new names for each call, continuing one
// sequence per slot.
class RandomStreamRequests final : public StreamRequestSource {
 public:
  // `names` must not be empty; it and `references` (null: answers are not
  // verified) must outlive this.
  RandomStreamRequests(const std::vector<std::string>* names,
                       const ReferenceImages* references,
                       const RandomNamesSeed& seed);

  const StreamRequest& Next() override;

 private:
  const std::vector<std::string>* names_;
  const ReferenceImages* references_;
  std::mt19937_64 random_;
  std::uniform_int_distribution<size_t> pick_;
  std::vector<std::string> drawn_;
  StreamRequest request_;
};

// One scenario's request sources, one per slot. They are kept from run to
// run of the scenario, so that a slot's random names continue where its
// last run stopped: starting over would ask the server, in every run, for
// what it had just sent.
class ScenarioStreamRequests {
 public:
  struct Options {
    // Must outlive this, as must `references`.
    const std::vector<std::string>* names = nullptr;
    int images_per_stream = 1;
    int concurrency = 1;
    // Null: answers are not verified.
    const ReferenceImages* references = nullptr;
    // --random_names: 0 sends one cycled request on every call.
    uint64_t random_names_seed = 0;
  };

  explicit ScenarioStreamRequests(const Options& options);

  // The requests of slot `slot` (0 up), made on its first use. Not
  // thread-safe: both drivers make their slots on one thread.
  StreamRequestSource* ForSlot(int slot);

 private:
  const Options options_;
  // Without --random_names: the one request every slot sends.
  std::optional<StreamRequest> cycled_;
  std::vector<std::unique_ptr<StreamRequestSource>> slots_;
};

}  // namespace image_bench

#endif  // BENCH_LOAD_STREAM_REQUESTS_H_

#include "bench/load/stream_requests.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "grpcpp/support/slice.h"

namespace image_bench {
namespace {

// Every slot of a scenario sends this one request, on every call.
class SameStreamRequest final : public StreamRequestSource {
 public:
  explicit SameStreamRequest(const StreamRequest* request)
      : request_(request) {}
  const StreamRequest& Next() override { return *request_; }

 private:
  const StreamRequest* request_;
};

// std::seed_seq spreads every part of the seed over the generator's state,
// so seeds that differ in one part only (slot 3 and slot 4) give unrelated
// sequences.
std::mt19937_64 Generator(const RandomNamesSeed& seed) {
  std::seed_seq sequence{static_cast<uint32_t>(seed.seed),
                         static_cast<uint32_t>(seed.seed >> 32),
                         static_cast<uint32_t>(seed.images_per_stream),
                         static_cast<uint32_t>(seed.concurrency),
                         static_cast<uint32_t>(seed.slot)};
  return std::mt19937_64(sequence);
}

}  // namespace

StreamRequest::StreamRequest(const std::vector<std::string>& names,
                             const ReferenceImages* references) {
  Reset(names, references);
}

void StreamRequest::Reset(const std::vector<std::string>& names,
                          const ReferenceImages* references) {
  images_ = static_cast<int>(names.size());
  // A cleared repeated field keeps its strings for the next names.
  message_.clear_image_names();
  for (const std::string& name : names) message_.add_image_names(name);
  message_.SerializeToString(&bytes_);
  const grpc::Slice slice(bytes_);
  encoded_ = grpc::ByteBuffer(&slice, 1);
  if (references == nullptr) {
    verifier_.reset();
  } else if (verifier_.has_value()) {
    verifier_->Reset(names, *references);
  } else {
    verifier_.emplace(names, *references);
  }
}

bool AbslParseFlag(absl::string_view text, RandomNamesFlag* flag,
                   std::string* error) {
  if (!absl::SimpleAtoi(text, &flag->seed)) {
    *error =
        "--random_names takes a seed, a whole number from 1 to "
        "18446744073709551615, or 0 for none (every call of a scenario asks "
        "for the same names)";
    return false;
  }
  return true;
}

std::string AbslUnparseFlag(const RandomNamesFlag& flag) {
  return absl::StrCat(flag.seed);
}

std::vector<std::string> CycleNames(const std::vector<std::string>& names,
                                    int count) {
  std::vector<std::string> cycled;
  cycled.reserve(count);
  for (int i = 0; i < count; ++i) cycled.push_back(names[i % names.size()]);
  return cycled;
}

RandomStreamRequests::RandomStreamRequests(
    const std::vector<std::string>* names, const ReferenceImages* references,
    const RandomNamesSeed& seed)
    : names_(names),
      references_(references),
      random_(Generator(seed)),
      pick_(0, names->size() - 1),
      drawn_(seed.images_per_stream),
      request_({}, nullptr) {}

const StreamRequest& RandomStreamRequests::Next() {
  for (std::string& name : drawn_) name = (*names_)[pick_(random_)];
  request_.Reset(drawn_, references_);
  return request_;
}

ScenarioStreamRequests::ScenarioStreamRequests(const Options& options)
    : options_(options) {
  if (options.random_names_seed == 0) {
    cycled_.emplace(CycleNames(*options.names, options.images_per_stream),
                    options.references);
  }
}

StreamRequestSource* ScenarioStreamRequests::ForSlot(int slot) {
  while (static_cast<int>(slots_.size()) <= slot) {
    const int made = static_cast<int>(slots_.size());
    if (cycled_.has_value()) {
      slots_.push_back(std::make_unique<SameStreamRequest>(&*cycled_));
    } else {
      slots_.push_back(std::make_unique<RandomStreamRequests>(
          options_.names, options_.references,
          RandomNamesSeed{options_.random_names_seed,
                          options_.images_per_stream, options_.concurrency,
                          made}));
    }
  }
  return slots_[slot].get();
}

}  // namespace image_bench

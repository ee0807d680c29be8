// Request bytes to response plan, as the StreamImages handler sees them
// (server/stream_plan.h): any bytes a client can send, against a small store
// loaded once. Checks that the plan is what the request asks for, that a
// refusal is one of the two the contract names with a bounded, one-line
// message, and that how gRPC cuts the bytes into slices changes nothing.
//
// ListImages is not fuzzed here: by contract its handler never reads the
// request's bytes, and answers every call with the store's encoded list,
// which the start-up check below parses once.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/algorithm/container.h"
#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/string_view.h"
#include "common/one_line.h"
#include "fuzz/check.h"
#include "grpcpp/support/byte_buffer.h"
#include "grpcpp/support/slice.h"
#include "image_service.pb.h"
#include "server/image_store.h"
#include "server/stream_plan.h"
#include "server/test_util.h"

namespace image_fuzz {
namespace {

using image_server::ImageStore;
using image_server::testing::EncodeTestImage;
using image_server::testing::TempDirectory;
using image_server::testing::TestLoadOptions;

// Names a mutation can reach from the seeds: nested, non-ASCII, with a quote
// and a backslash (which error messages escape), and a long one.
const std::vector<std::string>& StoreNames() {
  static const std::vector<std::string>* const names =
      new std::vector<std::string>{
          "a.png",        "b.jpg",
          "dir/c.png",    "dir/sub/d.bmp",
          "ünïcödé.png",  "with space.png",
          "q'uote\\.png", std::string(150, 'x') + ".png"};
  return *names;
}

const ImageStore* LoadStore() {
  TempDirectory dir;
  const std::vector<std::string> names = StoreNames();
  for (size_t i = 0; i < names.size(); ++i) {
    const std::string& name = names[i];
    const std::string extension = name.substr(name.rfind('.'));
    dir.WriteFile(name,
                  EncodeTestImage(3 + static_cast<int>(i), 2, 3, extension));
  }
  absl::StatusOr<ImageStore> store =
      ImageStore::Load(dir.path(), TestLoadOptions());
  FUZZ_CHECK(store.ok(), store.status().ToString());
  FUZZ_CHECK(store->images().size() == names.size(), "a test image skipped");
  image_service::ListImagesResponse list;
  FUZZ_CHECK(list.ParseFromString(store->encoded_list()) &&
                 list.image_names_size() == static_cast<int>(names.size()),
             "the encoded ListImagesResponse");
  return new ImageStore(*std::move(store));
}

const ImageStore& Store() {
  static const ImageStore* const store = LoadStore();
  return *store;
}

// `bytes` as gRPC may hand a large request to the handler: several slices,
// here every `step` bytes.
grpc::ByteBuffer Sliced(absl::string_view bytes, size_t step) {
  std::vector<grpc::Slice> slices;
  for (size_t at = 0; at < bytes.size(); at += step) {
    const absl::string_view piece = bytes.substr(at, step);
    slices.emplace_back(piece.data(), piece.size());
  }
  if (slices.empty()) slices.emplace_back();
  return grpc::ByteBuffer(slices.data(), slices.size());
}

void CheckRefusal(const absl::Status& status, bool parses,
                  const image_service::StreamImagesRequest& request) {
  const absl::string_view message = status.message();
  FUZZ_CHECK(!message.empty() && message.size() < 1000, "message of ",
             message.size(), " bytes");
  FUZZ_CHECK(image_common::OneLine(message, message.size() + 1) == message,
             "not one line of text: ", image_common::OneLine(message));
  if (!parses) {
    FUZZ_CHECK(absl::IsInvalidArgument(status) &&
                   absl::StartsWith(message, "malformed StreamImagesRequest"),
               status.ToString());
    return;
  }
  FUZZ_CHECK(
      absl::IsNotFound(status) && absl::StartsWith(message, "unknown image"),
      status.ToString());
  bool any_unknown = false;
  for (const std::string& name : request.image_names()) {
    any_unknown |= !absl::c_linear_search(StoreNames(), name);
  }
  FUZZ_CHECK(any_unknown, "NOT_FOUND for a request naming only known images");
}

void CheckPlan(const std::vector<int>& plan,
               const image_service::StreamImagesRequest& request) {
  const std::vector<image_server::StoredImage>& images = Store().images();
  if (request.image_names().empty()) {
    FUZZ_CHECK(plan.size() == images.size(), "an empty request planned ",
               plan.size(), " images");
    for (size_t i = 0; i < plan.size(); ++i) {
      FUZZ_CHECK(plan[i] == static_cast<int>(i), "not in store order");
    }
    return;
  }
  FUZZ_CHECK(plan.size() == static_cast<size_t>(request.image_names_size()),
             plan.size(), " planned for ", request.image_names_size(),
             " names");
  for (size_t i = 0; i < plan.size(); ++i) {
    FUZZ_CHECK(plan[i] >= 0 && plan[i] < static_cast<int>(images.size()),
               "index ", plan[i]);
    FUZZ_CHECK(images[plan[i]].info.name() == request.image_names(i),
               "planned ", images[plan[i]].info.name(), " for ",
               request.image_names(i));
  }
}

void FuzzOne(absl::string_view bytes) {
  const absl::StatusOr<std::vector<int>> plan =
      image_server::PlanStream(Store(), Sliced(bytes, bytes.size() + 1));
  const absl::StatusOr<std::vector<int>> sliced_plan =
      image_server::PlanStream(Store(), Sliced(bytes, 1 + bytes.size() % 7));
  FUZZ_CHECK(plan.status() == sliced_plan.status() &&
                 (!plan.ok() || *plan == *sliced_plan),
             "one slice: ", plan.status().ToString(),
             "; several: ", sliced_plan.status().ToString());

  // protobuf's own parser on the flat bytes is the reference.
  image_service::StreamImagesRequest request;
  const bool parses =
      request.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()));
  if (plan.ok()) {
    FUZZ_CHECK(parses, "planned a request that does not parse");
    CheckPlan(*plan, request);
  } else {
    CheckRefusal(plan.status(), parses, request);
  }
}

}  // namespace
}  // namespace image_fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  image_fuzz::FuzzOne(
      absl::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}

#include "bench/baselines/local_costs.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "benchmark/benchmark.h"
#include "common/image_decode.h"
#include "opencv2/imgcodecs.hpp"

namespace image_bench {
namespace {

using image_service::Image;
using image_service::StreamImagesResponse;

StreamImagesResponse ResponseFor(const Image& image) {
  StreamImagesResponse response;
  *response.mutable_image() = image;
  return response;
}

void Serialize(benchmark::State& state, const Image& image) {
  const StreamImagesResponse response = ResponseFor(image);
  std::string encoded;
  for (auto _ : state) {
    response.SerializeToString(&encoded);
    benchmark::DoNotOptimize(encoded.data());
  }
  state.SetBytesProcessed(state.iterations() * image.content().size());
}

void Parse(benchmark::State& state, const Image& image) {
  const std::string encoded = ResponseFor(image).SerializeAsString();
  StreamImagesResponse parsed;
  for (auto _ : state) {
    if (!parsed.ParseFromString(encoded)) {
      return state.SkipWithError("parse failed");
    }
    benchmark::DoNotOptimize(parsed.image().content().data());
  }
  state.SetBytesProcessed(state.iterations() * image.content().size());
}

void Decode(benchmark::State& state, const Image& image) {
  const std::string& content = image.content();
  for (auto _ : state) {
    const cv::Mat decoded =
        image_common::DecodeImage(content, cv::IMREAD_UNCHANGED);
    if (decoded.empty()) return state.SkipWithError("OpenCV cannot decode it");
  }
  state.SetBytesProcessed(state.iterations() * content.size());
  state.counters["megapixels_per_second"] = benchmark::Counter(
      state.iterations() * image.width() * image.height() / 1e6,
      benchmark::Counter::kIsRate);
}

}  // namespace

void RegisterLocalCosts(std::shared_ptr<const std::vector<Image>> images,
                        double min_time_s, StartBarrier* start_barrier) {
  for (const Image& image : *images) {
    const Image* shared = &image;
    const auto register_cost =
        [&](const char* kind, void (*cost)(benchmark::State&, const Image&)) {
          benchmark::RegisterBenchmark(
              absl::StrCat("LocalCost/", kind, "/", image.name()).c_str(),
              [images, shared, cost, start_barrier](benchmark::State& state) {
                AwaitStart(start_barrier);
                cost(state, *shared);
              })
              ->MinTime(min_time_s)
              ->Unit(benchmark::kMicrosecond);
        };
    register_cost("serialize", Serialize);
    register_cost("parse", Parse);
    register_cost("decode", Decode);
  }
}

}  // namespace image_bench

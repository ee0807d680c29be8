#include "bench/counters.h"

namespace image_bench {
namespace {

double Micros(int64_t nanoseconds) { return nanoseconds / 1000.0; }

void ExportPercentiles(const LatencyHistogram& histogram,
                       const std::string& prefix, benchmark::State& state) {
  state.counters[prefix + "p50_us"] = Micros(histogram.ValueAtPercentile(50));
  state.counters[prefix + "p90_us"] = Micros(histogram.ValueAtPercentile(90));
  state.counters[prefix + "p99_us"] = Micros(histogram.ValueAtPercentile(99));
  state.counters[prefix + "p999_us"] =
      Micros(histogram.ValueAtPercentile(99.9));
  state.counters[prefix + "max_us"] = Micros(histogram.max_ns());
}

}  // namespace

void ExportCounters(const RpcStats& stats, absl::Duration wall, RpcShape shape,
                    benchmark::State& state) {
  const double seconds = absl::ToDoubleSeconds(wall);
  ExportPercentiles(stats.rpc_latency, "", state);
  state.counters["rpcs_per_second"] = stats.rpcs / seconds;
  state.counters["errors"] = static_cast<double>(stats.errors);
  if (shape == RpcShape::kUnary) return;

  state.counters["images_per_second"] = stats.images / seconds;
  // gbench divides by the manual time, which the scenarios set to `wall`.
  state.SetBytesProcessed(stats.bytes);
  state.counters["first_image_p50_us"] =
      Micros(stats.first_image.ValueAtPercentile(50));
  state.counters["first_image_p99_us"] =
      Micros(stats.first_image.ValueAtPercentile(99));
  state.counters["gap_p50_us"] = Micros(stats.image_gap.ValueAtPercentile(50));
  state.counters["gap_p99_us"] = Micros(stats.image_gap.ValueAtPercentile(99));
}

}  // namespace image_bench

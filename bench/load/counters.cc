#include "bench/load/counters.h"

#include <string>

namespace image_bench {
namespace {

// p50, p90, p99, p999 and max of `histogram`, each name ending in `suffix`.
void ExportPercentiles(const LatencyHistogram& histogram,
                       const std::string& suffix, benchmark::State& state) {
  for (const ReportedPercentile& reported : kReportedPercentiles) {
    state.counters[reported.key + suffix] =
        ToMicros(histogram.ValueAtPercentile(reported.percentile));
  }
  state.counters["max" + suffix] = ToMicros(histogram.max_ns());
}

void ExportOpenLoop(const LoadResult& result, double requested_rate,
                    benchmark::State& state) {
  const RpcStats& stats = result.stats;
  ExportPercentiles(stats.rpc_latency_uncorrected, "_uncorrected_us", state);
  state.counters["requested_rate"] = requested_rate;
  state.counters["achieved_rate"] =
      stats.rpcs / absl::ToDoubleSeconds(result.wall);
  state.counters["late_starts"] = static_cast<double>(result.late_starts);
}

}  // namespace

void ExportCounters(const LoadResult& result, RpcShape shape,
                    double requested_rate, benchmark::State& state) {
  const RpcStats& stats = result.stats;
  const double seconds = absl::ToDoubleSeconds(result.wall);
  ExportPercentiles(stats.rpc_latency, "_us", state);
  state.counters["rpcs_per_second"] = stats.rpcs / seconds;
  state.counters["errors"] = static_cast<double>(stats.errors);
  if (requested_rate > 0) ExportOpenLoop(result, requested_rate, state);
  if (shape == RpcShape::kUnary) return;

  state.counters["images_per_second"] = stats.images / seconds;
  // gbench divides by the manual time, which the scenarios set to `wall`.
  state.SetBytesProcessed(stats.bytes);
  state.counters["first_image_p50_us"] =
      ToMicros(stats.first_image.ValueAtPercentile(50));
  state.counters["first_image_p99_us"] =
      ToMicros(stats.first_image.ValueAtPercentile(99));
  state.counters["gap_p50_us"] =
      ToMicros(stats.image_gap.ValueAtPercentile(50));
  state.counters["gap_p99_us"] =
      ToMicros(stats.image_gap.ValueAtPercentile(99));
}

}  // namespace image_bench

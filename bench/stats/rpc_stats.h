// What a load worker observed: latency histograms and counts. Each worker
// fills its own RpcStats without locks; the driver merges them exactly.
#ifndef BENCH_STATS_RPC_STATS_H_
#define BENCH_STATS_RPC_STATS_H_

#include <cstdint>
#include <string>

#include "bench/stats/latency_histogram.h"

namespace image_bench {

struct RpcStats {
  // Whole RPC: for streams, from the call to the final status. In open loop
  // this is measured from the intended start time (coordinated omission
  // corrected); `rpc_latency_uncorrected` from the actual start.
  LatencyHistogram rpc_latency;
  LatencyHistogram rpc_latency_uncorrected;
  // Streams only: call to first image, and between consecutive images.
  LatencyHistogram first_image;
  LatencyHistogram image_gap;

  int64_t rpcs = 0;
  int64_t images = 0;
  int64_t bytes = 0;   // Image content bytes received.
  int64_t errors = 0;  // Failed RPCs plus verification mismatches.
  std::string first_error;

  void AddError(const std::string& description);
  void Merge(const RpcStats& other);
};

}  // namespace image_bench

#endif  // BENCH_STATS_RPC_STATS_H_

#include "bench/stats/rpc_stats.h"

namespace image_bench {

void RpcStats::AddError(const std::string& description) {
  if (errors++ == 0) first_error = description;
}

void RpcStats::Merge(const RpcStats& other) {
  rpc_latency.Merge(other.rpc_latency);
  rpc_latency_uncorrected.Merge(other.rpc_latency_uncorrected);
  first_image.Merge(other.first_image);
  image_gap.Merge(other.image_gap);
  rpcs += other.rpcs;
  images += other.images;
  bytes += other.bytes;
  if (errors == 0) first_error = other.first_error;
  errors += other.errors;
}

}  // namespace image_bench

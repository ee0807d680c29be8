// What one image costs on this machine without any network: protobuf
// serialize and parse of its StreamImagesResponse, and OpenCV decode
// (LocalCost/{serialize,parse,decode}/IMAGE).
#ifndef BENCH_BASELINES_LOCAL_COSTS_H_
#define BENCH_BASELINES_LOCAL_COSTS_H_

#include <memory>
#include <vector>

#include "bench/start/start_barrier.h"
#include "image_service.pb.h"

namespace image_bench {

// `min_time_s` keeps the many small benchmarks short. `start_barrier` (may be
// null) is awaited before each run.
void RegisterLocalCosts(
    std::shared_ptr<const std::vector<image_service::Image>> images,
    double min_time_s, StartBarrier* start_barrier);

}  // namespace image_bench

#endif  // BENCH_BASELINES_LOCAL_COSTS_H_

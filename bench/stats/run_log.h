// Keeps the merged statistics of every benchmark call so that a reporter can
// find the histograms behind each run gbench reports. gbench calls a function
// several times while it sizes the run and reports only the last call of each
// repetition, so runs are matched by name and iteration count.
#ifndef BENCH_STATS_RUN_LOG_H_
#define BENCH_STATS_RUN_LOG_H_

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "bench/stats/rpc_stats.h"

namespace image_bench {

class RunLog {
 public:
  struct Entry {
    std::string name;
    int64_t iterations = 0;
    // The timed window, on the wall clock: from `start`, `wall` long.
    absl::Time start;
    absl::Duration wall;
    RpcStats stats;
  };

  void Add(Entry entry);
  // Removes and returns the latest entry for `name` and `iterations`.
  std::optional<Entry> Claim(const std::string& name, int64_t iterations);

 private:
  std::mutex mutex_;
  std::vector<Entry> entries_;
};

}  // namespace image_bench

#endif  // BENCH_STATS_RUN_LOG_H_

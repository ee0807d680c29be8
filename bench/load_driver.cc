#include "bench/load_driver.h"

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

namespace image_bench {

LoadResult RunClosedLoop(const LoadPlan& plan, const WorkerFactory& factory) {
  const int workers = static_cast<int>(
      std::max<int64_t>(1, std::min<int64_t>(plan.concurrency, plan.rpcs)));
  std::vector<std::unique_ptr<RpcWorker>> slots;
  for (int i = 0; i < workers; ++i) slots.push_back(factory(i));
  std::vector<RpcStats> stats(workers);
  std::atomic<int64_t> next{0};

  const absl::Time start = absl::Now();
  std::vector<std::thread> threads;
  for (int i = 0; i < workers; ++i) {
    threads.emplace_back([&, i] {
      while (next.fetch_add(1, std::memory_order_relaxed) < plan.rpcs) {
        slots[i]->Call(absl::Now(), &stats[i]);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();

  LoadResult result;
  result.wall = absl::Now() - start;
  for (const RpcStats& worker_stats : stats) result.stats.Merge(worker_stats);
  return result;
}

}  // namespace image_bench

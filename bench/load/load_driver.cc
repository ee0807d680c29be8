#include "bench/load/load_driver.h"

#include <algorithm>
#include <atomic>
#include <random>
#include <thread>
#include <vector>

namespace image_bench {
namespace {

// Runs `call(worker, ticket, start)` for every ticket below `rpcs` on
// `concurrency` threads, each taking the next ticket when it is free. `start`
// is when the run began, after the workers were made.
LoadResult RunWorkers(
    int64_t rpcs, int concurrency, const WorkerFactory& factory,
    const std::function<void(RpcWorker&, int64_t, absl::Time, RpcStats&,
                             int64_t& late)>& call) {
  const int workers = static_cast<int>(
      std::max<int64_t>(1, std::min<int64_t>(concurrency, rpcs)));
  std::vector<std::unique_ptr<RpcWorker>> slots;
  for (int i = 0; i < workers; ++i) slots.push_back(factory(i));
  std::vector<RpcStats> stats(workers);
  std::vector<int64_t> late(workers, 0);
  std::atomic<int64_t> next{0};

  const absl::Time start = absl::Now();
  std::vector<std::thread> threads;
  for (int i = 0; i < workers; ++i) {
    threads.emplace_back([&, i] {
      for (int64_t ticket = next++; ticket < rpcs; ticket = next++) {
        call(*slots[i], ticket, start, stats[i], late[i]);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();

  LoadResult result;
  result.start = start;
  result.wall = absl::Now() - start;
  for (int i = 0; i < workers; ++i) {
    result.stats.Merge(stats[i]);
    result.late_starts += late[i];
  }
  return result;
}

}  // namespace

LoadResult RunClosedLoop(const LoadPlan& plan, const WorkerFactory& factory) {
  return RunWorkers(plan.rpcs, plan.concurrency, factory,
                    [](RpcWorker& worker, int64_t, absl::Time, RpcStats& stats,
                       int64_t&) { worker.Call(absl::Now(), &stats); });
}

std::vector<absl::Duration> ArrivalSchedule(const OpenLoopPlan& plan) {
  std::vector<absl::Duration> schedule(std::max<int64_t>(plan.rpcs, 0));
  std::mt19937_64 random(plan.seed);
  std::exponential_distribution<double> gap(plan.rate);
  double seconds = 0;
  for (int64_t i = 0; i < plan.rpcs; ++i) {
    schedule[i] = absl::Seconds(seconds);
    seconds = plan.arrival == Arrival::kPoisson
                  ? seconds + gap(random)
                  : static_cast<double>(i + 1) / plan.rate;
  }
  return schedule;
}

LoadResult RunOpenLoop(const OpenLoopPlan& plan, const WorkerFactory& factory) {
  const std::vector<absl::Duration> schedule = ArrivalSchedule(plan);
  // The schedule starts with the run, not before the workers exist: making
  // them first would have counted the first calls late.
  return RunWorkers(plan.rpcs, plan.concurrency, factory,
                    [&](RpcWorker& worker, int64_t ticket, absl::Time start,
                        RpcStats& stats, int64_t& late) {
                      const absl::Time intended = start + schedule[ticket];
                      const absl::Time now = absl::Now();
                      if (now < intended) {
                        absl::SleepFor(intended - now);
                      } else if (now - intended > kLateStart) {
                        ++late;
                      }
                      worker.Call(intended, &stats);
                    });
}

}  // namespace image_bench

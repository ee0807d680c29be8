#include "bench/stats/run_log.h"

#include <utility>

namespace image_bench {

void RunLog::Add(Entry entry) {
  std::lock_guard<std::mutex> lock(mutex_);
  entries_.push_back(std::move(entry));
}

std::optional<RunLog::Entry> RunLog::Claim(const std::string& name,
                                           int64_t iterations) {
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto it = entries_.rbegin(); it != entries_.rend(); ++it) {
    if (it->name == name && it->iterations == iterations) {
      Entry entry = std::move(*it);
      entries_.erase(std::next(it).base());
      return entry;
    }
  }
  return std::nullopt;
}

}  // namespace image_bench

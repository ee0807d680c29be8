#include "server/stream_records.h"

#include <algorithm>
#include <utility>

namespace image_server {

StreamRecords::StreamRecords(int capacity) : capacity_(std::max(1, capacity)) {}

void StreamRecords::Add(std::shared_ptr<const StreamRecord> record) {
  absl::MutexLock lock(&mutex_);
  ++added_;
  if (slots_.size() < static_cast<size_t>(capacity_)) {
    slots_.push_back(std::move(record));
    return;
  }
  // The dropped record leaves in `record` and is freed after the unlock.
  slots_[next_].swap(record);
  next_ = (next_ + 1) % slots_.size();
}

std::vector<std::shared_ptr<const StreamRecord>> StreamRecords::Recent(
    int max_records, int64_t since_unix_us, absl::string_view rpc) const {
  std::vector<std::shared_ptr<const StreamRecord>> oldest_first;
  {
    absl::ReaderMutexLock lock(&mutex_);
    oldest_first.reserve(slots_.size());
    for (size_t i = 0; i < slots_.size(); ++i) {
      oldest_first.push_back(slots_[(next_ + i) % slots_.size()]);
    }
  }
  const auto unwanted = [&](const std::shared_ptr<const StreamRecord>& r) {
    return r->end_unix_us < since_unix_us || (!rpc.empty() && rpc != r->rpc);
  };
  oldest_first.erase(
      std::remove_if(oldest_first.begin(), oldest_first.end(), unwanted),
      oldest_first.end());
  if (max_records > 0 &&
      oldest_first.size() > static_cast<size_t>(max_records)) {
    oldest_first.erase(oldest_first.begin(), oldest_first.end() - max_records);
  }
  return oldest_first;
}

int64_t StreamRecords::added() const {
  absl::ReaderMutexLock lock(&mutex_);
  return added_;
}

}  // namespace image_server

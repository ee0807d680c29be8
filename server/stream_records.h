// The most recent stream records, kept in memory for the stats RPC
// (server_stats_service.h): a ring of a fixed capacity that drops the
// oldest record once full.
#ifndef SERVER_STREAM_RECORDS_H_
#define SERVER_STREAM_RECORDS_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "server/stream_record.h"

namespace image_server {

class StreamRecords final : public StreamRecordSink {
 public:
  // Enough for minutes of streams; at a few hundred bytes a record, a few
  // megabytes.
  static constexpr int kDefaultCapacity = 10000;

  // `capacity` > 0.
  explicit StreamRecords(int capacity = kDefaultCapacity);

  // Keeps `record`, dropping the oldest when full. Holds the lock for a
  // pointer swap only: the record dropped is freed after it.
  void Add(std::shared_ptr<const StreamRecord> record) override;

  // Of the records kept, oldest first: those that ended at or after
  // `since_unix_us` and, unless `rpc` is empty, are of that method; the
  // latest `max_records` of them (every one when 0 or less). Copies
  // pointers under the lock, so that a large answer does not hold up the
  // handlers that add records.
  std::vector<std::shared_ptr<const StreamRecord>> Recent(
      int max_records, int64_t since_unix_us, absl::string_view rpc) const;

  // Records added since construction, kept or not.
  int64_t added() const;
  int capacity() const { return capacity_; }

 private:
  const int capacity_;
  mutable absl::Mutex mutex_;
  // A ring once full: next_ is the oldest record's slot.
  std::vector<std::shared_ptr<const StreamRecord>> slots_
      ABSL_GUARDED_BY(mutex_);
  size_t next_ ABSL_GUARDED_BY(mutex_) = 0;
  int64_t added_ ABSL_GUARDED_BY(mutex_) = 0;
};

}  // namespace image_server

#endif  // SERVER_STREAM_RECORDS_H_

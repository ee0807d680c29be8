// Latency histogram for the load generator: each client thread records into
// its own LatencyHistogram (no locks on the hot path), the driver merges them
// exactly at the end, and the result is written either as a lossless text
// form (so runs on several machines can be merged later) or as HdrHistogram's
// .hgrm percentile distribution (so existing plotting tools can read it).
//
// Layout: log-linear, like HdrHistogram with 256 sub-buckets. Values below
// 256 ns get one bucket each; above that every power of two is split into 128
// equal buckets, so a bucket is at most 1/128 of its lower bound wide and its
// midpoint is within 1/256 (0.39 %) of any value it holds. That keeps the
// error well inside 1 % from 1 us to 60 s with ~3.8k buckets (~30 KB).
#ifndef BENCH_STATS_LATENCY_HISTOGRAM_H_
#define BENCH_STATS_LATENCY_HISTOGRAM_H_

#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "absl/numeric/bits.h"
#include "absl/numeric/int128.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace image_bench {
namespace latency_histogram_internal {

// 2^kSubBucketBits linear buckets per power of two (above 256 ns).
inline constexpr int kSubBucketBits = 7;
inline constexpr int kSubBucketCount = 1 << kSubBucketBits;

// Defined here, outside the class, so it can size the class's bucket count
// at compile time. `ns` must be non-negative.
constexpr int BucketIndex(int64_t ns) {
  const uint64_t v = static_cast<uint64_t>(ns);
  // OR-ing in the low bits makes every value below 2 * kSubBucketCount use
  // shift 0, i.e. exact buckets, without a branch.
  const int shift =
      absl::bit_width(v | (2 * kSubBucketCount - 1)) - (kSubBucketBits + 1);
  return (shift << kSubBucketBits) + static_cast<int>(v >> shift);
}

}  // namespace latency_histogram_internal

// Nanoseconds as microseconds, the unit of every latency the bench reports.
constexpr double ToMicros(int64_t nanoseconds) { return nanoseconds / 1000.0; }

// The percentiles every latency distribution is reported at; the maximum
// follows them. `key` is the counter-name stem ("p999_us"), `label` the
// column heading ("p99.9").
struct ReportedPercentile {
  const char* key;
  const char* label;
  double percentile;
};
inline constexpr ReportedPercentile kReportedPercentiles[] = {
    {"p50", "p50", 50},
    {"p90", "p90", 90},
    {"p99", "p99", 99},
    {"p999", "p99.9", 99.9}};

class LatencyHistogram {
 public:
  static constexpr int kSubBucketBits =
      latency_histogram_internal::kSubBucketBits;
  static constexpr int kSubBucketCount =
      latency_histogram_internal::kSubBucketCount;
  // Anything slower is a failed request in practice; clamping it keeps the
  // array small while overflow_count() still shows that it happened.
  static constexpr int64_t kMaxTrackableNs = int64_t{60} * 1000 * 1000 * 1000;
  static constexpr int kNumBuckets =
      latency_histogram_internal::BucketIndex(kMaxTrackableNs) + 1;

  static constexpr int BucketIndex(int64_t ns) {
    return latency_histogram_internal::BucketIndex(ns);
  }
  // Smallest value that lands in bucket `index`, and how many values share it.
  static int64_t BucketLowerBound(int index);
  static int64_t BucketWidth(int index);

  LatencyHistogram();
  // Copy-only on purpose: a moved-from histogram with an empty bucket vector
  // would make the unchecked Record() write out of bounds.
  LatencyHistogram(const LatencyHistogram&) = default;
  LatencyHistogram& operator=(const LatencyHistogram&) = default;

  // Negative durations (a clock stepping back) are recorded as 0 rather than
  // rejected, so the hot path has no error path. Values above
  // kMaxTrackableNs go into the top bucket; min/max/mean stay exact.
  void Record(int64_t nanoseconds);
  void RecordDuration(absl::Duration d) { Record(absl::ToInt64Nanoseconds(d)); }
  void Merge(const LatencyHistogram& other);
  void Reset();

  uint64_t count() const { return count_; }
  uint64_t overflow_count() const { return overflow_count_; }
  int64_t min_ns() const { return count_ == 0 ? 0 : min_ns_; }
  int64_t max_ns() const { return max_ns_; }
  double mean_ns() const;
  // Computed from bucket midpoints around the exact mean, so it merges
  // exactly and needs no extra state; same approach as HdrHistogram.
  double stddev_ns() const;

  // Representative value of the bucket holding the ceil(p/100 * count)-th
  // smallest sample, clamped to [min, max]; p0 is min, p100 is max, and an
  // empty histogram answers 0. `percentile` is clamped to [0, 100].
  int64_t ValueAtPercentile(double percentile) const;

  // Lossless, versioned, line-oriented form; FromText(ToText()) == *this.
  std::string ToText() const;
  static absl::StatusOr<LatencyHistogram> FromText(absl::string_view text);

  // HdrHistogram's percentile-distribution (.hgrm) layout, with values
  // divided by `unit_divisor` (default: microseconds). Row values match
  // ValueAtPercentile so the plot and the summary numbers never disagree;
  // the closing 100 % row is the exact max.
  std::string ToHgrm(double unit_divisor = 1000.0) const;

  friend bool operator==(const LatencyHistogram& a, const LatencyHistogram& b);
  friend bool operator!=(const LatencyHistogram& a, const LatencyHistogram& b) {
    return !(a == b);
  }

 private:
  int64_t BucketValue(int index) const;
  uint64_t RankAt(double percentile) const;
  int64_t ValueForRank(uint64_t rank, int bucket) const;
  void AppendHgrmRows(double unit_divisor, std::string* out) const;
  absl::Status ParseHeaderFields(const std::vector<absl::string_view>& lines);
  absl::Status ParseBucketLine(absl::string_view line, int line_number,
                               int* last_index);
  absl::Status Validate() const;
  absl::Status ValidateNonEmpty(int first, int last) const;

  std::vector<uint64_t> counts_;
  uint64_t count_ = 0;
  uint64_t overflow_count_ = 0;
  // 64 bits would wrap after two INT64_MAX samples; 128 cannot wrap before
  // count_ does.
  absl::uint128 sum_ns_ = 0;
  int64_t min_ns_ = std::numeric_limits<int64_t>::max();
  int64_t max_ns_ = 0;
};

inline void LatencyHistogram::Record(int64_t nanoseconds) {
  const int64_t ns = std::max<int64_t>(nanoseconds, 0);
  ++count_;
  sum_ns_ += static_cast<uint64_t>(ns);
  min_ns_ = std::min(min_ns_, ns);
  max_ns_ = std::max(max_ns_, ns);
  if (ns > kMaxTrackableNs) ++overflow_count_;
  ++counts_[BucketIndex(std::min(ns, kMaxTrackableNs))];
}

}  // namespace image_bench

#endif  // BENCH_STATS_LATENCY_HISTOGRAM_H_

#include "bench/stats/latency_histogram.h"

#include <cmath>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"

namespace image_bench {
namespace {

constexpr absl::string_view kTextHeader = "image_bench.LatencyHistogram v1";
// Header line plus count, overflow, sum, min and max.
constexpr size_t kFirstBucketLine = 6;
// HdrHistogram's default for .hgrm output; plotting tools expect it.
constexpr double kTicksPerHalfDistance = 5;

// Percentile ticks get denser toward 100 %: every halving of the distance to
// 100 % is covered by kTicksPerHalfDistance ticks, as in HdrHistogram.
double NextPercentileLevel(double level) {
  const double halvings = std::floor(std::log2(100.0 / (100.0 - level)));
  const double next =
      level + 100.0 / (kTicksPerHalfDistance * std::exp2(halvings + 1));
  // Near 100 the step drops below double precision; finish instead of
  // spinning.
  return next > level ? next : 100.0;
}

absl::Status LineError(int line_number, absl::string_view line,
                       absl::string_view expected) {
  return absl::InvalidArgumentError(absl::StrFormat(
      "latency histogram text, line %d: expected %s, got \"%s\"", line_number,
      expected, line));
}

// Parses "<key> <integer>" into *value.
template <typename T>
bool ParseField(absl::string_view line, absl::string_view key, T* value) {
  const std::vector<absl::string_view> parts = absl::StrSplit(line, ' ');
  return parts.size() == 2 && parts[0] == key &&
         absl::SimpleAtoi(parts[1], value);
}

}  // namespace

int64_t LatencyHistogram::BucketLowerBound(int index) {
  if (index < kSubBucketCount) return index;
  const int shift = (index >> kSubBucketBits) - 1;
  const int64_t mantissa = (index & (kSubBucketCount - 1)) | kSubBucketCount;
  return mantissa << shift;
}

int64_t LatencyHistogram::BucketWidth(int index) {
  return int64_t{1} << std::max(0, (index >> kSubBucketBits) - 1);
}

LatencyHistogram::LatencyHistogram() : counts_(kNumBuckets, 0) {}

void LatencyHistogram::Merge(const LatencyHistogram& other) {
  for (int i = 0; i < kNumBuckets; ++i) counts_[i] += other.counts_[i];
  count_ += other.count_;
  overflow_count_ += other.overflow_count_;
  sum_ns_ += other.sum_ns_;
  // An empty histogram holds min = INT64_MAX and max = 0, so no special case.
  min_ns_ = std::min(min_ns_, other.min_ns_);
  max_ns_ = std::max(max_ns_, other.max_ns_);
}

void LatencyHistogram::Reset() { *this = LatencyHistogram(); }

double LatencyHistogram::mean_ns() const {
  if (count_ == 0) return 0;
  return static_cast<double>(static_cast<long double>(sum_ns_) / count_);
}

double LatencyHistogram::stddev_ns() const {
  if (count_ == 0) return 0;
  const long double mean = mean_ns();
  long double sum_sq = 0;
  for (int i = 0; i < kNumBuckets; ++i) {
    if (counts_[i] == 0) continue;
    const long double delta = BucketValue(i) - mean;
    sum_sq += delta * delta * counts_[i];
  }
  return static_cast<double>(std::sqrt(sum_sq / count_));
}

int64_t LatencyHistogram::BucketValue(int index) const {
  const int64_t mid = BucketLowerBound(index) + BucketWidth(index) / 2;
  return std::clamp(mid, min_ns_, max_ns_);
}

uint64_t LatencyHistogram::RankAt(double percentile) const {
  if (!(percentile > 0)) return 1;  // Also catches NaN.
  if (percentile >= 100) return count_;
  const double rank =
      std::ceil(percentile / 100.0 * static_cast<double>(count_));
  if (rank >= static_cast<double>(count_)) return count_;
  return std::max<uint64_t>(1, static_cast<uint64_t>(rank));
}

int64_t LatencyHistogram::ValueForRank(uint64_t rank, int bucket) const {
  // The extremes are known exactly, so don't blur them into a bucket.
  if (rank <= 1) return min_ns_;
  if (rank >= count_) return max_ns_;
  return BucketValue(bucket);
}

int64_t LatencyHistogram::ValueAtPercentile(double percentile) const {
  if (count_ == 0) return 0;
  const uint64_t rank = RankAt(percentile);
  uint64_t seen = 0;
  int bucket = -1;
  while (seen < rank) seen += counts_[++bucket];
  return ValueForRank(rank, bucket);
}

bool operator==(const LatencyHistogram& a, const LatencyHistogram& b) {
  return a.count_ == b.count_ && a.overflow_count_ == b.overflow_count_ &&
         a.sum_ns_ == b.sum_ns_ && a.min_ns() == b.min_ns() &&
         a.max_ns_ == b.max_ns_ && a.counts_ == b.counts_;
}

std::string LatencyHistogram::ToText() const {
  std::string out = absl::StrFormat(
      "%s\ncount %d\noverflow %d\nsum %d\nmin %d\nmax %d\n", kTextHeader,
      count_, overflow_count_, sum_ns_, min_ns(), max_ns_);
  for (int i = 0; i < kNumBuckets; ++i) {
    if (counts_[i] == 0) continue;
    absl::StrAppendFormat(&out, "bucket %d %d\n", BucketLowerBound(i),
                          counts_[i]);
  }
  return out;
}

absl::Status LatencyHistogram::ParseBucketLine(absl::string_view line,
                                               int line_number,
                                               int* last_index) {
  const std::vector<absl::string_view> parts = absl::StrSplit(line, ' ');
  int64_t lower = -1;
  uint64_t count = 0;
  if (parts.size() != 3 || parts[0] != "bucket" ||
      !absl::SimpleAtoi(parts[1], &lower) ||
      !absl::SimpleAtoi(parts[2], &count) || lower < 0 ||
      lower > kMaxTrackableNs || count == 0) {
    return LineError(line_number, line,
                     absl::StrCat("\"bucket <lower_ns> <count>\" with "
                                  "0 <= lower_ns <= ",
                                  kMaxTrackableNs, " and count > 0"));
  }
  const int index = BucketIndex(lower);
  if (BucketLowerBound(index) != lower || index <= *last_index) {
    return LineError(line_number, line,
                     "a bucket lower bound, in increasing order");
  }
  *last_index = index;
  counts_[index] = count;
  return absl::OkStatus();
}

// Cross-field checks: each line may parse yet the whole still be impossible,
// and merging such a histogram would silently corrupt the merged result.
absl::Status LatencyHistogram::Validate() const {
  absl::uint128 bucket_total = 0;
  int first = -1;
  int last = -1;
  for (int i = 0; i < kNumBuckets; ++i) {
    if (counts_[i] == 0) continue;
    bucket_total += counts_[i];
    if (first < 0) first = i;
    last = i;
  }
  if (bucket_total != count_) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "latency histogram text: bucket counts add up to %d, but count is %d",
        bucket_total, count_));
  }
  if (count_ == 0) {
    if (sum_ns_ == 0 && min_ns_ == 0 && max_ns_ == 0 && overflow_count_ == 0)
      return absl::OkStatus();
    return absl::InvalidArgumentError(
        "latency histogram text: empty histogram with non-zero "
        "sum/min/max/overflow");
  }
  return ValidateNonEmpty(first, last);
}

absl::Status LatencyHistogram::ValidateNonEmpty(int first, int last) const {
  const auto clamped_index = [](int64_t ns) {
    return BucketIndex(std::min(ns, kMaxTrackableNs));
  };
  const bool ok =
      min_ns_ >= 0 && min_ns_ <= max_ns_ && clamped_index(min_ns_) == first &&
      clamped_index(max_ns_) == last &&
      overflow_count_ <= counts_[kNumBuckets - 1] &&
      (overflow_count_ > 0) == (max_ns_ > kMaxTrackableNs) &&
      (min_ns_ <= kMaxTrackableNs || overflow_count_ == count_) &&
      sum_ns_ >= absl::uint128(count_) * static_cast<uint64_t>(min_ns_) &&
      sum_ns_ <= absl::uint128(count_) * static_cast<uint64_t>(max_ns_);
  if (ok) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrFormat(
      "latency histogram text: count %d, overflow %d, sum %d, min %d, max %d "
      "are inconsistent with each other or with the buckets",
      count_, overflow_count_, sum_ns_, min_ns_, max_ns_));
}

absl::StatusOr<LatencyHistogram> LatencyHistogram::FromText(
    absl::string_view text) {
  std::vector<absl::string_view> lines = absl::StrSplit(text, '\n');
  // A trailing newline is normal, not an empty record.
  if (!lines.empty() && lines.back().empty()) lines.pop_back();
  if (lines.empty() || lines[0] != kTextHeader) {
    return LineError(1, lines.empty() ? "" : lines[0],
                     absl::StrCat("\"", kTextHeader, "\""));
  }
  LatencyHistogram h;
  absl::Status status = h.ParseHeaderFields(lines);
  if (!status.ok()) return status;
  int last_index = -1;
  for (size_t i = kFirstBucketLine; i < lines.size(); ++i) {
    status = h.ParseBucketLine(lines[i], static_cast<int>(i) + 1, &last_index);
    if (!status.ok()) return status;
  }
  status = h.Validate();
  if (!status.ok()) return status;
  if (h.count_ == 0) h.min_ns_ = std::numeric_limits<int64_t>::max();
  return h;
}

absl::Status LatencyHistogram::ParseHeaderFields(
    const std::vector<absl::string_view>& lines) {
  // Fixed order keeps the format trivially diffable and the parser simple.
  if (lines.size() < kFirstBucketLine) {
    return absl::InvalidArgumentError(
        absl::StrFormat("latency histogram text: %d lines, need at least %d",
                        lines.size(), kFirstBucketLine));
  }
  struct {
    const char* key;
    bool ok;
  } fields[] = {
      {"count", ParseField(lines[1], "count", &count_)},
      {"overflow", ParseField(lines[2], "overflow", &overflow_count_)},
      {"sum", ParseField(lines[3], "sum", &sum_ns_)},
      {"min", ParseField(lines[4], "min", &min_ns_)},
      {"max", ParseField(lines[5], "max", &max_ns_)},
  };
  for (int i = 0; i < 5; ++i) {
    if (!fields[i].ok) {
      return LineError(i + 2, lines[i + 1],
                       absl::StrCat("\"", fields[i].key, " <integer>\""));
    }
  }
  return absl::OkStatus();
}

std::string LatencyHistogram::ToHgrm(double unit_divisor) const {
  std::string out =
      absl::StrFormat("%12s %14s %10s %14s\n\n", "Value", "Percentile",
                      "TotalCount", "1/(1-Percentile)");
  if (count_ > 0) AppendHgrmRows(unit_divisor, &out);
  absl::StrAppendFormat(&out,
                        "#[Mean    = %12.3f, StdDeviation   = %12.3f]\n"
                        "#[Max     = %12.3f, Total count    = %12d]\n"
                        "#[Buckets = %12d, SubBuckets     = %12d]\n",
                        mean_ns() / unit_divisor, stddev_ns() / unit_divisor,
                        max_ns_ / unit_divisor, count_,
                        (kNumBuckets - 1) >> kSubBucketBits,
                        2 * kSubBucketCount);
  return out;
}

void LatencyHistogram::AppendHgrmRows(double unit_divisor,
                                      std::string* out) const {
  uint64_t seen = 0;
  int bucket = -1;
  // Like HdrHistogram, stop ticking once the row reaches the last sample,
  // then close with an explicit 100 % row.
  for (double level = 0; seen < count_ && level < 100;
       level = NextPercentileLevel(level)) {
    const uint64_t rank = RankAt(level);
    while (seen < rank) seen += counts_[++bucket];
    const double fraction = level / 100.0;
    absl::StrAppendFormat(out, "%12.3f %2.12f %10d %14.2f\n",
                          ValueForRank(rank, bucket) / unit_divisor, fraction,
                          seen, 1.0 / (1.0 - fraction));
  }
  absl::StrAppendFormat(out, "%12.3f %2.12f %10d\n", max_ns_ / unit_divisor,
                        1.0, count_);
}

}  // namespace image_bench

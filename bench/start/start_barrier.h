// --start_at: several bench processes, on one machine or many, begin their
// timed work at the same wall-clock instant, so that their measurement
// windows overlap and their histogram files merge into one aggregate run.
//
// Each process connects, lists and fetches its reference images, and warms
// up its first benchmark before the instant; the first timed section of
// whichever benchmark runs first waits here (StartBarrier::Await). Only that
// first section is held: later benchmarks follow on their own, so their
// windows stay together only as far as they last alike (open loop, where a
// run is a fixed schedule, does; gbench's sizing of closed-loop runs does
// not). Across machines the clocks must agree (NTP).
#ifndef BENCH_START_START_BARRIER_H_
#define BENCH_START_START_BARRIER_H_

#include <functional>
#include <mutex>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace image_bench {

// A --start_at this far in the past still starts (at once, reported late):
// processes launched by hand or over ssh a moment after the instant.
inline constexpr absl::Duration kStartAtPastSlack = absl::Seconds(5);
// Further ahead than this is taken for a typo (milliseconds, not seconds).
inline constexpr absl::Duration kStartAtMaxLead = absl::Hours(24);

// Parses --start_at: seconds since the Unix epoch, fraction allowed, e.g.
// "1767225600.5", to the microsecond, checked against `now`. InvalidArgument,
// naming the value, for anything else: not a number, NaN or infinite, more than
// kStartAtPastSlack before `now`, more than kStartAtMaxLead after it.
absl::StatusOr<absl::Time> ParseStartAt(absl::string_view text, absl::Time now);

// "1767225600.500000": seconds since the epoch, to the microsecond, as
// --start_at takes it.
std::string FormatUnixSeconds(absl::Time time);

// Holds the first caller of Await until the start instant; every later call
// returns at once. Thread-safe.
class StartBarrier {
 public:
  // What the barrier reads and how it sleeps; tests pass fakes.
  struct Clock {
    std::function<absl::Time()> now;
    std::function<void(absl::Duration)> sleep;
  };
  static Clock SystemClock();

  // Receives each line for the user (progress while waiting, how late the
  // start was), without a trailing newline.
  using Say = std::function<void(const std::string& line)>;

  // While more than this is left to wait, a progress line is said ...
  static constexpr absl::Duration kProgressAbove = absl::Seconds(2);
  // ... at most this often.
  static constexpr absl::Duration kProgressEvery = absl::Seconds(10);
  // A first caller this late (its warm-up outlasted the lead) is warned.
  static constexpr absl::Duration kLateWarning = absl::Milliseconds(50);

  // Never waits: no --start_at.
  StartBarrier() = default;
  StartBarrier(absl::Time start_at, Say say, Clock clock = SystemClock());
  StartBarrier(const StartBarrier&) = delete;
  StartBarrier& operator=(const StartBarrier&) = delete;

  void Await();

  std::optional<absl::Time> start_at() const { return start_at_; }
  // When the first Await returned; nullopt before that or without a start.
  std::optional<absl::Time> released_at() const;

 private:
  void Wait();

  std::optional<absl::Time> start_at_;
  Say say_;
  Clock clock_;
  mutable std::mutex mutex_;
  bool released_ = false;
  std::optional<absl::Time> released_at_;
};

// Await on `barrier` unless it is null (benchmarks registered without one).
void AwaitStart(StartBarrier* barrier);

}  // namespace image_bench

#endif  // BENCH_START_START_BARRIER_H_

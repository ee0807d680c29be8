#include "bench/start/start_barrier.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "common/one_line.h"

namespace image_bench {
namespace {

// The value as the user typed it, bounded and escaped for the error line;
// quoted while it may be anything, bare once it is known to be a number.
std::string Quoted(absl::string_view text) {
  return image_common::QuotedForLine(text, 64);
}
std::string Bare(absl::string_view text) {
  return image_common::OneLine(text, 64);
}

}  // namespace

absl::StatusOr<absl::Time> ParseStartAt(absl::string_view text,
                                        absl::Time now) {
  double seconds = 0;
  if (!absl::SimpleAtod(text, &seconds) || !std::isfinite(seconds)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--start_at takes seconds since the Unix epoch, e.g. "
                     "$(( $(date +%s) + 10 )), got ",
                     Quoted(text)));
  }
  // Compared as seconds first: a huge value must not overflow the
  // conversion to nanoseconds.
  const double ahead = seconds - absl::ToDoubleSeconds(now - absl::UnixEpoch());
  if (ahead < -absl::ToDoubleSeconds(kStartAtPastSlack)) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "--start_at=%s is %.1f s in the past (more than %d s ago); give an "
        "instant ahead, e.g. $(( $(date +%%s) + 10 ))",
        Bare(text), -ahead, absl::ToInt64Seconds(kStartAtPastSlack)));
  }
  if (ahead > absl::ToDoubleSeconds(kStartAtMaxLead)) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "--start_at=%s is %.0f s ahead, more than %d h; it takes seconds "
        "since the Unix epoch (not milliseconds)",
        Bare(text), ahead, absl::ToInt64Hours(kStartAtMaxLead)));
  }
  // To the microsecond: a double holds today's epoch seconds to about a
  // quarter of one, so finer digits would be noise.
  return absl::FromUnixMicros(std::llround(seconds * 1e6));
}

std::string FormatUnixSeconds(absl::Time time) {
  const int64_t micros = absl::ToUnixMicros(time);
  return absl::StrFormat("%d.%06d", micros / 1000000, micros % 1000000);
}

StartBarrier::Clock StartBarrier::SystemClock() {
  return {[] { return absl::Now(); },
          [](absl::Duration duration) { absl::SleepFor(duration); }};
}

StartBarrier::StartBarrier(absl::Time start_at, Say say, Clock clock)
    : start_at_(start_at), say_(std::move(say)), clock_(std::move(clock)) {}

void StartBarrier::Await() {
  if (!start_at_.has_value()) return;
  std::lock_guard<std::mutex> lock(mutex_);
  if (released_) return;
  Wait();
  released_ = true;
}

// Sleeps in steps of at most kProgressEvery, so that a long wait says how
// much is left and a clock stepped meanwhile (NTP) is read again.
void StartBarrier::Wait() {
  for (absl::Duration left = *start_at_ - clock_.now();
       left > absl::ZeroDuration(); left = *start_at_ - clock_.now()) {
    if (left > kProgressAbove) {
      say_(absl::StrFormat("waiting %.0f s for --start_at",
                           absl::ToDoubleSeconds(left)));
    }
    clock_.sleep(std::min(left, kProgressEvery));
  }
  released_at_ = clock_.now();
  const absl::Duration late = *released_at_ - *start_at_;
  std::string line = absl::StrFormat(
      "timed work began %.3f ms after --start_at=%s",
      absl::ToDoubleMilliseconds(late), FormatUnixSeconds(*start_at_));
  if (late > kLateWarning) {
    line = absl::StrCat("WARNING: ", line,
                        "; connecting and warming up took longer than the "
                        "lead, so this process started late: start further "
                        "ahead");
  }
  say_(line);
}

std::optional<absl::Time> StartBarrier::released_at() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return released_at_;
}

void AwaitStart(StartBarrier* barrier) {
  if (barrier != nullptr) barrier->Await();
}

}  // namespace image_bench

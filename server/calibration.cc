#include "server/calibration.h"

#include <algorithm>
#include <cmath>
#include <thread>
#include <vector>

#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"

namespace image_server {
namespace {

// absl::SleepFor wakes up tens of microseconds late (timer slack, scheduling);
// waking this long before the deadline and yielding the rest of the way
// absorbs that without burning a core for the whole wait.
constexpr absl::Duration kSpinLead = absl::Microseconds(150);
// How stale a cancellation may go unnoticed: shutdown and a client's cancel
// stay prompt even during a long stall.
constexpr absl::Duration kCancelPoll = absl::Milliseconds(1);

absl::Status CheckNonNegative(const char* flag, double value) {
  if (std::isfinite(value) && value >= 0) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrFormat("--%s must be a number >= 0, got %g", flag, value));
}

}  // namespace

absl::Status ValidateCalibrationOptions(const CalibrationOptions& options) {
  for (const absl::Status& status :
       {CheckNonNegative("calibration_delay_per_call_ms",
                         options.delay_per_call_ms),
        CheckNonNegative("calibration_delay_per_image_ms",
                         options.delay_per_image_ms),
        CheckNonNegative("calibration_stall_ms", options.stall_ms),
        CheckNonNegative("calibration_stall_every_s", options.stall_every_s)}) {
    if (!status.ok()) return status;
  }
  if (options.stall_every_s == 0) {
    return absl::InvalidArgumentError(
        "--calibration_stall_every_s must be > 0");
  }
  // A stall as long as its period would never end.
  if (options.stall_ms >= options.stall_every_s * 1000) {
    return absl::InvalidArgumentError(
        absl::StrFormat("--calibration_stall_ms (%g) must be shorter than "
                        "--calibration_stall_every_s (%g s)",
                        options.stall_ms, options.stall_every_s));
  }
  return absl::OkStatus();
}

std::string DescribeCalibration(const CalibrationOptions& options) {
  std::vector<std::string> parts;
  if (options.delay_per_call_ms > 0) {
    parts.push_back(
        absl::StrFormat("+%.3f ms per call", options.delay_per_call_ms));
  }
  if (options.delay_per_image_ms > 0) {
    parts.push_back(
        absl::StrFormat("+%.3f ms per image", options.delay_per_image_ms));
  }
  if (options.stall_ms > 0) {
    parts.push_back(absl::StrFormat("%.3f ms stall every %.3f s",
                                    options.stall_ms, options.stall_every_s));
  }
  return absl::StrJoin(parts, ", ");
}

Calibration::Calibration(const CalibrationOptions& options,
                         absl::Time server_start)
    : server_start_(server_start),
      delay_per_call_(absl::Milliseconds(options.delay_per_call_ms)),
      delay_per_image_(absl::Milliseconds(options.delay_per_image_ms)),
      stall_(absl::Milliseconds(options.stall_ms)),
      stall_every_(absl::Seconds(options.stall_every_s)) {}

absl::Time Calibration::AfterStall(absl::Time ready) const {
  if (stall_ <= absl::ZeroDuration()) return ready;
  const absl::Duration since_start = ready - server_start_;
  // No stall in the first period; an infinite time has no period.
  if (since_start < stall_every_ || since_start == absl::InfiniteDuration()) {
    return ready;
  }
  absl::Duration into_period;
  absl::IDivDuration(since_start, stall_every_, &into_period);
  if (into_period >= stall_) return ready;
  return ready + (stall_ - into_period);
}

absl::Time Calibration::CallDeadline(absl::Time arrival) const {
  return AfterStall(arrival + delay_per_call_);
}

absl::Time Calibration::ImageDeadline(absl::Time ready) const {
  return AfterStall(ready + delay_per_image_);
}

bool WaitUntil(absl::Time deadline, absl::FunctionRef<bool()> is_cancelled) {
  const absl::Time wake = deadline - kSpinLead;
  for (absl::Time now = absl::Now(); now < wake; now = absl::Now()) {
    if (is_cancelled()) return false;
    absl::SleepFor(std::min(wake - now, kCancelPoll));
  }
  while (absl::Now() < deadline) std::this_thread::yield();
  return true;
}

}  // namespace image_server

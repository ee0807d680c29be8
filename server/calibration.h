// Calibration: deliberate, known delays and stalls in the server's answers,
// used to check that a client or a network path measures latency correctly
// (a known +2 ms per call must show up as +2 ms in the client's p50). Never a
// feature: off unless asked for, and the server says loudly when it is on.
#ifndef SERVER_CALIBRATION_H_
#define SERVER_CALIBRATION_H_

#include <string>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/time/time.h"

namespace image_server {

// In the units of the server's --calibration_* flags, so that validation
// messages can name the flags and values as the user typed them.
struct CalibrationOptions {
  double delay_per_call_ms = 0;
  double delay_per_image_ms = 0;
  // Every stall_every_s seconds from server start, nothing goes out for
  // stall_ms; the first stall begins stall_every_s after start.
  double stall_ms = 0;
  double stall_every_s = 5;

  bool enabled() const {
    return delay_per_call_ms > 0 || delay_per_image_ms > 0 || stall_ms > 0;
  }
};

// InvalidArgumentError naming the first bad flag: negative or non-finite
// values, a zero stall period, or a stall as long as its period.
absl::Status ValidateCalibrationOptions(const CalibrationOptions& options);

// "+2.000 ms per call, +0.500 ms per image, 200.000 ms stall every 5.000 s",
// naming only what is on.
std::string DescribeCalibration(const CalibrationOptions& options);

// The arithmetic of calibrated answers, on times the caller passes in so that
// tests can place them exactly. Options must have passed validation.
class Calibration {
 public:
  Calibration(const CalibrationOptions& options, absl::Time server_start);

  // `ready` itself, or the end of the stall window that holds it.
  absl::Time AfterStall(absl::Time ready) const;
  // When a call that arrived at `arrival` may answer.
  absl::Time CallDeadline(absl::Time arrival) const;
  // When the next image of a stream, ready at `ready`, may go out.
  absl::Time ImageDeadline(absl::Time ready) const;

 private:
  absl::Time server_start_;
  absl::Duration delay_per_call_;
  absl::Duration delay_per_image_;
  absl::Duration stall_;
  absl::Duration stall_every_;
};

// Returns at `deadline` to within tens of microseconds: sleeps to shortly
// before it, then yields until absl::Now() reaches it. Polls `is_cancelled`
// about every millisecond while sleeping and returns false as soon as it
// says true; true once the deadline is reached.
bool WaitUntil(absl::Time deadline, absl::FunctionRef<bool()> is_cancelled);

}  // namespace image_server

#endif  // SERVER_CALIBRATION_H_

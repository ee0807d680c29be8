#include "server/calibration.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace image_server {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;

const absl::Time kStart = absl::FromUnixSeconds(1000000);

CalibrationOptions Stalls(double stall_ms, double every_s) {
  CalibrationOptions options;
  options.stall_ms = stall_ms;
  options.stall_every_s = every_s;
  return options;
}

std::string ValidationMessage(const CalibrationOptions& options) {
  return std::string(ValidateCalibrationOptions(options).message());
}

TEST(CalibrationOptionsTest, DefaultsAreValidAndOff) {
  const CalibrationOptions options;
  EXPECT_TRUE(ValidateCalibrationOptions(options).ok());
  EXPECT_FALSE(options.enabled());
  EXPECT_EQ(DescribeCalibration(options), "");
}

TEST(CalibrationOptionsTest, AnyDelayOrStallTurnsItOn) {
  CalibrationOptions call;
  call.delay_per_call_ms = 0.001;
  CalibrationOptions image;
  image.delay_per_image_ms = 1;
  EXPECT_TRUE(call.enabled());
  EXPECT_TRUE(image.enabled());
  EXPECT_TRUE(Stalls(100, 5).enabled());
  // A period without a stall changes nothing.
  EXPECT_FALSE(Stalls(0, 1).enabled());
}

TEST(CalibrationOptionsTest, NegativeOrNonFiniteValuesNameTheirFlag) {
  CalibrationOptions call;
  call.delay_per_call_ms = -1;
  CalibrationOptions image;
  image.delay_per_image_ms = std::nan("");
  const CalibrationOptions stall = Stalls(-0.5, 5);
  const CalibrationOptions every = Stalls(0, -2);

  EXPECT_EQ(ValidationMessage(call),
            "--calibration_delay_per_call_ms must be a number >= 0, got -1");
  EXPECT_THAT(ValidationMessage(image),
              HasSubstr("--calibration_delay_per_image_ms must be"));
  EXPECT_THAT(ValidationMessage(stall),
              HasSubstr("--calibration_stall_ms must be"));
  EXPECT_THAT(ValidationMessage(every),
              HasSubstr("--calibration_stall_every_s must be"));
  EXPECT_EQ(ValidateCalibrationOptions(call).code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(CalibrationOptionsTest, StallMustBeShorterThanItsPeriod) {
  EXPECT_EQ(ValidationMessage(Stalls(5000, 5)),
            "--calibration_stall_ms (5000) must be shorter than "
            "--calibration_stall_every_s (5 s)");
  EXPECT_THAT(
      ValidationMessage(Stalls(300, 0.2)),
      AllOf(HasSubstr("--calibration_stall_ms (300)"), HasSubstr("(0.2 s)")));
  EXPECT_EQ(ValidationMessage(Stalls(0, 0)),
            "--calibration_stall_every_s must be > 0");
  EXPECT_TRUE(ValidateCalibrationOptions(Stalls(4999, 5)).ok());
}

TEST(CalibrationOptionsTest, DescriptionNamesWhatIsOn) {
  CalibrationOptions options = Stalls(200, 5);
  options.delay_per_call_ms = 2;
  options.delay_per_image_ms = 0.5;
  EXPECT_EQ(DescribeCalibration(options),
            "+2.000 ms per call, +0.500 ms per image, "
            "200.000 ms stall every 5.000 s");
  options.delay_per_call_ms = 0;
  options.stall_ms = 0;
  EXPECT_EQ(DescribeCalibration(options), "+0.500 ms per image");
}

TEST(CalibrationTest, NoStallBeforeTheFirstPeriodEnds) {
  const Calibration calibration(Stalls(200, 5), kStart);
  for (const absl::Time t :
       {kStart - absl::Seconds(1), kStart, kStart + absl::Milliseconds(100),
        kStart + absl::Seconds(5) - absl::Nanoseconds(1)}) {
    EXPECT_EQ(calibration.AfterStall(t), t) << t;
  }
}

TEST(CalibrationTest, StallWindowsIncludeTheirStartAndExcludeTheirEnd) {
  const Calibration calibration(Stalls(200, 5), kStart);
  const absl::Time first_end = kStart + absl::Milliseconds(5200);

  EXPECT_EQ(calibration.AfterStall(kStart + absl::Seconds(5)), first_end);
  EXPECT_EQ(calibration.AfterStall(kStart + absl::Milliseconds(5100)),
            first_end);
  EXPECT_EQ(calibration.AfterStall(first_end - absl::Nanoseconds(1)),
            first_end);
  EXPECT_EQ(calibration.AfterStall(first_end), first_end);
  const absl::Time between = first_end + absl::Nanoseconds(1);
  EXPECT_EQ(calibration.AfterStall(between), between);
  const absl::Time before_second = kStart + absl::Seconds(10);
  EXPECT_EQ(calibration.AfterStall(before_second - absl::Nanoseconds(1)),
            before_second - absl::Nanoseconds(1));
}

TEST(CalibrationTest, LaterStallsRepeatExactly) {
  const Calibration calibration(Stalls(200, 5), kStart);
  const absl::Time period_start = kStart + 100000 * absl::Seconds(5);
  EXPECT_EQ(calibration.AfterStall(period_start + absl::Milliseconds(199)),
            period_start + absl::Milliseconds(200));
  EXPECT_EQ(calibration.AfterStall(period_start + absl::Milliseconds(200)),
            period_start + absl::Milliseconds(200));
}

TEST(CalibrationTest, FractionalPeriodsAndStalls) {
  const Calibration calibration(Stalls(0.25, 0.001), kStart);
  const absl::Time third = kStart + absl::Milliseconds(3);
  EXPECT_EQ(calibration.AfterStall(third + absl::Microseconds(100)),
            third + absl::Microseconds(250));
  EXPECT_EQ(calibration.AfterStall(third + absl::Microseconds(250)),
            third + absl::Microseconds(250));
}

TEST(CalibrationTest, NoStallsWithoutStallMs) {
  const Calibration calibration(Stalls(0, 5), kStart);
  EXPECT_EQ(calibration.AfterStall(kStart + absl::Seconds(5)),
            kStart + absl::Seconds(5));
}

TEST(CalibrationTest, CallDeadlineAddsTheDelayThenAnyStall) {
  CalibrationOptions options = Stalls(200, 5);
  options.delay_per_call_ms = 2.5;
  const Calibration calibration(options, kStart);

  const absl::Time early = kStart + absl::Seconds(1);
  EXPECT_EQ(calibration.CallDeadline(early), early + absl::Microseconds(2500));
  // Arrives before the stall, would answer inside it: waits for its end.
  EXPECT_EQ(calibration.CallDeadline(kStart + absl::Milliseconds(4999)),
            kStart + absl::Milliseconds(5200));
  // The image delay is not the call's.
  EXPECT_EQ(calibration.ImageDeadline(early), early);
}

TEST(CalibrationTest, ImageDeadlineAddsTheDelayThenAnyStall) {
  CalibrationOptions options = Stalls(200, 5);
  options.delay_per_image_ms = 0.5;
  const Calibration calibration(options, kStart);

  const absl::Time early = kStart + absl::Seconds(2);
  EXPECT_EQ(calibration.ImageDeadline(early), early + absl::Microseconds(500));
  EXPECT_EQ(calibration.ImageDeadline(kStart + absl::Milliseconds(10100)),
            kStart + absl::Milliseconds(10200));
  EXPECT_EQ(calibration.CallDeadline(early), early);
}

TEST(WaitUntilTest, EndsAtItsDeadlineWithinTensOfMicroseconds) {
  std::vector<absl::Duration> late;
  for (int i = 0; i < 25; ++i) {
    const absl::Time deadline = absl::Now() + absl::Milliseconds(2);
    ASSERT_TRUE(WaitUntil(deadline, [] { return false; }));
    late.push_back(absl::Now() - deadline);
  }
  std::sort(late.begin(), late.end());
  EXPECT_GE(late.front(), absl::ZeroDuration()) << "ended before its deadline";
  EXPECT_LT(late[late.size() / 2], absl::Microseconds(50));
}

TEST(WaitUntilTest, PastDeadlineReturnsAtOnce) {
  int polls = 0;
  const absl::Time started = absl::Now();
  EXPECT_TRUE(WaitUntil(started - absl::Seconds(1), [&] {
    ++polls;
    return false;
  }));
  EXPECT_LT(absl::Now() - started, absl::Milliseconds(1));
  EXPECT_EQ(polls, 0);
}

TEST(WaitUntilTest, CancellationEndsAWaitEarly) {
  const absl::Time started = absl::Now();
  const absl::Time cancel_at = started + absl::Milliseconds(5);
  EXPECT_FALSE(WaitUntil(started + absl::Seconds(10),
                         [&] { return absl::Now() >= cancel_at; }));
  const absl::Duration waited = absl::Now() - started;
  EXPECT_GE(waited, absl::Milliseconds(5));
  // Noticed at the next poll, about a millisecond later; slack for load.
  EXPECT_LT(waited, absl::Milliseconds(50));
}

TEST(WaitUntilTest, AlreadyCancelledReturnsAtOnce) {
  const absl::Time started = absl::Now();
  EXPECT_FALSE(WaitUntil(started + absl::Seconds(10), [] { return true; }));
  EXPECT_LT(absl::Now() - started, absl::Milliseconds(1));
}

TEST(WaitUntilTest, PollsCancellationAboutEveryMillisecond) {
  int polls = 0;
  EXPECT_TRUE(WaitUntil(absl::Now() + absl::Milliseconds(20), [&] {
    ++polls;
    return false;
  }));
  EXPECT_GE(polls, 5);
  EXPECT_LE(polls, 21);
}

}  // namespace
}  // namespace image_server

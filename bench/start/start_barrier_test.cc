#include "bench/start/start_barrier.h"

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace image_bench {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::StartsWith;

const absl::Time kNow = absl::FromUnixSeconds(1767225600);

std::string Message(absl::string_view text) {
  return std::string(ParseStartAt(text, kNow).status().message());
}

TEST(ParseStartAtTest, TakesWholeAndFractionalSecondsSinceTheEpoch) {
  EXPECT_EQ(ParseStartAt("1767225610", kNow).value(), kNow + absl::Seconds(10));
  EXPECT_EQ(ParseStartAt("1767225601.25", kNow).value(),
            kNow + absl::Milliseconds(1250));
  EXPECT_EQ(ParseStartAt("1.7672256e9", kNow).value(), kNow);
}

TEST(ParseStartAtTest, ALittleInThePastStillStarts) {
  EXPECT_EQ(ParseStartAt("1767225597", kNow).value(), kNow - absl::Seconds(3));
}

TEST(ParseStartAtTest, RejectsWhatIsNotANumberNamingIt) {
  for (const char* bad : {"", "soon", "12s", "nan", "inf", "-inf", "1e999"}) {
    SCOPED_TRACE(bad);
    const absl::Status status = ParseStartAt(bad, kNow).status();
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(status.message()),
                StartsWith("--start_at takes seconds since the Unix epoch"));
  }
  EXPECT_THAT(Message("soon"), HasSubstr("got 'soon'"));
}

TEST(ParseStartAtTest, RejectsThePastBeyondTheSlack) {
  EXPECT_EQ(Message("1767225590"),
            "--start_at=1767225590 is 10.0 s in the past (more than 5 s "
            "ago); give an instant ahead, e.g. $(( $(date +%s) + 10 ))");
  EXPECT_THAT(Message("-5"), HasSubstr("in the past"));
}

TEST(ParseStartAtTest, RejectsMoreThanADayAhead) {
  EXPECT_TRUE(ParseStartAt("1767311999", kNow).ok());  // 24 h less 1 s.
  EXPECT_EQ(Message("1767312001"),
            "--start_at=1767312001 is 86401 s ahead, more than 24 h; it "
            "takes seconds since the Unix epoch (not milliseconds)");
  // Milliseconds by mistake, and a value past what nanoseconds hold.
  EXPECT_THAT(Message("1767225600000"), HasSubstr("more than 24 h"));
  EXPECT_THAT(Message("1e300"), HasSubstr("more than 24 h"));
}

TEST(ParseStartAtTest, AnOddValueStaysOnOneBoundedLine) {
  const std::string message =
      Message(std::string("12\n34") + std::string(500, 'x'));
  EXPECT_THAT(message, Not(HasSubstr("\n")));
  EXPECT_LT(message.size(), 200);
}

TEST(FormatUnixSecondsTest, MicrosecondsAfterThePoint) {
  EXPECT_EQ(FormatUnixSeconds(kNow + absl::Microseconds(500)),
            "1767225600.000500");
  EXPECT_EQ(ParseStartAt(FormatUnixSeconds(kNow + absl::Microseconds(1)), kNow)
                .value(),
            kNow + absl::Microseconds(1));
}

// A clock that only moves when the barrier sleeps.
struct FakeClock {
  absl::Time now = kNow;
  std::vector<absl::Duration> sleeps;

  StartBarrier::Clock Clock() {
    return {[this] { return now; },
            [this](absl::Duration duration) {
              sleeps.push_back(duration);
              now += duration;
            }};
  }
};

TEST(StartBarrierTest, WithoutAStartNothingWaits) {
  StartBarrier barrier;
  barrier.Await();
  EXPECT_EQ(barrier.start_at(), std::nullopt);
  EXPECT_EQ(barrier.released_at(), std::nullopt);
}

TEST(StartBarrierTest, TheFirstCallerWaitsUntilTheInstantAndNoLaterOne) {
  FakeClock clock;
  std::vector<std::string> lines;
  StartBarrier barrier(
      kNow + absl::Milliseconds(1500),
      [&](const std::string& line) { lines.push_back(line); }, clock.Clock());
  EXPECT_EQ(barrier.released_at(), std::nullopt);

  barrier.Await();

  EXPECT_EQ(clock.now, kNow + absl::Milliseconds(1500));
  EXPECT_EQ(barrier.released_at(), kNow + absl::Milliseconds(1500));
  // Under two seconds: no progress, only where the start fell.
  EXPECT_THAT(lines, ElementsAre("timed work began 0.000 ms after "
                                 "--start_at=1767225601.500000"));
  barrier.Await();
  barrier.Await();
  EXPECT_EQ(clock.sleeps.size(), 1);
  EXPECT_EQ(lines.size(), 1);
}

TEST(StartBarrierTest, ALongWaitSaysWhatIsLeftEveryTenSeconds) {
  FakeClock clock;
  std::vector<std::string> lines;
  StartBarrier barrier(
      kNow + absl::Seconds(25),
      [&](const std::string& line) { lines.push_back(line); }, clock.Clock());

  barrier.Await();

  EXPECT_THAT(clock.sleeps, ElementsAre(absl::Seconds(10), absl::Seconds(10),
                                        absl::Seconds(5)));
  EXPECT_THAT(
      lines,
      ElementsAre("waiting 25 s for --start_at", "waiting 15 s for --start_at",
                  "waiting 5 s for --start_at",
                  StartsWith("timed work began 0.000 ms after")));
}

TEST(StartBarrierTest, AClockSteppedBackWhileWaitingIsReadAgain) {
  FakeClock clock;
  bool stepped = false;
  StartBarrier::Clock stepping = clock.Clock();
  stepping.sleep = [&](absl::Duration duration) {
    clock.sleeps.push_back(duration);
    clock.now += duration;
    if (!stepped) clock.now -= absl::Seconds(1);  // NTP stepped the clock.
    stepped = true;
  };
  StartBarrier barrier(
      kNow + absl::Seconds(1), [](const std::string&) {}, stepping);

  barrier.Await();

  EXPECT_THAT(clock.sleeps, ElementsAre(absl::Seconds(1), absl::Seconds(1)));
  EXPECT_EQ(barrier.released_at(), kNow + absl::Seconds(1));
}

TEST(StartBarrierTest, ALateFirstCallerStartsAtOnceAndIsWarned) {
  FakeClock clock;
  std::vector<std::string> lines;
  StartBarrier barrier(
      kNow - absl::Milliseconds(1250),
      [&](const std::string& line) { lines.push_back(line); }, clock.Clock());

  barrier.Await();

  EXPECT_THAT(clock.sleeps, IsEmpty());
  EXPECT_EQ(barrier.released_at(), kNow);
  ASSERT_EQ(lines.size(), 1);
  EXPECT_THAT(lines[0], StartsWith("WARNING: timed work began 1250.000 ms "
                                   "after --start_at="));
  EXPECT_THAT(lines[0], HasSubstr("start further ahead"));
}

TEST(StartBarrierTest, OnTheRealClockEveryThreadReturnsAfterTheInstant) {
  const absl::Time start_at = absl::Now() + absl::Milliseconds(200);
  std::atomic<int> lines{0};
  StartBarrier barrier(start_at, [&](const std::string&) { ++lines; });
  std::vector<absl::Time> returned(4);
  std::vector<std::thread> threads;
  for (absl::Time& time : returned) {
    threads.emplace_back([&barrier, &time] {
      barrier.Await();
      time = absl::Now();
    });
  }
  for (std::thread& thread : threads) thread.join();

  for (const absl::Time time : returned) EXPECT_GE(time, start_at);
  ASSERT_TRUE(barrier.released_at().has_value());
  EXPECT_GE(*barrier.released_at(), start_at);
  // Generous: a loaded machine wakes late, but not by a second.
  EXPECT_LT(*barrier.released_at() - start_at, absl::Seconds(1));
  EXPECT_EQ(lines, 1);
}

}  // namespace
}  // namespace image_bench

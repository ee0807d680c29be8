#include "server/rescanner.h"

#include <atomic>

#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"

namespace image_server {
namespace {

bool CompletesWithin(Rescanner& rescanner, int count, absl::Duration limit) {
  const absl::Time deadline = absl::Now() + limit;
  while (rescanner.completed() < count) {
    if (absl::Now() > deadline) return false;
    absl::SleepFor(absl::Milliseconds(1));
  }
  return true;
}

TEST(RescannerTest, EachRequestLeadsToARescan) {
  std::atomic<int> runs{0};
  Rescanner rescanner([&] { ++runs; });
  rescanner.Request();
  ASSERT_TRUE(CompletesWithin(rescanner, 1, absl::Seconds(10)));
  rescanner.Request();
  ASSERT_TRUE(CompletesWithin(rescanner, 2, absl::Seconds(10)));
  EXPECT_EQ(runs.load(), 2);
}

TEST(RescannerTest, RequestsDuringARescanFoldIntoOneMoreWithoutBlocking) {
  absl::Notification release;
  std::atomic<int> runs{0};
  Rescanner rescanner([&] {
    if (++runs == 1) release.WaitForNotification();
  });
  rescanner.Request();
  while (runs.load() == 0) absl::SleepFor(absl::Milliseconds(1));
  for (int i = 0; i < 5; ++i) rescanner.Request();  // Must not block.
  release.Notify();
  ASSERT_TRUE(CompletesWithin(rescanner, 2, absl::Seconds(10)));
  absl::SleepFor(absl::Milliseconds(50));
  EXPECT_EQ(runs.load(), 2);
}

}  // namespace
}  // namespace image_server

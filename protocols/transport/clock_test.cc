#include "protocols/transport/clock.h"

#include "absl/time/clock.h"
#include "gtest/gtest.h"

namespace wirecheck {
namespace {

TEST(RealClockTest, MonotonicTimeNeverGoesBackwards) {
  absl::Time previous = RealClock().Now();
  for (int i = 0; i < 10000; ++i) {
    const absl::Time now = RealClock().Now();
    ASSERT_GE(now, previous);
    previous = now;
  }
}

TEST(RealClockTest, WallTimeIsNearTheSystemClock) {
  EXPECT_LT(absl::AbsDuration(RealClock().WallNow() - absl::Now()),
            absl::Seconds(1));
}

TEST(RealClockTest, SleepUntilAPastDeadlineReturnsAtOnce) {
  const absl::Time before = RealClock().Now();
  RealClock().SleepUntil(before - absl::Hours(1));
  EXPECT_LT(RealClock().Now() - before, absl::Milliseconds(100));
}

TEST(RealClockTest, SleepUntilWaitsForTheDeadline) {
  const absl::Time deadline = RealClock().Now() + absl::Milliseconds(2);
  RealClock().SleepUntil(deadline);
  EXPECT_GE(RealClock().Now(), deadline);
}

}  // namespace
}  // namespace wirecheck

#include "fakes/fake_clock.h"

#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace wirecheck::fakes {
namespace {

using ::testing::ElementsAre;

TEST(FakeClockTest, TimeMovesOnlyWhenAdvanced) {
  FakeClock clock;
  const absl::Time start = clock.Now();
  EXPECT_EQ(start, FakeClock::DefaultStart());
  EXPECT_EQ(clock.Now(), start);
  clock.Advance(absl::Seconds(5));
  EXPECT_EQ(clock.Now(), start + absl::Seconds(5));
  clock.AdvanceTo(start + absl::Hours(1));
  EXPECT_EQ(clock.Now(), start + absl::Hours(1));
}

TEST(FakeClockTest, EventsRunInTimeOrderAndTiesInCreationOrder) {
  FakeClock clock;
  const absl::Time t = clock.Now();
  std::vector<int> order;
  clock.Schedule(t + absl::Seconds(2), [&] { order.push_back(4); });
  clock.Schedule(t + absl::Seconds(1), [&] { order.push_back(1); });
  clock.Schedule(t + absl::Seconds(1), [&] { order.push_back(2); });
  clock.Schedule(t + absl::Seconds(1), [&] {
    order.push_back(3);
    // Scheduled for now by an event: runs after those already due now.
    clock.Schedule(clock.Now(), [&] { order.push_back(35); });
  });
  clock.Advance(absl::Seconds(3));
  EXPECT_THAT(order, ElementsAre(1, 2, 3, 35, 4));
}

TEST(FakeClockTest, EventsSeeTheirOwnTime) {
  FakeClock clock;
  const absl::Time t = clock.Now();
  std::vector<absl::Duration> seen;
  for (int i = 1; i <= 3; ++i) {
    clock.Schedule(t + absl::Seconds(i),
                   [&] { seen.push_back(clock.Now() - t); });
  }
  clock.SleepUntil(t + absl::Seconds(10));
  EXPECT_THAT(seen, ElementsAre(absl::Seconds(1), absl::Seconds(2),
                                absl::Seconds(3)));
  EXPECT_EQ(clock.Now(), t + absl::Seconds(10));
}

TEST(FakeClockTest, SleepUntilLeavesLaterEventsPending) {
  FakeClock clock;
  const absl::Time t = clock.Now();
  bool ran = false;
  clock.Schedule(t + absl::Seconds(2), [&] { ran = true; });
  clock.SleepUntil(t + absl::Seconds(1));
  EXPECT_FALSE(ran);
  EXPECT_EQ(clock.pending_events(), 1u);
  EXPECT_EQ(clock.next_event_time(), t + absl::Seconds(2));
  clock.Advance(absl::Seconds(1));
  EXPECT_TRUE(ran);
  EXPECT_EQ(clock.pending_events(), 0u);
  EXPECT_FALSE(clock.next_event_time().has_value());
}

TEST(FakeClockTest, TimeNeverGoesBack) {
  FakeClock clock;
  const absl::Time t = clock.Now();
  clock.SleepUntil(t - absl::Hours(1));
  EXPECT_EQ(clock.Now(), t);
  absl::Time when_run;
  clock.Schedule(t - absl::Seconds(5), [&] { when_run = clock.Now(); });
  clock.RunDue();
  EXPECT_EQ(when_run, t);
}

TEST(FakeClockTest, CancelledEventsNeverRun) {
  FakeClock clock;
  bool ran = false;
  const FakeClock::EventId id =
      clock.Schedule(clock.Now() + absl::Seconds(1), [&] { ran = true; });
  EXPECT_NE(id, 0u);
  EXPECT_TRUE(clock.Cancel(id));
  EXPECT_FALSE(clock.Cancel(id));
  EXPECT_FALSE(clock.Cancel(12345));
  clock.Advance(absl::Seconds(2));
  EXPECT_FALSE(ran);
}

TEST(FakeClockTest, RunNextStopsAtTheDeadline) {
  FakeClock clock;
  const absl::Time t = clock.Now();
  int runs = 0;
  clock.Schedule(t + absl::Seconds(1), [&] { ++runs; });
  clock.Schedule(t + absl::Seconds(3), [&] { ++runs; });
  EXPECT_TRUE(clock.RunNext(t + absl::Seconds(2)));
  EXPECT_EQ(clock.Now(), t + absl::Seconds(1));
  EXPECT_FALSE(clock.RunNext(t + absl::Seconds(2)));
  EXPECT_EQ(runs, 1);
}

TEST(FakeClockTest, RunUntilPumpsEventsUntilDone) {
  FakeClock clock;
  const absl::Time t = clock.Now();
  bool ready = false;
  clock.Schedule(t + absl::Milliseconds(300), [&] { ready = true; });
  EXPECT_TRUE(clock.RunUntil([&] { return ready; }, t + absl::Seconds(1)));
  EXPECT_EQ(clock.Now(), t + absl::Milliseconds(300));
}

TEST(FakeClockTest, RunUntilTimesOutExactlyAtTheDeadline) {
  FakeClock clock;
  const absl::Time t = clock.Now();
  bool late = false;
  clock.Schedule(t + absl::Seconds(2), [&] { late = true; });
  EXPECT_FALSE(clock.RunUntil([&] { return late; }, t + absl::Seconds(1)));
  EXPECT_EQ(clock.Now(), t + absl::Seconds(1));
  EXPECT_FALSE(late);
}

TEST(FakeClockTest, RunUntilWithAPastDeadlineRunsNothing) {
  FakeClock clock;
  bool ran = false;
  clock.Schedule(clock.Now(), [&] { ran = true; });
  EXPECT_FALSE(clock.RunUntil([&] { return ran; }, absl::InfinitePast()));
  EXPECT_FALSE(ran);
}

TEST(FakeClockTest, WallTimeMovesWithNow) {
  FakeClock clock;
  EXPECT_EQ(clock.WallNow(), FakeClock::DefaultWallStart());
  // The moment RFC 868's 32-bit seconds since 1900 wrap.
  const absl::Time wrap = absl::FromCivil(
      absl::CivilSecond(2036, 2, 7, 6, 28, 16), absl::UTCTimeZone());
  clock.SetWallTime(wrap - absl::Seconds(1));
  clock.Advance(absl::Seconds(1));
  EXPECT_EQ(clock.WallNow(), wrap);
  clock.Advance(absl::Milliseconds(1500));
  EXPECT_EQ(clock.WallNow(), wrap + absl::Milliseconds(1500));
}

TEST(FakeClockTest, SimulatesADayOfMinuteTimers) {
  FakeClock clock;
  int ticks = 0;
  std::function<void()> tick = [&] {
    ++ticks;
    clock.Schedule(clock.Now() + absl::Minutes(1), tick);
  };
  clock.Schedule(clock.Now() + absl::Minutes(1), tick);
  clock.Advance(absl::Hours(24));
  EXPECT_EQ(ticks, 24 * 60);
}

TEST(FakeClockTest, ScheduleIsThreadSafe) {
  FakeClock clock;
  int runs = 0;
  std::thread other([&] {
    for (int i = 0; i < 100; ++i) {
      clock.Schedule(clock.Now() + absl::Seconds(1), [&] { ++runs; });
    }
  });
  for (int i = 0; i < 100; ++i) {
    clock.Schedule(clock.Now() + absl::Seconds(1), [&] { ++runs; });
  }
  other.join();
  clock.Advance(absl::Seconds(1));
  EXPECT_EQ(runs, 200);
}

TEST(FakeClockTest, LifetimeExpiresWithTheClock) {
  std::weak_ptr<const void> lifetime;
  {
    FakeClock clock;
    lifetime = clock.lifetime();
    EXPECT_FALSE(lifetime.expired());
  }
  EXPECT_TRUE(lifetime.expired());
}

}  // namespace
}  // namespace wirecheck::fakes

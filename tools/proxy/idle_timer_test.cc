#include "tools/proxy/idle_timer.h"

#include <optional>

#include "fakes/fake_clock.h"
#include "fakes/fake_event_loop.h"
#include "gtest/gtest.h"

namespace wirecheck::proxy {
namespace {

class IdleTimerTest : public ::testing::Test {
 protected:
  fakes::FakeClock clock_;
  fakes::FakeEventLoop loop_{clock_};
  std::optional<absl::Duration> fired_;
  bool busy_ = false;
};

TEST_F(IdleTimerTest, FiresOnceTheTimeoutPassesUntouched) {
  IdleTimer timer(loop_, absl::Seconds(60), nullptr,
                  [this](absl::Duration idle) { fired_ = idle; });
  clock_.Advance(absl::Seconds(59));
  EXPECT_FALSE(fired_.has_value());
  clock_.Advance(absl::Seconds(1));
  EXPECT_EQ(fired_, absl::Seconds(60));
}

TEST_F(IdleTimerTest, EachTouchStartsTheTimeoutAgain) {
  IdleTimer timer(loop_, absl::Seconds(60), nullptr,
                  [this](absl::Duration idle) { fired_ = idle; });
  clock_.Advance(absl::Seconds(50));
  timer.Touch();
  clock_.Advance(absl::Seconds(50));
  timer.Touch();
  clock_.Advance(absl::Seconds(59));
  EXPECT_FALSE(fired_.has_value());
  clock_.Advance(absl::Seconds(1));
  EXPECT_EQ(fired_, absl::Seconds(60));
}

TEST_F(IdleTimerTest, WaitsWhileWorkIsScheduled) {
  busy_ = true;
  IdleTimer timer(loop_, absl::Seconds(10), [this] { return busy_; },
                  [this](absl::Duration idle) { fired_ = idle; });
  clock_.Advance(absl::Seconds(35));
  EXPECT_FALSE(fired_.has_value());
  busy_ = false;
  clock_.Advance(absl::Seconds(5));
  EXPECT_EQ(fired_, absl::Seconds(40));
}

TEST_F(IdleTimerTest, ZeroOrInfiniteNeverFires) {
  IdleTimer zero(loop_, absl::ZeroDuration(), nullptr,
                 [this](absl::Duration idle) { fired_ = idle; });
  IdleTimer infinite(loop_, absl::InfiniteDuration(), nullptr,
                     [this](absl::Duration idle) { fired_ = idle; });
  clock_.Advance(absl::Hours(24));
  EXPECT_FALSE(fired_.has_value());
}

TEST_F(IdleTimerTest, CancelledOrDestroyedNeverFires) {
  IdleTimer cancelled(loop_, absl::Seconds(1), nullptr,
                      [this](absl::Duration idle) { fired_ = idle; });
  cancelled.Cancel();
  {
    IdleTimer destroyed(loop_, absl::Seconds(1), nullptr,
                        [this](absl::Duration idle) { fired_ = idle; });
  }
  clock_.Advance(absl::Seconds(5));
  EXPECT_FALSE(fired_.has_value());
}

}  // namespace
}  // namespace wirecheck::proxy

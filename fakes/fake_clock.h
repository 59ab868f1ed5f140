// FakeClock: simulated time for the deterministic fakes.
//
// The clock owns the fake world's event queue. Time moves only when the test
// advances it (Advance, AdvanceTo, SleepUntil) or when a blocking call on a
// fake socket waits: then the clock runs the next pending event, jumping to
// its time, until the call can complete or its deadline passes. Events run in
// (time, creation order): two events due at the same time run in the order
// they were scheduled. A test that checks a one-second timeout therefore
// finishes in microseconds, and every run of it is identical.
//
//   FakeClock clock;
//   clock.Schedule(clock.Now() + absl::Seconds(1), [] { ... });
//   clock.Advance(absl::Seconds(2));  // runs the event at +1 s, stops at +2 s
#ifndef WIRECHECK_FAKES_FAKE_CLOCK_H_
#define WIRECHECK_FAKES_FAKE_CLOCK_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <utility>

#include "absl/functional/function_ref.h"
#include "absl/time/time.h"
#include "protocols/transport/clock.h"

namespace wirecheck::fakes {

// Schedule, Cancel, Now, WallNow and SetWallTime are thread-safe (so
// FakeEventLoop::Post works from any thread). Events run on the thread that
// advances the clock; advance it from one thread at a time. Destroying the
// clock discards pending events without running them.
class FakeClock : public Clock {
 public:
  using EventId = uint64_t;

  // Where Now() starts by default. Arbitrary, as a monotonic clock's epoch is.
  static absl::Time DefaultStart();
  // Where WallNow() starts by default: 2024-01-01 00:00:00 UTC.
  static absl::Time DefaultWallStart();

  FakeClock();
  // Starts Now() at `start`.
  explicit FakeClock(absl::Time start);
  ~FakeClock() override;
  FakeClock(const FakeClock&) = delete;
  FakeClock& operator=(const FakeClock&) = delete;

  absl::Time Now() override;
  // The wall time set by SetWallTime(), moved on by however far Now() has
  // moved since.
  absl::Time WallNow() override;
  // Runs every event due up to `deadline` in order, then sets Now() to
  // `deadline`. A deadline not after Now() runs nothing and leaves time alone.
  void SleepUntil(absl::Time deadline) override;

  // SleepUntil(Now() + duration).
  void Advance(absl::Duration duration);
  // SleepUntil(time).
  void AdvanceTo(absl::Time time);

  // Makes WallNow() return `wall` now (and move with Now() from here on),
  // e.g. to test a time server at 2036-02-07 06:28:16 UTC.
  void SetWallTime(absl::Time wall);

  // Runs `event` when the clock reaches `when` (at the current time if
  // `when` has passed; time never goes back). Returns an id for Cancel();
  // ids are never 0 and never reused.
  EventId Schedule(absl::Time when, std::function<void()> event);

  // Cancels an event that has not run. Returns false if it already ran, was
  // cancelled, or never existed.
  bool Cancel(EventId id);

  // Runs the earliest pending event if it is due no later than `deadline`,
  // first moving Now() to its time (never backwards). Returns whether one
  // ran.
  bool RunNext(absl::Time deadline);

  // The blocking-call primitive of every fake socket: returns true at once
  // if `done()`; otherwise, while the deadline is in the future, runs the
  // next event due by `deadline` and checks `done()` again. When no event is
  // due before the deadline, sets Now() to the deadline and returns false. A
  // deadline not after Now() is a non-blocking check: nothing runs.
  bool RunUntil(absl::FunctionRef<bool()> done, absl::Time deadline);

  // Runs every event due at the current time, without moving time.
  void RunDue();

  // Pending events (scheduled, not yet run or cancelled).
  size_t pending_events() const;
  // When the earliest pending event is due; nullopt if none.
  std::optional<absl::Time> next_event_time() const;

  // Expires when the clock is destroyed. Fakes that may outlive the clock
  // (a socket destroyed after its world) hold it and check it before use.
  std::weak_ptr<const void> lifetime() const { return lifetime_; }

 private:
  using Key = std::pair<absl::Time, EventId>;

  mutable std::mutex mutex_;
  absl::Time now_;
  absl::Time wall_base_;
  absl::Time wall_anchor_;
  EventId next_id_ = 1;
  std::map<Key, std::function<void()>> events_;
  std::unordered_map<EventId, absl::Time> due_;
  // Events run without time moving; a runaway count means something spins
  // (e.g. a level-triggered watch whose callback never consumes).
  uint64_t events_at_this_time_ = 0;
  std::shared_ptr<const void> lifetime_;
};

}  // namespace wirecheck::fakes

#endif  // WIRECHECK_FAKES_FAKE_CLOCK_H_

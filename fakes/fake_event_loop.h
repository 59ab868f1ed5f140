// FakeEventLoop: the EventLoop of the fake world, on a FakeClock.
//
// Timers, posted tasks and readiness dispatch are all FakeClock events, so
// they run whenever anything advances the clock: the test (Advance), a
// client blocked in a fake socket call (which pumps the clock), or Run().
// A server under test runs on it unchanged and sees simulated time.
//
//   FakeClock clock;
//   SimulatedNetwork network(clock);
//   FakeEventLoop loop(clock);
//   Server server(loop, server_host);          // nothing runs yet
//   ... client.Read(buffer, clock.Now() + absl::Seconds(1));
//   // the Read pumps the clock: the server accepts, reads and replies
//   // inside it, and the Read returns the reply, in microseconds.
#ifndef WIRECHECK_FAKES_FAKE_EVENT_LOOP_H_
#define WIRECHECK_FAKES_FAKE_EVENT_LOOP_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "fakes/fake_clock.h"
#include "fakes/fake_waitable.h"
#include "protocols/transport/event_loop.h"

namespace wirecheck::fakes {

// Watch() accepts only fake sockets (FakeWaitable); their readiness is
// dispatched level-triggered, exactly like epoll: while a watched socket is
// ready for its events, its callback runs again (after the other events
// already due at that time), until it consumes or unwatches. Callbacks take
// no simulated time, so one that leaves its socket ready without consuming
// spins at one instant (where epoll would spin a CPU); the FakeClock stops
// the test with a message when that happens.
//
// While one of this loop's callbacks runs, the loop is busy, as a real loop
// thread would be: if the callback blocks on a fake socket (pumping the
// clock), this loop's other timers and callbacks wait until it returns.
//
// Post() and Stop() are thread-safe; everything else belongs to the thread
// that advances the clock. The clock must outlive the loop. Destroying the
// loop cancels its pending timers and tasks.
class FakeEventLoop : public EventLoop, private ReadinessObserver {
 public:
  explicit FakeEventLoop(FakeClock& clock);
  ~FakeEventLoop() override;
  FakeEventLoop(const FakeEventLoop&) = delete;
  FakeEventLoop& operator=(const FakeEventLoop&) = delete;

  Clock& clock() override { return clock_; }
  FakeClock& fake_clock() { return clock_; }

  // Errors: INVALID_ARGUMENT when `waitable` is not a fake socket.
  absl::Status Watch(Waitable& waitable, uint32_t events,
                     std::function<void(uint32_t ready)> callback) override;
  void Unwatch(Waitable& waitable) override;
  // A FakeClock event at `when`; ties run in the order added.
  TimerId AddTimer(absl::Time when, std::function<void()> callback) override;
  void CancelTimer(TimerId id) override;
  // Runs `callback` at the clock's current time, after the events already
  // due then. Thread-safe.
  void Post(std::function<void()> callback) override;
  // Runs the clock's events (this loop's and everyone else's, moving time
  // as it goes) until Stop() or until no event is pending. Always OK.
  absl::Status Run() override;
  // Makes Run() return after the current callback (or at once on the next
  // Run() if none is running). Thread-safe.
  void Stop() override;

  // Fake sockets currently watched.
  size_t watch_count() const { return watches_.size(); }

 private:
  struct Task {
    std::function<void()> callback;
    // The clock event that will run it; 0 while deferred (the loop was busy).
    FakeClock::EventId event = 0;
  };
  struct WatchEntry {
    FakeWaitable* waitable;
    uint32_t events;
    // Shared so dispatch can hold it while the callback replaces the entry.
    std::shared_ptr<std::function<void(uint32_t)>> callback;
  };

  TimerId ScheduleTask(absl::Time when, std::function<void()> callback);
  void Fire(TimerId id);
  void Dispatch(std::function<void()>& callback);
  void SchedulePoll();
  void Poll();
  bool AnyReady() const;
  void OnReadinessChanged(FakeWaitable& waitable) override;
  void OnWaitableDestroyed(FakeWaitable& waitable) override;

  FakeClock& clock_;

  std::mutex mutex_;  // guards tasks_ and next_task_id_ (Post from any thread)
  std::map<TimerId, Task> tasks_;
  TimerId next_task_id_ = 1;

  // Loop-thread state.
  bool dispatching_ = false;
  std::vector<TimerId> deferred_;
  TimerId poll_task_ = 0;
  bool running_ = false;
  std::atomic<bool> stop_requested_{false};
  // By watch id: dispatch order is the order of (re)watching.
  std::map<uint64_t, WatchEntry> watches_;
  std::unordered_map<FakeWaitable*, uint64_t> watch_ids_;
  uint64_t next_watch_id_ = 1;
};

}  // namespace wirecheck::fakes

#endif  // WIRECHECK_FAKES_FAKE_EVENT_LOOP_H_

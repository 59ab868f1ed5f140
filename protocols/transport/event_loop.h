// The event loop reference servers and the fault proxy run on: readiness
// callbacks for sockets, timers on the loop's clock, and tasks posted from
// other threads.
//
// PosixEventLoop (posix_event_loop.h) waits with epoll; fakes::FakeEventLoop
// runs on a FakeClock, so a server under test sees simulated time.
#ifndef WIRECHECK_PROTOCOLS_TRANSPORT_EVENT_LOOP_H_
#define WIRECHECK_PROTOCOLS_TRANSPORT_EVENT_LOOP_H_

#include <cstdint>
#include <functional>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "protocols/transport/clock.h"
#include "protocols/transport/network.h"

namespace wirecheck {

// Unless a method says otherwise, call it only on the loop's thread (the one
// in Run(), or any thread before Run() starts).
class EventLoop {
 public:
  using TimerId = uint64_t;

  virtual ~EventLoop() = default;

  // The clock timers run on.
  virtual Clock& clock() = 0;

  // Calls `callback` with the IoEvent bits that are ready whenever `waitable`
  // is ready for any of `events` (level-triggered: again and again while it
  // stays ready). Watching a waitable again replaces its events and callback.
  // The waitable must outlive the watch; Unwatch before destroying it.
  // Callbacks may Watch, Unwatch, add and cancel timers freely. Errors:
  // INVALID_ARGUMENT when the waitable does not belong to this kind of loop.
  virtual absl::Status Watch(Waitable& waitable, uint32_t events,
                             std::function<void(uint32_t ready)> callback) = 0;

  // Stops watching. No callback for it runs after this returns.
  virtual void Unwatch(Waitable& waitable) = 0;

  // Runs `callback` once when the clock reaches `when` (at once if past).
  // Timers due at the same time run in the order they were added.
  virtual TimerId AddTimer(absl::Time when, std::function<void()> callback) = 0;

  // Cancels a timer that has not run yet; unknown ids are ignored.
  virtual void CancelTimer(TimerId id) = 0;

  // Runs `callback` on the loop's thread soon. Thread-safe.
  virtual void Post(std::function<void()> callback) = 0;

  // Dispatches events until Stop(). Errors: INTERNAL if waiting fails.
  virtual absl::Status Run() = 0;

  // Makes Run() return after the current callback. Thread-safe.
  virtual void Stop() = 0;
};

}  // namespace wirecheck

#endif  // WIRECHECK_PROTOCOLS_TRANSPORT_EVENT_LOOP_H_

// IdleTimer: notices when a proxied connection or client has gone quiet.
#ifndef WIRECHECK_TOOLS_PROXY_IDLE_TIMER_H_
#define WIRECHECK_TOOLS_PROXY_IDLE_TIMER_H_

#include <functional>

#include "absl/time/time.h"
#include "protocols/transport/event_loop.h"

namespace wirecheck::proxy {

// Calls `on_idle` (with how long it was idle) once `timeout` has passed
// since it was made or last touched, unless `busy()` says work is still
// scheduled (data waiting out a delay), in which case it looks again a
// timeout later. A zero or infinite timeout never fires. It fires at most
// once. Use it on `loop`'s thread; `loop` must outlive it; destroying it
// cancels it.
class IdleTimer {
 public:
  IdleTimer(EventLoop& loop, absl::Duration timeout, std::function<bool()> busy,
            std::function<void(absl::Duration idle)> on_idle);
  ~IdleTimer();
  IdleTimer(const IdleTimer&) = delete;
  IdleTimer& operator=(const IdleTimer&) = delete;

  // Something happened: the timeout starts again from now.
  void Touch();
  // Never fires from now on.
  void Cancel();

 private:
  void Arm(absl::Duration after);
  void Check();

  EventLoop& loop_;
  const absl::Duration timeout_;
  const std::function<bool()> busy_;
  const std::function<void(absl::Duration)> on_idle_;
  absl::Time last_touched_;
  EventLoop::TimerId timer_ = 0;
};

}  // namespace wirecheck::proxy

#endif  // WIRECHECK_TOOLS_PROXY_IDLE_TIMER_H_

#include "tools/proxy/idle_timer.h"

#include <utility>

namespace wirecheck::proxy {

IdleTimer::IdleTimer(EventLoop& loop, absl::Duration timeout,
                     std::function<bool()> busy,
                     std::function<void(absl::Duration idle)> on_idle)
    : loop_(loop),
      timeout_(timeout),
      busy_(std::move(busy)),
      on_idle_(std::move(on_idle)),
      last_touched_(loop.clock().Now()) {
  if (timeout_ > absl::ZeroDuration() && timeout_ != absl::InfiniteDuration()) {
    Arm(timeout_);
  }
}

IdleTimer::~IdleTimer() { Cancel(); }

void IdleTimer::Touch() { last_touched_ = loop_.clock().Now(); }

void IdleTimer::Cancel() {
  loop_.CancelTimer(timer_);
  timer_ = 0;
}

// One timer at a time, re-armed lazily: touching costs no timer work.
void IdleTimer::Arm(absl::Duration after) {
  timer_ = loop_.AddTimer(loop_.clock().Now() + after, [this] { Check(); });
}

void IdleTimer::Check() {
  timer_ = 0;
  const absl::Duration idle = loop_.clock().Now() - last_touched_;
  if (busy_ && busy_()) {
    Arm(timeout_);
    return;
  }
  if (idle < timeout_) {
    Arm(timeout_ - idle);
    return;
  }
  on_idle_(idle);
}

}  // namespace wirecheck::proxy

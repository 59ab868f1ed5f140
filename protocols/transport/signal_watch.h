// Delivers process signals (SIGINT, SIGTERM) on an event loop's thread, so
// a server can shut down gracefully instead of dying mid-reply.
#ifndef WIRECHECK_PROTOCOLS_TRANSPORT_SIGNAL_WATCH_H_
#define WIRECHECK_PROTOCOLS_TRANSPORT_SIGNAL_WATCH_H_

#include <signal.h>

#include <functional>
#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "protocols/transport/event_loop.h"
#include "protocols/transport/network.h"

namespace wirecheck {

// Watches a signalfd on a PosixEventLoop. Creating it blocks the signals in
// the calling thread, so create it before starting other threads (they
// inherit the mask and the signals then only arrive here). Destroying it
// stops watching and restores the previous mask.
class SignalWatch : public Waitable {
 public:
  // Calls `on_signal(signo)` on `loop`'s thread for each of `signals` that
  // arrives. Errors: those of sigprocmask, signalfd and EventLoop::Watch.
  static absl::StatusOr<std::unique_ptr<SignalWatch>> Create(
      EventLoop& loop, const std::vector<int>& signals,
      std::function<void(int signo)> on_signal);
  ~SignalWatch() override;

  int fd() const override { return fd_; }

 private:
  SignalWatch(EventLoop& loop, int fd, sigset_t previous_mask,
              std::function<void(int)> on_signal);
  void Drain();

  EventLoop& loop_;
  const int fd_;
  const sigset_t previous_mask_;
  std::function<void(int)> on_signal_;
};

}  // namespace wirecheck

#endif  // WIRECHECK_PROTOCOLS_TRANSPORT_SIGNAL_WATCH_H_

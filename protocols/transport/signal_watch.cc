#include "protocols/transport/signal_watch.h"

#include <pthread.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cerrno>
#include <utility>

#include "protocols/transport/socket_error.h"

namespace wirecheck {

absl::StatusOr<std::unique_ptr<SignalWatch>> SignalWatch::Create(
    EventLoop& loop, const std::vector<int>& signals,
    std::function<void(int)> on_signal) {
  sigset_t mask;
  sigemptyset(&mask);
  for (int signo : signals) sigaddset(&mask, signo);
  sigset_t previous;
  if (const int rc = pthread_sigmask(SIG_BLOCK, &mask, &previous); rc != 0) {
    return SocketError("pthread_sigmask", SocketAddress(), rc);
  }
  const int fd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
  if (fd < 0) {
    const int error = errno;
    pthread_sigmask(SIG_SETMASK, &previous, nullptr);
    return SocketError("signalfd", SocketAddress(), error);
  }
  std::unique_ptr<SignalWatch> watch(
      new SignalWatch(loop, fd, previous, std::move(on_signal)));
  SignalWatch* raw = watch.get();
  const absl::Status watched =
      loop.Watch(*watch, kReadable, [raw](uint32_t) { raw->Drain(); });
  if (!watched.ok()) return watched;
  return watch;
}

SignalWatch::SignalWatch(EventLoop& loop, int fd, sigset_t previous_mask,
                         std::function<void(int)> on_signal)
    : loop_(loop),
      fd_(fd),
      previous_mask_(previous_mask),
      on_signal_(std::move(on_signal)) {}

SignalWatch::~SignalWatch() {
  loop_.Unwatch(*this);
  close(fd_);
  pthread_sigmask(SIG_SETMASK, &previous_mask_, nullptr);
}

void SignalWatch::Drain() {
  signalfd_siginfo info;
  while (read(fd_, &info, sizeof(info)) == sizeof(info)) {
    on_signal_(static_cast<int>(info.ssi_signo));
  }
}

}  // namespace wirecheck

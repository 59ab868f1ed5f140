#include "protocols/transport/posix_event_loop.h"

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "protocols/transport/socket_error.h"

namespace wirecheck {
namespace {

uint32_t ToEpoll(uint32_t events) {
  uint32_t result = 0;
  if (events & kReadable) result |= EPOLLIN | EPOLLRDHUP;
  if (events & kWritable) result |= EPOLLOUT;
  return result;
}

uint32_t FromEpoll(uint32_t epoll_events, uint32_t wanted) {
  uint32_t result = 0;
  // Errors and hang-ups wake both directions so the owner's next call sees
  // them, as poll(2) does.
  const bool trouble = epoll_events & (EPOLLERR | EPOLLHUP);
  if ((epoll_events & (EPOLLIN | EPOLLRDHUP)) || trouble) result |= kReadable;
  if ((epoll_events & EPOLLOUT) || trouble) result |= kWritable;
  return result & wanted;
}

}  // namespace

absl::StatusOr<std::unique_ptr<PosixEventLoop>> PosixEventLoop::Create(
    Clock& clock) {
  const int epoll_fd = epoll_create1(EPOLL_CLOEXEC);
  if (epoll_fd < 0) return SocketError("epoll_create1", SocketAddress(), errno);
  const int wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (wake_fd < 0) {
    const int error = errno;
    close(epoll_fd);
    return SocketError("eventfd", SocketAddress(), error);
  }
  epoll_event event = {};
  event.events = EPOLLIN;
  event.data.u64 = 0;  // watch ids start at 1
  if (epoll_ctl(epoll_fd, EPOLL_CTL_ADD, wake_fd, &event) != 0) {
    const int error = errno;
    close(wake_fd);
    close(epoll_fd);
    return SocketError("epoll_ctl", SocketAddress(), error);
  }
  return std::unique_ptr<PosixEventLoop>(
      new PosixEventLoop(clock, epoll_fd, wake_fd));
}

PosixEventLoop::PosixEventLoop(Clock& clock, int epoll_fd, int wake_fd)
    : clock_(clock), epoll_fd_(epoll_fd), wake_fd_(wake_fd) {}

PosixEventLoop::~PosixEventLoop() {
  close(wake_fd_);
  close(epoll_fd_);
}

absl::Status PosixEventLoop::Watch(Waitable& waitable, uint32_t events,
                                   std::function<void(uint32_t)> callback) {
  const int fd = waitable.fd();
  if (fd < 0) {
    return absl::InvalidArgumentError(
        "event loop: only real sockets can be watched by PosixEventLoop");
  }
  auto [it, inserted] = watched_.try_emplace(fd);
  Watched& entry = it->second;
  entry.id = next_watch_id_++;
  entry.events = events;
  entry.callback =
      std::make_shared<std::function<void(uint32_t)>>(std::move(callback));
  epoll_event event = {};
  event.events = ToEpoll(events);
  event.data.u64 = (entry.id << 32) | static_cast<uint32_t>(fd);
  if (epoll_ctl(epoll_fd_, inserted ? EPOLL_CTL_ADD : EPOLL_CTL_MOD, fd,
                &event) != 0) {
    const int error = errno;
    watched_.erase(it);
    return SocketError("epoll_ctl", SocketAddress(), error);
  }
  return absl::OkStatus();
}

void PosixEventLoop::Unwatch(Waitable& waitable) {
  const int fd = waitable.fd();
  if (watched_.erase(fd) > 0) {
    epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
  }
}

EventLoop::TimerId PosixEventLoop::AddTimer(absl::Time when,
                                            std::function<void()> callback) {
  const TimerId id = next_timer_id_++;
  timers_.emplace(std::make_pair(when, id), std::move(callback));
  timer_due_.emplace(id, when);
  return id;
}

void PosixEventLoop::CancelTimer(TimerId id) {
  const auto it = timer_due_.find(id);
  if (it == timer_due_.end()) return;
  timers_.erase(std::make_pair(it->second, id));
  timer_due_.erase(it);
}

void PosixEventLoop::Post(std::function<void()> callback) {
  {
    std::lock_guard<std::mutex> lock(posted_mutex_);
    posted_.push_back(std::move(callback));
  }
  Wake();
}

void PosixEventLoop::Stop() {
  stop_requested_.store(true);
  Wake();
}

void PosixEventLoop::Wake() {
  const uint64_t one = 1;
  // Only fails when the counter is saturated, which still wakes the loop.
  [[maybe_unused]] const ssize_t n = write(wake_fd_, &one, sizeof(one));
}

void PosixEventLoop::RunDueTimers() {
  const absl::Time now = clock_.Now();
  // Timers added by these callbacks for "now" run on the next pass, so a
  // timer that re-arms itself cannot starve I/O.
  const TimerId last_existing = next_timer_id_;
  for (auto it = timers_.begin();
       it != timers_.end() && it->first.first <= now;) {
    if (it->first.second >= last_existing) {
      ++it;
      continue;
    }
    std::function<void()> callback = std::move(it->second);
    timer_due_.erase(it->first.second);
    timers_.erase(it);
    callback();
    it = timers_.begin();
  }
}

void PosixEventLoop::RunPosted() {
  std::vector<std::function<void()>> tasks;
  {
    std::lock_guard<std::mutex> lock(posted_mutex_);
    tasks.swap(posted_);
  }
  for (auto& task : tasks) task();
}

absl::Status PosixEventLoop::Run() {
  constexpr int kMaxEvents = 256;
  epoll_event events[kMaxEvents];
  while (!stop_requested_.load()) {
    int timeout_ms = -1;
    if (!timers_.empty()) {
      const absl::Duration left = timers_.begin()->first.first - clock_.Now();
      timeout_ms = left <= absl::ZeroDuration()
                       ? 0
                       : static_cast<int>(std::ceil(
                             absl::FDivDuration(left, absl::Milliseconds(1))));
    }
    const int count = epoll_wait(epoll_fd_, events, kMaxEvents, timeout_ms);
    if (count < 0) {
      if (errno == EINTR) continue;
      return SocketError("epoll_wait", SocketAddress(), errno);
    }
    for (int i = 0; i < count && !stop_requested_.load(); ++i) {
      const uint64_t data = events[i].data.u64;
      if (data == 0) {
        uint64_t drained;
        [[maybe_unused]] const ssize_t n = read(wake_fd_, &drained, sizeof(drained));
        continue;
      }
      const int fd = static_cast<int>(data & 0xffffffffu);
      const auto it = watched_.find(fd);
      if (it == watched_.end() || it->second.id != (data >> 32)) continue;
      const uint32_t ready = FromEpoll(events[i].events, it->second.events);
      if (ready == 0) continue;
      // Hold a reference: the callback may Unwatch or re-Watch.
      const std::shared_ptr<std::function<void(uint32_t)>> callback =
          it->second.callback;
      (*callback)(ready);
    }
    RunPosted();
    RunDueTimers();
  }
  stop_requested_.store(false);
  return absl::OkStatus();
}

}  // namespace wirecheck

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
  // A different waitable registered on this fd was closed without being
  // unwatched (closing removed it from epoll); its entry is stale.
  if (auto owner = by_fd_.find(fd);
      owner != by_fd_.end() && owner->second != &waitable) {
    Forget(watched_.find(owner->second));
  }
  auto existing = watched_.find(&waitable);
  if (existing != watched_.end() && existing->second.fd != fd) {
    Forget(existing);
    existing = watched_.end();
  }
  const bool adding = existing == watched_.end();
  Watched entry;
  entry.id = next_watch_id_++;
  entry.fd = fd;
  entry.events = events;
  entry.callback =
      std::make_shared<std::function<void(uint32_t)>>(std::move(callback));
  epoll_event event = {};
  event.events = ToEpoll(events);
  event.data.u64 = (entry.id << 32) | static_cast<uint32_t>(fd);
  int rc = epoll_ctl(epoll_fd_, adding ? EPOLL_CTL_ADD : EPOLL_CTL_MOD, fd, &event);
  if (rc != 0 && errno == EEXIST) {
    rc = epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, fd, &event);
  } else if (rc != 0 && errno == ENOENT) {
    rc = epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &event);
  }
  if (rc != 0) return SocketError("epoll_ctl", SocketAddress(), errno);
  watched_[&waitable] = std::move(entry);
  by_fd_[fd] = &waitable;
  return absl::OkStatus();
}

void PosixEventLoop::Forget(
    std::unordered_map<const Waitable*, Watched>::iterator it) {
  if (it == watched_.end()) return;
  // Only while the fd is still this waitable's: once it was closed and the
  // number given to another socket, that socket's registration stays.
  if (auto owner = by_fd_.find(it->second.fd);
      owner != by_fd_.end() && owner->second == it->first) {
    // Fails harmlessly when the fd was already closed.
    epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, it->second.fd, nullptr);
    by_fd_.erase(owner);
  }
  watched_.erase(it);
}

void PosixEventLoop::Unwatch(Waitable& waitable) {
  Forget(watched_.find(&waitable));
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
      const auto owner = by_fd_.find(fd);
      if (owner == by_fd_.end()) continue;
      const auto it = watched_.find(owner->second);
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

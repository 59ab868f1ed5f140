// An epoll event loop for real sockets.
#ifndef WIRECHECK_PROTOCOLS_TRANSPORT_POSIX_EVENT_LOOP_H_
#define WIRECHECK_PROTOCOLS_TRANSPORT_POSIX_EVENT_LOOP_H_

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "protocols/transport/clock.h"
#include "protocols/transport/event_loop.h"

namespace wirecheck {

// Level-triggered epoll over file descriptors, an eventfd for Post() and
// Stop(), and an ordered timer queue on `clock` (the real clock). One thread
// runs it; Post() and Stop() may come from any thread.
class PosixEventLoop : public EventLoop {
 public:
  // Errors: those of epoll_create1 and eventfd.
  static absl::StatusOr<std::unique_ptr<PosixEventLoop>> Create(
      Clock& clock = RealClock());
  ~PosixEventLoop() override;

  Clock& clock() override { return clock_; }
  absl::Status Watch(Waitable& waitable, uint32_t events,
                     std::function<void(uint32_t)> callback) override;
  void Unwatch(Waitable& waitable) override;
  TimerId AddTimer(absl::Time when, std::function<void()> callback) override;
  void CancelTimer(TimerId id) override;
  void Post(std::function<void()> callback) override;
  absl::Status Run() override;
  void Stop() override;

 private:
  struct Watched {
    uint64_t id;
    int fd;
    uint32_t events;
    // Shared so dispatch can hold it while the callback replaces the entry.
    std::shared_ptr<std::function<void(uint32_t)>> callback;
  };

  PosixEventLoop(Clock& clock, int epoll_fd, int wake_fd);
  void Wake();
  void RunDueTimers();
  void RunPosted();
  void Forget(std::unordered_map<const Waitable*, Watched>::iterator it);

  Clock& clock_;
  const int epoll_fd_;
  const int wake_fd_;
  std::atomic<bool> stop_requested_{false};

  // Keyed by the waitable, not its fd: a socket closed before it is
  // unwatched must not leave an entry that captures the next socket given
  // the same fd number. `id` tells a re-watched fd from the one an epoll
  // event was for, so a stale event never reaches a new callback.
  std::unordered_map<const Waitable*, Watched> watched_;
  std::unordered_map<int, const Waitable*> by_fd_;
  uint64_t next_watch_id_ = 1;

  // (due time, id) -> callback; ids grow, so ties run in order added.
  std::map<std::pair<absl::Time, TimerId>, std::function<void()>> timers_;
  std::unordered_map<TimerId, absl::Time> timer_due_;
  TimerId next_timer_id_ = 1;

  std::mutex posted_mutex_;
  std::vector<std::function<void()>> posted_;
};

}  // namespace wirecheck

#endif  // WIRECHECK_PROTOCOLS_TRANSPORT_POSIX_EVENT_LOOP_H_

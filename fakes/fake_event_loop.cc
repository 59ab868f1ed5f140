#include "fakes/fake_event_loop.h"

#include <utility>

namespace wirecheck::fakes {

FakeEventLoop::FakeEventLoop(FakeClock& clock) : clock_(clock) {}

FakeEventLoop::~FakeEventLoop() {
  for (auto& [id, entry] : watches_) entry.waitable->RemoveObserver(this);
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto& [id, task] : tasks_) {
    if (task.event != 0) clock_.Cancel(task.event);
  }
}

absl::Status FakeEventLoop::Watch(Waitable& waitable, uint32_t events,
                                  std::function<void(uint32_t)> callback) {
  auto* fake = dynamic_cast<FakeWaitable*>(&waitable);
  if (fake == nullptr) {
    return absl::InvalidArgumentError(
        "event loop: FakeEventLoop can watch only fake sockets");
  }
  if (const auto it = watch_ids_.find(fake); it != watch_ids_.end()) {
    watches_.erase(it->second);
  }
  const uint64_t id = next_watch_id_++;
  watch_ids_[fake] = id;
  watches_.emplace(
      id, WatchEntry{fake, events,
                     std::make_shared<std::function<void(uint32_t)>>(
                         std::move(callback))});
  fake->AddObserver(this);
  SchedulePoll();
  return absl::OkStatus();
}

void FakeEventLoop::Unwatch(Waitable& waitable) {
  auto* fake = dynamic_cast<FakeWaitable*>(&waitable);
  if (fake == nullptr) return;
  const auto it = watch_ids_.find(fake);
  if (it == watch_ids_.end()) return;
  watches_.erase(it->second);
  watch_ids_.erase(it);
  fake->RemoveObserver(this);
}

EventLoop::TimerId FakeEventLoop::AddTimer(absl::Time when,
                                           std::function<void()> callback) {
  return ScheduleTask(when, std::move(callback));
}

void FakeEventLoop::CancelTimer(TimerId id) {
  // Destroyed after the lock is released: its captures' destructors may use
  // the loop.
  std::function<void()> cancelled;
  std::lock_guard<std::mutex> lock(mutex_);
  const auto it = tasks_.find(id);
  if (it == tasks_.end()) return;
  if (it->second.event != 0) clock_.Cancel(it->second.event);
  cancelled = std::move(it->second.callback);
  tasks_.erase(it);
}

void FakeEventLoop::Post(std::function<void()> callback) {
  ScheduleTask(clock_.Now(), std::move(callback));
}

absl::Status FakeEventLoop::Run() {
  running_ = true;
  while (!stop_requested_.load()) {
    if (!clock_.RunNext(absl::InfiniteFuture())) break;
  }
  stop_requested_.store(false);
  running_ = false;
  return absl::OkStatus();
}

void FakeEventLoop::Stop() { stop_requested_.store(true); }

EventLoop::TimerId FakeEventLoop::ScheduleTask(absl::Time when,
                                               std::function<void()> callback) {
  std::lock_guard<std::mutex> lock(mutex_);
  const TimerId id = next_task_id_++;
  Task& task = tasks_[id];
  task.callback = std::move(callback);
  task.event = clock_.Schedule(when, [this, id] { Fire(id); });
  return id;
}

void FakeEventLoop::Fire(TimerId id) {
  std::function<void()> callback;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    const auto it = tasks_.find(id);
    if (it == tasks_.end()) return;
    if (dispatching_) {
      // A callback of this loop is blocked in a fake socket call that is
      // pumping the clock; the loop is busy until it returns.
      it->second.event = 0;
      deferred_.push_back(id);
      return;
    }
    callback = std::move(it->second.callback);
    tasks_.erase(it);
  }
  Dispatch(callback);
}

void FakeEventLoop::Dispatch(std::function<void()>& callback) {
  dispatching_ = true;
  callback();
  dispatching_ = false;
  if (deferred_.empty()) return;
  std::vector<TimerId> deferred;
  deferred.swap(deferred_);
  std::lock_guard<std::mutex> lock(mutex_);
  for (const TimerId id : deferred) {
    const auto it = tasks_.find(id);
    if (it == tasks_.end()) continue;  // cancelled meanwhile
    it->second.event = clock_.Schedule(clock_.Now(), [this, id] { Fire(id); });
  }
}

void FakeEventLoop::SchedulePoll() {
  if (poll_task_ != 0) return;
  poll_task_ = ScheduleTask(clock_.Now(), [this] {
    poll_task_ = 0;
    Poll();
  });
}

void FakeEventLoop::Poll() {
  std::vector<uint64_t> ids;
  ids.reserve(watches_.size());
  for (const auto& [id, entry] : watches_) ids.push_back(id);
  for (const uint64_t id : ids) {
    if (running_ && stop_requested_.load()) break;
    const auto it = watches_.find(id);
    if (it == watches_.end()) continue;  // unwatched by an earlier callback
    const uint32_t ready = it->second.waitable->Readiness() & it->second.events;
    if (ready == 0) continue;
    const std::shared_ptr<std::function<void(uint32_t)>> callback =
        it->second.callback;
    (*callback)(ready);
  }
  // Level-triggered: whatever is still ready is dispatched again, after the
  // events already due now.
  if (AnyReady()) SchedulePoll();
}

bool FakeEventLoop::AnyReady() const {
  for (const auto& [id, entry] : watches_) {
    if ((entry.waitable->Readiness() & entry.events) != 0) return true;
  }
  return false;
}

void FakeEventLoop::OnReadinessChanged(FakeWaitable&) { SchedulePoll(); }

void FakeEventLoop::OnWaitableDestroyed(FakeWaitable& waitable) {
  const auto it = watch_ids_.find(&waitable);
  if (it == watch_ids_.end()) return;
  watches_.erase(it->second);
  watch_ids_.erase(it);
}

}  // namespace wirecheck::fakes

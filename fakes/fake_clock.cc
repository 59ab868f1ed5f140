#include "fakes/fake_clock.h"

#include <cstdio>
#include <cstdlib>

#include "absl/strings/str_cat.h"

namespace wirecheck::fakes {
namespace {

// Far more events at one instant than any real test produces (10,000
// datagrams cost a few each), and far fewer than a spinning loop reaches in
// a test's time limit.
constexpr uint64_t kSpinLimit = 20'000'000;

}  // namespace

absl::Time FakeClock::DefaultStart() {
  return absl::UnixEpoch() + absl::Hours(1000);
}

absl::Time FakeClock::DefaultWallStart() {
  return absl::FromCivil(absl::CivilSecond(2024, 1, 1, 0, 0, 0),
                         absl::UTCTimeZone());
}

FakeClock::FakeClock() : FakeClock(DefaultStart()) {}

FakeClock::FakeClock(absl::Time start)
    : now_(start),
      wall_base_(DefaultWallStart()),
      wall_anchor_(start),
      lifetime_(std::make_shared<int>(0)) {}

FakeClock::~FakeClock() = default;

absl::Time FakeClock::Now() {
  std::lock_guard<std::mutex> lock(mutex_);
  return now_;
}

absl::Time FakeClock::WallNow() {
  std::lock_guard<std::mutex> lock(mutex_);
  return wall_base_ + (now_ - wall_anchor_);
}

void FakeClock::SetWallTime(absl::Time wall) {
  std::lock_guard<std::mutex> lock(mutex_);
  wall_base_ = wall;
  wall_anchor_ = now_;
}

void FakeClock::SleepUntil(absl::Time deadline) {
  while (RunNext(deadline)) {
  }
  std::lock_guard<std::mutex> lock(mutex_);
  if (deadline > now_) {
    now_ = deadline;
    events_at_this_time_ = 0;
  }
}

void FakeClock::Advance(absl::Duration duration) {
  SleepUntil(Now() + duration);
}

void FakeClock::AdvanceTo(absl::Time time) { SleepUntil(time); }

FakeClock::EventId FakeClock::Schedule(absl::Time when,
                                       std::function<void()> event) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (when < now_) when = now_;
  const EventId id = next_id_++;
  events_.emplace(Key(when, id), std::move(event));
  due_.emplace(id, when);
  return id;
}

bool FakeClock::Cancel(EventId id) {
  // Destroyed after the lock is released: its captures' destructors may
  // schedule events of their own.
  std::function<void()> cancelled;
  std::lock_guard<std::mutex> lock(mutex_);
  const auto it = due_.find(id);
  if (it == due_.end()) return false;
  const auto event = events_.find(Key(it->second, id));
  cancelled = std::move(event->second);
  events_.erase(event);
  due_.erase(it);
  return true;
}

bool FakeClock::RunNext(absl::Time deadline) {
  std::function<void()> event;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    const auto it = events_.begin();
    if (it == events_.end() || it->first.first > deadline) return false;
    if (it->first.first > now_) {
      now_ = it->first.first;
      events_at_this_time_ = 0;
    }
    if (++events_at_this_time_ > kSpinLimit) {
      std::fprintf(stderr, "%s\n",
                   absl::StrCat("FakeClock: ", kSpinLimit,
                                " events ran without time moving; something "
                                "spins (a level-triggered watch whose "
                                "callback never consumes, or a timer that "
                                "re-arms itself for now)")
                       .c_str());
      std::abort();
    }
    event = std::move(it->second);
    due_.erase(it->first.second);
    events_.erase(it);
  }
  event();
  return true;
}

bool FakeClock::RunUntil(absl::FunctionRef<bool()> done, absl::Time deadline) {
  if (done()) return true;
  if (deadline <= Now()) return false;
  while (RunNext(deadline)) {
    if (done()) return true;
  }
  SleepUntil(deadline);
  return done();
}

void FakeClock::RunDue() {
  while (RunNext(Now())) {
  }
}

size_t FakeClock::pending_events() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return events_.size();
}

std::optional<absl::Time> FakeClock::next_event_time() const {
  std::lock_guard<std::mutex> lock(mutex_);
  if (events_.empty()) return std::nullopt;
  return events_.begin()->first.first;
}

}  // namespace wirecheck::fakes

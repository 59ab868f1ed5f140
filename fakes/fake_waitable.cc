#include "fakes/fake_waitable.h"

#include <algorithm>

namespace wirecheck::fakes {

FakeWaitable::~FakeWaitable() {
  // Copied: an observer removes itself while being told.
  const std::vector<ReadinessObserver*> observers = observers_;
  for (ReadinessObserver* observer : observers) {
    observer->OnWaitableDestroyed(*this);
  }
}

void FakeWaitable::AddObserver(ReadinessObserver* observer) {
  if (std::find(observers_.begin(), observers_.end(), observer) ==
      observers_.end()) {
    observers_.push_back(observer);
  }
}

void FakeWaitable::RemoveObserver(ReadinessObserver* observer) {
  observers_.erase(std::remove(observers_.begin(), observers_.end(), observer),
                   observers_.end());
}

void FakeWaitable::NotifyReadinessChanged() {
  const std::vector<ReadinessObserver*> observers = observers_;
  for (ReadinessObserver* observer : observers) {
    observer->OnReadinessChanged(*this);
  }
}

}  // namespace wirecheck::fakes

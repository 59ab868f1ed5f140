// FakeWaitable: how an in-memory socket tells a FakeEventLoop it is ready.
//
// Fake sockets have no file descriptor (their fd() is -1). Instead they
// report readiness directly (Readiness()) and notify their observers whenever
// it may have changed; FakeEventLoop observes the sockets it watches and
// dispatches their callbacks level-triggered, as epoll would.
#ifndef WIRECHECK_FAKES_FAKE_WAITABLE_H_
#define WIRECHECK_FAKES_FAKE_WAITABLE_H_

#include <cstdint>
#include <vector>

namespace wirecheck::fakes {

class FakeWaitable;

// Told about readiness changes of the FakeWaitables it observes.
class ReadinessObserver {
 public:
  virtual ~ReadinessObserver() = default;
  // The waitable's readiness may have changed. Must not call back into the
  // waitable's I/O (it may be mid-operation); schedule work instead.
  virtual void OnReadinessChanged(FakeWaitable& waitable) = 0;
  // The waitable is being destroyed; forget it.
  virtual void OnWaitableDestroyed(FakeWaitable& waitable) = 0;
};

// Mixed into fake sockets beside Stream, Listener or DatagramSocket.
// Not thread-safe, like the sockets.
class FakeWaitable {
 public:
  FakeWaitable() = default;
  FakeWaitable(const FakeWaitable&) = delete;
  FakeWaitable& operator=(const FakeWaitable&) = delete;
  // Tells every observer the waitable is gone.
  virtual ~FakeWaitable();

  // The IoEvent bits (network.h) that are ready now, with poll(2)'s
  // conventions: an error or hang-up makes a socket both readable and
  // writable, so the owner's next call reports it. 0 once closed.
  virtual uint32_t Readiness() const = 0;

  // Observers are not owned; an observer must remove itself before it is
  // destroyed. Adding one twice has no further effect.
  void AddObserver(ReadinessObserver* observer);
  void RemoveObserver(ReadinessObserver* observer);

 protected:
  // Tells every observer that readiness may have changed.
  void NotifyReadinessChanged();

 private:
  std::vector<ReadinessObserver*> observers_;
};

}  // namespace wirecheck::fakes

#endif  // WIRECHECK_FAKES_FAKE_WAITABLE_H_

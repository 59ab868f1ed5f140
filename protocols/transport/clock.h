// The clock interface every protocol, server and check reads time through.
//
// Production code uses RealClock(); tests use fakes::FakeClock, whose time
// moves only when the test or the simulator advances it, so a one-second
// timeout is checked in microseconds.
#ifndef WIRECHECK_PROTOCOLS_TRANSPORT_CLOCK_H_
#define WIRECHECK_PROTOCOLS_TRANSPORT_CLOCK_H_

#include "absl/time/time.h"

namespace wirecheck {

class Clock {
 public:
  virtual ~Clock() = default;

  // Monotonic time: never jumps, so deadlines and durations use it. Its epoch
  // is arbitrary; compare only with other values from the same clock.
  virtual absl::Time Now() = 0;

  // Wall-clock time (UTC), for protocols that tell the time.
  virtual absl::Time WallNow() = 0;

  // Returns once Now() >= deadline. A fake clock runs the events due before
  // the deadline instead of sleeping.
  virtual void SleepUntil(absl::Time deadline) = 0;
};

// The process's real clock: steady_clock for Now(), the system clock for
// WallNow(). Thread-safe; lives forever.
Clock& RealClock();

}  // namespace wirecheck

#endif  // WIRECHECK_PROTOCOLS_TRANSPORT_CLOCK_H_

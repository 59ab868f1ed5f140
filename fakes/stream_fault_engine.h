// StreamFaultEngine: applies one direction's stream faults (fault_plan.h) to
// the bytes a sender writes. Pure logic: no sockets, no randomness; time
// comes from a Clock. The fake streams (fake_stream.h) and `wirecheck proxy`
// both carry out what it returns.
//
//   StreamFaultEngine engine(plan.stream(Direction::kUp), clock, &log,
//                            "client->server");
//   Apply(engine.OnOpen());              // when the connection is made
//   Apply(engine.OnData(bytes_read));    // for every chunk the sender wrote
//   Apply(engine.OnEnd());               // when the sender shuts down writing
//   // Apply: deliver each kData at its time as one segment (one write);
//   // kEnd: shut down writing toward the receiver; kReset: reset both ends.
#ifndef WIRECHECK_FAKES_STREAM_FAULT_ENGINE_H_
#define WIRECHECK_FAKES_STREAM_FAULT_ENGINE_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "fakes/fault_log.h"
#include "fakes/fault_plan.h"
#include "protocols/transport/clock.h"

namespace wirecheck::fakes {

// Not thread-safe. `clock` and `log` (which may be null) must outlive it.
// When several byte triggers fall on the same byte, reset_after wins over
// half_close_after, which wins over stall_after.
class StreamFaultEngine {
 public:
  struct Action {
    enum class Kind {
      kData,   // deliver `bytes` as one segment
      kEnd,    // the receiver reads EOF (after everything before it)
      kReset,  // reset the connection: both ends see a reset
    };
    Kind kind = Kind::kData;
    std::string bytes;
    // When it reaches the receiver; never earlier than an action before it.
    absl::Time at;
  };

  struct Output {
    std::vector<Action> actions;
    // Bytes accepted but never to be delivered (stall). A carrier keeps
    // them counted against its buffer, so the writer feels back-pressure,
    // as behind a peer that stopped reading.
    size_t held = 0;
    // Bytes dropped because the direction was half-closed or reset. A
    // carrier reads and forgets them.
    size_t discarded = 0;
  };

  StreamFaultEngine(StreamFaults faults, Clock& clock, FaultLog* log,
                    std::string path);

  // The connection is made: applies triggers at byte 0 (half_close_after=0
  // ends the direction at once, reset_after=0 resets it, stall stalls it).
  // Without it they apply at the first OnData() or OnEnd().
  Output OnOpen();
  // The sender wrote `data`, now.
  Output OnData(absl::string_view data);
  // The sender shut down its writing side (or closed) now. The EOF follows
  // every byte before it, `slow_close` late; never, if stalled.
  Output OnEnd();

  // Bytes the sender has written so far.
  uint64_t bytes_in() const { return bytes_in_; }
  // No more bytes will be delivered: half-closed, reset, or ended.
  bool ended() const { return state_ == State::kEnded || state_ == State::kReset; }
  bool stalled() const { return state_ == State::kStalled; }
  const StreamFaults& faults() const { return faults_; }

 private:
  enum class State { kFlowing, kStalled, kEnded, kReset };

  void FireTriggers(Output& out);
  absl::Time NextControlTime();
  void Log(uint64_t offset, absl::string_view fault, std::string detail);

  const StreamFaults faults_;
  Clock& clock_;
  FaultLog* const log_;
  const std::string path_;
  State state_ = State::kFlowing;
  uint64_t bytes_in_ = 0;
  absl::Time busy_until_ = absl::InfinitePast();
  absl::Time last_at_ = absl::InfinitePast();
};

}  // namespace wirecheck::fakes

#endif  // WIRECHECK_FAKES_STREAM_FAULT_ENGINE_H_

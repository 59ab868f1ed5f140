// Fault plans: the one vocabulary of network faults, shared by the simulated
// network, the fake streams and `wirecheck proxy`.
//
// A plan is a list of terms separated by spaces or ';' (several --fault
// flags are simply joined). Each term is `[direction:]name[=value]`:
//
//   drop=0.3 drop_indices=1,5,9 down:delay=100ms jitter=20ms
//   slice=1 up:half_close_after=100 down:reset_after=4096
//
// Direction prefixes:
//   up:    traffic from the side that started the conversation (the client,
//          the connecting side, the first host of a host pair) toward the
//          other (the server, the upstream);
//   down:  the reverse;
//   none:  both directions, each with its own engine, counters and random
//          stream.
//
// Datagram faults (each datagram is numbered from 1 in its direction; "P" is
// a probability written 0.3 or 30%):
//   drop=P                       drop each datagram with probability P
//   drop_every=N                 drop datagrams N, 2N, 3N, ...
//   drop_first=N                 drop datagrams 1..N
//   drop_indices=I,J,...         drop exactly these datagrams
//   gilbert_elliott=p,r[,b[,g]]  burst loss: a two-state (good/bad) chain
//                                that goes bad with probability p and back
//                                with probability r after each datagram, and
//                                loses a datagram with probability b in the
//                                bad state (default 1) and g in the good
//                                state (default 0): mean burst length 1/r
//   duplicate=P                  deliver a second copy with probability P
//   reorder=P[,N]                hold a datagram back with probability P
//                                until N more datagrams (default 1) have been
//                                delivered, then deliver it right after them
//   reorder_hold=D               longest a held datagram waits for those N
//                                (default 100ms), then it is delivered anyway
//   delay=D                      deliver every datagram D late
//   jitter=D                     add a uniform random -D..+D to each delay
//                                (never below zero); may reorder, as netem's
//   truncate=N[,P]               cut datagrams longer than N bytes to N bytes
//                                (with probability P, default 1)
//   corrupt=P                    flip one random bit of a datagram with
//                                probability P
// Stream faults (byte counts are per direction, from the first byte):
//   slice=N                      deliver writes as segments of at most N bytes,
//                                each its own read (slice=1: byte by byte)
//   delay=D                      every byte arrives D after it was written
//   half_close_after=N           after N bytes the receiver reads EOF; later
//                                bytes are discarded; the other direction
//                                still flows
//   reset_after=N                after N bytes the connection is reset: both
//                                ends see "Connection reset by peer"
//   stall                        accept bytes but never deliver them (nor the
//                                EOF); the writer ends up blocked
//   stall_after=N                deliver N bytes, then stall
//   slow_close=D                 the receiver sees the sender's EOF D late
//   bandwidth=RATE               at most RATE bytes per second, paced in
//                                10 ms segments; RATE is a number with an
//                                optional unit: B, KB, MB, GB (powers of
//                                1000), KiB, MiB, GiB, or bit, kbit, Mbit,
//                                Gbit, and an optional "/s": 64KiB/s, 1Mbit
//
// `delay` applies to both kinds; every other term to one kind. Durations are
// absl::ParseDuration's: 100ms, 1.5s, 2m. Parse errors are INVALID_ARGUMENT
// naming the bad term.
//
// The plan only describes faults; DatagramFaultEngine and StreamFaultEngine
// (their own headers) apply them, taking time from a Clock and every random
// choice from a seed, and record each fault in a FaultLog.
#ifndef WIRECHECK_FAKES_FAULT_PLAN_H_
#define WIRECHECK_FAKES_FAULT_PLAN_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace wirecheck::fakes {

enum class Direction { kUp = 0, kDown = 1 };

// "up" or "down".
absl::string_view DirectionName(Direction direction);

// The faults for datagrams travelling one way.
struct DatagramFaults {
  struct GilbertElliott {
    double good_to_bad = 0;  // p
    double bad_to_good = 1;  // r
    double bad_loss = 1;     // loss probability in the bad state
    double good_loss = 0;    // loss probability in the good state
  };

  double drop = 0;
  uint64_t drop_every = 0;             // 0: off
  uint64_t drop_first = 0;             // 0: off
  std::vector<uint64_t> drop_indices;  // sorted, 1-based
  std::optional<GilbertElliott> gilbert_elliott;
  double duplicate = 0;
  double reorder = 0;
  uint64_t reorder_gap = 1;
  absl::Duration reorder_hold = absl::Milliseconds(100);
  absl::Duration delay = absl::ZeroDuration();
  absl::Duration jitter = absl::ZeroDuration();
  std::optional<size_t> truncate;  // cut to this many bytes
  double truncate_probability = 1;
  double corrupt = 0;

  // True when no term changes anything.
  bool empty() const;
};

// The faults for one direction of a byte stream.
struct StreamFaults {
  size_t slice = 0;  // 0: writes stay whole
  absl::Duration delay = absl::ZeroDuration();
  std::optional<uint64_t> half_close_after;
  std::optional<uint64_t> reset_after;
  std::optional<uint64_t> stall_after;  // `stall` is stall_after=0
  absl::Duration slow_close = absl::ZeroDuration();
  double bandwidth = 0;  // bytes per second; 0: unlimited

  bool empty() const;
};

// A parsed plan: both directions' faults, and the terms as written.
class FaultPlan {
 public:
  // One term as parsed.
  struct Term {
    std::string text;                      // "up:drop=0.3"
    std::optional<Direction> direction;    // nullopt: both
    std::string name;                      // "drop"
    bool for_datagrams = false;
    bool for_streams = false;
  };

  // The empty plan: no faults.
  FaultPlan() = default;

  const DatagramFaults& datagram(Direction direction) const {
    return datagram_[static_cast<int>(direction)];
  }
  const StreamFaults& stream(Direction direction) const {
    return stream_[static_cast<int>(direction)];
  }
  const std::vector<Term>& terms() const { return terms_; }
  bool empty() const { return terms_.empty(); }

  // The terms joined with spaces: parses back to the same plan.
  std::string ToString() const;

 private:
  friend absl::StatusOr<FaultPlan> ParseFaultPlan(absl::string_view text);
  DatagramFaults datagram_[2];
  StreamFaults stream_[2];
  std::vector<Term> terms_;
};

// Parses a plan as described at the top of this file. The empty string is
// the empty plan. Errors: INVALID_ARGUMENT naming the bad term, e.g.
// `fault plan: "drop=1.5": drop wants a probability from 0 to 1`, for an
// unknown name or direction, a bad value, or a term given twice for the same
// direction.
absl::StatusOr<FaultPlan> ParseFaultPlan(absl::string_view text);

// INVALID_ARGUMENT naming the first stream-only term, for places that carry
// only datagrams (a UDP proxy, a link of the simulated network).
absl::Status CheckDatagramFaultsOnly(const FaultPlan& plan);
// INVALID_ARGUMENT naming the first datagram-only term (a TCP proxy).
absl::Status CheckStreamFaultsOnly(const FaultPlan& plan);
// INVALID_ARGUMENT naming the first term with a direction, for places that
// have no direction (a link of the simulated network).
absl::Status CheckUndirected(const FaultPlan& plan);

}  // namespace wirecheck::fakes

#endif  // WIRECHECK_FAKES_FAULT_PLAN_H_

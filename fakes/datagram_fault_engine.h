// DatagramFaultEngine: applies one direction's datagram faults (fault_plan.h)
// to a sequence of datagrams. Pure logic: no sockets. It takes the time from
// a Clock and every random choice from a seed, so the same seed and the same
// datagrams give the same faults on every run; the simulated network
// (simulated_network.h) and `wirecheck proxy` both deliver what it returns.
//
//   DatagramFaultEngine engine(plan.datagram(Direction::kUp), seed, clock,
//                              &log, "client->server");
//   for (auto& delivery : engine.Process(payload)) {
//     // send delivery.payload at delivery.at
//   }
//   // and call ReleaseExpired() at next_release(), if any.
#ifndef WIRECHECK_FAKES_DATAGRAM_FAULT_ENGINE_H_
#define WIRECHECK_FAKES_DATAGRAM_FAULT_ENGINE_H_

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "fakes/fault_log.h"
#include "fakes/fault_plan.h"
#include "fakes/seeded_random.h"
#include "protocols/transport/clock.h"

namespace wirecheck::fakes {

// Not thread-safe. `clock` and `log` (which may be null) must outlive it.
//
// Each datagram goes through, in this order: the drop rules (dropped if any
// rule picks it), truncate, corrupt, duplicate, delay with jitter (each copy
// its own), reorder. Every term draws from its own random stream, once per
// datagram whether or not another term already acted, so one term's choices
// for seed S do not depend on which other terms are in the plan.
class DatagramFaultEngine {
 public:
  struct Delivery {
    std::string payload;
    // When to deliver it; never before the datagram entered. Deliveries due
    // at the same time are to be delivered in the order returned.
    absl::Time at;
    // The datagram's number in this direction, from 1.
    uint64_t index = 0;
    // The second copy made by `duplicate`.
    bool duplicate = false;
    // What the caller passed to Process() with this datagram.
    std::shared_ptr<const void> context;
  };

  DatagramFaultEngine(DatagramFaults faults, uint64_t seed, Clock& clock,
                      FaultLog* log, std::string path);

  // Takes the next datagram, entering now. Returns what to deliver and when:
  // nothing if it was dropped or is held back for reordering; possibly also
  // earlier datagrams that were waiting for it to overtake them. `context`
  // (e.g. where the datagram is going) comes back with its deliveries.
  std::vector<Delivery> Process(absl::string_view payload,
                                std::shared_ptr<const void> context = nullptr);

  // Returns held datagrams whose reorder_hold ran out by now (delivered at
  // once). Call it at next_release().
  std::vector<Delivery> ReleaseExpired();
  // When the earliest held datagram's hold runs out; nullopt if none held.
  std::optional<absl::Time> next_release() const;

  // Datagrams processed so far (the number of the last one).
  uint64_t count() const { return count_; }
  const DatagramFaults& faults() const { return faults_; }

 private:
  struct Held {
    std::vector<Delivery> deliveries;
    uint64_t waiting_for;  // datagrams still to overtake it
    absl::Time release_by;
  };

  std::string DropReason(uint64_t index);
  void Log(uint64_t index, absl::string_view fault, std::string detail);

  const DatagramFaults faults_;
  Clock& clock_;
  FaultLog* const log_;
  const std::string path_;
  uint64_t count_ = 0;
  bool bad_state_ = false;
  SeededRandom drop_random_;
  SeededRandom burst_random_;
  SeededRandom duplicate_random_;
  SeededRandom reorder_random_;
  SeededRandom jitter_random_;
  SeededRandom truncate_random_;
  SeededRandom corrupt_random_;
  std::deque<Held> held_;
};

}  // namespace wirecheck::fakes

#endif  // WIRECHECK_FAKES_DATAGRAM_FAULT_ENGINE_H_

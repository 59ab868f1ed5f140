// The UDP ping client: sends numbered pings, matches answers by sequence
// number, and keeps statistics the way iputils ping does (SPEC
// PING-CLIENT-1..5).
// It reads time only through the network's clock, so a one-second timeout
// is tested with the fake clock in microseconds.
#ifndef WIRECHECK_PROTOCOLS_PING_PING_CLIENT_H_
#define WIRECHECK_PROTOCOLS_PING_PING_CLIENT_H_

#include <cstdint>
#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "protocols/transport/address.h"
#include "protocols/transport/network.h"

namespace wirecheck::ping {

struct PingOptions {
  int count = 10;
  absl::Duration interval = absl::Seconds(1);
  absl::Duration timeout = absl::Seconds(1);
  // Payload size in bytes; 0 (or less than the header) sends the bare
  // "Ping <sequence> <time>".
  size_t size = 0;
};

// Something that happened during a session, in the order it happened.
struct PingEvent {
  enum class Kind {
    kReply,        // the first, intact answer to an outstanding ping
    kTimeout,      // no answer within the timeout ("Request timed out")
    kLate,         // an answer to a ping that had already timed out
    kDuplicate,    // a further answer to an answered ping ("DUP!")
    kCorrupted,    // an answer that is not the ping, even upper-cased
    kUnreachable,  // ICMP port unreachable ("Connection refused")
  };
  Kind kind = Kind::kReply;
  // 0 when the answer could not be attributed to any ping.
  uint32_t sequence = 0;
  // Since the ping was sent (kReply, kLate, kDuplicate, kCorrupted).
  absl::Duration round_trip;
  SocketAddress from;
  std::string payload;
  // kReply: the server upper-cased the payload.
  bool uppercased = false;
};

struct PingStatistics {
  int transmitted = 0;
  int received = 0;
  int duplicates = 0;
  int corrupted = 0;
  int late = 0;
  int errors = 0;
  // From the first send to the end of the session.
  absl::Duration elapsed;
  // Over received answers only; zero when none.
  absl::Duration min;
  absl::Duration avg;
  absl::Duration max;
  // Population standard deviation, as iputils computes it.
  absl::Duration mdev;

  // 100 * (transmitted - received) / transmitted.
  double loss_percent() const;
};

// Runs a ping session against `target` on `network` and returns its
// statistics, calling `on_event` as each event happens. Errors: failures to
// open the socket or to send (not lost or unreachable pings, which are
// statistics).
absl::StatusOr<PingStatistics> RunPing(
    Network& network, const SocketAddress& target, const PingOptions& options,
    const std::function<void(const PingEvent&)>& on_event);

// One line per event, e.g.
//   "24 bytes from 127.0.0.1:9999: seq=1 time=0.123 ms \"PING 1 ...\"",
//   "Request timed out (seq=2)".
std::string FormatEvent(const PingEvent& event);

// The iputils summary: "--- HOST ping statistics ---", the counts line and,
// when anything was received, the rtt line.
std::string FormatStatistics(absl::string_view host,
                             const PingStatistics& statistics);

}  // namespace wirecheck::ping

#endif  // WIRECHECK_PROTOCOLS_PING_PING_CLIENT_H_

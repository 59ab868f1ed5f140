// Deliberately broken RFC 868 servers, for testing the client and the
// conformance cases against every way real servers get it wrong.
#ifndef WIRECHECK_PROTOCOLS_TIME_TESTING_BROKEN_TIME_SERVERS_H_
#define WIRECHECK_PROTOCOLS_TIME_TESTING_BROKEN_TIME_SERVERS_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "protocols/transport/address.h"
#include "protocols/transport/clock.h"
#include "protocols/transport/network.h"
#include "protocols/transport/server.h"

namespace wirecheck::timeproto::testing {

enum class TcpFault {
  kThreeBytes,         // sends 3 bytes of the time, then closes
  kEightBytes,         // sends 8 bytes (a 64-bit count), then closes
  kNeverCloses,        // sends the 4 bytes, then keeps the connection open
  kCloseWithoutData,   // closes at once without sending anything
  kReset,              // resets the connection without sending anything
  kWaitsForClientData, // sends the time only after the client sends a byte
  kResetOnClientData,  // sends the time, but resets if the client sent data
  kWrongTime,          // sends the time one hour slow
  kStall,              // accepts and never sends or closes
  kRefusesHalfClosed,  // waits 10 ms before answering, and closes without
                       // data if the client half-closed meanwhile
};

enum class UdpFault {
  kSilent,          // never answers
  kEightBytes,      // answers with 8 bytes
  kLate,            // answers after a delay (TimeServerFaults::udp_delay)
  kFromOtherPort,   // answers from a different socket (port)
  kIgnoresEmpty,    // answers only non-empty datagrams
  kDropsFirstTwo,   // ignores the first two datagrams from a sender
};

// Serves a time service over TCP with `fault`, on `server`. Returns the
// bound address.
absl::StatusOr<SocketAddress> ServeBrokenTcp(Server& server, Clock& clock,
                                             TcpFault fault,
                                             const SocketAddress& address);

// Serves a time service over UDP with `fault`. `network` makes the extra
// socket kFromOtherPort answers from; `delay` is kLate's.
absl::StatusOr<SocketAddress> ServeBrokenUdp(
    Server& server, Network& network, Clock& clock, UdpFault fault,
    const SocketAddress& address, absl::Duration delay = absl::Seconds(10));

// Serves a fixed `reply` over TCP to every connection, then closes: for
// daytime texts of every shape.
absl::StatusOr<SocketAddress> ServeCannedTcp(Server& server, std::string reply,
                                             const SocketAddress& address);

// Answers every datagram with a fixed `reply`.
absl::StatusOr<SocketAddress> ServeCannedUdp(Server& server, std::string reply,
                                             const SocketAddress& address);

}  // namespace wirecheck::timeproto::testing

#endif  // WIRECHECK_PROTOCOLS_TIME_TESTING_BROKEN_TIME_SERVERS_H_

// Clients for RFC 868 Time and RFC 867 Daytime that never hang: every step
// has a deadline, UDP is retried, and every way a server can go wrong is
// reported in words.
#ifndef WIRECHECK_PROTOCOLS_TIME_TIME_CLIENT_H_
#define WIRECHECK_PROTOCOLS_TIME_TIME_CLIENT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "protocols/time/time_codec.h"
#include "protocols/transport/address.h"
#include "protocols/transport/endpoint.h"
#include "protocols/transport/network.h"

namespace wirecheck::timeproto {

struct QueryOptions {
  // The deadline of each step: connecting, and waiting for the reply (per
  // UDP attempt).
  absl::Duration timeout = absl::Seconds(5);
  // UDP requests sent before giving up (at least 1).
  int udp_attempts = 3;
  // After a complete reply over TCP, how long to wait for the server to
  // close before reporting that it kept the connection open.
  absl::Duration close_grace = absl::Milliseconds(200);
};

// What a server answered.
struct Answer {
  SocketAddress server;
  Transport transport = Transport::kTcp;
  // The bytes received.
  std::string raw;
  // Time: the RFC 868 value and the instant it stands for under the era rule
  // (nearest the local clock). Daytime: the parsed text, and its instant
  // when the text says one.
  uint32_t value = 0;
  DaytimeText daytime;
  absl::optional<absl::Time> server_time;
  // The local wall clock halfway between request and reply.
  absl::Time local_time;
  absl::Duration round_trip;
  // server_time - local_time; RFC 868's resolution is one second.
  absl::optional<absl::Duration> offset;
  // UDP requests sent.
  int attempts = 1;
  // Deviations that did not stop the answer being read, e.g. "the server
  // kept the connection open after the reply".
  std::vector<std::string> warnings;
};

// Asks `server` for the time (kTime) or the daytime text (kDaytime) over
// `transport`, with the network's clock. Errors say exactly what went wrong:
//   UNAVAILABLE        connection refused / port unreachable / no route;
//   DEADLINE_EXCEEDED  silence: no connection, or no answer after every
//                      UDP attempt;
//   INVALID_ARGUMENT   a malformed answer (short or long time reply, bad
//                      daytime text), with the bytes;
//   FAILED_PRECONDITION the server closed without answering (RFC 868: it
//                      cannot tell the time);
//   ABORTED            the server reset the connection.
absl::StatusOr<Answer> Query(Network& network, const SocketAddress& server,
                             Transport transport, bool daytime,
                             const QueryOptions& options = {});

// True when `status` means the server never answered at all (refused,
// unreachable, silent): the CLI's exit code 3 rather than 1.
bool IsNoAnswer(const absl::Status& status);

}  // namespace wirecheck::timeproto

#endif  // WIRECHECK_PROTOCOLS_TIME_TIME_CLIENT_H_

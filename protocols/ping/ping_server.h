// The reference UDP ping server (SPEC PING-1..7): every datagram is echoed,
// optionally upper-cased, to its sender, on the shared server loop. It can
// simulate a lossy, slow path (SPEC PING-6) with the fault plans the
// simulated network and the proxy use, deterministically from a seed.
#ifndef WIRECHECK_PROTOCOLS_PING_PING_SERVER_H_
#define WIRECHECK_PROTOCOLS_PING_PING_SERVER_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "fakes/fault_log.h"
#include "protocols/transport/address.h"
#include "protocols/transport/server.h"

namespace wirecheck::ping {

struct PingServerOptions {
  // Upper-case every letter of the echo, as the classic pinger's server does.
  bool uppercase = false;
  // Faults applied to the replies, in the fault-plan vocabulary
  // (fakes/fault_plan.h), e.g. "drop=0.3 delay=50ms jitter=10ms". Datagram
  // terms only, without a direction. Empty: none.
  std::string faults;
  // Seeds every random choice of `faults`: the same seed and the same pings
  // give the same losses, copies and delays on every run.
  uint64_t seed = 0;
  // Receives a record of each fault applied (may be null; must outlive the
  // server).
  fakes::FaultLog* fault_log = nullptr;
};

// The echo of `payload`: the same bytes, letters upper-cased if asked. Never
// longer than the payload.
std::string EchoOf(absl::string_view payload, const PingServerOptions& options);

// Serves ping on `address` (UDP) with `server`. Returns the bound address.
// Errors: INVALID_ARGUMENT for a bad fault plan (naming the term), and those
// of Server::ServeDatagrams.
absl::StatusOr<SocketAddress> ServePing(Server& server,
                                        const PingServerOptions& options,
                                        const SocketAddress& address);

}  // namespace wirecheck::ping

#endif  // WIRECHECK_PROTOCOLS_PING_PING_SERVER_H_

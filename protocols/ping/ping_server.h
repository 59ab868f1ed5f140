// The reference UDP ping server (SPEC PING-1..7): every datagram is echoed,
// optionally upper-cased, to its sender, on the shared server loop.
#ifndef WIRECHECK_PROTOCOLS_PING_PING_SERVER_H_
#define WIRECHECK_PROTOCOLS_PING_PING_SERVER_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "protocols/transport/address.h"
#include "protocols/transport/server.h"

namespace wirecheck::ping {

struct PingServerOptions {
  // Upper-case every letter of the echo, as the classic pinger's server does.
  bool uppercase = false;
};

// The echo of `payload`: the same bytes, letters upper-cased if asked. Never
// longer than the payload.
std::string EchoOf(absl::string_view payload, const PingServerOptions& options);

// Serves ping on `address` (UDP) with `server`. Returns the bound address.
// Errors: those of Server::ServeDatagrams.
absl::StatusOr<SocketAddress> ServePing(Server& server,
                                        const PingServerOptions& options,
                                        const SocketAddress& address);

}  // namespace wirecheck::ping

#endif  // WIRECHECK_PROTOCOLS_PING_PING_SERVER_H_

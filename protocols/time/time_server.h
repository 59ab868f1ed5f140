// The reference RFC 868 Time and RFC 867 Daytime servers, on the shared
// server loop: thousands of concurrent TCP clients and UDP requests on one
// thread, over IPv4 and IPv6.
#ifndef WIRECHECK_PROTOCOLS_TIME_TIME_SERVER_H_
#define WIRECHECK_PROTOCOLS_TIME_TIME_SERVER_H_

#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "protocols/transport/address.h"
#include "protocols/transport/clock.h"
#include "protocols/transport/endpoint.h"
#include "protocols/transport/server.h"

namespace wirecheck::timeproto {

enum class Service {
  kTime,     // RFC 868: four bytes
  kDaytime,  // RFC 867: one line of text (FormatDaytime)
};

struct TimeServiceOptions {
  Service service = Service::kTime;
  // False makes the server behave as RFC 868 asks of one that cannot tell
  // the time (SPEC TIME-11): TCP connections close without data and UDP
  // requests get no answer.
  bool synchronized = true;
};

// The reply the service sends at `now`: four bytes or a line of text.
std::string ReplyAt(Service service, absl::Time now);

// Serves over TCP on `address`: each connection gets the reply at once
// (nothing is read first) and is then finished, so clients that half-close
// at once, send junk, or reset are all fine. The time is `clock.WallNow()`;
// `clock` must outlive `server`. Returns the bound address. Errors: those of
// Server::ServeStream.
absl::StatusOr<SocketAddress> ServeTimeTcp(Server& server, Clock& clock,
                                           const TimeServiceOptions& options,
                                           const SocketAddress& address);

// Serves over UDP on `address`: every datagram, empty or not, is answered
// with the reply, sent to the address and port it came from. Returns the
// bound address. Errors: those of Server::ServeDatagrams.
absl::StatusOr<SocketAddress> ServeTimeUdp(Server& server, Clock& clock,
                                           const TimeServiceOptions& options,
                                           const SocketAddress& address);

// Serves over TCP and/or UDP at `address`. When its port is 0, UDP is bound
// to the port TCP got if that is free, so "host:port" names both, as RFC 868
// expects. Returns the bound address per transport.
absl::StatusOr<std::map<Transport, SocketAddress>> ServeTime(
    Server& server, Clock& clock, const TimeServiceOptions& options,
    const SocketAddress& address, bool tcp = true, bool udp = true);

}  // namespace wirecheck::timeproto

#endif  // WIRECHECK_PROTOCOLS_TIME_TIME_SERVER_H_

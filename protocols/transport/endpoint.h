// Endpoints as users type them ("tcp://time.example:37", "[::1]:time") and
// name resolution with a family preference.
#ifndef WIRECHECK_PROTOCOLS_TRANSPORT_ENDPOINT_H_
#define WIRECHECK_PROTOCOLS_TRANSPORT_ENDPOINT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "protocols/transport/address.h"

namespace wirecheck {

enum class Transport { kTcp, kUdp };

// "tcp" or "udp".
absl::string_view TransportName(Transport transport);

struct Endpoint {
  // From a "tcp://" or "udp://" scheme; unset when the text had none, which
  // callers read as "every transport the protocol has".
  std::optional<Transport> transport;
  // A host name or numeric IP, without brackets; IPv6 may carry "%scope".
  std::string host;
  uint16_t port = 0;

  // "tcp://host:37", "udp://[::1]:37", or "host:37" without a transport.
  std::string ToString() const;
};

// Parses "tcp://host:port", "udp://host:port", "host:port" and "[v6]:port".
// The port is a number or a service name from the services database ("time"
// is 37); with `default_port` it may be left out. Errors: INVALID_ARGUMENT
// saying what is wrong (unknown scheme, bad or unknown port, missing brackets
// around an IPv6 address, empty host).
absl::StatusOr<Endpoint> ParseEndpoint(
    absl::string_view text, std::optional<uint16_t> default_port = std::nullopt);

// Looks up a port by service name ("time", "daytime", "echo") for the given
// transport. Errors: NOT_FOUND when the services database has no such name.
absl::StatusOr<uint16_t> LookupServicePort(absl::string_view name,
                                           Transport transport);

// Which address families Resolve() returns, and in what order.
enum class FamilyPreference {
  kPreferIPv4,  // IPv4 first, then IPv6 (the default, as most clients do)
  kPreferIPv6,  // IPv6 first, then IPv4
  kAny,         // the resolver's own order
  kIPv4Only,
  kIPv6Only,
};

// Parses "prefer-ipv4", "prefer-ipv6", "any", "ipv4"/"4", "ipv6"/"6".
// Errors: INVALID_ARGUMENT listing the accepted spellings.
absl::StatusOr<FamilyPreference> ParseFamilyPreference(absl::string_view text);

// Resolves `host` with getaddrinfo (numeric addresses are not looked up) and
// returns its addresses with `port`, ordered and filtered by `preference`,
// without duplicates. Errors: NOT_FOUND for an unknown host or one with no
// address of the wanted family, UNAVAILABLE for a temporary resolver failure;
// the message names the host and the resolver's reason.
absl::StatusOr<std::vector<SocketAddress>> Resolve(
    absl::string_view host, uint16_t port,
    FamilyPreference preference = FamilyPreference::kPreferIPv4);

}  // namespace wirecheck

#endif  // WIRECHECK_PROTOCOLS_TRANSPORT_ENDPOINT_H_

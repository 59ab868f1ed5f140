// SocketAddress: an IPv4 or IPv6 address with a port (and, for IPv6, a scope).
#ifndef WIRECHECK_PROTOCOLS_TRANSPORT_ADDRESS_H_
#define WIRECHECK_PROTOCOLS_TRANSPORT_ADDRESS_H_

#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdint>
#include <ostream>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace wirecheck {

enum class AddressFamily { kUnspecified, kIPv4, kIPv6 };

// Returns "IPv4", "IPv6" or "unspecified".
absl::string_view AddressFamilyName(AddressFamily family);

// A value type holding a sockaddr_in or sockaddr_in6. The default value is
// unspecified (no family); it is what a socket reports before it has an
// address. Numeric only: resolving names is Resolve()'s job (endpoint.h).
class SocketAddress {
 public:
  SocketAddress();

  // Parses "1.2.3.4:37", "[::1]:37" or "[fe80::1%eth0]:37". Errors:
  // INVALID_ARGUMENT naming what is wrong.
  static absl::StatusOr<SocketAddress> Parse(absl::string_view text);

  // Builds an address from a numeric IP ("127.0.0.1", "::1", "ff02::1%lo")
  // and a port. Errors: INVALID_ARGUMENT for a malformed IP or unknown scope.
  static absl::StatusOr<SocketAddress> FromIp(absl::string_view ip,
                                              uint16_t port);

  // Copies an address the kernel returned. An unknown family gives the
  // unspecified address.
  static SocketAddress FromSockaddr(const sockaddr* address, socklen_t length);

  // 127.0.0.1 or ::1.
  static SocketAddress Loopback(AddressFamily family, uint16_t port);
  // 0.0.0.0 or ::, for binding to every interface.
  static SocketAddress Any(AddressFamily family, uint16_t port);

  AddressFamily family() const;
  bool is_specified() const { return family() != AddressFamily::kUnspecified; }
  // AF_INET, AF_INET6 or AF_UNSPEC.
  int os_family() const { return storage_.any.sa_family; }

  uint16_t port() const;
  SocketAddress WithPort(uint16_t port) const;
  // The IPv6 scope (interface index); 0 for IPv4 and unscoped addresses.
  uint32_t scope_id() const;

  // The numeric IP, with "%<interface>" for scoped IPv6 addresses.
  std::string ip() const;
  // "127.0.0.1:37", "[::1]:37", "[fe80::1%eth0]:37"; "unspecified" if empty.
  std::string ToString() const;

  bool is_loopback() const;
  bool is_any() const;
  bool is_multicast() const;
  // 255.255.255.255. Directed broadcast depends on the netmask, which an
  // address does not know.
  bool is_limited_broadcast() const;
  // The IPv4 address as a host-order integer; 0 for IPv6.
  uint32_t ipv4() const;
  // The 16 bytes of an IPv6 address; all zero for IPv4.
  in6_addr ipv6() const;

  const sockaddr* sockaddr_ptr() const { return &storage_.any; }
  socklen_t sockaddr_length() const;

  friend bool operator==(const SocketAddress& a, const SocketAddress& b);
  friend bool operator!=(const SocketAddress& a, const SocketAddress& b) {
    return !(a == b);
  }
  friend bool operator<(const SocketAddress& a, const SocketAddress& b);
  template <typename H>
  friend H AbslHashValue(H h, const SocketAddress& a) {
    const in6_addr v6 = a.ipv6();
    return H::combine(
        std::move(h), static_cast<int>(a.family()), a.ipv4(),
        absl::string_view(reinterpret_cast<const char*>(&v6), sizeof(v6)),
        a.scope_id(), a.port());
  }

 private:
  // `v4` (host byte order) or `v6` with `port`, as `family` says; the
  // unspecified address for any other family.
  static SocketAddress ForFamily(AddressFamily family, in_addr_t v4,
                                 const in6_addr& v6, uint16_t port);

  union Storage {
    sockaddr any;
    sockaddr_in v4;
    sockaddr_in6 v6;
  } storage_;
};

std::ostream& operator<<(std::ostream& os, const SocketAddress& address);

}  // namespace wirecheck

#endif  // WIRECHECK_PROTOCOLS_TRANSPORT_ADDRESS_H_

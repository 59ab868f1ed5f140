#include "protocols/transport/address.h"

#include <arpa/inet.h>
#include <net/if.h>

#include <cstring>
#include <tuple>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace wirecheck {

absl::string_view AddressFamilyName(AddressFamily family) {
  switch (family) {
    case AddressFamily::kIPv4:
      return "IPv4";
    case AddressFamily::kIPv6:
      return "IPv6";
    case AddressFamily::kUnspecified:
      break;
  }
  return "unspecified";
}

SocketAddress::SocketAddress() {
  std::memset(&storage_, 0, sizeof(storage_));
  storage_.any.sa_family = AF_UNSPEC;
}

absl::StatusOr<SocketAddress> SocketAddress::FromIp(absl::string_view ip,
                                                    uint16_t port) {
  SocketAddress address;
  std::string host(ip);
  std::string scope;
  if (const size_t percent = host.find('%'); percent != std::string::npos) {
    scope = host.substr(percent + 1);
    host.resize(percent);
  }
  if (scope.empty() &&
      inet_pton(AF_INET, host.c_str(), &address.storage_.v4.sin_addr) == 1) {
    address.storage_.v4.sin_family = AF_INET;
    address.storage_.v4.sin_port = htons(port);
    return address;
  }
  if (inet_pton(AF_INET6, host.c_str(), &address.storage_.v6.sin6_addr) == 1) {
    address.storage_.v6.sin6_family = AF_INET6;
    address.storage_.v6.sin6_port = htons(port);
    if (!scope.empty()) {
      uint32_t index = 0;
      if (!absl::SimpleAtoi(scope, &index)) index = if_nametoindex(scope.c_str());
      if (index == 0) {
        return absl::InvalidArgumentError(
            absl::StrCat("address \"", ip, "\": unknown interface \"", scope,
                         "\""));
      }
      address.storage_.v6.sin6_scope_id = index;
    }
    return address;
  }
  return absl::InvalidArgumentError(
      absl::StrCat("\"", ip, "\" is not a numeric IPv4 or IPv6 address"));
}

absl::StatusOr<SocketAddress> SocketAddress::Parse(absl::string_view text) {
  absl::string_view host;
  absl::string_view port_text;
  if (!text.empty() && text.front() == '[') {
    const size_t close = text.find(']');
    if (close == absl::string_view::npos || close + 1 >= text.size() ||
        text[close + 1] != ':') {
      return absl::InvalidArgumentError(absl::StrCat(
          "address \"", text, "\": expected [IPv6]:port"));
    }
    host = text.substr(1, close - 1);
    port_text = text.substr(close + 2);
  } else {
    const size_t colon = text.rfind(':');
    if (colon == absl::string_view::npos ||
        text.find(':') != colon) {
      return absl::InvalidArgumentError(absl::StrCat(
          "address \"", text,
          "\": expected IPv4:port or [IPv6]:port"));
    }
    host = text.substr(0, colon);
    port_text = text.substr(colon + 1);
  }
  uint32_t port = 0;
  if (!absl::SimpleAtoi(port_text, &port) || port > 65535) {
    return absl::InvalidArgumentError(absl::StrCat(
        "address \"", text, "\": port \"", port_text,
        "\" is not a number from 0 to 65535"));
  }
  return FromIp(host, static_cast<uint16_t>(port));
}

SocketAddress SocketAddress::FromSockaddr(const sockaddr* address,
                                          socklen_t length) {
  SocketAddress result;
  if (address == nullptr) return result;
  if (address->sa_family == AF_INET && length >= sizeof(sockaddr_in)) {
    std::memcpy(&result.storage_.v4, address, sizeof(sockaddr_in));
  } else if (address->sa_family == AF_INET6 &&
             length >= sizeof(sockaddr_in6)) {
    std::memcpy(&result.storage_.v6, address, sizeof(sockaddr_in6));
  }
  return result;
}

SocketAddress SocketAddress::ForFamily(AddressFamily family, in_addr_t v4,
                                       const in6_addr& v6, uint16_t port) {
  SocketAddress address;
  if (family == AddressFamily::kIPv4) {
    address.storage_.v4.sin_family = AF_INET;
    address.storage_.v4.sin_addr.s_addr = htonl(v4);
    address.storage_.v4.sin_port = htons(port);
  } else if (family == AddressFamily::kIPv6) {
    address.storage_.v6.sin6_family = AF_INET6;
    address.storage_.v6.sin6_addr = v6;
    address.storage_.v6.sin6_port = htons(port);
  }
  return address;
}

SocketAddress SocketAddress::Loopback(AddressFamily family, uint16_t port) {
  return ForFamily(family, INADDR_LOOPBACK, in6addr_loopback, port);
}

SocketAddress SocketAddress::Any(AddressFamily family, uint16_t port) {
  return ForFamily(family, INADDR_ANY, in6addr_any, port);
}

AddressFamily SocketAddress::family() const {
  switch (storage_.any.sa_family) {
    case AF_INET:
      return AddressFamily::kIPv4;
    case AF_INET6:
      return AddressFamily::kIPv6;
  }
  return AddressFamily::kUnspecified;
}

uint16_t SocketAddress::port() const {
  switch (family()) {
    case AddressFamily::kIPv4:
      return ntohs(storage_.v4.sin_port);
    case AddressFamily::kIPv6:
      return ntohs(storage_.v6.sin6_port);
    case AddressFamily::kUnspecified:
      break;
  }
  return 0;
}

SocketAddress SocketAddress::WithPort(uint16_t port) const {
  SocketAddress copy = *this;
  if (family() == AddressFamily::kIPv4) copy.storage_.v4.sin_port = htons(port);
  if (family() == AddressFamily::kIPv6) {
    copy.storage_.v6.sin6_port = htons(port);
  }
  return copy;
}

uint32_t SocketAddress::scope_id() const {
  return family() == AddressFamily::kIPv6 ? storage_.v6.sin6_scope_id : 0;
}

std::string SocketAddress::ip() const {
  char buffer[INET6_ADDRSTRLEN] = {};
  switch (family()) {
    case AddressFamily::kIPv4:
      inet_ntop(AF_INET, &storage_.v4.sin_addr, buffer, sizeof(buffer));
      return buffer;
    case AddressFamily::kIPv6: {
      inet_ntop(AF_INET6, &storage_.v6.sin6_addr, buffer, sizeof(buffer));
      std::string text = buffer;
      if (const uint32_t scope = storage_.v6.sin6_scope_id; scope != 0) {
        char name[IF_NAMESIZE] = {};
        absl::StrAppend(&text, "%",
                        if_indextoname(scope, name) != nullptr
                            ? std::string(name)
                            : absl::StrCat(scope));
      }
      return text;
    }
    case AddressFamily::kUnspecified:
      break;
  }
  return "unspecified";
}

std::string SocketAddress::ToString() const {
  switch (family()) {
    case AddressFamily::kIPv4:
      return absl::StrCat(ip(), ":", port());
    case AddressFamily::kIPv6:
      return absl::StrCat("[", ip(), "]:", port());
    case AddressFamily::kUnspecified:
      break;
  }
  return "unspecified";
}

bool SocketAddress::is_loopback() const {
  if (family() == AddressFamily::kIPv4) return (ipv4() >> 24) == 127;
  if (family() == AddressFamily::kIPv6) {
    return IN6_IS_ADDR_LOOPBACK(&storage_.v6.sin6_addr);
  }
  return false;
}

bool SocketAddress::is_any() const {
  if (family() == AddressFamily::kIPv4) return ipv4() == INADDR_ANY;
  if (family() == AddressFamily::kIPv6) {
    return IN6_IS_ADDR_UNSPECIFIED(&storage_.v6.sin6_addr);
  }
  return false;
}

bool SocketAddress::is_multicast() const {
  if (family() == AddressFamily::kIPv4) return IN_MULTICAST(ipv4());
  if (family() == AddressFamily::kIPv6) {
    return IN6_IS_ADDR_MULTICAST(&storage_.v6.sin6_addr);
  }
  return false;
}

bool SocketAddress::is_limited_broadcast() const {
  return family() == AddressFamily::kIPv4 && ipv4() == INADDR_BROADCAST;
}

uint32_t SocketAddress::ipv4() const {
  return family() == AddressFamily::kIPv4 ? ntohl(storage_.v4.sin_addr.s_addr)
                                          : 0;
}

in6_addr SocketAddress::ipv6() const {
  return family() == AddressFamily::kIPv6 ? storage_.v6.sin6_addr
                                          : in6addr_any;
}

socklen_t SocketAddress::sockaddr_length() const {
  switch (family()) {
    case AddressFamily::kIPv4:
      return sizeof(sockaddr_in);
    case AddressFamily::kIPv6:
      return sizeof(sockaddr_in6);
    case AddressFamily::kUnspecified:
      break;
  }
  return 0;
}

namespace {

auto Key(const SocketAddress& a) {
  const in6_addr v6 = a.ipv6();
  return std::make_tuple(static_cast<int>(a.family()), a.ipv4(),
                         std::string(reinterpret_cast<const char*>(&v6),
                                     sizeof(v6)),
                         a.scope_id(), a.port());
}

}  // namespace

bool operator==(const SocketAddress& a, const SocketAddress& b) {
  return Key(a) == Key(b);
}

bool operator<(const SocketAddress& a, const SocketAddress& b) {
  return Key(a) < Key(b);
}

std::ostream& operator<<(std::ostream& os, const SocketAddress& address) {
  return os << address.ToString();
}

}  // namespace wirecheck

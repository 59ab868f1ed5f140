#include "protocols/transport/endpoint.h"

#include <netdb.h>

#include <algorithm>
#include <memory>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "protocols/common/status_macros.h"

namespace wirecheck {

absl::string_view TransportName(Transport transport) {
  return transport == Transport::kTcp ? "tcp" : "udp";
}

std::string Endpoint::ToString() const {
  const std::string host_part =
      absl::StrContains(host, ':') ? absl::StrCat("[", host, "]") : host;
  const std::string address = absl::StrCat(host_part, ":", port);
  if (!transport.has_value()) return address;
  return absl::StrCat(TransportName(*transport), "://", address);
}

absl::StatusOr<uint16_t> LookupServicePort(absl::string_view name,
                                           Transport transport) {
  const std::string service(name);
  const std::string protocol(TransportName(transport));
  servent entry;
  servent* found = nullptr;
  char buffer[4096];
  if (getservbyname_r(service.c_str(), protocol.c_str(), &entry, buffer,
                      sizeof(buffer), &found) != 0 ||
      found == nullptr) {
    return absl::NotFoundError(absl::StrCat("unknown ", protocol,
                                            " service name \"", name,
                                            "\" (see /etc/services)"));
  }
  return ntohs(static_cast<uint16_t>(found->s_port));
}

absl::StatusOr<Endpoint> ParseEndpoint(absl::string_view text,
                                       std::optional<uint16_t> default_port) {
  const auto error = [&](absl::string_view why) {
    return absl::InvalidArgumentError(
        absl::StrCat("endpoint \"", text, "\": ", why));
  };
  Endpoint endpoint;
  absl::string_view rest = text;
  if (const size_t scheme_end = rest.find("://");
      scheme_end != absl::string_view::npos) {
    const std::string scheme =
        absl::AsciiStrToLower(rest.substr(0, scheme_end));
    if (scheme == "tcp") {
      endpoint.transport = Transport::kTcp;
    } else if (scheme == "udp") {
      endpoint.transport = Transport::kUdp;
    } else {
      return error(absl::StrCat("unknown scheme \"", scheme,
                                "\"; expected tcp:// or udp://"));
    }
    rest.remove_prefix(scheme_end + 3);
  }
  if (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);

  absl::string_view port_text;
  const bool bracketed = !rest.empty() && rest.front() == '[';
  if (bracketed) {
    const size_t close = rest.find(']');
    if (close == absl::string_view::npos) return error("unclosed '['");
    endpoint.host = std::string(rest.substr(1, close - 1));
    absl::string_view after = rest.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return error("expected ':' after ']'");
      port_text = after.substr(1);
      if (port_text.empty()) return error("empty port after ':'");
    }
  } else {
    const size_t first_colon = rest.find(':');
    if (first_colon != absl::string_view::npos &&
        rest.find(':', first_colon + 1) != absl::string_view::npos) {
      if (!default_port.has_value()) {
        return error("an IPv6 address with a port needs brackets, e.g. [::1]:37");
      }
      endpoint.host = std::string(rest);
    } else if (first_colon != absl::string_view::npos) {
      endpoint.host = std::string(rest.substr(0, first_colon));
      port_text = rest.substr(first_colon + 1);
      if (port_text.empty()) return error("empty port after ':'");
    } else {
      endpoint.host = std::string(rest);
    }
  }
  if (endpoint.host.empty()) return error("empty host");
  if (bracketed) {
    if (!SocketAddress::FromIp(endpoint.host, 0).ok() ||
        endpoint.host.find(':') == std::string::npos) {
      return error(absl::StrCat("\"", endpoint.host,
                                "\" in brackets is not an IPv6 address"));
    }
  } else if (endpoint.host.find(':') == std::string::npos &&
             !std::all_of(endpoint.host.begin(), endpoint.host.end(),
                          [](char c) {
                            return absl::ascii_isalnum(c) || c == '.' ||
                                   c == '-' || c == '_';
                          })) {
    return error(absl::StrCat("\"", endpoint.host,
                              "\" is not a host name or IP address"));
  } else if (endpoint.host.find(':') != std::string::npos &&
             !SocketAddress::FromIp(endpoint.host, 0).ok()) {
    return error(absl::StrCat("\"", endpoint.host,
                              "\" is not an IPv6 address"));
  }

  if (port_text.empty()) {
    if (!default_port.has_value()) return error("missing port (host:port)");
    endpoint.port = *default_port;
    return endpoint;
  }
  uint32_t port = 0;
  if (absl::SimpleAtoi(port_text, &port)) {
    if (port > 65535) {
      return error(absl::StrCat("port ", port_text, " is above 65535"));
    }
    endpoint.port = static_cast<uint16_t>(port);
    return endpoint;
  }
  if (std::all_of(port_text.begin(), port_text.end(),
                  [](char c) { return absl::ascii_isdigit(c) || c == '-'; })) {
    return error(absl::StrCat("port \"", port_text, "\" is not a number from 0 to 65535"));
  }
  absl::StatusOr<uint16_t> named = LookupServicePort(
      port_text, endpoint.transport.value_or(Transport::kTcp));
  if (!named.ok() && !endpoint.transport.has_value()) {
    named = LookupServicePort(port_text, Transport::kUdp);
    if (!named.ok()) {
      return error(absl::StrCat("unknown service name \"", port_text,
                                "\" (see /etc/services)"));
    }
  }
  if (!named.ok()) return error(named.status().message());
  endpoint.port = *named;
  return endpoint;
}

absl::StatusOr<FamilyPreference> ParseFamilyPreference(absl::string_view text) {
  const std::string lower = absl::AsciiStrToLower(text);
  if (lower == "prefer-ipv4") return FamilyPreference::kPreferIPv4;
  if (lower == "prefer-ipv6") return FamilyPreference::kPreferIPv6;
  if (lower == "any") return FamilyPreference::kAny;
  if (lower == "ipv4" || lower == "4") return FamilyPreference::kIPv4Only;
  if (lower == "ipv6" || lower == "6") return FamilyPreference::kIPv6Only;
  return absl::InvalidArgumentError(
      absl::StrCat("address family \"", text,
                   "\": expected prefer-ipv4, prefer-ipv6, any, ipv4 or ipv6"));
}

absl::StatusOr<std::vector<SocketAddress>> Resolve(
    absl::string_view host, uint16_t port, FamilyPreference preference) {
  std::vector<SocketAddress> found;
  if (absl::StatusOr<SocketAddress> numeric = SocketAddress::FromIp(host, port);
      numeric.ok()) {
    found.push_back(*numeric);
  } else {
    addrinfo hints = {};
    hints.ai_family = preference == FamilyPreference::kIPv4Only   ? AF_INET
                      : preference == FamilyPreference::kIPv6Only ? AF_INET6
                                                                  : AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_ADDRCONFIG;
    addrinfo* raw = nullptr;
    const std::string name(host);
    const int rc = getaddrinfo(name.c_str(), nullptr, &hints, &raw);
    std::unique_ptr<addrinfo, decltype(&freeaddrinfo)> results(raw,
                                                               &freeaddrinfo);
    if (rc != 0) {
      const std::string message =
          absl::StrCat("resolve \"", host, "\": ", gai_strerror(rc));
      if (rc == EAI_AGAIN) return absl::UnavailableError(message);
      return absl::NotFoundError(message);
    }
    for (const addrinfo* ai = results.get(); ai != nullptr; ai = ai->ai_next) {
      const SocketAddress address =
          SocketAddress::FromSockaddr(ai->ai_addr, ai->ai_addrlen)
              .WithPort(port);
      if (address.is_specified() &&
          std::find(found.begin(), found.end(), address) == found.end()) {
        found.push_back(address);
      }
    }
  }

  const auto is_v4 = [](const SocketAddress& a) {
    return a.family() == AddressFamily::kIPv4;
  };
  switch (preference) {
    case FamilyPreference::kPreferIPv4:
      std::stable_partition(found.begin(), found.end(), is_v4);
      break;
    case FamilyPreference::kPreferIPv6:
      std::stable_partition(found.begin(), found.end(),
                            [&](const SocketAddress& a) { return !is_v4(a); });
      break;
    case FamilyPreference::kIPv4Only:
      found.erase(std::remove_if(found.begin(), found.end(),
                                 [&](const SocketAddress& a) { return !is_v4(a); }),
                  found.end());
      break;
    case FamilyPreference::kIPv6Only:
      found.erase(std::remove_if(found.begin(), found.end(), is_v4), found.end());
      break;
    case FamilyPreference::kAny:
      break;
  }
  if (found.empty()) {
    return absl::NotFoundError(
        absl::StrCat("resolve \"", host, "\": no address of the requested family"));
  }
  return found;
}

}  // namespace wirecheck

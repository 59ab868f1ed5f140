// Commands that show what the transport layer sees: how an endpoint parses
// and resolves, and which interfaces (with broadcast addresses) exist.
#include <iostream>
#include <string>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "protocols/transport/endpoint.h"
#include "protocols/transport/posix_network.h"
#include "tools/cli/command.h"

ABSL_FLAG(std::string, family, "prefer-ipv4",
          "Address families to use, in order: prefer-ipv4, prefer-ipv6, "
          "any, ipv4 or ipv6.");

namespace wirecheck::cli {
namespace {

int RunResolve(const Invocation& invocation) {
  if (invocation.args.size() != 1) {
    *invocation.err << "wirecheck resolve: expected one ENDPOINT\n";
    return kExitUsage;
  }
  absl::StatusOr<FamilyPreference> preference =
      ParseFamilyPreference(absl::GetFlag(FLAGS_family));
  if (!preference.ok()) {
    *invocation.err << "wirecheck resolve: " << preference.status().message()
                    << "\n";
    return kExitUsage;
  }
  absl::StatusOr<Endpoint> endpoint = ParseEndpoint(invocation.args[0], 0);
  if (!endpoint.ok()) {
    *invocation.err << "wirecheck resolve: " << endpoint.status().message()
                    << "\n";
    return kExitUsage;
  }
  absl::StatusOr<std::vector<SocketAddress>> addresses =
      Resolve(endpoint->host, endpoint->port, *preference);
  if (!addresses.ok()) {
    *invocation.err << "wirecheck resolve: " << addresses.status().message()
                    << "\n";
    return kExitUnreachable;
  }
  *invocation.out << "endpoint: " << endpoint->ToString() << "\n";
  for (const SocketAddress& address : *addresses) {
    *invocation.out << "  " << AddressFamilyName(address.family()) << "  "
                    << address.ToString() << "\n";
  }
  return kExitSuccess;
}

int RunInterfaces(const Invocation& invocation) {
  absl::StatusOr<std::vector<NetworkInterface>> interfaces =
      RealNetwork().Interfaces();
  if (!interfaces.ok()) {
    *invocation.err << "wirecheck interfaces: " << interfaces.status() << "\n";
    return kExitUsage;
  }
  for (const NetworkInterface& interface : *interfaces) {
    std::vector<std::string> flags;
    if (interface.up) flags.push_back("up");
    if (interface.loopback) flags.push_back("loopback");
    if (interface.supports_broadcast) flags.push_back("broadcast");
    if (interface.supports_multicast) flags.push_back("multicast");
    *invocation.out << interface.index << ": " << interface.name << " <"
                    << absl::StrJoin(flags, ",") << ">\n";
    for (const SocketAddress& address : interface.addresses) {
      *invocation.out << "    " << address.ip() << "\n";
    }
    for (const SocketAddress& address : interface.broadcast_addresses) {
      *invocation.out << "    broadcast " << address.ip() << "\n";
    }
  }
  return kExitSuccess;
}

const bool registered_resolve = RegisterCommand({
    .name = "resolve",
    .summary = "Show how an endpoint parses and resolves",
    .usage = "wirecheck resolve [--family=F] ENDPOINT",
    .help = "ENDPOINT is tcp://HOST:PORT, udp://HOST:PORT, HOST:PORT or "
            "[IPv6]:PORT;\nthe port may be a service name (time, daytime, "
            "echo). Exits 3 if the\nhost does not resolve.",
    .flags = {"family"},
    .run = RunResolve,
});

const bool registered_interfaces = RegisterCommand({
    .name = "interfaces",
    .summary = "List network interfaces with their addresses and broadcast "
               "addresses",
    .usage = "wirecheck interfaces",
    .run = RunInterfaces,
});

}  // namespace
}  // namespace wirecheck::cli

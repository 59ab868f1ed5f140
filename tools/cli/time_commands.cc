// wirecheck serve time | serve daytime | time | daytime: the RFC 868 and
// RFC 867 reference servers and clients.
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "protocols/time/time_client.h"
#include "protocols/time/time_server.h"
#include "protocols/transport/endpoint.h"
#include "protocols/transport/posix_network.h"
#include "tools/cli/command.h"
#include "tools/cli/flag_types.h"
#include "tools/cli/serve_util.h"

ABSL_FLAG(std::string, serve_time_listen, "37",
          "Where to listen: ADDR:PORT, HOST:PORT, or a bare PORT for every "
          "IPv4 and IPv6 address.");
ABSL_FLAG(std::string, serve_daytime_listen, "13",
          "Where to listen: ADDR:PORT, HOST:PORT, or a bare PORT for every "
          "IPv4 and IPv6 address.");
ABSL_FLAG(std::string, serve_time_transport, "both",
          "Transports to serve: tcp, udp or both.");
ABSL_FLAG(std::string, serve_daytime_transport, "both",
          "Transports to serve: tcp, udp or both.");
ABSL_FLAG(bool, serve_time_unsynchronized, false,
          "Act as a server that cannot tell the time (RFC 868): close TCP "
          "connections without data and ignore UDP requests.");
ABSL_FLAG(bool, serve_daytime_unsynchronized, false,
          "Act as a server that cannot tell the time: close TCP connections "
          "without data and ignore UDP requests.");
ABSL_FLAG(wirecheck::cli::Seconds, time_client_timeout,
          wirecheck::cli::Seconds{absl::Seconds(5)},
          "Deadline of each step (connect, reply; each UDP attempt).");
ABSL_FLAG(int, time_client_retries, 3, "UDP requests to send before giving up.");
ABSL_FLAG(std::string, time_client_family, "prefer-ipv4",
          "Address families to try, in order: prefer-ipv4, prefer-ipv6, any, "
          "ipv4 or ipv6.");

namespace wirecheck::cli {
namespace {

using timeproto::Service;

int RunServe(Service service, const Invocation& invocation) {
  const bool time = service == Service::kTime;
  const std::string name = time ? "serve time" : "serve daytime";
  const std::string transport =
      absl::GetFlag(time ? FLAGS_serve_time_transport
                         : FLAGS_serve_daytime_transport);
  if (transport != "tcp" && transport != "udp" && transport != "both") {
    *invocation.err << "wirecheck " << name
                    << ": --transport must be tcp, udp or both\n";
    return kExitUsage;
  }
  if (!invocation.args.empty()) {
    *invocation.err << "wirecheck " << name << ": unexpected argument \""
                    << invocation.args[0] << "\"\n";
    return kExitUsage;
  }
  absl::StatusOr<std::vector<SocketAddress>> addresses =
      ParseListenAddresses(absl::GetFlag(time ? FLAGS_serve_time_listen
                                              : FLAGS_serve_daytime_listen));
  if (!addresses.ok()) {
    *invocation.err << "wirecheck " << name << ": "
                    << addresses.status().message() << "\n";
    return kExitUsage;
  }
  const timeproto::TimeServiceOptions options{
      .service = service,
      .synchronized = !absl::GetFlag(time ? FLAGS_serve_time_unsynchronized
                                          : FLAGS_serve_daytime_unsynchronized)};
  return ServeUntilSignalled(
      name, ServerOptionsFromFlags(),
      [&](Server& server, EventLoop&, std::ostream& out) -> absl::Status {
        for (const SocketAddress& address : *addresses) {
          absl::StatusOr<std::map<Transport, SocketAddress>> bound =
              timeproto::ServeTime(server, RealClock(), options, address,
                                   transport != "udp", transport != "tcp");
          if (!bound.ok()) return bound.status();
          for (const auto& [bound_transport, bound_address] : *bound) {
            out << "listening on " << TransportName(bound_transport)
                            << "://" << bound_address.ToString() << "\n";
          }
        }
        return absl::OkStatus();
      },
      *invocation.out, *invocation.err);
}

std::string FormatOffset(absl::Duration offset) {
  const double seconds = absl::ToDoubleSeconds(offset);
  return absl::StrFormat("%+.3f s (%s)", seconds,
                         seconds >= 0 ? "server ahead of this machine"
                                      : "server behind this machine");
}

int RunQuery(bool daytime, const Invocation& invocation) {
  const std::string name = daytime ? "daytime" : "time";
  const auto usage = [&](absl::string_view message) {
    *invocation.err << "wirecheck " << name << ": " << message << "\n";
    return kExitUsage;
  };
  if (invocation.args.size() != 1) return usage("expected one target");
  absl::StatusOr<Endpoint> endpoint =
      ParseEndpoint(invocation.args[0], daytime ? 13 : 37);
  if (!endpoint.ok()) return usage(endpoint.status().message());
  absl::StatusOr<FamilyPreference> family =
      ParseFamilyPreference(absl::GetFlag(FLAGS_time_client_family));
  if (!family.ok()) return usage(family.status().message());
  const Transport transport = endpoint->transport.value_or(Transport::kTcp);
  absl::StatusOr<std::vector<SocketAddress>> addresses =
      Resolve(endpoint->host, endpoint->port, *family);
  if (!addresses.ok()) {
    *invocation.err << "wirecheck " << name << ": "
                    << addresses.status().message() << "\n";
    return kExitUnreachable;
  }
  timeproto::QueryOptions options;
  options.timeout = absl::GetFlag(FLAGS_time_client_timeout).value;
  options.udp_attempts = absl::GetFlag(FLAGS_time_client_retries);
  absl::StatusOr<timeproto::Answer> answer;
  // Try each address in preference order until one answers at all.
  for (const SocketAddress& address : *addresses) {
    answer = timeproto::Query(RealNetwork(), address, transport, daytime,
                              options);
    if (answer.ok() || !timeproto::IsNoAnswer(answer.status())) break;
    *invocation.err << "wirecheck " << name << ": " << address.ToString()
                    << ": " << answer.status().message() << "\n";
  }
  if (!answer.ok()) {
    if (timeproto::IsNoAnswer(answer.status())) return kExitUnreachable;
    *invocation.err << "wirecheck " << name << ": "
                    << answer.status().message() << "\n";
    return kExitCheckFailed;
  }
  std::ostream& out = *invocation.out;
  out << "server:     " << TransportName(transport) << "://"
      << answer->server.ToString() << "\n";
  if (daytime) {
    out << "text:       " << answer->daytime.line << "\n"
        << "format:     " << DaytimeFormatName(answer->daytime.format) << "\n";
  }
  if (answer->server_time.has_value()) {
    out << "time:       "
        << absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", *answer->server_time,
                            absl::UTCTimeZone());
    if (!daytime) out << "  (RFC 868 value " << answer->value << ")";
    out << "\n";
  }
  if (answer->offset.has_value()) {
    out << "offset:     " << FormatOffset(*answer->offset)
        << "; the protocol's resolution is 1 s\n";
  }
  out << "round trip: "
      << absl::StrFormat("%.3f ms",
                         absl::ToDoubleMilliseconds(answer->round_trip));
  if (transport == Transport::kUdp) {
    out << " (attempt " << answer->attempts << ")";
  }
  out << "\n";
  for (const std::string& warning : answer->warnings) {
    out << "warning:    " << warning << "\n";
  }
  return kExitSuccess;
}


const bool registered_serve_time = RegisterCommand({
    .name = "serve time",
    .summary = "Serve RFC 868 Time over TCP and UDP",
    .usage = "wirecheck serve time [--listen=ADDR:PORT] [--transport=both]",
    .help = "Each TCP connection gets the time as four big-endian bytes, then "
            "a clean close;\nevery UDP datagram is answered with the four "
            "bytes. Stops gracefully on\nSIGINT or SIGTERM.",
    .flag_prefix = "serve_time_",
    .flags = WithServeFlags({"listen", "transport", "unsynchronized"}),
    .run = [](const Invocation& i) { return RunServe(Service::kTime, i); },
});

const bool registered_serve_daytime = RegisterCommand({
    .name = "serve daytime",
    .summary = "Serve RFC 867 Daytime over TCP and UDP",
    .usage = "wirecheck serve daytime [--listen=ADDR:PORT] [--transport=both]",
    .help = "Sends \"Saturday, November 21, 2026 23:10:05-UTC\\r\\n\" (UTC, "
            "RFC 867's\nsuggested syntax), then closes.",
    .flag_prefix = "serve_daytime_",
    .flags = WithServeFlags({"listen", "transport", "unsynchronized"}),
    .run = [](const Invocation& i) { return RunServe(Service::kDaytime, i); },
});

const bool registered_time = RegisterCommand({
    .name = "time",
    .summary = "Ask an RFC 868 server for the time",
    .usage = "wirecheck time [flags] tcp://HOST[:PORT] | udp://HOST[:PORT]",
    .help = "Prints the server's time (UTC, ISO 8601), its offset from this "
            "machine's clock\nand the round trip. The 32-bit value is read "
            "in the era nearest this\nmachine's clock, so it keeps working "
            "after 2036-02-07. Without a scheme,\nTCP is used. Exits 1 on a "
            "malformed reply, 3 when the server is refused,\nunreachable or "
            "silent.",
    .flag_prefix = "time_client_",
    .flags = {"timeout", "retries", "family"},
    .run = [](const Invocation& i) { return RunQuery(false, i); },
});

const bool registered_daytime = RegisterCommand({
    .name = "daytime",
    .summary = "Ask an RFC 867 server for the date and time as text",
    .usage = "wirecheck daytime [flags] tcp://HOST[:PORT] | udp://HOST[:PORT]",
    .help = "Prints the server's text, the format it is in, and the offset "
            "when the text\nnames a zone.",
    .flag_prefix = "time_client_",
    .flags = {"timeout", "retries", "family"},
    .run = [](const Invocation& i) { return RunQuery(true, i); },
});

}  // namespace
}  // namespace wirecheck::cli

// wirecheck ping | serve ping: the UDP pinger and its reference server.
#include <ostream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/random/random.h"
#include "absl/strings/str_join.h"
#include "fakes/fault_log.h"
#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"
#include "protocols/ping/ping_client.h"
#include "protocols/ping/ping_message.h"
#include "protocols/ping/ping_server.h"
#include "protocols/transport/endpoint.h"
#include "protocols/transport/posix_network.h"
#include "tools/cli/command.h"
#include "tools/cli/flag_types.h"
#include "tools/cli/serve_util.h"

ABSL_FLAG(int, ping_count, 10, "Pings to send.");
ABSL_FLAG(wirecheck::cli::Seconds, ping_interval,
          wirecheck::cli::Seconds{absl::Seconds(1)},
          "Time between pings: seconds (\"0.2\") or a duration (\"200ms\").");
ABSL_FLAG(wirecheck::cli::Seconds, ping_timeout,
          wirecheck::cli::Seconds{absl::Seconds(1)},
          "How long to wait for each answer.");
ABSL_FLAG(int, ping_size, 0,
          "Payload bytes; pings are padded with letters to this size (0: no "
          "padding).");
ABSL_FLAG(bool, ping_quiet, false, "Print only the summary.");
ABSL_FLAG(bool, ping_json, false,
          "Print the session as one JSON object instead of text.");
ABSL_FLAG(std::string, ping_family, "prefer-ipv4",
          "Address families to try: prefer-ipv4, prefer-ipv6, any, ipv4 or "
          "ipv6.");
ABSL_FLAG(std::string, serve_ping_listen, "12000",
          "Where to listen (UDP): ADDR:PORT, HOST:PORT, or a bare PORT for "
          "every IPv4 and IPv6 address.");
ABSL_FLAG(bool, serve_ping_uppercase, false,
          "Upper-case each echo, as the classic pinger's server does.");
ABSL_FLAG(std::string, serve_ping_drop, "",
          "Drop replies with this probability (0.3 or 30%), to simulate loss.");
ABSL_FLAG(std::string, serve_ping_delay, "",
          "Delay every reply by this long (e.g. 50ms).");
ABSL_FLAG(std::string, serve_ping_jitter, "",
          "Add a uniform random -D..+D to each reply's delay.");
ABSL_FLAG(std::string, serve_ping_fault, "",
          "Any other datagram fault for the replies, in the fault-plan "
          "vocabulary (duplicate=0.1, reorder=0.2, drop_every=3, ...; see "
          "fakes/fault_plan.h). Repeatable.");
ABSL_FLAG(uint64_t, serve_ping_seed, 0,
          "Seed for the simulated faults (0: random); printed at start so a "
          "run can be replayed.");

namespace wirecheck::cli {
namespace {

// iputils' exit codes (SPEC PING-CLIENT-5).
constexpr int kPingAnswered = 0;
constexpr int kPingNoAnswer = 1;
constexpr int kPingError = 2;

absl::string_view KindName(ping::PingEvent::Kind kind) {
  switch (kind) {
    case ping::PingEvent::Kind::kReply:
      return "reply";
    case ping::PingEvent::Kind::kTimeout:
      return "timeout";
    case ping::PingEvent::Kind::kLate:
      return "late";
    case ping::PingEvent::Kind::kDuplicate:
      return "duplicate";
    case ping::PingEvent::Kind::kCorrupted:
      return "corrupted";
    case ping::PingEvent::Kind::kUnreachable:
      break;
  }
  return "unreachable";
}

double Ms(absl::Duration duration) {
  return absl::ToInt64Microseconds(duration) / 1000.0;
}

int RunPingCommand(const Invocation& invocation) {
  const auto usage = [&](absl::string_view message) {
    *invocation.err << "wirecheck ping: " << message << "\n";
    return kPingError;
  };
  if (invocation.args.size() != 1) return usage("expected one target: udp://HOST:PORT");
  absl::StatusOr<Endpoint> endpoint = ParseEndpoint(invocation.args[0]);
  if (!endpoint.ok()) return usage(endpoint.status().message());
  if (endpoint->transport == Transport::kTcp) {
    return usage("ping runs over UDP; use udp://HOST:PORT");
  }
  absl::StatusOr<FamilyPreference> family =
      ParseFamilyPreference(absl::GetFlag(FLAGS_ping_family));
  if (!family.ok()) return usage(family.status().message());
  ping::PingOptions options;
  options.count = absl::GetFlag(FLAGS_ping_count);
  options.interval = absl::GetFlag(FLAGS_ping_interval).value;
  options.timeout = absl::GetFlag(FLAGS_ping_timeout).value;
  if (options.count < 1) return usage("--count must be at least 1");
  if (absl::GetFlag(FLAGS_ping_size) < 0 ||
      static_cast<size_t>(absl::GetFlag(FLAGS_ping_size)) > ping::kMaxPingBytes) {
    return usage(absl::StrCat("--size must be from 0 to ", ping::kMaxPingBytes));
  }
  options.size = static_cast<size_t>(absl::GetFlag(FLAGS_ping_size));
  absl::StatusOr<std::vector<SocketAddress>> addresses =
      Resolve(endpoint->host, endpoint->port, *family);
  if (!addresses.ok()) return usage(addresses.status().message());
  const SocketAddress target = addresses->front();

  const bool json = absl::GetFlag(FLAGS_ping_json);
  const bool quiet = absl::GetFlag(FLAGS_ping_quiet);
  std::ostream& out = *invocation.out;
  nlohmann::json events = nlohmann::json::array();
  if (!json) {
    out << "PING " << endpoint->host << " (" << target.ToString() << "): "
        << options.count << " pings, "
        << absl::FormatDuration(options.interval) << " apart, "
        << absl::FormatDuration(options.timeout) << " timeout\n";
  }
  absl::StatusOr<ping::PingStatistics> statistics = ping::RunPing(
      RealNetwork(), target, options, [&](const ping::PingEvent& event) {
        if (json) {
          nlohmann::json entry = {{"event", KindName(event.kind)},
                                  {"seq", event.sequence}};
          if (event.kind != ping::PingEvent::Kind::kTimeout &&
              event.kind != ping::PingEvent::Kind::kUnreachable) {
            entry["rtt_ms"] = Ms(event.round_trip);
            entry["bytes"] = event.payload.size();
            entry["from"] = event.from.ToString();
            entry["uppercased"] = event.uppercased;
          }
          events.push_back(entry);
        } else if (!quiet) {
          out << ping::FormatEvent(event) << "\n" << std::flush;
        }
      });
  if (!statistics.ok()) {
    *invocation.err << "wirecheck ping: " << statistics.status() << "\n";
    return kPingError;
  }
  if (json) {
    nlohmann::json report = {
        {"schema", "wirecheck.ping/1"},
        {"target", target.ToString()},
        {"transmitted", statistics->transmitted},
        {"received", statistics->received},
        {"duplicates", statistics->duplicates},
        {"corrupted", statistics->corrupted},
        {"late", statistics->late},
        {"errors", statistics->errors},
        {"loss_percent", statistics->loss_percent()},
        {"time_ms", absl::ToInt64Milliseconds(statistics->elapsed)},
        {"events", events}};
    if (statistics->received > 0) {
      report["rtt_ms"] = {{"min", Ms(statistics->min)},
                          {"avg", Ms(statistics->avg)},
                          {"max", Ms(statistics->max)},
                          {"mdev", Ms(statistics->mdev)}};
    }
    out << report.dump(2) << "\n";
  } else {
    out << "\n" << ping::FormatStatistics(endpoint->host, *statistics);
  }
  return statistics->received > 0 ? kPingAnswered : kPingNoAnswer;
}

int RunServePing(const Invocation& invocation) {
  if (!invocation.args.empty()) {
    *invocation.err << "wirecheck serve ping: unexpected argument \""
                    << invocation.args[0] << "\"\n";
    return kExitUsage;
  }
  absl::StatusOr<std::vector<SocketAddress>> addresses =
      ParseListenAddresses(absl::GetFlag(FLAGS_serve_ping_listen));
  if (!addresses.ok()) {
    *invocation.err << "wirecheck serve ping: " << addresses.status().message()
                    << "\n";
    return kExitUsage;
  }
  ping::PingServerOptions options{
      .uppercase = absl::GetFlag(FLAGS_serve_ping_uppercase)};
  std::vector<std::string> terms;
  for (const auto& [flag, name] :
       {std::pair{&FLAGS_serve_ping_drop, "drop"},
        std::pair{&FLAGS_serve_ping_delay, "delay"},
        std::pair{&FLAGS_serve_ping_jitter, "jitter"}}) {
    if (const std::string value = absl::GetFlag(*flag); !value.empty()) {
      terms.push_back(absl::StrCat(name, "=", value));
    }
  }
  if (auto it = invocation.repeated.find("fault"); it != invocation.repeated.end()) {
    terms.insert(terms.end(), it->second.begin(), it->second.end());
  }
  options.faults = absl::StrJoin(terms, " ");
  options.seed = absl::GetFlag(FLAGS_serve_ping_seed);
  if (options.seed == 0) options.seed = absl::Uniform<uint64_t>(absl::BitGen());
  fakes::FaultLog fault_log;
  options.fault_log = &fault_log;
  fault_log.SetSink([&](const fakes::FaultRecord& record) {
    *invocation.err << "fault: " << record.ToString() << "\n";
  });
  return ServeUntilSignalled(
      "serve ping", ServerOptionsFromFlags(),
      [&](Server& server, EventLoop&, std::ostream& out) -> absl::Status {
        for (const SocketAddress& address : *addresses) {
          absl::StatusOr<SocketAddress> bound =
              ping::ServePing(server, options, address);
          if (!bound.ok()) return bound.status();
          out << "listening on udp://" << bound->ToString() << "\n";
        }
        if (!options.faults.empty()) {
          out << "simulating faults on replies: " << options.faults
                          << " (seed " << options.seed << ")\n";
        }
        return absl::OkStatus();
      },
      *invocation.out, *invocation.err);
}

const bool registered_ping = RegisterCommand({
    .name = "ping",
    .summary = "Ping a UDP ping server and report loss and round-trip times",
    .usage = "wirecheck ping [-c COUNT] [-i INTERVAL] [-W TIMEOUT] [-s SIZE] "
             "[-q] [--json] udp://HOST:PORT",
    .help = "Sends COUNT pings \"Ping <seq> <time>\", matches answers by "
            "sequence number\n(late answers count as lost, repeats are DUP!, "
            "altered ones corrupted), and\nends with iputils ping's summary. "
            "Exits 0 if any answer came, 1 if none,\n2 on other errors, as "
            "iputils ping does.",
    .flag_prefix = "ping_",
    .flags = {"count", "interval", "timeout", "size", "quiet", "json", "family"},
    .aliases = {{"c", "count"},
                {"i", "interval"},
                {"W", "timeout"},
                {"s", "size"},
                {"q", "quiet"}},
    .run = RunPingCommand,
});


const bool registered_serve_ping = RegisterCommand({
    .name = "serve ping",
    .summary = "Serve UDP ping: echo every datagram to its sender",
    .usage = "wirecheck serve ping [--listen=ADDR:PORT] [--uppercase] "
             "[--drop=P] [--delay=D] [--jitter=D] [--fault=TERM] [--seed=N]",
    .help = "Echoes each datagram, optionally upper-cased, to the address and "
            "port it came\nfrom; a reply is never larger than the request. "
            "--drop, --delay, --jitter and\n--fault simulate a lossy, slow "
            "path on the replies, every choice drawn from\n--seed, and each "
            "fault applied is logged on stderr.",
    .flag_prefix = "serve_ping_",
    .flags = WithServeFlags({"listen", "uppercase", "drop", "delay", "jitter",
                             "fault", "seed"}),
    .repeatable_flags = {"fault"},
    .run = RunServePing,
});

}  // namespace
}  // namespace wirecheck::cli

// wirecheck load: drive a time, daytime, echo or ping server at full speed
// or a fixed rate and report rates and latency percentiles.
#include <unistd.h>

#include <ostream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "nlohmann/json.hpp"
#include "protocols/framing/codec.h"
#include "protocols/transport/endpoint.h"
#include "protocols/transport/posix_network.h"
#include "tools/cli/command.h"
#include "tools/cli/flag_types.h"
#include "tools/load/load.h"

ABSL_FLAG(wirecheck::cli::Seconds, load_duration,
          wirecheck::cli::Seconds{absl::Seconds(10)}, "How long to run.");
ABSL_FLAG(int, load_connections, 16,
          "TCP: concurrent connections (time/daytime: connects in flight).");
ABSL_FLAG(int, load_inflight, 16, "UDP: requests in flight.");
ABSL_FLAG(int, load_depth, 1, "TCP echo: messages in flight per connection.");
ABSL_FLAG(int, load_size, 64, "Echo and ping: bytes per message.");
ABSL_FLAG(double, load_rate, 0,
          "Requests per second in all (0: as fast as the window allows). "
          "Latency is then measured from when each request was due.");
ABSL_FLAG(wirecheck::cli::Seconds, load_timeout,
          wirecheck::cli::Seconds{absl::Seconds(1)},
          "A request unanswered for this long has timed out.");
ABSL_FLAG(wirecheck::cli::Seconds, load_max_skew,
          wirecheck::cli::Seconds{absl::Seconds(10)},
          "Time and daytime: a reply further than this from the local clock "
          "is invalid.");
ABSL_FLAG(std::string, load_framing, "raw",
          "Echo over TCP: the framing variant (line, u32be, ...; raw: RFC 862).");
ABSL_FLAG(int, load_idle_connections, 0,
          "Open this many TCP connections first and hold them, silent, for "
          "the whole run.");
ABSL_FLAG(bool, load_json, false, "Print the report as one JSON object.");

namespace wirecheck::cli {
namespace {

double Milliseconds(absl::Duration duration) {
  return absl::ToDoubleMilliseconds(duration);
}

nlohmann::json ReportJson(const load::LoadOptions& options,
                          const std::string& target,
                          const load::LoadReport& report) {
  const load::LatencyHistogram& latency = report.latency;
  return {
      {"protocol", load::ProtocolName(options.protocol)},
      {"transport", TransportName(options.transport)},
      {"target", target},
      {"framing", framing::VariantName(options.framing)},
      {"mode", options.rate > 0 ? "rate" : "closed-loop"},
      {"rate", options.rate},
      {"duration_s", absl::ToDoubleSeconds(report.elapsed)},
      {"sent", report.sent},
      {"valid", report.valid},
      {"invalid", report.invalid},
      {"timeouts", report.timeouts},
      {"errors", report.errors},
      {"duplicates", report.duplicates},
      {"late", report.late},
      {"valid_per_second", report.valid_per_second()},
      {"throughput_bytes_per_second", report.bytes_per_second()},
      {"latency_ms",
       {{"min", Milliseconds(latency.min())},
        {"mean", Milliseconds(latency.mean())},
        {"p50", Milliseconds(latency.Percentile(50))},
        {"p90", Milliseconds(latency.Percentile(90))},
        {"p99", Milliseconds(latency.Percentile(99))},
        {"p999", Milliseconds(latency.Percentile(99.9))},
        {"max", Milliseconds(latency.max())}}},
      {"idle_connections",
       {{"requested", report.idle_requested}, {"open", report.idle_open}}},
      {"first_invalid", report.first_invalid},
      {"first_error", report.first_error},
  };
}

void PrintText(std::ostream& out, const load::LoadOptions& options,
               const std::string& target, const load::LoadReport& report) {
  const bool connection_per_request =
      options.transport == Transport::kTcp &&
      options.protocol != load::Protocol::kEcho;
  out << absl::StrFormat(
      "load %s %s: %.1f s, %s\n", load::ProtocolName(options.protocol),
      target, absl::ToDoubleSeconds(report.elapsed),
      options.rate > 0 ? absl::StrFormat("fixed rate %.0f/s", options.rate)
                       : "closed loop");
  out << absl::StrFormat(
      "requests:   %d sent, %d valid, %d invalid, %d timed out, %d errors",
      report.sent, report.valid, report.invalid, report.timeouts,
      report.errors);
  if (report.duplicates > 0) out << ", " << report.duplicates << " duplicates";
  if (report.late > 0) out << ", " << report.late << " late";
  out << "\n";
  out << absl::StrFormat("rate:       %.0f %s/s, %.2f MB/s of replies\n",
                         report.valid_per_second(),
                         connection_per_request ? "connections" : "replies",
                         report.bytes_per_second() / 1e6);
  const load::LatencyHistogram& latency = report.latency;
  out << absl::StrFormat(
      "latency ms: p50 %.3f  p90 %.3f  p99 %.3f  p99.9 %.3f  max %.3f\n",
      Milliseconds(latency.Percentile(50)),
      Milliseconds(latency.Percentile(90)),
      Milliseconds(latency.Percentile(99)),
      Milliseconds(latency.Percentile(99.9)), Milliseconds(latency.max()));
  if (report.idle_requested > 0) {
    out << "idle:       " << report.idle_open << " of "
        << report.idle_requested << " idle connections still open\n";
  }
  if (!report.first_invalid.empty()) {
    out << "first invalid reply: " << report.first_invalid << "\n";
  }
  if (!report.first_error.empty()) {
    out << "first error: " << report.first_error << "\n";
  }
}

int RunLoadCommand(const Invocation& invocation) {
  const auto usage = [&](absl::string_view message) {
    *invocation.err << "wirecheck load: " << message << "\n";
    return kExitUsage;
  };
  if (invocation.args.size() != 2) {
    return usage("expected a protocol and a target (see --help)");
  }
  absl::StatusOr<load::Protocol> protocol =
      load::ParseProtocol(invocation.args[0]);
  if (!protocol.ok()) return usage(protocol.status().message());
  absl::StatusOr<Endpoint> endpoint = ParseEndpoint(invocation.args[1]);
  if (!endpoint.ok()) return usage(endpoint.status().message());
  if (!endpoint->transport.has_value()) {
    return usage("the target needs tcp:// or udp://");
  }
  absl::StatusOr<framing::Variant> variant =
      framing::ParseVariant(absl::GetFlag(FLAGS_load_framing));
  if (!variant.ok()) return usage(variant.status().message());
  absl::StatusOr<std::vector<SocketAddress>> addresses =
      Resolve(endpoint->host, endpoint->port, FamilyPreference::kPreferIPv4);
  if (!addresses.ok()) {
    *invocation.err << "wirecheck load: " << addresses.status().message()
                    << "\n";
    return kExitUnreachable;
  }
  load::LoadOptions options;
  options.protocol = *protocol;
  options.transport = *endpoint->transport;
  options.target = addresses->front();
  options.framing = *variant;
  options.duration = absl::GetFlag(FLAGS_load_duration).value;
  options.connections = absl::GetFlag(FLAGS_load_connections);
  options.inflight = absl::GetFlag(FLAGS_load_inflight);
  options.depth = absl::GetFlag(FLAGS_load_depth);
  const int size = absl::GetFlag(FLAGS_load_size);
  if (size < 0) return usage("--size must not be negative");
  options.size = static_cast<size_t>(size);
  options.rate = absl::GetFlag(FLAGS_load_rate);
  options.timeout = absl::GetFlag(FLAGS_load_timeout).value;
  options.max_skew = absl::GetFlag(FLAGS_load_max_skew).value;
  options.idle_connections = absl::GetFlag(FLAGS_load_idle_connections);
  const bool json = absl::GetFlag(FLAGS_load_json);
  if (!json && isatty(STDERR_FILENO)) {
    options.progress = [&](const load::LoadReport& so_far) {
      *invocation.err << absl::StrFormat(
          "\r%5.1f s  %d valid (%.0f/s)  %d invalid  %d timed out  %d errors ",
          absl::ToDoubleSeconds(so_far.elapsed), so_far.valid,
          so_far.valid_per_second(), so_far.invalid, so_far.timeouts,
          so_far.errors);
      invocation.err->flush();
    };
  }
  RaiseOpenFileLimit();
  const std::string target = absl::StrCat(
      TransportName(options.transport), "://", options.target.ToString());
  absl::StatusOr<load::LoadReport> report =
      load::RunLoad(RealNetwork(), options);
  if (options.progress) *invocation.err << "\n";
  if (!report.ok()) {
    return usage(report.status().message());
  }
  if (json) {
    *invocation.out << ReportJson(options, target, *report).dump() << "\n";
  } else {
    PrintText(*invocation.out, options, target, *report);
  }
  if (report->valid == 0 && report->invalid == 0) {
    *invocation.err << "wirecheck load: no reply from " << target << "\n";
    return kExitUnreachable;
  }
  return report->invalid > 0 || report->valid == 0 ? kExitCheckFailed
                                                   : kExitSuccess;
}

const bool registered_load = RegisterCommand({
    .name = "load",
    .summary = "Load a time, daytime, echo or ping server and measure it",
    .usage = "wirecheck load time|daytime|echo|ping tcp://HOST:PORT|"
             "udp://HOST:PORT [--duration=S] [--connections=N | --inflight=N] "
             "[--depth=N] [--size=B] [--rate=R] [--framing=V] "
             "[--idle_connections=N] [--json]",
    .help =
        "Drives the server as fast as --inflight (UDP) or --connections x "
        "--depth (TCP)\nallow, or at --rate requests/s, validating every reply "
        "(time within\n--max_skew of this clock, daytime one printable line, "
        "echoes byte for byte,\npings as sent or upper-cased), and reports "
        "requests/s or connections/s,\nthroughput, invalid replies, timeouts, "
        "errors and latency percentiles.\n\nTime and daytime over TCP: one "
        "connection per request (connect, read to EOF,\nclose). Echo over "
        "TCP: persistent connections, raw or --framing. Echo over\nUDP, ping: "
        "one datagram per request. At a fixed rate, latency counts from\nwhen "
        "each request was due, so a stalling server is charged for the "
        "requests\nit held up. Exits 0 when every reply was valid, 1 when one "
        "was not or none was\nvalid, 3 when nothing answered.",
    .flag_prefix = "load_",
    .flags = {"duration", "connections", "inflight", "depth", "size", "rate",
              "timeout", "max_skew", "framing", "idle_connections", "json"},
    .run = RunLoadCommand,
});

}  // namespace
}  // namespace wirecheck::cli

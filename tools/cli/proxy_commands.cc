// wirecheck proxy: the fault-injecting TCP/UDP proxy (tools/proxy/).
#include <signal.h>

#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "absl/flags/declare.h"
#include "absl/flags/flag.h"
#include "absl/random/random.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "fakes/fault_log.h"
#include "protocols/transport/endpoint.h"
#include "protocols/transport/posix_event_loop.h"
#include "protocols/transport/posix_network.h"
#include "protocols/transport/signal_watch.h"
#include "tools/cli/command.h"
#include "tools/cli/flag_types.h"
#include "tools/cli/serve_util.h"
#include "tools/proxy/proxy.h"
#include "tools/proxy/tcp_proxy.h"
#include "tools/proxy/udp_proxy.h"

ABSL_FLAG(std::string, proxy_listen, "127.0.0.1:0",
          "Where clients connect: ADDR:PORT, HOST:PORT, or a bare PORT for "
          "every IPv4 and IPv6\naddress. Port 0 picks a free port; the "
          "address is printed.");
ABSL_FLAG(std::string, proxy_upstream, "",
          "The server to relay to, with its transport: tcp://HOST:PORT or "
          "udp://HOST:PORT\n(required). A host name is resolved once, at "
          "start, IPv4 first.");
ABSL_FLAG(std::string, proxy_fault, "",
          "A fault to apply, in the fault-plan vocabulary of the simulated "
          "network\n(fakes/fault_plan.h): [up:|down:]name[=value]. Repeatable; "
          "one flag may also hold\nseveral terms separated by spaces or ';'.");
ABSL_FLAG(uint64_t, proxy_seed, 0,
          "Seed for every random fault choice (0: a random seed). Printed at "
          "start: pass it\nback to replay a run's faults exactly.");
ABSL_FLAG(wirecheck::cli::Seconds, proxy_connect_timeout,
          wirecheck::cli::Seconds{absl::Seconds(5)},
          "TCP: how long connecting to the upstream may take before the "
          "client is reset.");
ABSL_FLAG(int64_t, proxy_buffer, 1 << 20,
          "Bytes held per direction of each connection or client (delayed, "
          "paced or stalled)\nbefore TCP stops reading from the sender and "
          "UDP drops datagrams.");

// The shared serve flag (serve_util.cc): how long open connections may
// finish after SIGINT/SIGTERM.
ABSL_DECLARE_FLAG(wirecheck::cli::Seconds, grace);

namespace wirecheck::cli {
namespace {

// One log line on `err`, stamped like the servers' logs.
void LogLine(std::ostream& err, absl::string_view line) {
  err << absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::Now(),
                          absl::UTCTimeZone())
      << " " << line << std::endl;
}

int RunProxy(const Invocation& invocation) {
  std::ostream& out = *invocation.out;
  std::ostream& err = *invocation.err;
  const auto fail = [&](int code, absl::string_view message) {
    err << "wirecheck proxy: " << message << "\n";
    return code;
  };
  if (!invocation.args.empty()) {
    return fail(kExitUsage,
                absl::StrCat("unexpected argument \"", invocation.args[0], "\""));
  }
  const std::string upstream_text = absl::GetFlag(FLAGS_proxy_upstream);
  if (upstream_text.empty()) {
    return fail(kExitUsage,
                "--upstream is required: tcp://HOST:PORT or udp://HOST:PORT");
  }
  absl::StatusOr<Endpoint> upstream = ParseEndpoint(upstream_text);
  if (!upstream.ok()) return fail(kExitUsage, upstream.status().message());
  if (!upstream->transport.has_value()) {
    return fail(kExitUsage,
                absl::StrCat("--upstream ", upstream_text,
                             ": say which transport: tcp://", upstream_text,
                             " or udp://", upstream_text));
  }
  if (upstream->port == 0) {
    return fail(kExitUsage, absl::StrCat("--upstream ", upstream_text,
                                         ": port 0 is nobody's port"));
  }
  const Transport transport = *upstream->transport;
  absl::StatusOr<std::vector<SocketAddress>> listen =
      ParseListenAddresses(absl::GetFlag(FLAGS_proxy_listen));
  if (!listen.ok()) return fail(kExitUsage, listen.status().message());
  if (absl::GetFlag(FLAGS_proxy_buffer) < 1) {
    return fail(kExitUsage, "--buffer must be at least 1 byte");
  }

  proxy::ProxyOptions options;
  if (auto it = invocation.repeated.find("fault");
      it != invocation.repeated.end()) {
    options.faults = absl::StrJoin(it->second, " ");
  }
  options.seed = absl::GetFlag(FLAGS_proxy_seed);
  if (options.seed == 0) options.seed = absl::Uniform<uint64_t>(absl::BitGen());
  const ServerOptions serve = ServerOptionsFromFlags();
  options.idle_timeout = serve.idle_timeout;
  options.max_clients = serve.max_connections;
  options.connect_timeout = absl::GetFlag(FLAGS_proxy_connect_timeout).value;
  options.max_buffered_bytes =
      static_cast<size_t>(absl::GetFlag(FLAGS_proxy_buffer));
  options.log = [&err](absl::string_view line) { LogLine(err, line); };
  fakes::FaultLog fault_log;
  // Printed as they happen and not kept: the proxy may run for days.
  fault_log.set_keep_records(false);
  fault_log.SetSink([&err](const fakes::FaultRecord& record) {
    LogLine(err, absl::StrCat("fault: ", record.ToString()));
  });
  options.fault_log = &fault_log;

  absl::StatusOr<std::vector<SocketAddress>> resolved =
      Resolve(upstream->host, upstream->port, FamilyPreference::kPreferIPv4);
  if (!resolved.ok()) {
    return fail(kExitUnreachable, absl::StrCat("--upstream ", upstream_text,
                                               ": ", resolved.status().message()));
  }
  options.upstream = resolved->front();

  absl::StatusOr<std::unique_ptr<PosixEventLoop>> loop =
      PosixEventLoop::Create();
  if (!loop.ok()) return fail(kExitUsage, loop.status().ToString());
  std::unique_ptr<proxy::FaultProxy> proxy;
  bool stopping = false;
  // Made before the proxy starts its connect threads, which then inherit
  // the blocked signals (signal_watch.h).
  absl::StatusOr<std::unique_ptr<SignalWatch>> signals = SignalWatch::Create(
      **loop, {SIGINT, SIGTERM}, [&](int signo) {
        if (stopping || proxy == nullptr) {
          (*loop)->Stop();  // a second signal: stop now
          return;
        }
        stopping = true;
        LogLine(err, absl::StrCat("signal ", signo, ": shutting down"));
        const absl::Duration grace = absl::GetFlag(FLAGS_grace).value;
        proxy->Shutdown(grace, [&] { (*loop)->Stop(); });
      });
  if (!signals.ok()) return fail(kExitUsage, signals.status().ToString());

  if (transport == Transport::kTcp) {
    absl::StatusOr<std::unique_ptr<proxy::TcpProxy>> made =
        proxy::TcpProxy::Create(**loop, RealNetwork(), options);
    if (!made.ok()) return fail(kExitUsage, made.status().message());
    proxy = *std::move(made);
  } else {
    absl::StatusOr<std::unique_ptr<proxy::UdpProxy>> made =
        proxy::UdpProxy::Create(**loop, RealNetwork(), options);
    if (!made.ok()) return fail(kExitUsage, made.status().message());
    proxy = *std::move(made);
  }
  const std::string scheme = absl::StrCat(TransportName(transport), "://");
  for (const SocketAddress& address : *listen) {
    absl::StatusOr<SocketAddress> bound = proxy->Listen(address);
    if (!bound.ok()) return fail(kExitUsage, bound.status().ToString());
    out << "listening on " << scheme << bound->ToString() << "\n";
  }
  out << "upstream " << scheme << options.upstream.ToString() << "\n"
      << "faults: " << (options.faults.empty() ? "none" : options.faults)
      << "\n"
      << "seed " << options.seed << " (replay with --seed=" << options.seed
      << ")\n"
      << std::flush;
  const absl::Status ran = (*loop)->Run();
  proxy.reset();
  if (!ran.ok()) return fail(kExitUsage, ran.ToString());
  return kExitSuccess;
}

const bool registered_proxy = RegisterCommand({
    .name = "proxy",
    .summary = "Relay TCP or UDP to a server, injecting faults on the way",
    .usage = "wirecheck proxy --upstream=tcp://HOST:PORT|udp://HOST:PORT "
             "[--listen=ADDR:PORT] [--fault=TERM]... [--seed=N]",
    .help =
        "Accepts clients on --listen and relays each to --upstream (TCP: its "
        "own upstream\nconnection; UDP: its own upstream socket), applying "
        "the --fault terms per\ndirection: up: from the clients to the "
        "upstream, down: back, no prefix: both.\nPrints where it listens and "
        "the seed on stdout, and one line per fault applied\n(\"fault: ...\") "
        "and per connection event on stderr. Stops on SIGINT/SIGTERM,\nletting "
        "open connections finish for --grace. A TCP connection idle for\n"
        "--idle_timeout is reset at both ends, a UDP client idle that long is "
        "forgotten\n(0: never); --max_connections bounds both.\n\n"
        "Stream faults (tcp://): slice=N delay=D bandwidth=RATE "
        "half_close_after=N\n  reset_after=N stall stall_after=N "
        "slow_close=D\n"
        "Datagram faults (udp://): drop=P drop_every=N drop_first=N "
        "drop_indices=I,J,..\n  gilbert_elliott=p,r[,b[,g]] duplicate=P "
        "reorder=P[,N] reorder_hold=D delay=D\n  jitter=D truncate=N[,P] "
        "corrupt=P\n\n"
        "Example:\n  wirecheck proxy --listen=127.0.0.1:0 "
        "--upstream=tcp://127.0.0.1:7000 \\\n      --fault=down:slice=1 "
        "--fault=up:half_close_after=100 --seed=42",
    .flag_prefix = "proxy_",
    .flags = WithServeFlags({"listen", "upstream", "fault", "seed",
                             "connect_timeout", "buffer"}),
    .repeatable_flags = {"fault"},
    .run = RunProxy,
});

}  // namespace
}  // namespace wirecheck::cli

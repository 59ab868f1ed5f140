#include "tools/cli/serve_util.h"

#include <signal.h>

#include <memory>

#include "absl/flags/flag.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "protocols/common/status_macros.h"
#include "protocols/transport/endpoint.h"
#include "protocols/transport/posix_event_loop.h"
#include "protocols/transport/posix_network.h"
#include "protocols/transport/signal_watch.h"
#include "tools/cli/command.h"
#include "tools/cli/flag_types.h"

ABSL_FLAG(wirecheck::cli::Seconds, idle_timeout,
          wirecheck::cli::Seconds{absl::Seconds(60)},
          "Close a connection on which nothing moved for this long.");
ABSL_FLAG(int, max_connections, 100000,
          "Close connections beyond this many at once.");
ABSL_FLAG(wirecheck::cli::Seconds, grace,
          wirecheck::cli::Seconds{absl::Seconds(2)},
          "On SIGINT/SIGTERM, let open connections finish for this long.");

namespace wirecheck::cli {

const std::vector<std::string>& ServeFlags() {
  static const auto* const flags = new std::vector<std::string>{
      "idle_timeout", "max_connections", "grace"};
  return *flags;
}

std::vector<std::string> WithServeFlags(std::vector<std::string> own) {
  own.insert(own.end(), ServeFlags().begin(), ServeFlags().end());
  return own;
}

ServerOptions ServerOptionsFromFlags() {
  ServerOptions options;
  options.idle_timeout = absl::GetFlag(FLAGS_idle_timeout).value;
  options.max_connections =
      static_cast<size_t>(std::max(1, absl::GetFlag(FLAGS_max_connections)));
  return options;
}

absl::StatusOr<std::vector<SocketAddress>> ParseListenAddresses(
    const std::string& text) {
  uint32_t port = 0;
  if (absl::SimpleAtoi(text, &port)) {
    if (port > 65535) {
      return absl::InvalidArgumentError(
          absl::StrCat("--listen ", text, ": port above 65535"));
    }
    return std::vector<SocketAddress>{
        SocketAddress::Any(AddressFamily::kIPv4, static_cast<uint16_t>(port)),
        SocketAddress::Any(AddressFamily::kIPv6, static_cast<uint16_t>(port))};
  }
  ASSIGN_OR_RETURN(const Endpoint endpoint, ParseEndpoint(text));
  return Resolve(endpoint.host, endpoint.port, FamilyPreference::kAny);
}

int ServeUntilSignalled(
    const std::string& name, ServerOptions options,
    const std::function<absl::Status(Server& server, EventLoop& loop)>& setup,
    std::ostream& out, std::ostream& err) {
  const auto fail = [&](const absl::Status& status) {
    err << "wirecheck " << name << ": " << status << "\n";
    return kExitUsage;
  };
  absl::StatusOr<std::unique_ptr<PosixEventLoop>> loop =
      PosixEventLoop::Create();
  if (!loop.ok()) return fail(loop.status());
  Server server(**loop, RealNetwork(), std::move(options));
  const absl::Duration grace = absl::GetFlag(FLAGS_grace).value;
  bool stopping = false;
  absl::StatusOr<std::unique_ptr<SignalWatch>> signals = SignalWatch::Create(
      **loop, {SIGINT, SIGTERM}, [&](int signo) {
        if (stopping) {
          (*loop)->Stop();  // a second signal: stop now
          return;
        }
        stopping = true;
        server.Log(absl::StrCat("signal ", signo, ": shutting down"));
        server.Shutdown(grace, [&] { (*loop)->Stop(); });
      });
  if (!signals.ok()) return fail(signals.status());
  if (absl::Status status = setup(server, **loop); !status.ok()) {
    return fail(status);
  }
  out.flush();
  if (absl::Status status = (*loop)->Run(); !status.ok()) return fail(status);
  return kExitSuccess;
}

}  // namespace wirecheck::cli

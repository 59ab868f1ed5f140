#include "tools/cli/serve_util.h"

#include <signal.h>

#include <memory>
#include <sstream>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/strings/numbers.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
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
ABSL_FLAG(wirecheck::cli::Seconds, linger,
          wirecheck::cli::Seconds{absl::Seconds(2)},
          "After the last reply, keep reading what a client still sends for "
          "up to this long before closing (closing with unread input would "
          "reset the connection).");
ABSL_FLAG(int, threads, 1,
          "Event loops, one per thread, sharing the ports with SO_REUSEPORT "
          "(the kernel spreads clients over them).");
ABSL_FLAG(wirecheck::cli::Seconds, grace,
          wirecheck::cli::Seconds{absl::Seconds(2)},
          "On SIGINT/SIGTERM, let open connections finish for this long.");

namespace wirecheck::cli {

const std::vector<std::string>& ServeFlags() {
  static const auto* const flags = new std::vector<std::string>{
      "idle_timeout", "max_connections", "linger", "grace", "threads"};
  return *flags;
}

std::vector<std::string> WithServeFlags(std::vector<std::string> own,
                                        bool threads) {
  for (const std::string& flag : ServeFlags()) {
    if (threads || flag != "threads") own.push_back(flag);
  }
  return own;
}

ServerOptions ServerOptionsFromFlags() {
  ServerOptions options;
  options.idle_timeout = absl::GetFlag(FLAGS_idle_timeout).value;
  options.linger_timeout = absl::GetFlag(FLAGS_linger).value;
  options.max_connections =
      static_cast<size_t>(std::max(1, absl::GetFlag(FLAGS_max_connections)));
  return options;
}

absl::StatusOr<std::vector<SocketAddress>> ParseListenAddresses(
    const std::string& text) {
  if (absl::StrContains(text, ',')) {
    std::vector<SocketAddress> all;
    for (absl::string_view part : absl::StrSplit(text, ',')) {
      ASSIGN_OR_RETURN(std::vector<SocketAddress> addresses,
                       ParseListenAddresses(std::string(part)));
      all.insert(all.end(), addresses.begin(), addresses.end());
    }
    return all;
  }
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

int ServeUntilSignalled(const std::string& name, ServerOptions options,
                        const ServeSetup& setup, std::ostream& out,
                        std::ostream& err) {
  const auto fail = [&](const absl::Status& status) {
    err << "wirecheck " << name << ": " << status << "\n";
    return kExitUsage;
  };
  const int threads = absl::GetFlag(FLAGS_threads);
  if (threads < 1 || threads > 256) {
    return fail(absl::InvalidArgumentError("--threads must be 1 to 256"));
  }
  options.reuse_port |= threads > 1;
  RaiseOpenFileLimit();
  // Loop 0 runs on this thread and takes the signals; the others each run a
  // copy of the set-up on its own thread, bound to loop 0's very ports.
  struct Worker {
    std::unique_ptr<PosixEventLoop> loop;
    std::unique_ptr<Server> server;
  };
  std::vector<Worker> workers(threads);
  for (Worker& worker : workers) {
    absl::StatusOr<std::unique_ptr<PosixEventLoop>> loop =
        PosixEventLoop::Create();
    if (!loop.ok()) return fail(loop.status());
    worker.loop = *std::move(loop);
  }
  EventLoop& main_loop = *workers[0].loop;
  workers[0].server =
      std::make_unique<Server>(main_loop, RealNetwork(), options);
  const absl::Duration grace = absl::GetFlag(FLAGS_grace).value;
  bool stopping = false;
  absl::StatusOr<std::unique_ptr<SignalWatch>> signals = SignalWatch::Create(
      main_loop, {SIGINT, SIGTERM}, [&](int signo) {
        if (stopping) {
          for (Worker& worker : workers) worker.loop->Stop();  // stop now
          return;
        }
        stopping = true;
        workers[0].server->Log(
            absl::StrCat("signal ", signo, ": shutting down"));
        for (Worker& worker : workers) {
          worker.loop->Post([&worker, grace] {
            worker.server->Shutdown(grace, [&worker] { worker.loop->Stop(); });
          });
        }
      });
  if (!signals.ok()) return fail(signals.status());
  if (absl::Status status = setup(*workers[0].server, main_loop, out);
      !status.ok()) {
    return fail(status);
  }
  if (threads > 1) {
    ServerOptions replica = options;
    replica.bind_like = workers[0].server->bound_addresses();
    std::ostringstream repeated_banner;
    for (int i = 1; i < threads; ++i) {
      workers[i].server =
          std::make_unique<Server>(*workers[i].loop, RealNetwork(), replica);
      if (absl::Status status =
              setup(*workers[i].server, *workers[i].loop, repeated_banner);
          !status.ok()) {
        return fail(status);
      }
    }
    out << "serving on " << threads << " threads\n";
  }
  out.flush();
  std::vector<std::thread> running;
  std::vector<absl::Status> results(threads);
  for (int i = 1; i < threads; ++i) {
    running.emplace_back([&workers, &results, i] {
      results[i] = workers[i].loop->Run();
    });
  }
  results[0] = main_loop.Run();
  for (std::thread& thread : running) thread.join();
  for (const absl::Status& result : results) {
    if (!result.ok()) return fail(result);
  }
  return kExitSuccess;
}

}  // namespace wirecheck::cli

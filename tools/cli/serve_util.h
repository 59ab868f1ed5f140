// What every `wirecheck serve <service>` command shares: listen addresses,
// server options from flags, and running until SIGINT or SIGTERM with a
// graceful shutdown.
#ifndef WIRECHECK_TOOLS_CLI_SERVE_UTIL_H_
#define WIRECHECK_TOOLS_CLI_SERVE_UTIL_H_

#include <functional>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "protocols/transport/address.h"
#include "protocols/transport/event_loop.h"
#include "protocols/transport/network.h"
#include "protocols/transport/server.h"

namespace wirecheck::cli {

// The flags every serve command accepts (defined once, in serve_util.cc):
// --idle_timeout, --max_connections, --linger, --grace, --threads. A
// function, not a global, so commands registering during static
// initialisation never see it empty.
const std::vector<std::string>& ServeFlags();

// `own` followed by ServeFlags(): a serve command's whole flag list. A
// service that cannot run as several copies (discovery: each would announce)
// passes threads = false and has no --threads.
std::vector<std::string> WithServeFlags(std::vector<std::string> own,
                                        bool threads = true);

// ServerOptions from the shared serve flags.
ServerOptions ServerOptionsFromFlags();

// Parses a --listen value: "127.0.0.1:37", "[::]:37", "localhost:1037" (every
// address the name resolves to), a bare port "1037" (both 0.0.0.0 and
// [::]), or several of these separated by commas
// ("127.0.0.1:1037,[::1]:1037"). Errors: INVALID_ARGUMENT / NOT_FOUND saying what is wrong.
absl::StatusOr<std::vector<SocketAddress>> ParseListenAddresses(
    const std::string& text);

// Binds a serve command's services on `server` and prints where it listens
// on `out`.
using ServeSetup = std::function<absl::Status(Server& server, EventLoop& loop,
                                              std::ostream& out)>;

// Runs a server until SIGINT or SIGTERM. Makes a PosixEventLoop and a Server
// on the real network with `options`, calls `setup` to bind, then serves.
// With --threads=N it makes N loops, each on its own thread with its own
// Server, runs `setup` on each (printing only the first's lines) with the
// ports shared through SO_REUSEPORT, and serves on all. On a signal every
// server stops accepting, lets open connections finish for the --grace
// period, and this returns kExitSuccess. A setup error is printed on `err`
// as "wirecheck <name>: <status>" and gives kExitUsage.
int ServeUntilSignalled(const std::string& name, ServerOptions options,
                        const ServeSetup& setup, std::ostream& out,
                        std::ostream& err);

}  // namespace wirecheck::cli

#endif  // WIRECHECK_TOOLS_CLI_SERVE_UTIL_H_

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
// --idle_timeout, --max_connections, --grace. A function, not a global, so
// commands registering during static initialisation never see it empty.
const std::vector<std::string>& ServeFlags();

// `own` followed by ServeFlags(): a serve command's whole flag list.
std::vector<std::string> WithServeFlags(std::vector<std::string> own);

// ServerOptions from the shared serve flags.
ServerOptions ServerOptionsFromFlags();

// Parses a --listen value: "127.0.0.1:37", "[::]:37", "localhost:1037" (every
// address the name resolves to), or a bare port "1037" (both 0.0.0.0 and
// [::]). Errors: INVALID_ARGUMENT / NOT_FOUND saying what is wrong.
absl::StatusOr<std::vector<SocketAddress>> ParseListenAddresses(
    const std::string& text);

// Runs a server until SIGINT or SIGTERM. Makes a PosixEventLoop and a Server
// on the real network with `options`, calls `setup` to bind (it prints where
// it listens on `out`), then serves. On a signal it stops accepting, lets
// open connections finish for the --grace period, and returns kExitSuccess.
// A setup error is printed on `err` as "wirecheck <name>: <status>" and
// gives kExitUsage.
int ServeUntilSignalled(
    const std::string& name, ServerOptions options,
    const std::function<absl::Status(Server& server, EventLoop& loop)>& setup,
    std::ostream& out, std::ostream& err);

}  // namespace wirecheck::cli

#endif  // WIRECHECK_TOOLS_CLI_SERVE_UTIL_H_

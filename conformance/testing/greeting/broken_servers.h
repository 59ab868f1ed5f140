// Deliberately broken greeting servers, for testing the runner: each breaks
// the greeting spec (SPEC.md) in one way a real server might. They run on
// the shared Server, so they work on every harness.
#ifndef WIRECHECK_CONFORMANCE_TESTING_GREETING_BROKEN_SERVERS_H_
#define WIRECHECK_CONFORMANCE_TESTING_GREETING_BROKEN_SERVERS_H_

#include <map>
#include <memory>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "protocols/transport/address.h"
#include "protocols/transport/endpoint.h"
#include "protocols/transport/server.h"

namespace wirecheck::testing {

struct GreetingFaults {
  enum class Tcp {
    kCorrect,         // "hello", then close
    kShort,           // "hell", then close
    kLong,            // "hello!!!", then close
    kNeverCloses,     // "hello", and the connection stays open
    kLate,            // "hello" after `delay`, then close
    kResets,          // resets every connection at once
    kStreamsForever,  // sends 'x' as fast as the client reads, never stops
    kStalls,          // accepts, then sends nothing and never closes
    kGarbage,         // 8 binary bytes, then close
    kNone,            // no TCP listener
  };
  enum class Udp {
    kCorrect,        // answers every datagram with "hello"
    kSilent,         // receives and never answers
    kLate,           // answers after `delay`
    kWrong,          // answers "HELLO?"
    kIgnoresEmpty,   // answers, except empty datagrams
    kNone,           // nothing bound: the port is closed
  };
  Tcp tcp = Tcp::kCorrect;
  Udp udp = Udp::kCorrect;
  absl::Duration delay = absl::Milliseconds(600);
  // Once this many TCP connections have been accepted (0: never), the
  // server shuts down: it stops listening and answering datagrams, as if
  // it had crashed (the connections it has finish normally).
  int die_after_connections = 0;
};

// A greeting server with faults. Create it before the Server it serves on
// and destroy it after (the Server calls into it).
class BrokenGreetingServer {
 public:
  explicit BrokenGreetingServer(GreetingFaults faults);
  ~BrokenGreetingServer();

  // Serves on `server` at `bind` (call before the server's loop runs).
  // Returns where each served transport listens. Errors: those of
  // Server::ServeStream / ServeDatagrams.
  absl::StatusOr<std::map<Transport, SocketAddress>> Start(
      Server& server, const SocketAddress& bind);

 private:
  class Datagrams;
  const GreetingFaults faults_;
  std::unique_ptr<Datagrams> datagrams_;
  int connections_ = 0;
};

}  // namespace wirecheck::testing

#endif  // WIRECHECK_CONFORMANCE_TESTING_GREETING_BROKEN_SERVERS_H_

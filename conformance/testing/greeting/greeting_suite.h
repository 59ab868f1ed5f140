// The test-only greeting protocol's conformance suite (SPEC.md beside this
// file) and its reference server: a small, complete example of a suite, used
// to test the runner, its reports and `wirecheck check`.
#ifndef WIRECHECK_CONFORMANCE_TESTING_GREETING_GREETING_SUITE_H_
#define WIRECHECK_CONFORMANCE_TESTING_GREETING_GREETING_SUITE_H_

#include <cstdint>
#include <map>

#include "absl/status/statusor.h"
#include "conformance/case.h"
#include "protocols/transport/address.h"
#include "protocols/transport/endpoint.h"
#include "protocols/transport/server.h"

namespace wirecheck::testing {

// What a greeting server sends.
inline constexpr char kGreeting[] = "hello";

// The suite's default port (no IANA assignment; the protocol is a toy).
inline constexpr uint16_t kGreetingDefaultPort = 4707;

// Cases: greeting/tcp-greeting (GREET-1), greeting/tcp-close (GREET-2),
// greeting/tcp-prompt and greeting/udp-prompt (GREET-3, option
// greet_within), greeting/tcp-client-first (GREET-5, always INFO),
// greeting/udp-greeting (GREET-4), greeting/udp-empty (GREET-6).
conformance::Suite GreetingSuite();

// Serves the correct greeting protocol on `server` at `bind` over TCP and
// UDP (on the same port when it is free for both). Returns where each
// transport listens. Errors: those of Server::ServeStream / ServeDatagrams.
absl::StatusOr<std::map<Transport, SocketAddress>> StartGreetingReference(
    Server& server, const SocketAddress& bind);

}  // namespace wirecheck::testing

#endif  // WIRECHECK_CONFORMANCE_TESTING_GREETING_GREETING_SUITE_H_

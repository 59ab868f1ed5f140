// One test, two harnesses: behaviour tests are written once against Harness
// and run both on real loopback sockets and on the deterministic fakes.
//
//   class EchoTest : public ::testing::TestWithParam<HarnessFactory> {};
//   TEST_P(EchoTest, ClientHalfCloseStillGetsFullEcho) {
//     std::unique_ptr<Harness> h = GetParam().make();
//     Server server(h->server_loop(), h->server_network());
//     ... server.ServeStream(h->server_bind_address(), ...);
//     h->StartServers();
//     ... client code on h->client_network(), deadlines on h->clock() ...
//     h->StopServers();
//   }
//   INSTANTIATE_TEST_SUITE_P(AllHarnesses, EchoTest,
//                            ::testing::ValuesIn(AllHarnesses()),
//                            HarnessTestName);
#ifndef WIRECHECK_FAKES_HARNESS_H_
#define WIRECHECK_FAKES_HARNESS_H_

#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "protocols/transport/address.h"
#include "protocols/transport/clock.h"
#include "protocols/transport/endpoint.h"
#include "protocols/transport/event_loop.h"
#include "protocols/transport/network.h"
#include "protocols/transport/server.h"

namespace wirecheck::testing {

// A world to run one behaviour test in: a client host, a server host, the
// server's event loop, and the clock they share.
class Harness {
 public:
  virtual ~Harness() = default;

  // "loopback_ipv4", "fake_ipv6", ...
  virtual std::string name() const = 0;
  // True for the deterministic fakes (time is simulated).
  virtual bool simulated() const = 0;
  virtual AddressFamily family() const = 0;

  // The clock deadlines are measured on (simulated for the fakes).
  virtual Clock& clock() = 0;
  // Where clients make sockets.
  virtual Network& client_network() = 0;
  // Where servers make sockets; the server's loop runs them.
  virtual Network& server_network() = 0;
  virtual EventLoop& server_loop() = 0;
  // Where servers bind: 127.0.0.1:0 or [::1]:0, or the simulated server
  // host's address with port 0.
  virtual SocketAddress server_bind_address() = 0;

  // A timeout for "nothing arrives" checks: long enough that a working peer
  // always answers in time, short enough not to slow real-socket tests. On
  // the fakes it is a realistic one second of simulated time.
  virtual absl::Duration short_timeout() const = 0;

  // Starts running server_loop() (on a thread for real sockets; for the
  // fakes the loop runs whenever a client waits). Call after setting up
  // servers, at most once.
  virtual void StartServers() = 0;
  // Stops the server loop. Afterwards servers may be destroyed safely.
  virtual void StopServers() = 0;
  // Runs `task` on the server loop's thread and returns once it has run.
  virtual void RunOnServerLoop(std::function<void()> task) = 0;

  // Puts the faults of `plan` (fakes/fault_plan.h; `up:` is client to
  // server) between clients and `server` for `transport`, and returns the
  // address clients should use: on the fakes the server's own (the
  // simulated path between the client and server hosts carries the faults,
  // seeded by the harness), on loopback an in-process fault proxy's
  // (tools/proxy/) in front of it. Call before StartServers(). Errors:
  // INVALID_ARGUMENT for a bad plan or a term that does not fit the
  // transport.
  virtual absl::StatusOr<SocketAddress> ThroughFaults(
      Transport transport, const SocketAddress& server,
      absl::string_view plan) = 0;
};

// Names and makes one kind of harness; the parameter of harness tests.
struct HarnessFactory {
  std::string name;
  std::function<std::unique_ptr<Harness>()> make;
};

// Test parameters print as their harness's name.
inline void PrintTo(const HarnessFactory& factory, std::ostream* os) {
  *os << factory.name;
}

// Every harness: real loopback over IPv4 and IPv6, and the fakes over IPv4
// and IPv6.
std::vector<HarnessFactory> AllHarnesses();
// Only the real loopback ones (for behaviour only real sockets have).
std::vector<HarnessFactory> LoopbackHarnesses();

// The fixture of a server's behaviour tests: a harness from the test's
// parameter and a Server on its loop and network. TearDown stops the loop
// before the server goes, so no callback outlives it.
//
//   class EchoTest : public HarnessServerTest {};
//   TEST_P(EchoTest, ...) { server_->ServeStream(...); harness_->StartServers(); }
class HarnessServerTest : public ::testing::TestWithParam<HarnessFactory> {
 protected:
  void SetUp() override {
    harness_ = GetParam().make();
    server_ = std::make_unique<Server>(harness_->server_loop(),
                                       harness_->server_network());
  }
  void TearDown() override {
    harness_->StopServers();
    server_.reset();
  }

  std::unique_ptr<Harness> harness_;
  std::unique_ptr<Server> server_;
};

// For INSTANTIATE_TEST_SUITE_P: names each case after its harness.
std::string HarnessTestName(
    const ::testing::TestParamInfo<HarnessFactory>& info);

// Connects a client stream to `listener` and accepts it: returns (client
// side, server side). Works on every harness.
absl::StatusOr<std::pair<std::unique_ptr<Stream>, std::unique_ptr<Stream>>>
ConnectPair(Harness& harness, Listener& listener);

}  // namespace wirecheck::testing

#endif  // WIRECHECK_FAKES_HARNESS_H_

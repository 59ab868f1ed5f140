// The deterministic harness: a client host and a server host on one
// simulated link (simulated_network.h), the server's FakeEventLoop, and the
// FakeClock they share. Nothing runs on a thread: the server's loop runs
// whenever the test's client blocks on a socket (pumping the clock), so
// every run is identical and a one-second timeout takes microseconds.
#ifndef WIRECHECK_FAKES_FAKE_HARNESS_H_
#define WIRECHECK_FAKES_FAKE_HARNESS_H_

#include <functional>
#include <string>

#include "fakes/fake_clock.h"
#include "fakes/fake_event_loop.h"
#include "fakes/harness.h"
#include "fakes/simulated_network.h"

namespace wirecheck::testing {

// Hosts "client" (192.0.2.1/24, 2001:db8::1/64) and "server" (192.0.2.2/24,
// 2001:db8::2/64) on link "lan" with no delay and no faults; `family`
// picks which addresses the harness hands out. Tests that want delay or
// faults set them on network() (its seed is 0 unless given).
class FakeHarness : public Harness {
 public:
  explicit FakeHarness(AddressFamily family, uint64_t seed = 0);

  std::string name() const override;
  bool simulated() const override { return true; }
  AddressFamily family() const override { return family_; }
  Clock& clock() override { return clock_; }
  Network& client_network() override { return *client_; }
  Network& server_network() override { return *server_; }
  EventLoop& server_loop() override { return loop_; }
  SocketAddress server_bind_address() override {
    return server_->address(family_);
  }
  // One second of simulated time.
  absl::Duration short_timeout() const override { return absl::Seconds(1); }
  // The loop runs whenever the clock is pumped; nothing to start or stop.
  void StartServers() override {}
  void StopServers() override {}
  // Runs `task` at once, on the calling thread (the only one).
  void RunOnServerLoop(std::function<void()> task) override { task(); }
  absl::StatusOr<SocketAddress> ThroughFaults(Transport transport,
                                              const SocketAddress& server,
                                              absl::string_view plan) override;

  fakes::FakeClock& fake_clock() { return clock_; }
  fakes::SimulatedNetwork& network() { return network_; }
  // The link both hosts are on.
  fakes::SimulatedLink& link() { return *link_; }
  fakes::SimulatedHost& client_host() { return *client_; }
  fakes::SimulatedHost& server_host() { return *server_; }
  fakes::FakeEventLoop& fake_loop() { return loop_; }

 private:
  const AddressFamily family_;
  // Declared in dependency order: destroyed loop first, clock last.
  fakes::FakeClock clock_;
  fakes::SimulatedNetwork network_;
  fakes::SimulatedLink* link_;
  fakes::SimulatedHost* client_;
  fakes::SimulatedHost* server_;
  fakes::FakeEventLoop loop_;
};

}  // namespace wirecheck::testing

#endif  // WIRECHECK_FAKES_FAKE_HARNESS_H_

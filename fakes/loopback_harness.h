// The real-socket harness: 127.0.0.1 or ::1, ephemeral ports, the server's
// PosixEventLoop on its own thread.
#ifndef WIRECHECK_FAKES_LOOPBACK_HARNESS_H_
#define WIRECHECK_FAKES_LOOPBACK_HARNESS_H_

#include <memory>
#include <thread>
#include <vector>

#include "fakes/harness.h"
#include "tools/proxy/proxy.h"
#include "protocols/transport/posix_event_loop.h"
#include "protocols/transport/posix_network.h"

namespace wirecheck::testing {

class LoopbackHarness : public Harness {
 public:
  explicit LoopbackHarness(AddressFamily family);
  ~LoopbackHarness() override;

  std::string name() const override;
  bool simulated() const override { return false; }
  AddressFamily family() const override { return family_; }
  Clock& clock() override { return RealClock(); }
  Network& client_network() override { return RealNetwork(); }
  Network& server_network() override { return RealNetwork(); }
  EventLoop& server_loop() override { return *loop_; }
  SocketAddress server_bind_address() override {
    return SocketAddress::Loopback(family_, 0);
  }
  absl::Duration short_timeout() const override {
    return absl::Milliseconds(20);
  }
  void StartServers() override;
  void StopServers() override;
  void RunOnServerLoop(std::function<void()> task) override;
  absl::StatusOr<SocketAddress> ThroughFaults(Transport transport,
                                              const SocketAddress& server,
                                              absl::string_view plan) override;

 private:
  const AddressFamily family_;
  std::unique_ptr<PosixEventLoop> loop_;
  std::thread thread_;
  // Declared after the loop, so destroyed before it.
  std::vector<std::unique_ptr<proxy::FaultProxy>> proxies_;
};

}  // namespace wirecheck::testing

#endif  // WIRECHECK_FAKES_LOOPBACK_HARNESS_H_

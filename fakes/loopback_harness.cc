#include "fakes/loopback_harness.h"

#include <future>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/ascii.h"
#include "protocols/transport/posix_network.h"
#include "tools/proxy/tcp_proxy.h"
#include "tools/proxy/udp_proxy.h"

namespace wirecheck::testing {

LoopbackHarness::LoopbackHarness(AddressFamily family)
    : family_(family), loop_(*PosixEventLoop::Create()) {}

LoopbackHarness::~LoopbackHarness() {
  StopServers();
  proxies_.clear();
}

std::string LoopbackHarness::name() const {
  return absl::StrCat("loopback_",
                      absl::AsciiStrToLower(AddressFamilyName(family_)));
}

void LoopbackHarness::StartServers() {
  if (thread_.joinable()) return;
  thread_ = std::thread([this] {
    const absl::Status status = loop_->Run();
    if (!status.ok()) ADD_FAILURE() << "server loop: " << status;
  });
}

void LoopbackHarness::StopServers() {
  if (!thread_.joinable()) return;
  loop_->Stop();
  thread_.join();
}

void LoopbackHarness::RunOnServerLoop(std::function<void()> task) {
  if (!thread_.joinable()) {
    task();
    return;
  }
  std::promise<void> done;
  loop_->Post([&] {
    task();
    done.set_value();
  });
  done.get_future().wait();
}

}  // namespace wirecheck::testing

namespace wirecheck::testing {

absl::StatusOr<SocketAddress> LoopbackHarness::ThroughFaults(
    Transport transport, const SocketAddress& server, absl::string_view plan) {
  proxy::ProxyOptions options;
  options.upstream = server;
  options.faults = std::string(plan);
  options.idle_timeout = absl::InfiniteDuration();
  options.log = [](absl::string_view) {};
  absl::StatusOr<std::unique_ptr<proxy::FaultProxy>> created;
  if (transport == Transport::kTcp) {
    created = proxy::TcpProxy::Create(*loop_, RealNetwork(), options);
  } else {
    created = proxy::UdpProxy::Create(*loop_, RealNetwork(), options);
  }
  if (!created.ok()) return created.status();
  absl::StatusOr<SocketAddress> address =
      (*created)->Listen(SocketAddress::Loopback(family_, 0));
  if (!address.ok()) return address.status();
  proxies_.push_back(*std::move(created));
  return *address;
}

}  // namespace wirecheck::testing

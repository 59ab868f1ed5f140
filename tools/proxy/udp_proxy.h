// UdpProxy: the UDP fault proxy (proxy.h).
//
// Each client (source address and port, per listening socket) gets its own
// upstream socket, connected to the upstream, so the upstream sees one peer
// per client and its replies go back to the client that caused them. Each
// client has a DatagramFaultEngine per direction
// (fakes/datagram_fault_engine.h): its datagrams are numbered from 1 in
// each direction, and every client draws from the same seeded random
// streams (see EngineSeed), so a client's faults depend only on the seed
// and its own traffic, not on which other clients came first; a run
// replays from its seed. The proxy sends what the engine returns: dropped
// datagrams are not sent, copies are sent twice, truncated and corrupted
// ones as altered, delayed and reordered ones from loop timers.
//
// A client that neither sends nor is sent anything for idle_timeout is
// forgotten: its upstream socket is closed and datagrams still delayed for
// it are dropped; if it comes back it starts over as a new client (new
// upstream port, datagrams numbered from 1 again). An ICMP error from the
// upstream (nothing listening) is logged once per client; as on a real
// path, the client just gets no answer.
#ifndef WIRECHECK_TOOLS_PROXY_UDP_PROXY_H_
#define WIRECHECK_TOOLS_PROXY_UDP_PROXY_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "fakes/fault_plan.h"
#include "protocols/transport/event_loop.h"
#include "protocols/transport/network.h"
#include "tools/proxy/proxy.h"

namespace wirecheck::proxy {

class UdpProxy : public FaultProxy {
 public:
  // Checks the options; listens nowhere yet (see Listen()). `loop` and
  // `network` must outlive the proxy. Errors: INVALID_ARGUMENT naming the
  // bad term for a plan that does not parse or holds a stream-only fault,
  // or for an unspecified upstream.
  static absl::StatusOr<std::unique_ptr<UdpProxy>> Create(
      EventLoop& loop, Network& network, ProxyOptions options);
  ~UdpProxy() override;

  // The seed of every client's engine for `direction`, from the proxy's
  // seed: a DatagramFaultEngine made with it and the plan's faults for that
  // direction predicts exactly what the proxy does to a client's datagrams.
  static uint64_t EngineSeed(uint64_t seed, fakes::Direction direction);

  absl::StatusOr<SocketAddress> Listen(const SocketAddress& address) override;
  void Shutdown(absl::Duration grace, std::function<void()> done) override;
  Transport transport() const override { return Transport::kUdp; }
  size_t open_clients() const override { return clients_.size(); }
  const ProxyStats& stats() const override { return stats_; }

 private:
  class Client;
  // A listening socket.
  struct Front {
    std::unique_ptr<DatagramSocket> socket;
  };

  UdpProxy(EventLoop& loop, Network& network, ProxyOptions options,
           fakes::FaultPlan plan);
  void FrontReady(Front& front);
  // The client `from` of `front`; null when over max_clients or its
  // upstream socket cannot be made (logged).
  Client* FindOrAddClient(Front& front, const SocketAddress& from);
  // Forgets `client` (idle) after the current callback.
  void Expire(Client* client);
  void Log(absl::string_view line) const;

  EventLoop& loop_;
  Network& network_;
  const ProxyOptions options_;
  const fakes::FaultPlan plan_;
  ProxyStats stats_;
  std::string buffer_;
  std::vector<std::unique_ptr<Front>> fronts_;
  std::map<std::pair<const Front*, SocketAddress>, std::unique_ptr<Client>>
      clients_;
  std::vector<std::unique_ptr<Client>> expired_;
  EventLoop::TimerId reap_timer_ = 0;
  absl::Time last_reject_log_ = absl::InfinitePast();
};

}  // namespace wirecheck::proxy

#endif  // WIRECHECK_TOOLS_PROXY_UDP_PROXY_H_

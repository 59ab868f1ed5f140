// The fault-injecting proxy behind `wirecheck proxy`: it sits between
// clients and a real upstream server, relays TCP connections or UDP
// datagrams, and applies a fault plan (fakes/fault_plan.h) to the traffic
// in each direction, so the failures the simulated network produces in
// tests can be produced in front of any real server, including third-party
// ones.
//
//   ProxyOptions options;
//   options.upstream = *SocketAddress::Parse("127.0.0.1:7000");
//   options.faults = "slice=1 up:half_close_after=100";
//   ASSIGN_OR_RETURN(std::unique_ptr<FaultProxy> proxy,
//                    TcpProxy::Create(loop, RealNetwork(), options));
//   ASSIGN_OR_RETURN(SocketAddress listening,
//                    proxy->Listen(*SocketAddress::Parse("127.0.0.1:0")));
//   loop.Run();
//
// `up:` terms apply to traffic from the clients toward the upstream, `down:`
// terms to the replies, unprefixed terms to both (each direction of each
// connection or client with its own engine). The fault engines decide what
// is delivered when (fakes/stream_fault_engine.h,
// fakes/datagram_fault_engine.h); the proxies carry that out on real
// sockets. TcpProxy (tcp_proxy.h) and UdpProxy (udp_proxy.h) implement it.
#ifndef WIRECHECK_TOOLS_PROXY_PROXY_H_
#define WIRECHECK_TOOLS_PROXY_PROXY_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "fakes/fault_log.h"
#include "protocols/transport/address.h"
#include "protocols/transport/endpoint.h"
#include "protocols/transport/server.h"

namespace wirecheck::proxy {

struct ProxyOptions {
  // Where every client's traffic goes.
  SocketAddress upstream;
  // The fault plan, in the fault-plan vocabulary (fakes/fault_plan.h):
  // stream terms for TCP, datagram terms for UDP; `delay` fits both. Empty:
  // relay faithfully.
  std::string faults;
  // Seeds every random choice of `faults` (datagram faults; stream faults
  // draw none): the same seed and the same traffic give the same faults.
  uint64_t seed = 0;
  // A TCP connection on which nothing moves either way for this long is
  // reset at both ends; a UDP client that neither sends nor is sent
  // anything for this long is forgotten (its upstream socket closed). Bytes
  // or datagrams waiting out a delay keep a connection or client. Zero or
  // absl::InfiniteDuration(): never.
  absl::Duration idle_timeout = absl::Seconds(60);
  // How long a TCP connect to the upstream may take before the client is
  // reset.
  absl::Duration connect_timeout = absl::Seconds(5);
  // TCP connections, or UDP clients, served at once; more are refused (TCP:
  // closed at once; UDP: their datagrams dropped).
  size_t max_clients = 10000;
  // Per direction of each connection or client: the most bytes the proxy
  // holds for later delivery (delayed, paced, stalled, not yet taken by the
  // receiver), its bookkeeping of TCP segments included. TCP stops reading from the sender at this limit, so the
  // sender feels back-pressure; UDP drops datagrams beyond it.
  size_t max_buffered_bytes = 1 << 20;
  // Receives a record of every fault applied (may be null; must outlive the
  // proxy). It is also where `wirecheck proxy` prints them from.
  fakes::FaultLog* fault_log = nullptr;
  // Receives one line per connection event (opened, upstream refused,
  // reset, closed, expired).
  LogSink log = StderrLogSink();
};

// Counters over the proxy's life.
struct ProxyStats {
  // TCP connections accepted, or UDP clients seen (a client that expired
  // and comes back counts again).
  uint64_t clients = 0;
  // Over max_clients: TCP connections closed at once, UDP datagrams dropped.
  uint64_t rejected = 0;
  // TCP: connects to the upstream that failed.
  uint64_t upstream_failures = 0;
  // TCP: connections that ended in a reset (from either end or a fault).
  uint64_t resets = 0;
  // UDP: clients forgotten after idle_timeout.
  uint64_t expired = 0;
};

// A running proxy. Use it only on its event loop's thread (or before the
// loop runs). Destroying it closes every socket at once.
class FaultProxy {
 public:
  virtual ~FaultProxy() = default;

  // Accepts clients on `address` (port 0: an ephemeral port) and returns
  // the bound address. May be called for several addresses (IPv4 and
  // IPv6). Errors: those of Network::Listen / OpenDatagram and
  // EventLoop::Watch.
  virtual absl::StatusOr<SocketAddress> Listen(const SocketAddress& address) = 0;

  // Stops taking new clients, lets open TCP connections end on their own
  // for up to `grace`, then resets the rest; UDP clients are dropped at
  // once. Calls `done` on the loop's thread once nothing is left.
  virtual void Shutdown(absl::Duration grace, std::function<void()> done) = 0;

  virtual Transport transport() const = 0;
  // TCP connections open, or UDP clients remembered.
  virtual size_t open_clients() const = 0;
  virtual const ProxyStats& stats() const = 0;
};

}  // namespace wirecheck::proxy

#endif  // WIRECHECK_TOOLS_PROXY_PROXY_H_

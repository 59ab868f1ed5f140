// TcpProxy: the TCP fault proxy (proxy.h). Every accepted client gets its
// own connection to the upstream, and the bytes of each direction go
// through their own StreamFaultEngine (fakes/stream_fault_engine.h), which
// says what to deliver when; the proxy carries that out:
//
//   slice=N            each segment is written with its own send(), and the
//                      next only once the last has left the socket
//                      (TCP_NOTSENT_LOWAT), so with TCP_NODELAY every
//                      segment is its own TCP segment: a reader that keeps
//                      up reads it on its own (one that lags may read
//                      several at once, as from any sender)
//   delay, bandwidth   segments wait on loop timers until their time
//   half_close_after   shutdown(SHUT_WR) toward the receiver at exactly
//                      byte N; later bytes from the sender are read and
//                      discarded; the other direction keeps flowing
//   reset_after        both ends are reset (RST) after byte N is written
//   stall, stall_after bytes are accepted but never delivered, and count
//                      against the buffer, so the sender ends up blocked
//   slow_close         the receiver's shutdown(SHUT_WR) comes late
//
// Without faults it is a faithful relay: a half-close (SHUT_WR) from either
// end becomes a SHUT_WR toward the other end after every byte before it; a
// reset from either end (or a write that draws one) resets the other end,
// discarding what the proxy still held for delivery; a connection whose two
// directions have both ended is closed. Nothing is read from a sender while
// its direction holds max_buffered_bytes, so memory is bounded per
// connection and back-pressure passes through.
//
// A refused or timed-out upstream connect resets the client, with a log
// line. Connects run on helper threads (upstream_connector.h); everything
// else runs on the event loop's thread.
#ifndef WIRECHECK_TOOLS_PROXY_TCP_PROXY_H_
#define WIRECHECK_TOOLS_PROXY_TCP_PROXY_H_

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "fakes/fault_plan.h"
#include "protocols/transport/acceptor.h"
#include "protocols/transport/event_loop.h"
#include "protocols/transport/network.h"
#include "tools/proxy/proxy.h"
#include "tools/proxy/upstream_connector.h"

namespace wirecheck::proxy {

class TcpProxy : public FaultProxy {
 public:
  // Checks the options; listens nowhere yet (see Listen()). `network` must
  // be thread-safe (upstream connects run on helper threads): the real
  // network. `loop` and `network` must outlive the proxy. Errors:
  // INVALID_ARGUMENT naming the bad term for a plan that does not parse or
  // holds a datagram-only fault, or for an unspecified upstream.
  static absl::StatusOr<std::unique_ptr<TcpProxy>> Create(
      EventLoop& loop, Network& network, ProxyOptions options);
  ~TcpProxy() override;

  absl::StatusOr<SocketAddress> Listen(const SocketAddress& address) override;
  void Shutdown(absl::Duration grace, std::function<void()> done) override;
  Transport transport() const override { return Transport::kTcp; }
  size_t open_clients() const override { return relays_.size(); }
  const ProxyStats& stats() const override { return stats_; }

 private:
  class Relay;

  TcpProxy(EventLoop& loop, Network& network, ProxyOptions options,
           fakes::FaultPlan plan);
  // Relays an accepted client connection.
  void Adopt(std::unique_ptr<Stream> stream);
  // Called by a relay once closed; deletes it after the current callback.
  void Retire(Relay* relay);
  void MaybeFinishShutdown();
  void Log(absl::string_view line) const;

  EventLoop& loop_;
  Network& network_;
  const ProxyOptions options_;
  const fakes::FaultPlan plan_;
  ProxyStats stats_;
  // Shared by every relay: one read at a time on the loop's thread.
  std::string read_buffer_;
  // Declared before the relays, which cancel their connects when destroyed.
  UpstreamConnector connector_;
  std::vector<std::unique_ptr<Acceptor>> acceptors_;
  bool shutting_down_ = false;
  std::unordered_map<Relay*, std::unique_ptr<Relay>> relays_;
  std::vector<std::unique_ptr<Relay>> retired_;
  EventLoop::TimerId reap_timer_ = 0;
  EventLoop::TimerId grace_timer_ = 0;
  std::function<void()> shutdown_done_;
};

}  // namespace wirecheck::proxy

#endif  // WIRECHECK_TOOLS_PROXY_TCP_PROXY_H_

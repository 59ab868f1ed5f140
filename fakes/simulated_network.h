// SimulatedNetwork: hosts with IPv4/IPv6 addresses on links (subnets),
// driven by a FakeClock. Each host implements Network, so protocol code runs
// on it unchanged and cannot tell it from real sockets.
//
//   FakeClock clock;
//   SimulatedNetwork network(clock, seed);
//   SimulatedLink& lan = network.AddLink("lan", absl::Microseconds(100));
//   SimulatedHost& a = network.AddHost("a");
//   SimulatedHost& b = network.AddHost("b");
//   a.AddInterface(lan, {"192.0.2.1/24", "2001:db8::1/64"});
//   b.AddInterface(lan, {"192.0.2.2/24", "2001:db8::2/64"});
//   network.SetLinkFaults(lan, "drop=0.1 duplicate=0.05");
//   // a and b are two machines on one Ethernet: use them as Networks.
//
// What it models, as Linux does it:
//  - Each host has "lo" (index 1: 127.0.0.1/8, ::1) and one interface per
//    link it is on ("eth0" index 2, "eth1" index 3, ...). Traffic to the
//    host's own addresses stays on the host, at once. Traffic to an address
//    on the subnet of one of its interfaces crosses that interface's link,
//    taking the link's delay; there are no routers, so anything else is
//    UNAVAILABLE "Network is unreachable".
//  - UDP: unicast; limited (255.255.255.255) and directed (the subnet's
//    last address) broadcast, which need EnableBroadcast() or fail
//    PERMISSION_DENIED "Permission denied", and reach every host on the
//    link, the sender's own host included; IPv4 and IPv6 multicast to the
//    hosts that joined the group on that link (224.0.0.1 and ff02::1 are
//    always joined; multicast never leaves its link, so ff02::/16 stays
//    there). As on Linux, a socket bound to the wildcard address and the
//    group's port receives the group's datagrams once any socket of its host
//    joined the group on that interface (IP_MULTICAST_ALL). Broadcast and
//    multicast are not received by sockets bound to a unicast address.
//  - SO_REUSEADDR: sockets that all set it share a port; each gets a copy of
//    every broadcast and multicast datagram, while a unicast datagram goes to
//    one: the best match (connected, then bound to the exact address), among
//    equals the most recently bound. SO_REUSEPORT spreads unicast by the
//    sender's address. Otherwise a second bind fails "Address already in
//    use".
//  - Ports 0 bind ephemeral ports from 32768, in order.
//  - Datagrams above 65,507 bytes (IPv4) or 65,527 (IPv6) fail
//    INVALID_ARGUMENT "Message too long"; a short receive buffer reports the
//    datagram truncated with its real size. A receive buffer (212,992 bytes,
//    or twice receive_buffer_bytes, as Linux doubles it; each datagram
//    counting 256 bytes more than its payload) that is full drops datagrams.
//  - A unicast datagram to a port nobody has bound draws an ICMP port
//    unreachable; a connected sender's next receive (or send) fails
//    UNAVAILABLE "Connection refused".
//  - TCP: Listen/Connect with the fake streams of fake_stream.h (delay: the
//    link's). Nothing listening: UNAVAILABLE "Connection refused". An
//    on-link address no host has: "No route to host" after 3 s (ARP gives
//    up). A full backlog drops the SYN, which is sent again after 1 s, 2 s,
//    4 s, ... until the connect deadline.
//
// Faults (fault_plan.h): a link's plan applies to every datagram crossing it
// (each receiver's copy on its own); a host pair's plan replaces it between
// those two hosts and also applies its stream terms to the TCP connections
// between them. Traffic a host sends itself never meets faults. Every random
// choice comes from the network's seed, mixed with the link's or the pair's
// names, so a run replays exactly from its seed. Every fault applied is in
// fault_log().
//
// Single-threaded, like the rest of the fake world. Sockets may outlive the
// network: afterwards every call on them fails FAILED_PRECONDITION.
#ifndef WIRECHECK_FAKES_SIMULATED_NETWORK_H_
#define WIRECHECK_FAKES_SIMULATED_NETWORK_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "fakes/fake_clock.h"
#include "fakes/fault_log.h"
#include "fakes/fault_plan.h"
#include "protocols/transport/address.h"
#include "protocols/transport/network.h"

namespace wirecheck::fakes {

namespace internal {
struct Core;
struct HostState;
struct LinkState;
}  // namespace internal

// A link: one broadcast domain (an Ethernet segment, a Wi-Fi network).
// Owned by its SimulatedNetwork.
class SimulatedLink {
 public:
  const std::string& name() const;
  absl::Duration delay() const;
  // Changes the one-way delay for datagrams and connections made from now.
  void set_delay(absl::Duration delay);

 private:
  friend class SimulatedNetwork;
  friend class SimulatedHost;
  explicit SimulatedLink(internal::LinkState* state) : state_(state) {}
  internal::LinkState* state_;
};

// One simulated machine. Owned by its SimulatedNetwork.
class SimulatedHost : public Network {
 public:
  ~SimulatedHost() override;

  const std::string& name() const;

  // Connects this host to `link` through a new interface ("eth0" with index
  // 2 for the first, ...) carrying `addresses`, each "ip/prefix"
  // ("192.0.2.1/24", "2001:db8::1/64"). Returns the interface index.
  // Errors: INVALID_ARGUMENT for a malformed address or prefix, or a
  // multicast, loopback or unspecified address; ALREADY_EXISTS when another
  // host already has one of the addresses.
  absl::StatusOr<uint32_t> AddInterface(SimulatedLink& link,
                                        const std::vector<std::string>& addresses);

  // The first address of `family` on this host's first interface that has
  // one, with port 0; the unspecified address if none.
  SocketAddress address(AddressFamily family) const;

  Clock& clock() override;
  absl::StatusOr<std::unique_ptr<Stream>> Connect(const SocketAddress& remote,
                                                  absl::Time deadline) override;
  absl::StatusOr<std::unique_ptr<Listener>> Listen(
      const SocketAddress& local, const ListenOptions& options) override;
  absl::StatusOr<std::unique_ptr<DatagramSocket>> OpenDatagram(
      const SocketAddress& local, const DatagramOptions& options) override;
  absl::StatusOr<std::vector<NetworkInterface>> Interfaces() override;

 private:
  friend class SimulatedNetwork;
  explicit SimulatedHost(std::unique_ptr<internal::HostState> state);
  std::unique_ptr<internal::HostState> state_;
};

class SimulatedNetwork {
 public:
  // Counters over the network's life.
  struct Stats {
    uint64_t datagrams_sent = 0;       // SendTo calls that succeeded
    uint64_t datagrams_delivered = 0;  // copies queued on a receiving socket
    uint64_t receive_buffer_drops = 0; // copies lost to a full buffer
    uint64_t unreachable = 0;          // ICMP port unreachable sent
  };

  // `clock` must outlive the network. `seed` drives every random fault.
  explicit SimulatedNetwork(FakeClock& clock, uint64_t seed = 0);
  ~SimulatedNetwork();
  SimulatedNetwork(const SimulatedNetwork&) = delete;
  SimulatedNetwork& operator=(const SimulatedNetwork&) = delete;

  FakeClock& clock();
  uint64_t seed() const;

  // Adds a link with this one-way delay. Names should be unique; they
  // name the link in the fault log and salt its random stream.
  SimulatedLink& AddLink(absl::string_view name,
                         absl::Duration delay = absl::ZeroDuration());
  // Adds a host with no interface but lo.
  SimulatedHost& AddHost(absl::string_view name);

  // Applies `plan` to every datagram crossing `link` from now on, replacing
  // its previous plan (the empty plan removes it). Errors: INVALID_ARGUMENT
  // for a parse error, a stream term, or a direction prefix (a link has no
  // up or down).
  absl::Status SetLinkFaults(SimulatedLink& link, absl::string_view plan);
  absl::Status SetLinkFaults(SimulatedLink& link, const FaultPlan& plan);

  // Applies `plan` to the traffic between `a` and `b` from now on, instead of
  // their link's plan: up: terms to what `a` sends `b`, down: terms to what
  // `b` sends `a`. Its stream terms apply to TCP connections made between
  // them from now on. Errors: INVALID_ARGUMENT for a parse error.
  absl::Status SetPathFaults(SimulatedHost& a, SimulatedHost& b,
                             absl::string_view plan);
  absl::Status SetPathFaults(SimulatedHost& a, SimulatedHost& b,
                             const FaultPlan& plan);

  // Each direction of a TCP connection holds this many bytes written and
  // not yet read (default 64 KiB); applies to connections made from now.
  void set_stream_buffer_bytes(size_t bytes);

  FaultLog& fault_log();
  Stats stats() const;

 private:
  std::shared_ptr<internal::Core> core_;
};

}  // namespace wirecheck::fakes

#endif  // WIRECHECK_FAKES_SIMULATED_NETWORK_H_

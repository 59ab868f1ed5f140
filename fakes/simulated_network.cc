#include "fakes/simulated_network.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <deque>
#include <map>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "fakes/datagram_fault_engine.h"
#include "fakes/fake_stream.h"
#include "fakes/fake_waitable.h"
#include "fakes/seeded_random.h"
#include "protocols/common/status_macros.h"
#include "protocols/transport/socket_error.h"

namespace wirecheck::fakes {
namespace internal {
namespace {

constexpr uint16_t kFirstEphemeralPort = 32768;
constexpr uint16_t kLastEphemeralPort = 60999;
constexpr size_t kMaxIpv4Payload = 65507;
constexpr size_t kMaxIpv6Payload = 65527;
// Linux's default rmem, and the per-datagram bookkeeping it charges.
constexpr size_t kDefaultReceiveBuffer = 212992;
constexpr size_t kDatagramOverhead = 256;
// How long ARP tries before an on-link address with no host is unreachable.
constexpr absl::Duration kArpTimeout = absl::Seconds(3);
constexpr absl::Duration kInitialSynTimeout = absl::Seconds(1);

// The IP (family and address bytes), without port or scope.
std::string IpKey(const SocketAddress& address) {
  if (address.family() == AddressFamily::kIPv4) {
    const uint32_t ip = address.ipv4();
    return absl::StrCat("4", std::string(reinterpret_cast<const char*>(&ip),
                                         sizeof(ip)));
  }
  const in6_addr ip = address.ipv6();
  return absl::StrCat(
      "6", std::string(reinterpret_cast<const char*>(&ip), sizeof(ip)));
}

bool SameIp(const SocketAddress& a, const SocketAddress& b) {
  return a.family() == b.family() && IpKey(a) == IpKey(b);
}

bool IsLinkLocalV6(const SocketAddress& address) {
  if (address.family() != AddressFamily::kIPv6) return false;
  const in6_addr ip = address.ipv6();
  return ip.s6_addr[0] == 0xfe && (ip.s6_addr[1] & 0xc0) == 0x80;
}

SocketAddress WithScope(const SocketAddress& address, uint32_t scope) {
  if (address.family() != AddressFamily::kIPv6) return address;
  sockaddr_in6 raw;
  std::memcpy(&raw, address.sockaddr_ptr(), sizeof(raw));
  raw.sin6_scope_id = scope;
  return SocketAddress::FromSockaddr(reinterpret_cast<const sockaddr*>(&raw),
                                     sizeof(raw));
}

SocketAddress Ipv4Address(uint32_t ip) {
  sockaddr_in raw = {};
  raw.sin_family = AF_INET;
  raw.sin_addr.s_addr = htonl(ip);
  return SocketAddress::FromSockaddr(reinterpret_cast<const sockaddr*>(&raw),
                                     sizeof(raw));
}

bool InSubnet(const SocketAddress& network, int prefix,
              const SocketAddress& address) {
  if (network.family() != address.family()) return false;
  if (network.family() == AddressFamily::kIPv4) {
    if (prefix == 0) return true;
    const uint32_t mask = prefix >= 32 ? ~0u : ~((1u << (32 - prefix)) - 1);
    return (network.ipv4() & mask) == (address.ipv4() & mask);
  }
  const in6_addr a = network.ipv6();
  const in6_addr b = address.ipv6();
  int bits = prefix;
  for (int i = 0; i < 16 && bits > 0; ++i, bits -= 8) {
    const uint8_t mask =
        bits >= 8 ? 0xff : static_cast<uint8_t>(0xff << (8 - bits));
    if ((a.s6_addr[i] & mask) != (b.s6_addr[i] & mask)) return false;
  }
  return true;
}

uint64_t HashAddress(const SocketAddress& address) {
  return MixSeed(0, address.ToString());
}

absl::Status NetworkGone(absl::string_view operation,
                         const SocketAddress& address) {
  return absl::FailedPreconditionError(
      absl::StrCat(operation, " ", address.ToString(),
                   ": the simulated network is gone"));
}

}  // namespace

class DatagramImpl;
class ListenerImpl;

struct Subnet {
  SocketAddress address;  // port 0
  int prefix;
  // The directed broadcast address (IPv4 with prefix <= 30), else unset.
  SocketAddress broadcast;
};

struct InterfaceState {
  std::string name;
  uint32_t index;
  HostState* host;
  LinkState* link;  // null for lo
  std::vector<Subnet> subnets;
};

// A fault engine and the event that releases its held datagrams.
struct FaultPath {
  std::unique_ptr<DatagramFaultEngine> engine;
  FakeClock::EventId flush_event = 0;
  absl::Time flush_at;
};

struct LinkState {
  std::string name;
  absl::Duration delay;
  std::vector<InterfaceState*> interfaces;  // in the order attached
  std::shared_ptr<FaultPath> faults;        // null: none
  std::unique_ptr<SimulatedLink> handle;
};

// The faults between two hosts, set by SetPathFaults(a, b).
struct PairFaults {
  FaultPlan plan;
  std::shared_ptr<FaultPath> datagrams[2];  // [kUp]: a to b, [kDown]: b to a
};

using PortKey = std::pair<int, uint16_t>;  // (family, port)

struct HostState {
  Core* core;
  SimulatedHost* handle = nullptr;
  std::string name;
  std::vector<std::unique_ptr<InterfaceState>> interfaces;  // [0] is lo
  std::map<PortKey, std::vector<DatagramImpl*>> udp;
  std::map<PortKey, std::vector<ListenerImpl*>> tcp;
  // (interface index, group) -> sockets joined
  std::map<std::pair<uint32_t, std::string>, int> memberships;
  uint16_t next_udp_port = kFirstEphemeralPort;
  uint16_t next_tcp_port = kFirstEphemeralPort;
  uint64_t bind_sequence = 0;
};

// One datagram on its way.
struct Datagram {
  SocketAddress from;
  SocketAddress to;
  std::string payload;
  HostState* source;
};

// Where a datagram crossing a link goes; the fault engine's context.
struct Target {
  InterfaceState* interface;
  SocketAddress from;
  SocketAddress to;
  HostState* source;
};

struct Route {
  bool local = false;
  InterfaceState* interface = nullptr;  // outgoing, unless local
  SocketAddress source;                 // IP, port 0
};

struct Core : std::enable_shared_from_this<Core> {
  Core(FakeClock& clock, uint64_t seed) : clock(clock), seed(seed) {}

  FakeClock& clock;
  const uint64_t seed;
  FaultLog log;
  SimulatedNetwork::Stats stats;
  size_t stream_buffer_bytes = 64 * 1024;
  uint64_t connections = 0;
  std::vector<std::unique_ptr<LinkState>> links;
  std::vector<std::unique_ptr<SimulatedHost>> hosts;
  std::map<std::pair<const HostState*, const HostState*>, PairFaults> pairs;

  // Runs `event` at `when`: at once if that is now, else as a clock event
  // that does nothing if the network is gone by then.
  void At(absl::Time when, std::function<void()> event) {
    if (when <= clock.Now()) {
      event();
      return;
    }
    std::weak_ptr<Core> weak = shared_from_this();
    clock.Schedule(when, [weak, event = std::move(event)] {
      if (std::shared_ptr<Core> core = weak.lock()) event();
    });
  }

  void Cross(InterfaceState& to, Datagram datagram);
  void ApplyDeliveries(const std::shared_ptr<FaultPath>& path,
                       std::vector<DatagramFaultEngine::Delivery> deliveries);
  void ArmFlush(const std::shared_ptr<FaultPath>& path);
  void Receive(HostState& host, InterfaceState* in, const Datagram& datagram);
  void SendUnreachable(HostState& host, InterfaceState* in,
                       const Datagram& datagram);
  std::shared_ptr<FaultPath> DatagramFaultsBetween(const HostState& from,
                                                   const HostState& to,
                                                   const LinkState& link);
  StreamFaults StreamFaultsBetween(const HostState& client,
                                   const HostState& server, Direction which);
};

// ---------------------------------------------------------------------------
// Host helpers.

bool OwnsIp(const HostState& host, const SocketAddress& ip) {
  for (const auto& interface : host.interfaces) {
    for (const Subnet& subnet : interface->subnets) {
      if (SameIp(subnet.address, ip)) return true;
    }
  }
  return false;
}

bool IsLocalIp(const HostState& host, const SocketAddress& ip) {
  return ip.is_loopback() || OwnsIp(host, ip);
}

InterfaceState* FindInterface(HostState& host, uint32_t index) {
  for (auto& interface : host.interfaces) {
    if (interface->index == index) return interface.get();
  }
  return nullptr;
}

// The interface whose subnet has `address` as its directed broadcast.
InterfaceState* DirectedBroadcastInterface(HostState& host,
                                           const SocketAddress& address) {
  if (address.family() != AddressFamily::kIPv4) return nullptr;
  for (auto& interface : host.interfaces) {
    for (const Subnet& subnet : interface->subnets) {
      if (subnet.broadcast.is_specified() && SameIp(subnet.broadcast, address)) {
        return interface.get();
      }
    }
  }
  return nullptr;
}

// The interface carrying `ip`, if this host has it.
InterfaceState* InterfaceWithIp(HostState& host, const SocketAddress& ip) {
  for (auto& interface : host.interfaces) {
    for (const Subnet& subnet : interface->subnets) {
      if (SameIp(subnet.address, ip)) return interface.get();
    }
  }
  return nullptr;
}

const Subnet* FirstSubnet(const InterfaceState& interface,
                          AddressFamily family, bool prefer_link_local) {
  const Subnet* first = nullptr;
  for (const Subnet& subnet : interface.subnets) {
    if (subnet.address.family() != family) continue;
    if (prefer_link_local && IsLinkLocalV6(subnet.address)) return &subnet;
    if (first == nullptr) first = &subnet;
  }
  return first;
}

// The first non-loopback interface with an address of `family`.
InterfaceState* DefaultInterface(HostState& host, AddressFamily family) {
  for (auto& interface : host.interfaces) {
    if (interface->link == nullptr) continue;
    if (FirstSubnet(*interface, family, false) != nullptr) {
      return interface.get();
    }
  }
  return nullptr;
}

SocketAddress LoopbackIp(AddressFamily family) {
  return SocketAddress::Loopback(family, 0);
}

absl::StatusOr<Route> RouteUnicast(HostState& host, const SocketAddress& to,
                                   absl::string_view operation) {
  Route route;
  if (to.is_loopback()) {
    route.local = true;
    route.source = LoopbackIp(to.family());
    return route;
  }
  if (OwnsIp(host, to)) {
    route.local = true;
    route.source = to.WithPort(0);
    return route;
  }
  if (IsLinkLocalV6(to)) {
    if (to.scope_id() == 0) return SocketError(operation, to, EINVAL);
    InterfaceState* interface = FindInterface(host, to.scope_id());
    if (interface == nullptr || interface->link == nullptr) {
      return SocketError(operation, to, ENODEV);
    }
    const Subnet* source = FirstSubnet(*interface, AddressFamily::kIPv6, true);
    if (source == nullptr) return SocketError(operation, to, ENETUNREACH);
    route.interface = interface;
    route.source = source->address;
    return route;
  }
  for (auto& interface : host.interfaces) {
    if (interface->link == nullptr) continue;
    for (const Subnet& subnet : interface->subnets) {
      if (InSubnet(subnet.address, subnet.prefix, to)) {
        route.interface = interface.get();
        route.source = subnet.address;
        return route;
      }
    }
  }
  return SocketError(operation, to, ENETUNREACH);
}

// The host on `link` that has `ip`, and its interface there.
InterfaceState* OwnerOnLink(LinkState& link, const SocketAddress& ip) {
  for (InterfaceState* interface : link.interfaces) {
    for (const Subnet& subnet : interface->subnets) {
      if (SameIp(subnet.address, ip)) return interface;
    }
  }
  return nullptr;
}

bool IsMember(const HostState& host, uint32_t interface_index,
              const SocketAddress& group) {
  if (group.family() == AddressFamily::kIPv4 &&
      group.ipv4() == 0xe0000001u) {  // 224.0.0.1, all hosts
    return true;
  }
  if (group.family() == AddressFamily::kIPv6) {
    static const SocketAddress all_nodes = *SocketAddress::FromIp("ff02::1", 0);
    if (SameIp(group, all_nodes)) return true;
  }
  return host.memberships.count({interface_index, IpKey(group)}) > 0;
}

uint16_t AllocatePort(uint16_t& next,
                      const std::function<bool(uint16_t)>& in_use) {
  for (int tries = kLastEphemeralPort - kFirstEphemeralPort + 1; tries > 0;
       --tries) {
    const uint16_t port = next;
    next = next == kLastEphemeralPort ? kFirstEphemeralPort : next + 1;
    if (!in_use(port)) return port;
  }
  return 0;
}

// ---------------------------------------------------------------------------
// Datagram sockets.

class DatagramImpl : public DatagramSocket, public FakeWaitable {
 public:
  DatagramImpl(std::weak_ptr<Core> core, HostState& host, SocketAddress local,
               const DatagramOptions& options)
      : core_(std::move(core)),
        host_(host),
        clock_(host.core->clock),
        local_(local),
        options_(options),
        capacity_(options.receive_buffer_bytes > 0
                      ? 2 * static_cast<size_t>(options.receive_buffer_bytes)
                      : kDefaultReceiveBuffer),
        bind_sequence_(++host.bind_sequence) {
    host_.udp[Key()].push_back(this);
  }

  ~DatagramImpl() override { Close(); }

  int fd() const override { return -1; }

  absl::Status SendTo(absl::string_view data, const SocketAddress& to) override {
    RETURN_IF_ERROR(Usable("send"));
    if (pending_error_ != 0) return SocketError("send", to, TakeError());
    if (to.family() != local_.family()) {
      return SocketError("send", to,
                         local_.family() == AddressFamily::kIPv4 ? EAFNOSUPPORT
                                                                 : ENETUNREACH);
    }
    if (to.port() == 0) return SocketError("send", to, EINVAL);
    const size_t limit = local_.family() == AddressFamily::kIPv4
                             ? kMaxIpv4Payload
                             : kMaxIpv6Payload;
    if (data.size() > limit) return SocketError("send", to, EMSGSIZE);

    Core& core = *host_.core;
    Datagram datagram{SocketAddress(), to, std::string(data), &host_};
    if (to.is_multicast()) {
      ASSIGN_OR_RETURN(InterfaceState * out, MulticastInterface(to));
      datagram.from = SourceFor(*out, to).WithPort(local_.port());
      ++core.stats.datagrams_sent;
      if (multicast_loop_) core.Receive(host_, out, datagram);
      for (InterfaceState* peer : out->link->interfaces) {
        if (peer->host != &host_) core.Cross(*peer, datagram);
      }
      return absl::OkStatus();
    }
    InterfaceState* broadcast_out = nullptr;
    if (to.is_limited_broadcast()) {
      broadcast_out = BoundInterface();
      if (broadcast_out == nullptr || broadcast_out->link == nullptr) {
        broadcast_out = DefaultInterface(host_, AddressFamily::kIPv4);
      }
      if (!broadcast_) return SocketError("send", to, EACCES);
      if (broadcast_out == nullptr) return SocketError("send", to, ENETUNREACH);
    } else if (InterfaceState* directed = DirectedBroadcastInterface(host_, to)) {
      if (!broadcast_) return SocketError("send", to, EACCES);
      broadcast_out = directed;
    }
    if (broadcast_out != nullptr) {
      datagram.from = SourceFor(*broadcast_out, to).WithPort(local_.port());
      ++core.stats.datagrams_sent;
      // Linux loops broadcasts back to the sending host.
      core.Receive(host_, broadcast_out, datagram);
      for (InterfaceState* peer : broadcast_out->link->interfaces) {
        if (peer->host != &host_) core.Cross(*peer, datagram);
      }
      return absl::OkStatus();
    }

    ASSIGN_OR_RETURN(const Route route, RouteUnicast(host_, to, "send"));
    if (!route.local && local_.is_loopback()) {
      return SocketError("send", to, EINVAL);
    }
    // Bound to a group or broadcast address, the source comes from the route.
    datagram.from = (IsLocalIp(host_, local_) ? local_ : route.source)
                        .WithPort(local_.port());
    ++core.stats.datagrams_sent;
    if (route.local) {
      core.Receive(host_, nullptr, datagram);
      return absl::OkStatus();
    }
    InterfaceState* owner = OwnerOnLink(*route.interface->link, to);
    // No host answers ARP for the address: the datagram goes nowhere.
    if (owner != nullptr) core.Cross(*owner, std::move(datagram));
    return absl::OkStatus();
  }

  absl::StatusOr<ReceivedDatagram> ReceiveFrom(absl::Span<char> buffer,
                                               absl::Time deadline) override {
    RETURN_IF_ERROR(Usable("receive"));
    const bool ready = clock_.RunUntil(
        [&] { return closed_ || !queue_.empty() || pending_error_ != 0; },
        deadline);
    const SocketAddress& about = connected_ ? peer_ : local_;
    if (!ready) return SocketTimeout("receive", about);
    RETURN_IF_ERROR(Usable("receive"));
    if (pending_error_ != 0) return SocketError("receive", about, TakeError());
    Queued next = std::move(queue_.front());
    queue_.pop_front();
    queued_bytes_ -= next.payload.size() + kDatagramOverhead;
    ReceivedDatagram datagram;
    datagram.from = next.from;
    datagram.wire_size = next.payload.size();
    datagram.size = std::min(buffer.size(), next.payload.size());
    std::memcpy(buffer.data(), next.payload.data(), datagram.size);
    return datagram;
  }

  absl::Status Connect(const SocketAddress& peer) override {
    RETURN_IF_ERROR(Usable("connect"));
    if (peer.family() != local_.family()) {
      return SocketError("connect", peer, EAFNOSUPPORT);
    }
    if ((peer.is_limited_broadcast() ||
         DirectedBroadcastInterface(host_, peer) != nullptr) &&
        !broadcast_) {
      return SocketError("connect", peer, EACCES);
    }
    if (local_.is_any() && !peer.is_multicast() &&
        !peer.is_limited_broadcast() &&
        DirectedBroadcastInterface(host_, peer) == nullptr) {
      ASSIGN_OR_RETURN(const Route route, RouteUnicast(host_, peer, "connect"));
      local_ = route.source.WithPort(local_.port());
    }
    connected_ = true;
    peer_ = peer;
    return absl::OkStatus();
  }

  absl::Status EnableBroadcast() override {
    RETURN_IF_ERROR(Usable("SO_BROADCAST"));
    broadcast_ = true;
    return absl::OkStatus();
  }

  absl::Status JoinMulticastGroup(const SocketAddress& group,
                                  uint32_t interface_index) override {
    RETURN_IF_ERROR(Usable("join multicast group"));
    if (!group.is_multicast() || group.family() != local_.family()) {
      return SocketError("join multicast group", group, EINVAL);
    }
    InterfaceState* interface = nullptr;
    if (interface_index == 0 && group.scope_id() != 0) {
      interface_index = group.scope_id();
    }
    if (interface_index == 0) {
      interface = DefaultInterface(host_, group.family());
    } else {
      interface = FindInterface(host_, interface_index);
    }
    if (interface == nullptr || interface->link == nullptr) {
      return SocketError("join multicast group", group, ENODEV);
    }
    const std::pair<uint32_t, std::string> key(interface->index, IpKey(group));
    if (std::find(joined_.begin(), joined_.end(), key) != joined_.end()) {
      return SocketError("join multicast group", group, EADDRINUSE);
    }
    joined_.push_back(key);
    ++host_.memberships[key];
    return absl::OkStatus();
  }

  absl::Status SetMulticastInterface(uint32_t interface_index) override {
    RETURN_IF_ERROR(Usable("multicast interface"));
    if (interface_index != 0) {
      InterfaceState* interface = FindInterface(host_, interface_index);
      if (interface == nullptr || interface->link == nullptr) {
        return SocketError(local_.family() == AddressFamily::kIPv4
                               ? "IP_MULTICAST_IF"
                               : "IPV6_MULTICAST_IF",
                           local_,
                           local_.family() == AddressFamily::kIPv4
                               ? EADDRNOTAVAIL
                               : ENODEV);
      }
    }
    multicast_interface_ = interface_index;
    return absl::OkStatus();
  }

  absl::Status SetMulticastLoopback(bool enabled) override {
    RETURN_IF_ERROR(Usable("multicast loopback"));
    multicast_loop_ = enabled;
    return absl::OkStatus();
  }

  SocketAddress local_address() const override { return local_; }

  void Close() override {
    if (closed_) return;
    closed_ = true;
    queue_.clear();
    queued_bytes_ = 0;
    if (!core_.expired()) {
      for (const auto& key : joined_) {
        if (--host_.memberships[key] == 0) host_.memberships.erase(key);
      }
      auto& sockets = host_.udp[Key()];
      sockets.erase(std::remove(sockets.begin(), sockets.end(), this),
                    sockets.end());
      if (sockets.empty()) host_.udp.erase(Key());
    }
    joined_.clear();
    NotifyReadinessChanged();
  }

  uint32_t Readiness() const override {
    if (closed_ || core_.expired()) return 0;
    uint32_t ready = kWritable;
    if (!queue_.empty() || pending_error_ != 0) ready |= kReadable;
    return ready;
  }

  // --- used by the network ---

  PortKey Key() const {
    return {static_cast<int>(local_.family()), local_.port()};
  }
  const SocketAddress& local() const { return local_; }
  bool reuse_port() const { return options_.reuse_port; }
  bool reuse_address() const { return options_.reuse_address; }
  uint64_t bind_sequence() const { return bind_sequence_; }
  bool connected() const { return connected_; }
  const SocketAddress& peer() const { return peer_; }

  // Whether a datagram from `from` to `to` may be received here.
  bool Accepts(const SocketAddress& from, const SocketAddress& to) const {
    if (!local_.is_any() && !SameIp(local_, to)) return false;
    return !connected_ || peer_ == from;
  }

  void Enqueue(const SocketAddress& from, const std::string& payload) {
    Core& core = *host_.core;
    if (queued_bytes_ >= capacity_) {
      ++core.stats.receive_buffer_drops;
      return;
    }
    queued_bytes_ += payload.size() + kDatagramOverhead;
    queue_.push_back(Queued{from, payload});
    ++core.stats.datagrams_delivered;
    NotifyReadinessChanged();
  }

  void SetError(int error) {
    pending_error_ = error;
    NotifyReadinessChanged();
  }

 private:
  struct Queued {
    SocketAddress from;
    std::string payload;
  };

  absl::Status Usable(absl::string_view operation) const {
    if (closed_) {
      return absl::FailedPreconditionError(absl::StrCat(
          operation, " ", local_.ToString(), ": datagram socket is closed"));
    }
    if (core_.expired()) return NetworkGone(operation, local_);
    return absl::OkStatus();
  }

  int TakeError() { return std::exchange(pending_error_, 0); }

  // The interface the socket is bound to by its address, if any.
  InterfaceState* BoundInterface() {
    if (local_.is_any()) return nullptr;
    return InterfaceWithIp(host_, local_);
  }

  absl::StatusOr<InterfaceState*> MulticastInterface(const SocketAddress& to) {
    uint32_t index = multicast_interface_;
    if (index == 0) index = to.scope_id();
    InterfaceState* interface = index != 0
                                    ? FindInterface(host_, index)
                                    : DefaultInterface(host_, to.family());
    if (interface == nullptr || interface->link == nullptr) {
      return SocketError("send", to, ENETUNREACH);
    }
    return interface;
  }

  // The source IP for a datagram leaving through `out` to `to`.
  SocketAddress SourceFor(const InterfaceState& out, const SocketAddress& to) {
    if (OwnsIp(host_, local_)) return local_.WithPort(0);
    const Subnet* subnet = FirstSubnet(
        out, to.family(),
        IsLinkLocalV6(to) ||
            (to.is_multicast() && to.family() == AddressFamily::kIPv6 &&
             (to.ipv6().s6_addr[1] & 0x0f) <= 2));
    return subnet != nullptr ? subnet->address : SocketAddress::Any(to.family(), 0);
  }

  const std::weak_ptr<Core> core_;
  HostState& host_;
  FakeClock& clock_;
  SocketAddress local_;
  const DatagramOptions options_;
  const size_t capacity_;
  const uint64_t bind_sequence_;
  bool closed_ = false;
  bool broadcast_ = false;
  bool multicast_loop_ = true;
  uint32_t multicast_interface_ = 0;
  bool connected_ = false;
  SocketAddress peer_;
  int pending_error_ = 0;
  std::deque<Queued> queue_;
  size_t queued_bytes_ = 0;
  std::vector<std::pair<uint32_t, std::string>> joined_;
};

// ---------------------------------------------------------------------------
// Listeners.

class ListenerImpl : public Listener, public FakeWaitable {
 public:
  ListenerImpl(std::weak_ptr<Core> core, HostState& host, SocketAddress local,
               const ListenOptions& options)
      : core_(std::move(core)),
        host_(host),
        clock_(host.core->clock),
        local_(local),
        options_(options) {
    host_.tcp[Key()].push_back(this);
  }

  ~ListenerImpl() override { Close(); }

  int fd() const override { return -1; }

  absl::StatusOr<std::unique_ptr<Stream>> Accept(absl::Time deadline) override {
    RETURN_IF_ERROR(Usable());
    const bool ready = clock_.RunUntil(
        [&] { return closed_ || !queue_.empty(); }, deadline);
    if (!ready) return SocketTimeout("accept", local_);
    RETURN_IF_ERROR(Usable());
    std::unique_ptr<Stream> stream = std::move(queue_.front());
    queue_.pop_front();
    return stream;
  }

  SocketAddress local_address() const override { return local_; }

  void Close() override {
    if (closed_) return;
    closed_ = true;
    // Connections nobody accepted are reset, as Linux does.
    for (auto& stream : queue_) stream->Abort();
    queue_.clear();
    if (!core_.expired()) {
      auto& listeners = host_.tcp[Key()];
      listeners.erase(std::remove(listeners.begin(), listeners.end(), this),
                      listeners.end());
      if (listeners.empty()) host_.tcp.erase(Key());
    }
    NotifyReadinessChanged();
  }

  uint32_t Readiness() const override {
    if (closed_ || core_.expired()) return 0;
    return queue_.empty() ? 0u : static_cast<uint32_t>(kReadable);
  }

  // --- used by the network ---

  PortKey Key() const {
    return {static_cast<int>(local_.family()), local_.port()};
  }
  const SocketAddress& local() const { return local_; }
  bool reuse_port() const { return options_.reuse_port; }
  // Linux accepts one more than the backlog.
  bool QueueFull() const {
    return queue_.size() > static_cast<size_t>(std::max(0, options_.backlog));
  }
  void Enqueue(std::unique_ptr<FakeStream> stream) {
    queue_.push_back(std::move(stream));
    NotifyReadinessChanged();
  }

 private:
  absl::Status Usable() const {
    if (closed_) {
      return absl::FailedPreconditionError(
          absl::StrCat("accept ", local_.ToString(), ": listener is closed"));
    }
    if (core_.expired()) return NetworkGone("accept", local_);
    return absl::OkStatus();
  }

  const std::weak_ptr<Core> core_;
  HostState& host_;
  FakeClock& clock_;
  const SocketAddress local_;
  const ListenOptions options_;
  bool closed_ = false;
  std::deque<std::unique_ptr<FakeStream>> queue_;
};

// ---------------------------------------------------------------------------
// Delivery.

std::shared_ptr<FaultPath> Core::DatagramFaultsBetween(const HostState& from,
                                                       const HostState& to,
                                                       const LinkState& link) {
  if (auto it = pairs.find({&from, &to}); it != pairs.end()) {
    return it->second.datagrams[static_cast<int>(Direction::kUp)];
  }
  if (auto it = pairs.find({&to, &from}); it != pairs.end()) {
    return it->second.datagrams[static_cast<int>(Direction::kDown)];
  }
  return link.faults;
}

StreamFaults Core::StreamFaultsBetween(const HostState& client,
                                       const HostState& server,
                                       Direction which) {
  if (auto it = pairs.find({&client, &server}); it != pairs.end()) {
    return it->second.plan.stream(which);
  }
  if (auto it = pairs.find({&server, &client}); it != pairs.end()) {
    return it->second.plan.stream(which == Direction::kUp ? Direction::kDown
                                                          : Direction::kUp);
  }
  return StreamFaults();
}

void Core::Cross(InterfaceState& to, Datagram datagram) {
  LinkState& link = *to.link;
  const std::shared_ptr<FaultPath> path =
      DatagramFaultsBetween(*datagram.source, *to.host, link);
  if (path == nullptr || path->engine == nullptr) {
    At(clock.Now() + link.delay,
       [this, &to, datagram = std::move(datagram)] {
         Receive(*to.host, &to, datagram);
       });
    return;
  }
  auto target = std::make_shared<const Target>(
      Target{&to, datagram.from, datagram.to, datagram.source});
  ApplyDeliveries(path, path->engine->Process(datagram.payload, target));
  ArmFlush(path);
}

void Core::ApplyDeliveries(
    const std::shared_ptr<FaultPath>& path,
    std::vector<DatagramFaultEngine::Delivery> deliveries) {
  for (DatagramFaultEngine::Delivery& delivery : deliveries) {
    const auto* target = static_cast<const Target*>(delivery.context.get());
    InterfaceState* to = target->interface;
    Datagram datagram{target->from, target->to, std::move(delivery.payload),
                      target->source};
    At(delivery.at + to->link->delay,
       [this, to, datagram = std::move(datagram)] {
         Receive(*to->host, to, datagram);
       });
  }
}

void Core::ArmFlush(const std::shared_ptr<FaultPath>& path) {
  const std::optional<absl::Time> next = path->engine->next_release();
  if (path->flush_event != 0) {
    if (next && *next == path->flush_at) return;
    clock.Cancel(path->flush_event);
    path->flush_event = 0;
  }
  if (!next) return;
  path->flush_at = *next;
  std::weak_ptr<Core> weak_core = shared_from_this();
  std::weak_ptr<FaultPath> weak_path = path;
  path->flush_event = clock.Schedule(*next, [weak_core, weak_path] {
    std::shared_ptr<Core> core = weak_core.lock();
    std::shared_ptr<FaultPath> path = weak_path.lock();
    if (core == nullptr || path == nullptr) return;
    path->flush_event = 0;
    core->ApplyDeliveries(path, path->engine->ReleaseExpired());
    core->ArmFlush(path);
  });
}

void Core::Receive(HostState& host, InterfaceState* in,
                   const Datagram& datagram) {
  const SocketAddress& to = datagram.to;
  SocketAddress from = datagram.from;
  if (in != nullptr && in->link != nullptr && IsLinkLocalV6(from)) {
    from = WithScope(from, in->index);
  }
  const auto it = host.udp.find({static_cast<int>(to.family()), to.port()});
  std::vector<DatagramImpl*> sockets;
  if (it != host.udp.end()) sockets = it->second;

  const bool broadcast =
      to.is_limited_broadcast() ||
      (in != nullptr && DirectedBroadcastInterface(host, to) == in);
  if (to.is_multicast() || broadcast) {
    if (to.is_multicast() &&
        (in == nullptr || !IsMember(host, in->index, to))) {
      return;
    }
    for (DatagramImpl* socket : sockets) {
      if (socket->Accepts(from, to)) socket->Enqueue(from, datagram.payload);
    }
    return;
  }

  // Unicast: the best match only, as Linux's UDP lookup scores sockets.
  DatagramImpl* best = nullptr;
  int best_score = -1;
  std::vector<DatagramImpl*> ties;
  for (DatagramImpl* socket : sockets) {
    if (!socket->Accepts(from, to)) continue;
    const int score =
        (socket->connected() ? 4 : 0) + (socket->local().is_any() ? 0 : 2);
    if (score > best_score) {
      best_score = score;
      ties.clear();
    }
    if (score == best_score) ties.push_back(socket);
  }
  if (ties.empty()) {
    SendUnreachable(host, in, datagram);
    return;
  }
  const bool spread =
      ties.size() > 1 &&
      std::all_of(ties.begin(), ties.end(),
                  [](DatagramImpl* socket) { return socket->reuse_port(); });
  if (spread) {
    best = ties[HashAddress(from) % ties.size()];
  } else {
    best = *std::max_element(ties.begin(), ties.end(),
                             [](DatagramImpl* a, DatagramImpl* b) {
                               return a->bind_sequence() < b->bind_sequence();
                             });
  }
  best->Enqueue(from, datagram.payload);
}

void Core::SendUnreachable(HostState& host, InterfaceState* in,
                           const Datagram& datagram) {
  ++stats.unreachable;
  HostState* source = datagram.source;
  const absl::Duration delay =
      (in != nullptr && in->link != nullptr) ? in->link->delay
                                             : absl::ZeroDuration();
  At(clock.Now() + delay, [source, datagram] {
    const auto it = source->udp.find(
        {static_cast<int>(datagram.from.family()), datagram.from.port()});
    if (it == source->udp.end()) return;
    const std::vector<DatagramImpl*> sockets = it->second;
    for (DatagramImpl* socket : sockets) {
      if (socket->connected() && socket->peer() == datagram.to &&
          (socket->local().is_any() || SameIp(socket->local(), datagram.from))) {
        socket->SetError(ECONNREFUSED);
      }
    }
  });
}

// ---------------------------------------------------------------------------
// Connections.

struct ConnectAttempt {
  bool done = false;
  bool abandoned = false;
  int error = 0;
  std::unique_ptr<FakeStream> client;
};

ListenerImpl* FindListener(HostState& host, const SocketAddress& to,
                           const SocketAddress& from) {
  const auto it = host.tcp.find({static_cast<int>(to.family()), to.port()});
  if (it == host.tcp.end()) return nullptr;
  std::vector<ListenerImpl*> best;
  int best_score = -1;
  for (ListenerImpl* listener : it->second) {
    if (!listener->local().is_any() && !SameIp(listener->local(), to)) continue;
    const int score = listener->local().is_any() ? 0 : 1;
    if (score > best_score) {
      best_score = score;
      best.clear();
    }
    if (score == best_score) best.push_back(listener);
  }
  if (best.empty()) return nullptr;
  return best[HashAddress(from) % best.size()];
}

void SendSyn(Core& core, std::shared_ptr<ConnectAttempt> attempt,
             HostState& client, HostState& server, SocketAddress from,
             SocketAddress to, absl::Duration delay,
             absl::Duration retransmit_after) {
  const absl::Time sent = core.clock.Now();
  core.At(sent + delay, [&core, attempt, &client, &server, from, to, delay,
                         retransmit_after, sent] {
    if (attempt->done || attempt->abandoned) return;
    ListenerImpl* listener = FindListener(server, to, from);
    if (listener == nullptr) {
      core.At(core.clock.Now() + delay, [attempt] {
        if (attempt->done || attempt->abandoned) return;
        attempt->error = ECONNREFUSED;
        attempt->done = true;
      });
      return;
    }
    if (listener->QueueFull()) {
      // The SYN is dropped; the client sends it again later.
      core.At(sent + retransmit_after,
              [&core, attempt, &client, &server, from, to, delay,
               retransmit_after] {
                SendSyn(core, attempt, client, server, from, to, delay,
                        retransmit_after * 2);
              });
      return;
    }
    FakeStreamOptions options;
    options.buffer_bytes = core.stream_buffer_bytes;
    options.delay = delay;
    if (&client != &server) {
      options.up = core.StreamFaultsBetween(client, server, Direction::kUp);
      options.down = core.StreamFaultsBetween(client, server, Direction::kDown);
    }
    options.fault_log = &core.log;
    options.path = absl::StrCat("tcp#", ++core.connections, " ",
                                from.ToString(), "->", to.ToString());
    options.client_address = from;
    options.server_address = to;
    auto [client_side, server_side] = MakeFakeStreamPair(core.clock, options);
    attempt->client = std::move(client_side);
    // The SYN-ACK completes the client's connect; the client's ACK, one
    // more trip later, puts the connection in the accept queue.
    core.At(core.clock.Now() + delay, [attempt] {
      if (attempt->abandoned) return;
      attempt->done = true;
    });
    // Boxed: clock events must be copyable.
    auto accepted =
        std::make_shared<std::unique_ptr<FakeStream>>(std::move(server_side));
    core.At(core.clock.Now() + 2 * delay,
            [attempt, accepted, &server, from, to] {
              if (attempt->abandoned) return;
              ListenerImpl* listener = FindListener(server, to, from);
              if (listener == nullptr) {
                (*accepted)->Abort();
                return;
              }
              listener->Enqueue(std::move(*accepted));
            });
  });
}

}  // namespace internal

using internal::Core;
using internal::HostState;
using internal::InterfaceState;
using internal::LinkState;

// ---------------------------------------------------------------------------
// SimulatedLink

const std::string& SimulatedLink::name() const { return state_->name; }
absl::Duration SimulatedLink::delay() const { return state_->delay; }
void SimulatedLink::set_delay(absl::Duration delay) { state_->delay = delay; }

// ---------------------------------------------------------------------------
// SimulatedHost

SimulatedHost::SimulatedHost(std::unique_ptr<internal::HostState> state)
    : state_(std::move(state)) {
  state_->handle = this;
}

SimulatedHost::~SimulatedHost() = default;

const std::string& SimulatedHost::name() const { return state_->name; }

Clock& SimulatedHost::clock() { return state_->core->clock; }

absl::StatusOr<uint32_t> SimulatedHost::AddInterface(
    SimulatedLink& link, const std::vector<std::string>& addresses) {
  std::vector<internal::Subnet> subnets;
  for (const std::string& text : addresses) {
    const size_t slash = text.find('/');
    int prefix = -1;
    if (slash == std::string::npos ||
        !absl::SimpleAtoi(absl::string_view(text).substr(slash + 1), &prefix)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "interface address \"", text, "\": expected ip/prefix"));
    }
    absl::StatusOr<SocketAddress> ip =
        SocketAddress::FromIp(text.substr(0, slash), 0);
    if (!ip.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "interface address \"", text, "\": ", ip.status().message()));
    }
    const int max_prefix = ip->family() == AddressFamily::kIPv4 ? 32 : 128;
    if (prefix < 0 || prefix > max_prefix) {
      return absl::InvalidArgumentError(
          absl::StrCat("interface address \"", text, "\": prefix must be 0 to ",
                       max_prefix));
    }
    if (ip->is_multicast() || ip->is_loopback() || ip->is_any() ||
        ip->is_limited_broadcast()) {
      return absl::InvalidArgumentError(
          absl::StrCat("interface address \"", text,
                       "\": not a unicast address a host can have"));
    }
    for (const auto& host : state_->core->hosts) {
      if (internal::OwnsIp(*host->state_, *ip)) {
        return absl::AlreadyExistsError(
            absl::StrCat("interface address \"", text, "\": host ",
                         host->name(), " already has ", ip->ip()));
      }
    }
    internal::Subnet subnet{*ip, prefix, SocketAddress()};
    if (ip->family() == AddressFamily::kIPv4 && prefix <= 30) {
      const uint32_t host_bits = prefix == 0 ? ~0u : (1u << (32 - prefix)) - 1;
      subnet.broadcast = internal::Ipv4Address(ip->ipv4() | host_bits);
    }
    subnets.push_back(subnet);
  }
  auto interface = std::make_unique<InterfaceState>();
  interface->index = static_cast<uint32_t>(state_->interfaces.size()) + 1;
  interface->name = absl::StrCat("eth", state_->interfaces.size() - 1);
  interface->host = state_.get();
  interface->link = link.state_;
  interface->subnets = std::move(subnets);
  link.state_->interfaces.push_back(interface.get());
  const uint32_t index = interface->index;
  state_->interfaces.push_back(std::move(interface));
  return index;
}

SocketAddress SimulatedHost::address(AddressFamily family) const {
  for (const auto& interface : state_->interfaces) {
    if (interface->link == nullptr) continue;
    if (const internal::Subnet* subnet =
            internal::FirstSubnet(*interface, family, false)) {
      return subnet->address;
    }
  }
  return SocketAddress();
}

absl::StatusOr<std::unique_ptr<Stream>> SimulatedHost::Connect(
    const SocketAddress& remote, absl::Time deadline) {
  Core& core = *state_->core;
  HostState& host = *state_;
  if (!remote.is_specified()) {
    return absl::InvalidArgumentError("socket: no address family given");
  }
  if (remote.is_multicast() || remote.is_limited_broadcast() ||
      internal::DirectedBroadcastInterface(host, remote) != nullptr) {
    return SocketError("connect", remote, ENETUNREACH);
  }
  ASSIGN_OR_RETURN(const internal::Route route,
                   internal::RouteUnicast(host, remote, "connect"));
  HostState* server = &host;
  absl::Duration delay = absl::ZeroDuration();
  if (!route.local) {
    InterfaceState* owner =
        internal::OwnerOnLink(*route.interface->link, remote);
    server = owner != nullptr ? owner->host : nullptr;
    delay = route.interface->link->delay;
  }
  const uint16_t port = internal::AllocatePort(
      host.next_tcp_port, [&](uint16_t candidate) {
        return host.tcp.count({static_cast<int>(remote.family()), candidate}) >
               0;
      });
  if (port == 0) return SocketError("connect", remote, EADDRNOTAVAIL);
  const SocketAddress from = route.source.WithPort(port);

  auto attempt = std::make_shared<internal::ConnectAttempt>();
  if (server == nullptr) {
    core.At(core.clock.Now() + internal::kArpTimeout, [attempt] {
      if (attempt->done || attempt->abandoned) return;
      attempt->error = EHOSTUNREACH;
      attempt->done = true;
    });
  } else {
    internal::SendSyn(core, attempt, host, *server, from, remote, delay,
                      internal::kInitialSynTimeout);
  }
  const bool done =
      core.clock.RunUntil([&] { return attempt->done; }, deadline);
  if (!done) {
    attempt->abandoned = true;
    if (attempt->client != nullptr) attempt->client->Abort();
    attempt->client.reset();
    return SocketTimeout("connect", remote);
  }
  if (attempt->error != 0) return SocketError("connect", remote, attempt->error);
  return std::unique_ptr<Stream>(std::move(attempt->client));
}

absl::StatusOr<std::unique_ptr<Listener>> SimulatedHost::Listen(
    const SocketAddress& local, const ListenOptions& options) {
  HostState& host = *state_;
  if (!local.is_specified()) {
    return absl::InvalidArgumentError("socket: no address family given");
  }
  if (!local.is_any() && !internal::IsLocalIp(host, local)) {
    return SocketError("bind", local, EADDRNOTAVAIL);
  }
  const int family = static_cast<int>(local.family());
  uint16_t port = local.port();
  if (port == 0) {
    port = internal::AllocatePort(host.next_tcp_port, [&](uint16_t candidate) {
      return host.tcp.count({family, candidate}) > 0;
    });
    if (port == 0) return SocketError("bind", local, EADDRINUSE);
  } else if (const auto it = host.tcp.find({family, port});
             it != host.tcp.end()) {
    for (internal::ListenerImpl* other : it->second) {
      const bool overlap = other->local().is_any() || local.is_any() ||
                           internal::SameIp(other->local(), local);
      if (overlap && !(options.reuse_port && other->reuse_port())) {
        return SocketError("bind", local, EADDRINUSE);
      }
    }
  }
  return std::unique_ptr<Listener>(new internal::ListenerImpl(
      state_->core->shared_from_this(), host, local.WithPort(port), options));
}

absl::StatusOr<std::unique_ptr<DatagramSocket>> SimulatedHost::OpenDatagram(
    const SocketAddress& local, const DatagramOptions& options) {
  HostState& host = *state_;
  if (!local.is_specified()) {
    return absl::InvalidArgumentError("socket: no address family given");
  }
  const bool bindable =
      local.is_any() || local.is_multicast() || local.is_limited_broadcast() ||
      internal::IsLocalIp(host, local) ||
      internal::DirectedBroadcastInterface(host, local) != nullptr;
  if (!bindable) return SocketError("bind", local, EADDRNOTAVAIL);
  const int family = static_cast<int>(local.family());
  uint16_t port = local.port();
  if (port == 0) {
    port = internal::AllocatePort(host.next_udp_port, [&](uint16_t candidate) {
      return host.udp.count({family, candidate}) > 0;
    });
    if (port == 0) return SocketError("bind", local, EADDRINUSE);
  } else if (const auto it = host.udp.find({family, port});
             it != host.udp.end()) {
    for (internal::DatagramImpl* other : it->second) {
      const bool overlap = other->local().is_any() || local.is_any() ||
                           internal::SameIp(other->local(), local);
      const bool shared = (options.reuse_address && other->reuse_address()) ||
                          (options.reuse_port && other->reuse_port());
      if (overlap && !shared) return SocketError("bind", local, EADDRINUSE);
    }
  }
  return std::unique_ptr<DatagramSocket>(new internal::DatagramImpl(
      state_->core->shared_from_this(), host, local.WithPort(port), options));
}

absl::StatusOr<std::vector<NetworkInterface>> SimulatedHost::Interfaces() {
  std::vector<NetworkInterface> result;
  for (const auto& state : state_->interfaces) {
    NetworkInterface interface;
    interface.name = state->name;
    interface.index = state->index;
    interface.up = true;
    interface.loopback = state->link == nullptr;
    interface.supports_broadcast = !interface.loopback;
    interface.supports_multicast = !interface.loopback;
    for (const internal::Subnet& subnet : state->subnets) {
      interface.addresses.push_back(
          internal::IsLinkLocalV6(subnet.address)
              ? internal::WithScope(subnet.address, state->index)
              : subnet.address);
      if (subnet.broadcast.is_specified()) {
        interface.broadcast_addresses.push_back(subnet.broadcast);
      }
    }
    result.push_back(std::move(interface));
  }
  return result;
}

// ---------------------------------------------------------------------------
// SimulatedNetwork

SimulatedNetwork::SimulatedNetwork(FakeClock& clock, uint64_t seed)
    : core_(std::make_shared<Core>(clock, seed)) {}

SimulatedNetwork::~SimulatedNetwork() = default;

FakeClock& SimulatedNetwork::clock() { return core_->clock; }
uint64_t SimulatedNetwork::seed() const { return core_->seed; }
FaultLog& SimulatedNetwork::fault_log() { return core_->log; }
SimulatedNetwork::Stats SimulatedNetwork::stats() const { return core_->stats; }

void SimulatedNetwork::set_stream_buffer_bytes(size_t bytes) {
  core_->stream_buffer_bytes = bytes;
}

SimulatedLink& SimulatedNetwork::AddLink(absl::string_view name,
                                         absl::Duration delay) {
  auto link = std::make_unique<LinkState>();
  link->name = std::string(name);
  link->delay = delay;
  link->handle.reset(new SimulatedLink(link.get()));
  SimulatedLink& handle = *link->handle;
  core_->links.push_back(std::move(link));
  return handle;
}

SimulatedHost& SimulatedNetwork::AddHost(absl::string_view name) {
  auto state = std::make_unique<HostState>();
  state->core = core_.get();
  state->name = std::string(name);
  auto lo = std::make_unique<InterfaceState>();
  lo->name = "lo";
  lo->index = 1;
  lo->host = state.get();
  lo->link = nullptr;
  lo->subnets.push_back({SocketAddress::Loopback(AddressFamily::kIPv4, 0), 8,
                         SocketAddress()});
  lo->subnets.push_back({SocketAddress::Loopback(AddressFamily::kIPv6, 0), 128,
                         SocketAddress()});
  state->interfaces.push_back(std::move(lo));
  core_->hosts.push_back(
      std::unique_ptr<SimulatedHost>(new SimulatedHost(std::move(state))));
  return *core_->hosts.back();
}

absl::Status SimulatedNetwork::SetLinkFaults(SimulatedLink& link,
                                             absl::string_view plan) {
  ASSIGN_OR_RETURN(const FaultPlan parsed, ParseFaultPlan(plan));
  return SetLinkFaults(link, parsed);
}

absl::Status SimulatedNetwork::SetLinkFaults(SimulatedLink& link,
                                             const FaultPlan& plan) {
  RETURN_IF_ERROR(CheckDatagramFaultsOnly(plan));
  RETURN_IF_ERROR(CheckUndirected(plan));
  LinkState& state = *link.state_;
  if (state.faults != nullptr && state.faults->flush_event != 0) {
    core_->clock.Cancel(state.faults->flush_event);
  }
  state.faults.reset();
  const DatagramFaults& faults = plan.datagram(Direction::kUp);
  if (faults.empty()) return absl::OkStatus();
  state.faults = std::make_shared<internal::FaultPath>();
  state.faults->engine = std::make_unique<DatagramFaultEngine>(
      faults, MixSeed(core_->seed, absl::StrCat("link ", state.name)),
      core_->clock, &core_->log, state.name);
  return absl::OkStatus();
}

absl::Status SimulatedNetwork::SetPathFaults(SimulatedHost& a, SimulatedHost& b,
                                             absl::string_view plan) {
  ASSIGN_OR_RETURN(const FaultPlan parsed, ParseFaultPlan(plan));
  return SetPathFaults(a, b, parsed);
}

absl::Status SimulatedNetwork::SetPathFaults(SimulatedHost& a, SimulatedHost& b,
                                             const FaultPlan& plan) {
  const HostState* from = a.state_.get();
  const HostState* to = b.state_.get();
  for (const auto& key : {std::make_pair(from, to), std::make_pair(to, from)}) {
    const auto it = core_->pairs.find(key);
    if (it == core_->pairs.end()) continue;
    for (auto& path : it->second.datagrams) {
      if (path != nullptr && path->flush_event != 0) {
        core_->clock.Cancel(path->flush_event);
      }
    }
    core_->pairs.erase(it);
  }
  if (plan.empty()) return absl::OkStatus();
  internal::PairFaults& pair = core_->pairs[{from, to}];
  pair.plan = plan;
  for (const Direction direction : {Direction::kUp, Direction::kDown}) {
    const DatagramFaults& faults = plan.datagram(direction);
    if (faults.empty()) continue;
    const std::string name =
        direction == Direction::kUp ? absl::StrCat(a.name(), "->", b.name())
                                    : absl::StrCat(b.name(), "->", a.name());
    auto path = std::make_shared<internal::FaultPath>();
    path->engine = std::make_unique<DatagramFaultEngine>(
        faults, MixSeed(core_->seed, absl::StrCat("path ", name)),
        core_->clock, &core_->log, name);
    pair.datagrams[static_cast<int>(direction)] = std::move(path);
  }
  return absl::OkStatus();
}

}  // namespace wirecheck::fakes

#include "fakes/simulated_network.h"

#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "fakes/fake_clock.h"
#include "fakes/fake_event_loop.h"
#include "fakes/seed.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "protocols/common/status_matchers.h"
#include "protocols/transport/server.h"
#include "protocols/transport/stream_util.h"

namespace wirecheck::fakes {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::UnorderedElementsAre;
using ::wirecheck::testing::IsOkAndHolds;
using ::wirecheck::testing::StatusIs;
using ::wirecheck::testing::TestSeed;

SocketAddress Ip(absl::string_view ip, uint16_t port = 0) {
  return *SocketAddress::FromIp(ip, port);
}

struct Received {
  std::string payload;
  SocketAddress from;
};

absl::StatusOr<Received> ReceiveOne(DatagramSocket& socket,
                                    absl::Time deadline) {
  static std::string& buffer = *new std::string(65536, '\0');
  absl::StatusOr<ReceivedDatagram> datagram =
      socket.ReceiveFrom(absl::MakeSpan(buffer), deadline);
  if (!datagram.ok()) return datagram.status();
  return Received{buffer.substr(0, datagram->size), datagram->from};
}

// Everything `socket` receives until nothing more arrives by `deadline`.
std::vector<std::string> ReceiveAll(DatagramSocket& socket,
                                    absl::Time deadline) {
  std::vector<std::string> payloads;
  for (;;) {
    absl::StatusOr<Received> next = ReceiveOne(socket, deadline);
    if (!next.ok()) return payloads;
    payloads.push_back(next->payload);
  }
}

class SimulatedNetworkTest : public ::testing::Test {
 protected:
  SimulatedNetworkTest()
      : network_(clock_, 1),
        lan_(network_.AddLink("lan")),
        a_(AddHost("a", lan_, {"192.0.2.1/24", "2001:db8::1/64"})),
        b_(AddHost("b", lan_, {"192.0.2.2/24", "2001:db8::2/64"})),
        c_(AddHost("c", lan_, {"192.0.2.3/24", "2001:db8::3/64"})) {}

  SimulatedHost& AddHost(absl::string_view name, SimulatedLink& link,
                         std::vector<std::string> addresses) {
    SimulatedHost& host = network_.AddHost(name);
    EXPECT_OK(host.AddInterface(link, addresses));
    return host;
  }

  std::unique_ptr<DatagramSocket> Open(SimulatedHost& host,
                                       const SocketAddress& local,
                                       DatagramOptions options = {}) {
    absl::StatusOr<std::unique_ptr<DatagramSocket>> socket =
        host.OpenDatagram(local, options);
    EXPECT_OK(socket);
    return socket.ok() ? *std::move(socket) : nullptr;
  }

  absl::Time In(absl::Duration d) { return clock_.Now() + d; }

  FakeClock clock_;
  SimulatedNetwork network_;
  SimulatedLink& lan_;
  SimulatedHost& a_;
  SimulatedHost& b_;
  SimulatedHost& c_;
};

// --- Interfaces and addresses ---

TEST_F(SimulatedNetworkTest, InterfacesAreLoopbackAndOnePerLink) {
  ASSERT_OK_AND_ASSIGN(std::vector<NetworkInterface> interfaces,
                       a_.Interfaces());
  ASSERT_EQ(interfaces.size(), 2u);
  EXPECT_EQ(interfaces[0].name, "lo");
  EXPECT_EQ(interfaces[0].index, 1u);
  EXPECT_TRUE(interfaces[0].loopback);
  EXPECT_THAT(interfaces[0].addresses,
              ElementsAre(Ip("127.0.0.1"), Ip("::1")));
  EXPECT_EQ(interfaces[1].name, "eth0");
  EXPECT_EQ(interfaces[1].index, 2u);
  EXPECT_TRUE(interfaces[1].up);
  EXPECT_TRUE(interfaces[1].supports_broadcast);
  EXPECT_TRUE(interfaces[1].supports_multicast);
  EXPECT_THAT(interfaces[1].addresses,
              ElementsAre(Ip("192.0.2.1"), Ip("2001:db8::1")));
  EXPECT_THAT(interfaces[1].broadcast_addresses,
              ElementsAre(Ip("192.0.2.255")));
  EXPECT_EQ(a_.address(AddressFamily::kIPv6), Ip("2001:db8::1"));
}

TEST_F(SimulatedNetworkTest, BadInterfaceAddressesAreRejected) {
  SimulatedHost& d = network_.AddHost("d");
  EXPECT_THAT(d.AddInterface(lan_, {"192.0.2.9"}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("expected ip/prefix")));
  EXPECT_THAT(d.AddInterface(lan_, {"192.0.2.9/33"}),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(d.AddInterface(lan_, {"239.0.0.1/8"}),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(d.AddInterface(lan_, {"192.0.2.2/24"}),
              StatusIs(absl::StatusCode::kAlreadyExists, HasSubstr("host b")));
}

TEST_F(SimulatedNetworkTest, EphemeralPortsAreHandedOutInOrder) {
  auto first = Open(a_, SocketAddress::Any(AddressFamily::kIPv4, 0));
  auto second = Open(a_, SocketAddress::Any(AddressFamily::kIPv4, 0));
  EXPECT_EQ(first->local_address().port(), 32768);
  EXPECT_EQ(second->local_address().port(), 32769);
}

TEST_F(SimulatedNetworkTest, BindingRulesAreLinuxs) {
  auto bound = Open(b_, Ip("192.0.2.2", 5000));
  EXPECT_THAT(b_.OpenDatagram(SocketAddress::Any(AddressFamily::kIPv4, 5000), {}),
              StatusIs(absl::StatusCode::kUnavailable,
                       HasSubstr("Address already in use")));
  // Another address of the host on the same port is fine.
  EXPECT_OK(b_.OpenDatagram(Ip("127.0.0.1", 5000), {}));
  EXPECT_THAT(b_.OpenDatagram(Ip("192.0.2.1", 5000), {}),
              StatusIs(absl::StatusCode::kUnavailable,
                       HasSubstr("Cannot assign requested address")));
  // IPv6 has its own ports.
  EXPECT_OK(b_.OpenDatagram(SocketAddress::Any(AddressFamily::kIPv6, 5000), {}));
}

// --- Unicast ---

TEST_F(SimulatedNetworkTest, UnicastCrossesTheLinkWithItsDelay) {
  lan_.set_delay(absl::Milliseconds(5));
  auto server = Open(b_, SocketAddress::Any(AddressFamily::kIPv4, 4000));
  auto client = Open(a_, SocketAddress::Any(AddressFamily::kIPv4, 0));
  const absl::Time start = clock_.Now();
  ASSERT_OK(client->SendTo("ping", Ip("192.0.2.2", 4000)));
  ASSERT_OK_AND_ASSIGN(Received got, ReceiveOne(*server, In(absl::Seconds(1))));
  EXPECT_EQ(got.payload, "ping");
  EXPECT_EQ(got.from, Ip("192.0.2.1", client->local_address().port()));
  EXPECT_EQ(clock_.Now(), start + absl::Milliseconds(5));
}

TEST_F(SimulatedNetworkTest, AHostTalksToItselfAtOnce) {
  lan_.set_delay(absl::Milliseconds(5));
  auto server = Open(a_, Ip("127.0.0.1", 4000));
  auto client = Open(a_, SocketAddress::Any(AddressFamily::kIPv4, 0));
  ASSERT_OK(client->SendTo("self", Ip("127.0.0.1", 4000)));
  ASSERT_OK_AND_ASSIGN(Received got, ReceiveOne(*server, absl::InfinitePast()));
  EXPECT_EQ(got.from.ip(), "127.0.0.1");
}

TEST_F(SimulatedNetworkTest, OffLinkAddressesAreUnreachable) {
  auto client = Open(a_, SocketAddress::Any(AddressFamily::kIPv4, 0));
  EXPECT_THAT(client->SendTo("x", Ip("198.51.100.7", 4000)),
              StatusIs(absl::StatusCode::kUnavailable,
                       HasSubstr("Network is unreachable")));
  // On the subnet but nobody there: sent, and lost.
  EXPECT_OK(client->SendTo("x", Ip("192.0.2.99", 4000)));
}

TEST_F(SimulatedNetworkTest, SizesAreUdps) {
  auto v6 = Open(a_, SocketAddress::Any(AddressFamily::kIPv6, 0));
  auto server = Open(b_, SocketAddress::Any(AddressFamily::kIPv6, 4000));
  EXPECT_OK(v6->SendTo(std::string(65527, 'x'), Ip("2001:db8::2", 4000)));
  EXPECT_THAT(v6->SendTo(std::string(65528, 'x'), Ip("2001:db8::2", 4000)),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("Message too long")));
  char small[100];
  ASSERT_OK_AND_ASSIGN(ReceivedDatagram datagram,
                       server->ReceiveFrom(absl::MakeSpan(small),
                                           absl::InfinitePast()));
  EXPECT_TRUE(datagram.truncated());
  EXPECT_EQ(datagram.wire_size, 65527u);
}

TEST_F(SimulatedNetworkTest, PortUnreachableComesBackAfterARoundTrip) {
  lan_.set_delay(absl::Milliseconds(3));
  auto client = Open(a_, SocketAddress::Any(AddressFamily::kIPv4, 0));
  ASSERT_OK(client->Connect(Ip("192.0.2.2", 4000)));
  EXPECT_EQ(client->local_address().ip(), "192.0.2.1");
  const absl::Time start = clock_.Now();
  ASSERT_OK(client->SendTo("anyone?", Ip("192.0.2.2", 4000)));
  EXPECT_THAT(ReceiveOne(*client, In(absl::Seconds(1))),
              StatusIs(absl::StatusCode::kUnavailable,
                       HasSubstr("Connection refused")));
  EXPECT_EQ(clock_.Now(), start + absl::Milliseconds(6));
  EXPECT_EQ(network_.stats().unreachable, 1u);
  // Reported once.
  EXPECT_THAT(ReceiveOne(*client, absl::InfinitePast()),
              StatusIs(absl::StatusCode::kDeadlineExceeded));
}

TEST_F(SimulatedNetworkTest, AConnectedSocketHearsOnlyItsPeer) {
  auto server = Open(b_, SocketAddress::Any(AddressFamily::kIPv4, 4000));
  ASSERT_OK(server->Connect(Ip("192.0.2.1", 5000)));
  auto from_a = Open(a_, Ip("192.0.2.1", 5000));
  auto from_c = Open(c_, Ip("192.0.2.3", 5000));
  ASSERT_OK(from_c->SendTo("c", Ip("192.0.2.2", 4000)));
  ASSERT_OK(from_a->SendTo("a", Ip("192.0.2.2", 4000)));
  EXPECT_THAT(ReceiveAll(*server, In(absl::Seconds(1))), ElementsAre("a"));
}

TEST_F(SimulatedNetworkTest, LinkLocalIPv6NeedsAScope) {
  SimulatedNetwork network(clock_);
  SimulatedLink& link = network.AddLink("wifi");
  SimulatedHost& x = network.AddHost("x");
  SimulatedHost& y = network.AddHost("y");
  ASSERT_OK(x.AddInterface(link, {"fe80::1/64"}));
  ASSERT_OK(y.AddInterface(link, {"fe80::2/64"}));
  ASSERT_OK_AND_ASSIGN(auto server,
                       y.OpenDatagram(SocketAddress::Any(AddressFamily::kIPv6, 4000), {}));
  ASSERT_OK_AND_ASSIGN(auto client,
                       x.OpenDatagram(SocketAddress::Any(AddressFamily::kIPv6, 0), {}));
  EXPECT_THAT(client->SendTo("x", Ip("fe80::2", 4000)),
              StatusIs(absl::StatusCode::kInvalidArgument));
  ASSERT_OK(client->SendTo("x", Ip("fe80::2%2", 4000)));
  ASSERT_OK_AND_ASSIGN(Received got, ReceiveOne(*server, absl::InfinitePast()));
  EXPECT_EQ(got.from.scope_id(), 2u);
  EXPECT_EQ(got.from.WithPort(0), Ip("fe80::1%2"));
}

TEST_F(SimulatedNetworkTest, AFullReceiveBufferDropsDatagrams) {
  DatagramOptions options;
  options.receive_buffer_bytes = 1024;  // doubled to 2048, as Linux does
  auto server = Open(b_, SocketAddress::Any(AddressFamily::kIPv4, 4000), options);
  auto client = Open(a_, SocketAddress::Any(AddressFamily::kIPv4, 0));
  for (int i = 0; i < 10; ++i) {
    ASSERT_OK(client->SendTo(std::string(500, 'x'), Ip("192.0.2.2", 4000)));
  }
  EXPECT_EQ(ReceiveAll(*server, absl::InfinitePast()).size(), 3u);
  EXPECT_EQ(network_.stats().receive_buffer_drops, 7u);
}

// --- Broadcast ---

TEST_F(SimulatedNetworkTest, BroadcastNeedsPermission) {
  auto sender = Open(a_, SocketAddress::Any(AddressFamily::kIPv4, 0));
  EXPECT_THAT(sender->SendTo("hi", Ip("255.255.255.255", 4000)),
              StatusIs(absl::StatusCode::kPermissionDenied,
                       HasSubstr("Permission denied")));
  EXPECT_THAT(sender->SendTo("hi", Ip("192.0.2.255", 4000)),
              StatusIs(absl::StatusCode::kPermissionDenied,
                       HasSubstr("Permission denied")));
  ASSERT_OK(sender->EnableBroadcast());
  EXPECT_OK(sender->SendTo("hi", Ip("255.255.255.255", 4000)));
}

TEST_F(SimulatedNetworkTest, LimitedBroadcastReachesEveryHostOnTheLink) {
  auto on_a = Open(a_, SocketAddress::Any(AddressFamily::kIPv4, 4000));
  auto on_b = Open(b_, SocketAddress::Any(AddressFamily::kIPv4, 4000));
  auto on_c = Open(c_, SocketAddress::Any(AddressFamily::kIPv4, 4000));
  // Bound to a unicast address: no broadcasts.
  auto unicast_only = Open(c_, Ip("192.0.2.3", 4001));
  SimulatedLink& other = network_.AddLink("other");
  SimulatedHost& far = AddHost("far", other, {"198.51.100.1/24"});
  auto on_far = Open(far, SocketAddress::Any(AddressFamily::kIPv4, 4000));

  auto sender = Open(a_, SocketAddress::Any(AddressFamily::kIPv4, 0));
  ASSERT_OK(sender->EnableBroadcast());
  ASSERT_OK(sender->SendTo("anyone?", Ip("255.255.255.255", 4000)));
  ASSERT_OK(sender->SendTo("anyone?", Ip("255.255.255.255", 4001)));
  const absl::Time deadline = In(absl::Seconds(1));
  // The sender's own host hears it too, as on Linux.
  EXPECT_THAT(ReceiveAll(*on_a, deadline), ElementsAre("anyone?"));
  EXPECT_THAT(ReceiveAll(*on_b, deadline), ElementsAre("anyone?"));
  ASSERT_OK_AND_ASSIGN(Received got, ReceiveOne(*on_c, absl::InfinitePast()));
  EXPECT_EQ(got.from, Ip("192.0.2.1", sender->local_address().port()));
  EXPECT_TRUE(ReceiveAll(*unicast_only, deadline).empty());
  EXPECT_TRUE(ReceiveAll(*on_far, deadline).empty());
}

TEST_F(SimulatedNetworkTest, DirectedBroadcastReachesTheSubnet) {
  auto on_b = Open(b_, SocketAddress::Any(AddressFamily::kIPv4, 4000));
  auto bound_to_broadcast = Open(c_, Ip("192.0.2.255", 4000));
  auto sender = Open(a_, SocketAddress::Any(AddressFamily::kIPv4, 0));
  ASSERT_OK(sender->EnableBroadcast());
  ASSERT_OK(sender->SendTo("subnet", Ip("192.0.2.255", 4000)));
  EXPECT_THAT(ReceiveAll(*on_b, In(absl::Seconds(1))), ElementsAre("subnet"));
  EXPECT_THAT(ReceiveAll(*bound_to_broadcast, In(absl::Seconds(1))),
              ElementsAre("subnet"));
}

TEST_F(SimulatedNetworkTest, ReuseAddressSharesBroadcastsButNotUnicast) {
  DatagramOptions reuse;
  reuse.reuse_address = true;
  auto first = Open(b_, SocketAddress::Any(AddressFamily::kIPv4, 4000), reuse);
  auto second = Open(b_, SocketAddress::Any(AddressFamily::kIPv4, 4000), reuse);
  // Without SO_REUSEADDR the port is taken.
  EXPECT_THAT(b_.OpenDatagram(SocketAddress::Any(AddressFamily::kIPv4, 4000), {}),
              StatusIs(absl::StatusCode::kUnavailable,
                       HasSubstr("Address already in use")));
  auto sender = Open(a_, SocketAddress::Any(AddressFamily::kIPv4, 0));
  ASSERT_OK(sender->EnableBroadcast());
  ASSERT_OK(sender->SendTo("to all", Ip("255.255.255.255", 4000)));
  ASSERT_OK(sender->SendTo("to one", Ip("192.0.2.2", 4000)));
  const absl::Time deadline = In(absl::Seconds(1));
  // Each sharer gets its copy of the broadcast; the unicast goes to one:
  // the socket bound last, as on Linux.
  EXPECT_THAT(ReceiveAll(*first, deadline), ElementsAre("to all"));
  EXPECT_THAT(ReceiveAll(*second, deadline), ElementsAre("to all", "to one"));
}

TEST_F(SimulatedNetworkTest, ReusePortSpreadsUnicastOverTheSockets) {
  DatagramOptions reuse;
  reuse.reuse_port = true;
  auto first = Open(b_, SocketAddress::Any(AddressFamily::kIPv4, 4000), reuse);
  auto second = Open(b_, SocketAddress::Any(AddressFamily::kIPv4, 4000), reuse);
  for (int i = 0; i < 20; ++i) {
    auto sender = Open(a_, SocketAddress::Any(AddressFamily::kIPv4, 0));
    ASSERT_OK(sender->SendTo("x", Ip("192.0.2.2", 4000)));
  }
  const size_t to_first = ReceiveAll(*first, absl::InfinitePast()).size();
  const size_t to_second = ReceiveAll(*second, absl::InfinitePast()).size();
  EXPECT_EQ(to_first + to_second, 20u);
  EXPECT_GT(to_first, 0u);
  EXPECT_GT(to_second, 0u);
}

// --- Multicast ---

TEST_F(SimulatedNetworkTest, Ipv4MulticastReachesHostsThatJoined) {
  const SocketAddress group = Ip("239.1.2.3", 4353);
  auto member = Open(b_, SocketAddress::Any(AddressFamily::kIPv4, 4353));
  ASSERT_OK(member->JoinMulticastGroup(group, 0));
  auto not_member = Open(c_, SocketAddress::Any(AddressFamily::kIPv4, 4353));
  auto sender = Open(a_, SocketAddress::Any(AddressFamily::kIPv4, 4353));
  ASSERT_OK(sender->JoinMulticastGroup(group, 2));
  EXPECT_THAT(sender->JoinMulticastGroup(group, 2),
              StatusIs(absl::StatusCode::kUnavailable,
                       HasSubstr("Address already in use")));
  ASSERT_OK(sender->SendTo("query", group));
  const absl::Time deadline = In(absl::Seconds(1));
  EXPECT_THAT(ReceiveAll(*member, deadline), ElementsAre("query"));
  EXPECT_TRUE(ReceiveAll(*not_member, deadline).empty());
  // Multicast loopback is on by default...
  EXPECT_THAT(ReceiveAll(*sender, deadline), ElementsAre("query"));
  // ...and can be turned off.
  ASSERT_OK(sender->SetMulticastLoopback(false));
  ASSERT_OK(sender->SendTo("again", group));
  EXPECT_TRUE(ReceiveAll(*sender, deadline).empty());
  EXPECT_THAT(ReceiveAll(*member, deadline), ElementsAre("again"));
}

TEST_F(SimulatedNetworkTest, AllHostsGroupNeedsNoJoin) {
  auto on_c = Open(c_, SocketAddress::Any(AddressFamily::kIPv4, 4000));
  auto sender = Open(a_, SocketAddress::Any(AddressFamily::kIPv4, 0));
  ASSERT_OK(sender->SendTo("hello all", Ip("224.0.0.1", 4000)));
  EXPECT_THAT(ReceiveAll(*on_c, In(absl::Seconds(1))), ElementsAre("hello all"));
}

TEST_F(SimulatedNetworkTest, Ipv6LinkLocalMulticastStaysOnItsLink) {
  SimulatedLink& lab = network_.AddLink("lab");
  ASSERT_OK_AND_ASSIGN(const uint32_t lab_index,
                       a_.AddInterface(lab, {"2001:db8:1::1/64"}));
  SimulatedHost& d = AddHost("d", lab, {"2001:db8:1::4/64"});
  const SocketAddress group = Ip("ff02::1:3", 4355);
  auto on_b = Open(b_, SocketAddress::Any(AddressFamily::kIPv6, 4355));
  ASSERT_OK(on_b->JoinMulticastGroup(group, 2));
  auto on_d = Open(d, SocketAddress::Any(AddressFamily::kIPv6, 4355));
  ASSERT_OK(on_d->JoinMulticastGroup(group, 2));

  auto sender = Open(a_, SocketAddress::Any(AddressFamily::kIPv6, 0));
  ASSERT_OK(sender->SendTo("on lan", Ip("ff02::1:3%2", 4355)));
  ASSERT_OK(sender->SetMulticastInterface(lab_index));
  ASSERT_OK(sender->SendTo("on lab", group));
  const absl::Time deadline = In(absl::Seconds(1));
  EXPECT_THAT(ReceiveAll(*on_b, deadline), ElementsAre("on lan"));
  EXPECT_THAT(ReceiveAll(*on_d, deadline), ElementsAre("on lab"));
}

TEST_F(SimulatedNetworkTest, MulticastErrorsAreLinuxs) {
  auto socket = Open(a_, SocketAddress::Any(AddressFamily::kIPv4, 0));
  EXPECT_THAT(socket->JoinMulticastGroup(Ip("192.0.2.2"), 0),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(socket->JoinMulticastGroup(Ip("239.1.1.1"), 99),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("No such device")));
}

// --- Many responders, loss and duplication ---

// Answers every datagram with the host's name.
class NameService : public DatagramService {
 public:
  explicit NameService(std::string name) : name_(std::move(name)) {}
  void OnDatagram(DatagramSocket& socket, const ReceivedDatagram& datagram,
                  absl::string_view) override {
    EXPECT_OK(socket.SendTo(name_, datagram.from));
  }

 private:
  std::string name_;
};

TEST_F(SimulatedNetworkTest, ManyRespondersAnswerOneBroadcast) {
  lan_.set_delay(absl::Microseconds(200));
  FakeEventLoop loop(clock_);
  std::vector<std::unique_ptr<NameService>> services;
  std::vector<std::unique_ptr<Server>> servers;
  std::set<std::string> expected;
  for (int i = 10; i < 60; ++i) {
    const std::string name = absl::StrCat("responder", i);
    SimulatedHost& host = AddHost(name, lan_, {absl::StrCat("192.0.2.", i, "/24")});
    services.push_back(std::make_unique<NameService>(name));
    servers.push_back(std::make_unique<Server>(loop, host));
    ASSERT_OK(servers.back()->ServeDatagrams(
        SocketAddress::Any(AddressFamily::kIPv4, 9999), *services.back()));
    expected.insert(name);
  }
  auto client = Open(a_, SocketAddress::Any(AddressFamily::kIPv4, 0));
  ASSERT_OK(client->EnableBroadcast());
  const absl::Time start = clock_.Now();
  ASSERT_OK(client->SendTo("who is there?", Ip("255.255.255.255", 9999)));
  const std::vector<std::string> replies =
      ReceiveAll(*client, start + absl::Seconds(1));
  EXPECT_EQ(std::set<std::string>(replies.begin(), replies.end()), expected);
  EXPECT_EQ(replies.size(), 50u);
  // ReceiveAll waited for the deadline; every reply came after a round trip.
  EXPECT_EQ(clock_.Now(), start + absl::Seconds(1));
}

// Sends 1..n from a to b and returns what b received, in order.
std::vector<std::string> SendThroughLossyLan(FakeClock& clock, uint64_t seed,
                                             absl::string_view plan, int n,
                                             FaultLog* log_copy = nullptr) {
  SimulatedNetwork network(clock, seed);
  SimulatedLink& lan = network.AddLink("lan", absl::Milliseconds(1));
  SimulatedHost& a = network.AddHost("a");
  SimulatedHost& b = network.AddHost("b");
  EXPECT_OK(a.AddInterface(lan, {"192.0.2.1/24"}));
  EXPECT_OK(b.AddInterface(lan, {"192.0.2.2/24"}));
  EXPECT_OK(network.SetLinkFaults(lan, plan));
  auto server = *b.OpenDatagram(SocketAddress::Any(AddressFamily::kIPv4, 4000), {});
  auto client = *a.OpenDatagram(SocketAddress::Any(AddressFamily::kIPv4, 0), {});
  for (int i = 1; i <= n; ++i) {
    EXPECT_OK(client->SendTo(absl::StrCat(i), Ip("192.0.2.2", 4000)));
  }
  std::vector<std::string> received =
      ReceiveAll(*server, clock.Now() + absl::Seconds(1));
  if (log_copy != nullptr) {
    for (FaultRecord record : network.fault_log().records()) {
      log_copy->Add(std::move(record));
    }
  }
  return received;
}

TEST_F(SimulatedNetworkTest, LossAndDuplicationOnALinkAreExactForASeed) {
  FaultLog log;
  const std::vector<std::string> received =
      SendThroughLossyLan(clock_, 42, "drop=0.2 duplicate=0.1", 1000, &log);
  const size_t dropped = log.Find("drop", "lan").size();
  const size_t duplicated = log.Find("duplicate", "lan").size();
  EXPECT_EQ(received.size(), 1000 - dropped + duplicated);
  EXPECT_GT(dropped, 150u);
  EXPECT_LT(dropped, 250u);
  EXPECT_GT(duplicated, 50u);
  // What was dropped never arrives; what was duplicated arrives twice.
  std::map<std::string, int> counts;
  for (const std::string& payload : received) ++counts[payload];
  for (uint64_t index : log.Indices("drop")) {
    EXPECT_EQ(counts.count(absl::StrCat(index)), 0u) << index;
  }
  for (uint64_t index : log.Indices("duplicate")) {
    EXPECT_EQ(counts[absl::StrCat(index)], 2) << index;
  }
  // The same seed replays exactly; another seed does not.
  EXPECT_EQ(SendThroughLossyLan(clock_, 42, "drop=0.2 duplicate=0.1", 1000),
            received);
  EXPECT_NE(SendThroughLossyLan(clock_, 43, "drop=0.2 duplicate=0.1", 1000),
            received);
}

TEST_F(SimulatedNetworkTest, ReplaysFromTheTestSeed) {
  TestSeed seed(2024);
  const auto first = SendThroughLossyLan(clock_, seed.value(),
                                         "drop=0.1 reorder=0.1 jitter=2ms", 200);
  EXPECT_EQ(SendThroughLossyLan(clock_, seed.value(),
                                "drop=0.1 reorder=0.1 jitter=2ms", 200),
            first);
}

TEST_F(SimulatedNetworkTest, DelayAndReorderOnALink) {
  ASSERT_OK(network_.SetLinkFaults(lan_, "delay=50ms reorder=1 reorder_hold=1s"));
  auto server = Open(b_, SocketAddress::Any(AddressFamily::kIPv4, 4000));
  auto client = Open(a_, SocketAddress::Any(AddressFamily::kIPv4, 0));
  const absl::Time start = clock_.Now();
  ASSERT_OK(client->SendTo("held", Ip("192.0.2.2", 4000)));
  // Nothing overtakes it, so it is released when its hold runs out.
  ASSERT_OK_AND_ASSIGN(Received got, ReceiveOne(*server, start + absl::Seconds(5)));
  EXPECT_EQ(got.payload, "held");
  EXPECT_EQ(clock_.Now(), start + absl::Seconds(1));
}

TEST_F(SimulatedNetworkTest, PathFaultsReplaceTheLinksBetweenTwoHosts) {
  ASSERT_OK(network_.SetLinkFaults(lan_, "drop=1"));
  ASSERT_OK(network_.SetPathFaults(a_, b_, "up:drop_indices=2"));
  auto on_a = Open(a_, SocketAddress::Any(AddressFamily::kIPv4, 4000));
  auto on_b = Open(b_, SocketAddress::Any(AddressFamily::kIPv4, 4000));
  auto on_c = Open(c_, SocketAddress::Any(AddressFamily::kIPv4, 4000));
  for (const char* payload : {"1", "2", "3"}) {
    ASSERT_OK(on_a->SendTo(payload, Ip("192.0.2.2", 4000)));
    ASSERT_OK(on_a->SendTo(payload, Ip("192.0.2.3", 4000)));
    ASSERT_OK(on_b->SendTo(payload, Ip("192.0.2.1", 4000)));
  }
  const absl::Time deadline = In(absl::Seconds(1));
  EXPECT_THAT(ReceiveAll(*on_b, deadline), ElementsAre("1", "3"));
  EXPECT_THAT(ReceiveAll(*on_a, deadline), ElementsAre("1", "2", "3"));
  EXPECT_TRUE(ReceiveAll(*on_c, deadline).empty());
  EXPECT_THAT(network_.fault_log().Indices("drop", "a->b"), ElementsAre(2));
}

TEST_F(SimulatedNetworkTest, LinkPlansHaveNoDirectionAndNoStreamFaults) {
  EXPECT_THAT(network_.SetLinkFaults(lan_, "up:drop=0.1"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("up:drop=0.1")));
  EXPECT_THAT(network_.SetLinkFaults(lan_, "slice=1"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("stream fault")));
  EXPECT_THAT(network_.SetLinkFaults(lan_, "drop=2"),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

// --- TCP ---

TEST_F(SimulatedNetworkTest, ConnectTakesARoundTrip) {
  lan_.set_delay(absl::Milliseconds(10));
  ASSERT_OK_AND_ASSIGN(auto listener,
                       b_.Listen(SocketAddress::Any(AddressFamily::kIPv6, 4080), {}));
  const absl::Time start = clock_.Now();
  ASSERT_OK_AND_ASSIGN(auto client,
                       a_.Connect(Ip("2001:db8::2", 4080), start + absl::Seconds(1)));
  EXPECT_EQ(clock_.Now(), start + absl::Milliseconds(20));
  ASSERT_OK(WriteAll(*client, "GET", absl::InfinitePast()));
  // The server accepts once the client's ACK arrives, with the request.
  EXPECT_THAT(listener->Accept(absl::InfinitePast()),
              StatusIs(absl::StatusCode::kDeadlineExceeded));
  ASSERT_OK_AND_ASSIGN(auto server, listener->Accept(In(absl::Seconds(1))));
  EXPECT_EQ(clock_.Now(), start + absl::Milliseconds(30));
  EXPECT_EQ(server->local_address(), Ip("2001:db8::2", 4080));
  EXPECT_EQ(server->peer_address(), client->local_address());
  EXPECT_THAT(ReadExactly(*server, 3, In(absl::Seconds(1))), IsOkAndHolds("GET"));
  EXPECT_EQ(clock_.Now(), start + absl::Milliseconds(30));
}

TEST_F(SimulatedNetworkTest, ConnectionRefusedAfterARoundTrip) {
  lan_.set_delay(absl::Milliseconds(10));
  const absl::Time start = clock_.Now();
  EXPECT_THAT(a_.Connect(Ip("192.0.2.2", 4081), start + absl::Seconds(1)),
              StatusIs(absl::StatusCode::kUnavailable,
                       HasSubstr("Connection refused")));
  EXPECT_EQ(clock_.Now(), start + absl::Milliseconds(20));
}

TEST_F(SimulatedNetworkTest, AnAbsentHostIsUnreachableAfterArpGivesUp) {
  const absl::Time start = clock_.Now();
  EXPECT_THAT(a_.Connect(Ip("192.0.2.77", 4080), start + absl::Seconds(10)),
              StatusIs(absl::StatusCode::kUnavailable,
                       HasSubstr("No route to host")));
  EXPECT_EQ(clock_.Now(), start + absl::Seconds(3));
  EXPECT_THAT(a_.Connect(Ip("192.0.2.77", 4080), In(absl::Seconds(1))),
              StatusIs(absl::StatusCode::kDeadlineExceeded));
}

TEST_F(SimulatedNetworkTest, AFullBacklogDropsTheSynUntilThereIsRoom) {
  ListenOptions options;
  options.backlog = 0;  // Linux still queues one
  ASSERT_OK_AND_ASSIGN(auto listener,
                       b_.Listen(SocketAddress::Any(AddressFamily::kIPv4, 4080),
                                 options));
  const absl::Time start = clock_.Now();
  ASSERT_OK(a_.Connect(Ip("192.0.2.2", 4080), In(absl::Seconds(5))));
  std::unique_ptr<Stream> accepted;
  clock_.Schedule(start + absl::Milliseconds(1500), [&] {
    accepted = *listener->Accept(absl::InfinitePast());
  });
  // The second SYN is dropped, retried after 1 s (still full) and 3 s.
  ASSERT_OK(a_.Connect(Ip("192.0.2.2", 4080), In(absl::Seconds(5))));
  EXPECT_EQ(clock_.Now(), start + absl::Seconds(3));
}

TEST_F(SimulatedNetworkTest, ClosingAListenerResetsConnectionsNotYetAccepted) {
  ASSERT_OK_AND_ASSIGN(auto listener,
                       b_.Listen(SocketAddress::Any(AddressFamily::kIPv4, 4080), {}));
  ASSERT_OK_AND_ASSIGN(auto client,
                       a_.Connect(Ip("192.0.2.2", 4080), In(absl::Seconds(1))));
  listener->Close();
  char buffer[4];
  EXPECT_THAT(client->Read(absl::MakeSpan(buffer), In(absl::Seconds(1))),
              StatusIs(absl::StatusCode::kAborted));
}

TEST_F(SimulatedNetworkTest, StreamFaultsBetweenTwoHosts) {
  ASSERT_OK(network_.SetPathFaults(a_, b_, "up:slice=1"));
  ASSERT_OK_AND_ASSIGN(auto on_b,
                       b_.Listen(SocketAddress::Any(AddressFamily::kIPv4, 4080), {}));
  ASSERT_OK_AND_ASSIGN(auto on_a,
                       a_.Listen(SocketAddress::Any(AddressFamily::kIPv4, 4080), {}));
  // a connects to b: what a sends b is sliced.
  ASSERT_OK_AND_ASSIGN(auto client,
                       a_.Connect(Ip("192.0.2.2", 4080), In(absl::Seconds(1))));
  ASSERT_OK_AND_ASSIGN(auto server, on_b->Accept(In(absl::Seconds(1))));
  ASSERT_OK(WriteAll(*client, "abc", absl::InfinitePast()));
  char buffer[16];
  EXPECT_THAT(server->Read(absl::MakeSpan(buffer), In(absl::Seconds(1))),
              IsOkAndHolds(1));
  ASSERT_OK(WriteAll(*server, "xyz", absl::InfinitePast()));
  EXPECT_THAT(client->Read(absl::MakeSpan(buffer), In(absl::Seconds(1))),
              IsOkAndHolds(3));
  // b connects to a: still what a sends b (now the server's replies).
  ASSERT_OK_AND_ASSIGN(auto b_client,
                       b_.Connect(Ip("192.0.2.1", 4080), In(absl::Seconds(1))));
  ASSERT_OK_AND_ASSIGN(auto a_server, on_a->Accept(In(absl::Seconds(1))));
  ASSERT_OK(WriteAll(*a_server, "abc", absl::InfinitePast()));
  EXPECT_THAT(b_client->Read(absl::MakeSpan(buffer), In(absl::Seconds(1))),
              IsOkAndHolds(1));
  EXPECT_EQ(network_.fault_log().Find("slice").size(), 2u);
}

class EchoSession : public StreamSession {
 public:
  void OnData(Connection& connection, absl::string_view data) override {
    connection.Send(data);
  }
};

TEST_F(SimulatedNetworkTest, MinutesOfServerTimeoutsPassInstantly) {
  lan_.set_delay(absl::Milliseconds(1));
  FakeEventLoop loop(clock_);
  ServerOptions options;
  options.idle_timeout = absl::Minutes(5);
  options.log = [](absl::string_view) {};
  Server server(loop, b_, options);
  ASSERT_OK_AND_ASSIGN(
      SocketAddress address,
      server.ServeStream(SocketAddress::Any(AddressFamily::kIPv4, 7000),
                         [] { return std::make_unique<EchoSession>(); }));
  ASSERT_OK_AND_ASSIGN(auto client,
                       a_.Connect(Ip("192.0.2.2", address.port()),
                                  In(absl::Seconds(1))));
  const absl::Time start = clock_.Now();
  ASSERT_OK(WriteAll(*client, "hello", In(absl::Seconds(1))));
  EXPECT_THAT(ReadExactly(*client, 5, In(absl::Seconds(1))),
              IsOkAndHolds("hello"));
  EXPECT_EQ(clock_.Now(), start + absl::Milliseconds(2));
  // Then silence: the server closes the connection after five idle minutes.
  StreamCapture rest = ReadToEnd(*client, 1024, In(absl::Minutes(10)));
  EXPECT_TRUE(rest.eof);
  // The server last moved a byte at +1 ms; its EOF takes another 1 ms.
  EXPECT_EQ(clock_.Now(),
            start + absl::Milliseconds(1) + absl::Minutes(5) +
                absl::Milliseconds(1));
  EXPECT_EQ(server.stats().idle_timeouts, 1u);
}

TEST_F(SimulatedNetworkTest, SocketsOutlivingTheNetworkFailCleanly) {
  auto network = std::make_unique<SimulatedNetwork>(clock_);
  SimulatedHost& host = network->AddHost("x");
  ASSERT_OK_AND_ASSIGN(auto socket,
                       host.OpenDatagram(Ip("127.0.0.1", 0), {}));
  ASSERT_OK_AND_ASSIGN(auto listener, host.Listen(Ip("127.0.0.1", 0), {}));
  network.reset();
  EXPECT_THAT(socket->SendTo("x", Ip("127.0.0.1", 1)),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("simulated network is gone")));
  EXPECT_THAT(listener->Accept(absl::InfinitePast()),
              StatusIs(absl::StatusCode::kFailedPrecondition));
}

}  // namespace
}  // namespace wirecheck::fakes

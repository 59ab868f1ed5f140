// The fake harness's own promises, beyond the behaviour suites every harness
// runs (protocols/transport/*_behaviour_test.cc, server_test.cc).
#include "fakes/fake_harness.h"

#include <memory>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "protocols/common/status_matchers.h"
#include "protocols/transport/server.h"
#include "protocols/transport/stream_util.h"

namespace wirecheck::testing {
namespace {

using ::testing::Contains;
using ::testing::Field;

TEST(FakeHarnessTest, AllHarnessesIncludesBothFakes) {
  std::vector<std::string> names;
  for (const HarnessFactory& factory : AllHarnesses()) {
    names.push_back(factory.name);
    EXPECT_EQ(factory.make()->name(), factory.name);
  }
  EXPECT_THAT(names, ::testing::ElementsAre("loopback_ipv4", "loopback_ipv6",
                                            "fake_ipv4", "fake_ipv6"));
  EXPECT_THAT(LoopbackHarnesses(),
              ::testing::Not(Contains(Field(&HarnessFactory::name, "fake_ipv4"))));
}

TEST(FakeHarnessTest, DescribesASimulatedWorld) {
  FakeHarness v4(AddressFamily::kIPv4);
  EXPECT_TRUE(v4.simulated());
  EXPECT_EQ(v4.family(), AddressFamily::kIPv4);
  EXPECT_EQ(v4.short_timeout(), absl::Seconds(1));
  EXPECT_EQ(v4.server_bind_address(), *SocketAddress::FromIp("192.0.2.2", 0));
  FakeHarness v6(AddressFamily::kIPv6);
  EXPECT_EQ(v6.server_bind_address(), *SocketAddress::FromIp("2001:db8::2", 0));
}

TEST(FakeHarnessTest, AShortTimeoutIsOneSimulatedSecond) {
  FakeHarness harness(AddressFamily::kIPv4);
  ASSERT_OK_AND_ASSIGN(auto listener, harness.server_network().Listen(
                                          harness.server_bind_address(), {}));
  ASSERT_OK_AND_ASSIGN(auto pair, ConnectPair(harness, *listener));
  const absl::Time start = harness.clock().Now();
  char buffer[4];
  EXPECT_THAT(pair.second->Read(absl::MakeSpan(buffer),
                                start + harness.short_timeout()),
              StatusIs(absl::StatusCode::kDeadlineExceeded));
  EXPECT_EQ(harness.clock().Now(), start + absl::Seconds(1));
}

class Greeter : public StreamSession {
 public:
  void OnOpen(Connection& connection) override {
    connection.Send("hello\n");
    connection.Finish();
  }
  void OnData(Connection&, absl::string_view) override {}
};

TEST(FakeHarnessTest, ServersRunWheneverAClientWaits) {
  FakeHarness harness(AddressFamily::kIPv6);
  harness.link().set_delay(absl::Milliseconds(5));
  ServerOptions options;
  options.log = [](absl::string_view) {};
  Server server(harness.server_loop(), harness.server_network(), options);
  ASSERT_OK_AND_ASSIGN(
      SocketAddress address,
      server.ServeStream(harness.server_bind_address(),
                         [] { return std::make_unique<Greeter>(); }));
  harness.StartServers();
  const absl::Time start = harness.clock().Now();
  ASSERT_OK_AND_ASSIGN(auto client,
                       harness.client_network().Connect(
                           address, start + absl::Seconds(1)));
  StreamCapture greeting = ReadToEnd(*client, 64, start + absl::Seconds(1));
  EXPECT_EQ(greeting.bytes, "hello\n");
  EXPECT_TRUE(greeting.eof);
  // SYN, SYN-ACK, ACK (the server accepts), then the greeting: four trips.
  EXPECT_EQ(harness.clock().Now(), start + absl::Milliseconds(20));
  size_t connections = 99;
  harness.RunOnServerLoop([&] { connections = server.stats().connections_accepted; });
  EXPECT_EQ(connections, 1u);
  harness.StopServers();
}

TEST(FakeHarnessTest, FaultsCanBeSetOnTheHarnessNetwork) {
  FakeHarness harness(AddressFamily::kIPv4);
  ASSERT_OK(harness.network().SetLinkFaults(harness.link(), "drop_first=1"));
  ASSERT_OK_AND_ASSIGN(auto server, harness.server_network().OpenDatagram(
                                        harness.server_bind_address(), {}));
  ASSERT_OK_AND_ASSIGN(auto client,
                       harness.client_network().OpenDatagram(
                           SocketAddress::Any(AddressFamily::kIPv4, 0), {}));
  ASSERT_OK(client->SendTo("lost", server->local_address()));
  ASSERT_OK(client->SendTo("found", server->local_address()));
  char buffer[16];
  ASSERT_OK_AND_ASSIGN(ReceivedDatagram datagram,
                       server->ReceiveFrom(absl::MakeSpan(buffer),
                                           harness.clock().Now() +
                                               harness.short_timeout()));
  EXPECT_EQ(absl::string_view(buffer, datagram.size), "found");
  EXPECT_THAT(harness.network().fault_log().Indices("drop"),
              ::testing::ElementsAre(1));
}

}  // namespace
}  // namespace wirecheck::testing

#include "tools/proxy/udp_proxy.h"

#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "fakes/datagram_fault_engine.h"
#include "fakes/fake_clock.h"
#include "fakes/fault_plan.h"
#include "fakes/seed.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "protocols/common/status_macros.h"
#include "protocols/common/status_matchers.h"
#include "protocols/transport/posix_event_loop.h"
#include "protocols/transport/posix_network.h"
#include "tools/proxy/proxy_test_util.h"

namespace wirecheck::proxy {
namespace {

using ::testing::ElementsAreArray;
using ::testing::HasSubstr;
using ::testing::SizeIs;
using ::wirecheck::testing::In;
using ::wirecheck::testing::ProxyRunner;
using ::wirecheck::testing::StatusIs;
using ::wirecheck::testing::TestSeed;

constexpr absl::Duration kLong = absl::Seconds(10);
constexpr absl::Duration kShort = absl::Milliseconds(20);

ProxyRunner::Factory Udp() {
  return [](EventLoop& loop, ProxyOptions options)
             -> absl::StatusOr<std::unique_ptr<FaultProxy>> {
    ASSIGN_OR_RETURN(std::unique_ptr<UdpProxy> proxy,
                     UdpProxy::Create(loop, RealNetwork(), std::move(options)));
    return std::unique_ptr<FaultProxy>(std::move(proxy));
  };
}

struct Datagram {
  std::string payload;
  SocketAddress from;
};

absl::StatusOr<Datagram> Receive(DatagramSocket& socket, absl::Duration timeout) {
  std::string buffer(65536, '\0');
  ASSIGN_OR_RETURN(ReceivedDatagram received,
                   socket.ReceiveFrom(absl::MakeSpan(buffer), In(timeout)));
  buffer.resize(received.size);
  return Datagram{std::move(buffer), received.from};
}

// What a client's engine does to `payloads` sent in one burst, by the
// proxy's rules: the same plan, the same seed, on a clock that stands still
// while they are sent and then runs past every hold. Returns the payloads
// as they are to arrive.
std::vector<std::string> Predict(const std::string& plan_text, uint64_t seed,
                                 fakes::Direction direction,
                                 const std::vector<std::string>& payloads) {
  const fakes::FaultPlan plan = *fakes::ParseFaultPlan(plan_text);
  fakes::FakeClock clock;
  fakes::DatagramFaultEngine engine(plan.datagram(direction),
                                    UdpProxy::EngineSeed(seed, direction),
                                    clock, nullptr, "prediction");
  std::vector<std::string> arriving;
  for (const std::string& payload : payloads) {
    for (auto& delivery : engine.Process(payload)) {
      arriving.push_back(delivery.payload);
    }
  }
  clock.Advance(absl::Hours(1));
  for (auto& delivery : engine.ReleaseExpired()) {
    arriving.push_back(delivery.payload);
  }
  return arriving;
}

class UdpProxyTest : public ::testing::TestWithParam<AddressFamily> {
 protected:
  SocketAddress Loopback() { return SocketAddress::Loopback(GetParam(), 0); }

  absl::StatusOr<std::unique_ptr<DatagramSocket>> Open() {
    return RealNetwork().OpenDatagram(Loopback(), DatagramOptions());
  }

  // Starts a proxy with `faults` in front of an upstream socket of the
  // test's own.
  void StartProxy(const std::string& faults, ProxyOptions options = {}) {
    ASSERT_OK_AND_ASSIGN(upstream_, Open());
    options.upstream = upstream_->local_address();
    options.faults = faults;
    ASSERT_OK_AND_ASSIGN(proxy_address_,
                         runner_.Start(Udp(), std::move(options), Loopback()));
  }

  // Sends each payload from `client` and checks that the upstream gets
  // exactly what `expected` says for it, datagram by datagram, so the
  // proxy's buffers never overflow and a wrong fault shows at once.
  void SendInLockstep(DatagramSocket& client, const std::string& plan,
                      uint64_t seed, const std::vector<std::string>& payloads) {
    const fakes::FaultPlan parsed = *fakes::ParseFaultPlan(plan);
    fakes::FakeClock clock;
    fakes::DatagramFaultEngine engine(
        parsed.datagram(fakes::Direction::kUp),
        UdpProxy::EngineSeed(seed, fakes::Direction::kUp), clock, nullptr,
        "prediction");
    for (const std::string& payload : payloads) {
      ASSERT_OK(client.SendTo(payload, proxy_address_));
      for (const auto& delivery : engine.Process(payload)) {
        ASSERT_OK_AND_ASSIGN(Datagram got, Receive(*upstream_, kLong));
        ASSERT_EQ(got.payload, delivery.payload) << "datagram #" << delivery.index;
      }
    }
    EXPECT_THAT(Receive(*upstream_, kShort),
                StatusIs(absl::StatusCode::kDeadlineExceeded));
  }

  ProxyRunner runner_;
  std::unique_ptr<DatagramSocket> upstream_;
  SocketAddress proxy_address_;
};

std::vector<std::string> Numbered(int count, absl::string_view prefix = "datagram ") {
  std::vector<std::string> payloads;
  for (int i = 1; i <= count; ++i) payloads.push_back(absl::StrCat(prefix, i));
  return payloads;
}

TEST_P(UdpProxyTest, EachClientGetsItsOwnUpstreamSocketAndItsOwnReplies) {
  StartProxy("");
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<DatagramSocket> a, Open());
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<DatagramSocket> b, Open());
  ASSERT_OK(a->SendTo("from a", proxy_address_));
  ASSERT_OK_AND_ASSIGN(Datagram first, Receive(*upstream_, kLong));
  ASSERT_OK(b->SendTo("from b", proxy_address_));
  ASSERT_OK_AND_ASSIGN(Datagram second, Receive(*upstream_, kLong));
  EXPECT_EQ(first.payload, "from a");
  EXPECT_EQ(second.payload, "from b");
  EXPECT_NE(first.from, second.from);

  // Replies go back through the socket they came from, to its client.
  ASSERT_OK(upstream_->SendTo("to b", second.from));
  ASSERT_OK(upstream_->SendTo("to a", first.from));
  ASSERT_OK_AND_ASSIGN(Datagram at_a, Receive(*a, kLong));
  ASSERT_OK_AND_ASSIGN(Datagram at_b, Receive(*b, kLong));
  EXPECT_EQ(at_a.payload, "to a");
  EXPECT_EQ(at_b.payload, "to b");
  EXPECT_EQ(at_a.from, proxy_address_);
  EXPECT_EQ(runner_.stats().clients, 2u);
  EXPECT_TRUE(runner_.fault_log().records().empty());
}

TEST_P(UdpProxyTest, DropWithASeedDropsExactlyTheDatagramsTheEnginePredicts) {
  TestSeed seed(42);
  const std::string plan = "up:drop=0.3";
  StartProxy(plan, ProxyOptions{.seed = seed.value()});
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<DatagramSocket> client, Open());
  const std::vector<std::string> payloads = Numbered(2000);
  SendInLockstep(*client, plan, seed.value(), payloads);

  // The proxy logged exactly the predicted drops: about 30% of them.
  const std::vector<std::string> arriving =
      Predict(plan, seed.value(), fakes::Direction::kUp, payloads);
  std::set<std::string> delivered(arriving.begin(), arriving.end());
  std::vector<uint64_t> predicted_drops;
  for (size_t i = 0; i < payloads.size(); ++i) {
    if (delivered.count(payloads[i]) == 0) predicted_drops.push_back(i + 1);
  }
  EXPECT_THAT(runner_.fault_log().Indices("drop"),
              ElementsAreArray(predicted_drops));
  EXPECT_GT(predicted_drops.size(), 500u);
  EXPECT_LT(predicted_drops.size(), 700u);
}

TEST_P(UdpProxyTest, SeededFaultsMatchTheEngineDatagramForDatagram) {
  TestSeed seed(7);
  // Every datagram fault that takes no time, at once.
  const std::string plan =
      "up:drop_every=7 up:drop_indices=2,3 up:gilbert_elliott=0.05,0.5 "
      "up:duplicate=0.2 up:truncate=9,0.5 up:corrupt=0.3";
  StartProxy(plan, ProxyOptions{.seed = seed.value()});
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<DatagramSocket> client, Open());
  SendInLockstep(*client, plan, seed.value(), Numbered(500, "some payload "));
  EXPECT_FALSE(runner_.fault_log().Find("duplicate").empty());
  EXPECT_FALSE(runner_.fault_log().Find("truncate").empty());
  EXPECT_FALSE(runner_.fault_log().Find("corrupt").empty());
}

TEST_P(UdpProxyTest, DuplicateSendsEachDatagramTwice) {
  StartProxy("up:duplicate=1");
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<DatagramSocket> client, Open());
  ASSERT_OK(client->SendTo("twice", proxy_address_));
  for (int copy = 0; copy < 2; ++copy) {
    ASSERT_OK_AND_ASSIGN(Datagram got, Receive(*upstream_, kLong));
    EXPECT_EQ(got.payload, "twice");
  }
  EXPECT_THAT(Receive(*upstream_, kShort),
              StatusIs(absl::StatusCode::kDeadlineExceeded));
}

TEST_P(UdpProxyTest, DownTruncateCutsOnlyTheReplies) {
  StartProxy("down:truncate=4");
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<DatagramSocket> client, Open());
  ASSERT_OK(client->SendTo("hello world", proxy_address_));
  ASSERT_OK_AND_ASSIGN(Datagram request, Receive(*upstream_, kLong));
  EXPECT_EQ(request.payload, "hello world");
  ASSERT_OK(upstream_->SendTo("0123456789", request.from));
  ASSERT_OK_AND_ASSIGN(Datagram reply, Receive(*client, kLong));
  EXPECT_EQ(reply.payload, "0123");
  ASSERT_THAT(runner_.fault_log().Find("truncate"), SizeIs(1));
  EXPECT_THAT(runner_.fault_log().Find("truncate")[0].path,
              ::testing::EndsWith(" down"));
}

TEST_P(UdpProxyTest, ReorderDeliversInThePredictedOrder) {
  TestSeed seed(3);
  // A hold far longer than sending the burst takes, so only the engine's
  // choices decide the order.
  const std::string plan = "up:reorder=0.3,2 up:reorder_hold=1s";
  StartProxy(plan, ProxyOptions{.seed = seed.value()});
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<DatagramSocket> client, Open());
  const std::vector<std::string> payloads = Numbered(40);
  for (const std::string& payload : payloads) {
    ASSERT_OK(client->SendTo(payload, proxy_address_));
  }
  std::vector<std::string> arrived;
  for (size_t i = 0; i < payloads.size(); ++i) {
    ASSERT_OK_AND_ASSIGN(Datagram got, Receive(*upstream_, kLong));
    arrived.push_back(got.payload);
  }
  const std::vector<std::string> predicted =
      Predict(plan, seed.value(), fakes::Direction::kUp, payloads);
  EXPECT_EQ(arrived, predicted);
  EXPECT_NE(arrived, payloads);
}

TEST_P(UdpProxyTest, DelayHoldsEachDatagramBack) {
  StartProxy("up:delay=200ms");
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<DatagramSocket> client, Open());
  const absl::Time sent = RealClock().Now();
  ASSERT_OK(client->SendTo("late", proxy_address_));
  ASSERT_OK_AND_ASSIGN(Datagram got, Receive(*upstream_, kLong));
  EXPECT_EQ(got.payload, "late");
  EXPECT_GE(RealClock().Now() - sent, absl::Milliseconds(200));
  // Replies are not delayed.
  ASSERT_OK(upstream_->SendTo("prompt", got.from));
  EXPECT_THAT(Receive(*client, kLong), testing::IsOk());
}

TEST_P(UdpProxyTest, JitterSpreadsEachDelayAroundTheDelay) {
  StartProxy("up:delay=100ms up:jitter=50ms", ProxyOptions{.seed = 5});
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<DatagramSocket> client, Open());
  for (int i = 1; i <= 5; ++i) {
    const absl::Time sent = RealClock().Now();
    ASSERT_OK(client->SendTo(absl::StrCat("datagram ", i), proxy_address_));
    ASSERT_OK_AND_ASSIGN(Datagram got, Receive(*upstream_, kLong));
    EXPECT_GE(RealClock().Now() - sent, absl::Milliseconds(50));
  }
  // The engine's delays for seed 5, as logged: each within 100ms +/- 50ms,
  // and not all the same.
  const std::vector<fakes::FaultRecord> delays =
      runner_.fault_log().Find("delay");
  ASSERT_THAT(delays, SizeIs(5));
  std::set<std::string> distinct;
  for (const fakes::FaultRecord& record : delays) {
    absl::Duration delay;
    ASSERT_TRUE(absl::ParseDuration(record.detail, &delay)) << record.detail;
    EXPECT_GE(delay, absl::Milliseconds(50));
    EXPECT_LE(delay, absl::Milliseconds(150));
    distinct.insert(record.detail);
  }
  EXPECT_GT(distinct.size(), 1u);
}

TEST_P(UdpProxyTest, IdleClientExpiresAndComesBackAsANewClient) {
  ProxyOptions options;
  options.idle_timeout = absl::Milliseconds(100);
  // Each client's first datagram is dropped: it shows where numbering
  // starts again.
  StartProxy("up:drop_first=1", options);
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<DatagramSocket> client, Open());
  ASSERT_OK(client->SendTo("1", proxy_address_));
  ASSERT_OK(client->SendTo("2", proxy_address_));
  ASSERT_OK_AND_ASSIGN(Datagram got, Receive(*upstream_, kLong));
  EXPECT_EQ(got.payload, "2");

  ASSERT_TRUE(runner_.WaitForLog("expired after", kLong));
  ASSERT_OK(client->SendTo("3", proxy_address_));
  ASSERT_OK(client->SendTo("4", proxy_address_));
  ASSERT_OK_AND_ASSIGN(got, Receive(*upstream_, kLong));
  EXPECT_EQ(got.payload, "4");
  const ProxyStats stats = runner_.stats();
  EXPECT_EQ(stats.clients, 2u);
  EXPECT_GE(stats.expired, 1u);
}

TEST_P(UdpProxyTest, UnreachableUpstreamIsLoggedOncePerClient) {
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<DatagramSocket> gone, Open());
  ProxyOptions options;
  options.upstream = gone->local_address();
  gone->Close();
  ASSERT_OK_AND_ASSIGN(proxy_address_,
                       runner_.Start(Udp(), options, Loopback()));
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<DatagramSocket> client, Open());
  ASSERT_OK(client->SendTo("anyone?", proxy_address_));
  ASSERT_TRUE(runner_.WaitForLog("Connection refused", kLong));
  ASSERT_OK(client->SendTo("anyone at all?", proxy_address_));
  ASSERT_OK(client->SendTo("hello?", proxy_address_));
  // The client hears nothing, as on a real path.
  EXPECT_THAT(Receive(*client, kShort),
              StatusIs(absl::StatusCode::kDeadlineExceeded));
  int refused = 0;
  for (const std::string& line : runner_.log_lines()) {
    if (absl::StrContains(line, "Connection refused")) ++refused;
  }
  EXPECT_EQ(refused, 1);
}

INSTANTIATE_TEST_SUITE_P(
    Loopback, UdpProxyTest,
    ::testing::Values(AddressFamily::kIPv4, AddressFamily::kIPv6),
    [](const ::testing::TestParamInfo<AddressFamily>& info) {
      return std::string(AddressFamilyName(info.param));
    });

TEST(UdpProxyFamiliesTest, IPv4ClientsReachAnIPv6Upstream) {
  ProxyRunner runner;
  ASSERT_OK_AND_ASSIGN(
      std::unique_ptr<DatagramSocket> upstream,
      RealNetwork().OpenDatagram(SocketAddress::Loopback(AddressFamily::kIPv6, 0),
                                 DatagramOptions()));
  ProxyOptions options;
  options.upstream = upstream->local_address();
  ASSERT_OK_AND_ASSIGN(
      SocketAddress proxy,
      runner.Start(Udp(), options,
                   SocketAddress::Loopback(AddressFamily::kIPv4, 0)));
  ASSERT_OK_AND_ASSIGN(
      std::unique_ptr<DatagramSocket> client,
      RealNetwork().OpenDatagram(SocketAddress::Loopback(AddressFamily::kIPv4, 0),
                                 DatagramOptions()));
  ASSERT_OK(client->SendTo("v4 to v6", proxy));
  ASSERT_OK_AND_ASSIGN(Datagram got, Receive(*upstream, kLong));
  EXPECT_EQ(got.payload, "v4 to v6");
  EXPECT_EQ(got.from.family(), AddressFamily::kIPv6);
  ASSERT_OK(upstream->SendTo("back", got.from));
  ASSERT_OK_AND_ASSIGN(Datagram reply, Receive(*client, kLong));
  EXPECT_EQ(reply.payload, "back");
}

TEST(UdpProxyCreateTest, RejectsStreamTermsNamingThem) {
  std::unique_ptr<PosixEventLoop> loop = *PosixEventLoop::Create();
  ProxyOptions options;
  options.upstream = SocketAddress::Loopback(AddressFamily::kIPv4, 49999);
  options.faults = "drop=0.1 up:half_close_after=100";
  EXPECT_THAT(
      UdpProxy::Create(*loop, RealNetwork(), options),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr("\"up:half_close_after=100\": half_close_after is a "
                         "stream fault")));
  options.faults = "slice=1";
  EXPECT_THAT(UdpProxy::Create(*loop, RealNetwork(), options),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("\"slice=1\"")));
  options.faults = "drop=2";
  EXPECT_THAT(UdpProxy::Create(*loop, RealNetwork(), options),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("\"drop=2\"")));
  options.faults = "delay=10ms";  // both kinds
  EXPECT_OK(UdpProxy::Create(*loop, RealNetwork(), options).status());
}

}  // namespace
}  // namespace wirecheck::proxy

#include "tools/proxy/tcp_proxy.h"

#include <linux/tcp.h>
#include <sys/socket.h>

#include <cstdint>
#include <future>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "protocols/common/status_macros.h"
#include "protocols/common/status_matchers.h"
#include "protocols/transport/posix_event_loop.h"
#include "protocols/transport/posix_network.h"
#include "protocols/transport/stream_util.h"
#include "tools/proxy/proxy_test_util.h"

namespace wirecheck::proxy {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::SizeIs;
using ::wirecheck::testing::In;
using ::wirecheck::testing::IsOkAndHolds;
using ::wirecheck::testing::ProxyRunner;
using ::wirecheck::testing::StatusIs;

// Long enough that a working proxy always makes it; only a broken one waits
// this long.
constexpr absl::Duration kLong = absl::Seconds(10);
// For "nothing arrives" checks on loopback.
constexpr absl::Duration kShort = absl::Milliseconds(20);

// `size` bytes of a pattern that shows reordering and loss.
std::string Pattern(size_t size) {
  std::string bytes(size, '\0');
  for (size_t i = 0; i < size; ++i) bytes[i] = static_cast<char>('a' + i % 23);
  return bytes;
}

// TCP segments with data that the kernel has received on `stream`.
uint32_t DataSegmentsIn(Stream& stream) {
  tcp_info info = {};
  socklen_t length = sizeof(info);
  if (getsockopt(stream.fd(), IPPROTO_TCP, TCP_INFO, &info, &length) != 0) {
    ADD_FAILURE() << "TCP_INFO failed";
    return 0;
  }
  return info.tcpi_data_segs_in;
}

ProxyRunner::Factory Tcp() {
  return [](EventLoop& loop, ProxyOptions options)
             -> absl::StatusOr<std::unique_ptr<FaultProxy>> {
    ASSIGN_OR_RETURN(std::unique_ptr<TcpProxy> proxy,
                     TcpProxy::Create(loop, RealNetwork(), std::move(options)));
    return std::unique_ptr<FaultProxy>(std::move(proxy));
  };
}

// A client connected through the proxy, and the upstream's end of the
// proxy's connection for it.
struct Connection {
  std::unique_ptr<Stream> client;
  std::unique_ptr<Stream> upstream;
};

class TcpProxyTest : public ::testing::TestWithParam<AddressFamily> {
 protected:
  SocketAddress Loopback() { return SocketAddress::Loopback(GetParam(), 0); }

  // Starts a proxy with `faults` in front of an upstream listener the test
  // accepts on itself.
  void StartProxy(const std::string& faults, ProxyOptions options = {}) {
    ASSERT_OK_AND_ASSIGN(upstream_,
                         RealNetwork().Listen(Loopback(), ListenOptions()));
    options.upstream = upstream_->local_address();
    options.faults = faults;
    ASSERT_OK_AND_ASSIGN(proxy_address_,
                         runner_.Start(Tcp(), std::move(options), Loopback()));
  }

  absl::StatusOr<Connection> Connect() {
    Connection connection;
    ASSIGN_OR_RETURN(connection.client,
                     RealNetwork().Connect(proxy_address_, In(kLong)));
    ASSIGN_OR_RETURN(connection.upstream, upstream_->Accept(In(kLong)));
    return connection;
  }

  ProxyRunner runner_;
  std::unique_ptr<Listener> upstream_;
  SocketAddress proxy_address_;
};

TEST_P(TcpProxyTest, RelaysBothWaysWithoutFaults) {
  StartProxy("");
  ASSERT_OK_AND_ASSIGN(Connection c, Connect());
  ASSERT_OK(WriteAll(*c.client, "hello", In(kLong)));
  EXPECT_THAT(ReadExactly(*c.upstream, 5, In(kLong)),
              IsOkAndHolds("hello"));
  ASSERT_OK(WriteAll(*c.upstream, "world", In(kLong)));
  EXPECT_THAT(ReadExactly(*c.client, 5, In(kLong)),
              IsOkAndHolds("world"));
  EXPECT_TRUE(runner_.WaitForLog("connected to upstream", kLong));
  EXPECT_TRUE(runner_.fault_log().records().empty());
}

TEST_P(TcpProxyTest, ClientHalfCloseReachesUpstreamAfterEveryByte) {
  StartProxy("");
  ASSERT_OK_AND_ASSIGN(Connection c, Connect());
  const std::string request = Pattern(300000);
  ASSERT_OK(WriteAll(*c.client, request, In(kLong)));
  ASSERT_OK(c.client->Shutdown(ShutdownMode::kWrite));

  const StreamCapture seen = ReadToEnd(*c.upstream, 1 << 20, In(kLong));
  EXPECT_OK(seen.error);
  EXPECT_TRUE(seen.eof);
  EXPECT_EQ(seen.bytes, request);
  // The other direction still flows after the half-close.
  ASSERT_OK(WriteAll(*c.upstream, "reply", In(kLong)));
  ASSERT_OK(c.upstream->Shutdown(ShutdownMode::kWrite));
  const StreamCapture reply = ReadToEnd(*c.client, 1024, In(kLong));
  EXPECT_TRUE(reply.eof);
  EXPECT_EQ(reply.bytes, "reply");
  EXPECT_TRUE(runner_.WaitForLog("closed: 300000 bytes up, 5 bytes down", kLong));
}

TEST_P(TcpProxyTest, UpstreamHalfCloseReachesClientWhileClientStillSends) {
  StartProxy("");
  ASSERT_OK_AND_ASSIGN(Connection c, Connect());
  ASSERT_OK(WriteAll(*c.upstream, "banner", In(kLong)));
  ASSERT_OK(c.upstream->Shutdown(ShutdownMode::kWrite));
  const StreamCapture banner = ReadToEnd(*c.client, 1024, In(kLong));
  EXPECT_TRUE(banner.eof);
  EXPECT_EQ(banner.bytes, "banner");

  ASSERT_OK(WriteAll(*c.client, "still talking", In(kLong)));
  EXPECT_THAT(ReadExactly(*c.upstream, 13, In(kLong)),
              IsOkAndHolds("still talking"));
  c.client->Close();
  const StreamCapture end = ReadToEnd(*c.upstream, 1024, In(kLong));
  EXPECT_TRUE(end.eof);
  EXPECT_EQ(end.bytes, "");
}

TEST_P(TcpProxyTest, ClientResetBecomesUpstreamReset) {
  StartProxy("");
  ASSERT_OK_AND_ASSIGN(Connection c, Connect());
  ASSERT_OK(WriteAll(*c.client, "abc", In(kLong)));
  EXPECT_THAT(ReadExactly(*c.upstream, 3, In(kLong)),
              IsOkAndHolds("abc"));
  c.client->Abort();

  const StreamCapture seen = ReadToEnd(*c.upstream, 1024, In(kLong));
  EXPECT_TRUE(IsConnectionReset(seen.error)) << seen.error;
  EXPECT_FALSE(seen.eof);
  EXPECT_TRUE(runner_.WaitForLog("the client reset the connection", kLong));
  EXPECT_EQ(runner_.stats().resets, 1u);
}

TEST_P(TcpProxyTest, UpstreamResetBecomesClientReset) {
  StartProxy("");
  ASSERT_OK_AND_ASSIGN(Connection c, Connect());
  ASSERT_OK(WriteAll(*c.upstream, "xyz", In(kLong)));
  EXPECT_THAT(ReadExactly(*c.client, 3, In(kLong)),
              IsOkAndHolds("xyz"));
  c.upstream->Abort();

  const StreamCapture seen = ReadToEnd(*c.client, 1024, In(kLong));
  EXPECT_TRUE(IsConnectionReset(seen.error)) << seen.error;
  EXPECT_TRUE(runner_.WaitForLog("the upstream reset the connection", kLong));
}

TEST_P(TcpProxyTest, RefusedUpstreamResetsTheClientWithALogLine) {
  // An upstream address where nothing listens any more.
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<Listener> gone,
                       RealNetwork().Listen(Loopback(), ListenOptions()));
  ProxyOptions options;
  options.upstream = gone->local_address();
  gone->Close();
  ASSERT_OK_AND_ASSIGN(proxy_address_,
                       runner_.Start(Tcp(), options, Loopback()));

  ASSERT_OK_AND_ASSIGN(std::unique_ptr<Stream> client,
                       RealNetwork().Connect(proxy_address_, In(kLong)));
  const StreamCapture seen = ReadToEnd(*client, 1024, In(kLong));
  EXPECT_TRUE(IsConnectionReset(seen.error)) << seen.error;
  EXPECT_TRUE(runner_.WaitForLog("Connection refused", kLong));
  EXPECT_THAT(runner_.log_lines(),
              Contains(HasSubstr("upstream connect failed")));
  EXPECT_EQ(runner_.stats().upstream_failures, 1u);
}

TEST_P(TcpProxyTest, SliceOneDeliversEachByteAsItsOwnSegment) {
  StartProxy("down:slice=1");
  ASSERT_OK_AND_ASSIGN(Connection c, Connect());
  const std::string reply = Pattern(100);
  ASSERT_OK(WriteAll(*c.upstream, reply, In(kLong)));  // one write

  EXPECT_THAT(ReadExactly(*c.client, reply.size(), In(kLong)),
              IsOkAndHolds(reply));
  // Each byte was its own send() and left as its own TCP segment, so a
  // reader that keeps up reads it on its own.
  EXPECT_EQ(DataSegmentsIn(*c.client), 100u);
  ASSERT_TRUE(runner_.WaitForFaults(
      [](const fakes::FaultLog& log) { return !log.Find("slice").empty(); },
      kLong));
  EXPECT_EQ(runner_.fault_log().Find("slice")[0].detail,
            "100 bytes as 100 segments");

  // The other direction is not sliced: one write, one segment.
  ASSERT_OK(WriteAll(*c.client, Pattern(100), In(kLong)));
  EXPECT_THAT(ReadExactly(*c.upstream, 100, In(kLong)),
              IsOkAndHolds(Pattern(100)));
  EXPECT_EQ(DataSegmentsIn(*c.upstream), 1u);
}

TEST_P(TcpProxyTest, SliceOneKeepsALongTransferWholeWithinTheBuffer) {
  ProxyOptions options;
  options.max_buffered_bytes = 4096;  // far less than the transfer
  StartProxy("down:slice=1", options);
  ASSERT_OK_AND_ASSIGN(Connection c, Connect());
  const std::string reply = Pattern(20000);
  ASSERT_OK(WriteAll(*c.upstream, reply, In(kLong)));
  EXPECT_THAT(ReadExactly(*c.client, reply.size(), In(kLong)),
              IsOkAndHolds(reply));
  EXPECT_EQ(DataSegmentsIn(*c.client), 20000u);
}

TEST_P(TcpProxyTest, SliceNCutsWritesIntoSegmentsOfAtMostN) {
  StartProxy("up:slice=3");
  ASSERT_OK_AND_ASSIGN(Connection c, Connect());
  ASSERT_OK(WriteAll(*c.client, "0123456789", In(kLong)));
  EXPECT_THAT(ReadExactly(*c.upstream, 10, In(kLong)),
              IsOkAndHolds("0123456789"));
  EXPECT_EQ(DataSegmentsIn(*c.upstream), 4u);  // 3 + 3 + 3 + 1
}

TEST_P(TcpProxyTest, UpHalfCloseAfter100GivesUpstreamEofAtByte100) {
  StartProxy("up:half_close_after=100");
  ASSERT_OK_AND_ASSIGN(Connection c, Connect());
  const std::string request = Pattern(150);
  ASSERT_OK(WriteAll(*c.client, request, In(kLong)));

  const StreamCapture seen = ReadToEnd(*c.upstream, 1024, In(kLong));
  EXPECT_OK(seen.error);
  EXPECT_TRUE(seen.eof);
  EXPECT_EQ(seen.bytes, request.substr(0, 100));

  // The downstream direction still flows, and the client may keep writing
  // (its bytes are discarded).
  const std::string reply = Pattern(200000);
  ASSERT_OK(WriteAll(*c.upstream, reply, In(kLong)));
  EXPECT_THAT(ReadExactly(*c.client, reply.size(), In(kLong)),
              IsOkAndHolds(reply));
  ASSERT_OK(WriteAll(*c.client, "more", In(kLong)));
  c.upstream->Close();
  const StreamCapture end = ReadToEnd(*c.client, 1024, In(kLong));
  EXPECT_TRUE(end.eof);
  EXPECT_EQ(end.bytes, "");

  const std::vector<fakes::FaultRecord> faults =
      runner_.fault_log().Find("half_close_after");
  ASSERT_THAT(faults, SizeIs(1));
  EXPECT_EQ(faults[0].index, 100u);
  EXPECT_THAT(faults[0].path, ::testing::EndsWith(" up"));
}

TEST_P(TcpProxyTest, DownHalfCloseGivesClientEofWhileUpstreamStillHearsIt) {
  StartProxy("down:half_close_after=10");
  ASSERT_OK_AND_ASSIGN(Connection c, Connect());
  ASSERT_OK(WriteAll(*c.upstream, Pattern(20), In(kLong)));
  const StreamCapture seen = ReadToEnd(*c.client, 1024, In(kLong));
  EXPECT_TRUE(seen.eof);
  EXPECT_EQ(seen.bytes, Pattern(10));

  ASSERT_OK(WriteAll(*c.client, "still here", In(kLong)));
  EXPECT_THAT(ReadExactly(*c.upstream, 10, In(kLong)),
              IsOkAndHolds("still here"));
}

TEST_P(TcpProxyTest, HalfCloseAfterZeroEndsTheDirectionAtOnce) {
  StartProxy("up:half_close_after=0");
  ASSERT_OK_AND_ASSIGN(Connection c, Connect());
  const StreamCapture seen = ReadToEnd(*c.upstream, 1024, In(kLong));
  EXPECT_TRUE(seen.eof);
  EXPECT_EQ(seen.bytes, "");
}

TEST_P(TcpProxyTest, ResetAfterResetsBothEndsAtTheByte) {
  StartProxy("up:reset_after=10");
  ASSERT_OK_AND_ASSIGN(Connection c, Connect());
  ASSERT_OK(WriteAll(*c.client, Pattern(20), In(kLong)));

  const StreamCapture upstream_saw = ReadToEnd(*c.upstream, 1024, In(kLong));
  EXPECT_EQ(upstream_saw.bytes, Pattern(10));
  EXPECT_TRUE(IsConnectionReset(upstream_saw.error)) << upstream_saw.error;
  const StreamCapture client_saw = ReadToEnd(*c.client, 1024, In(kLong));
  EXPECT_EQ(client_saw.bytes, "");
  EXPECT_TRUE(IsConnectionReset(client_saw.error)) << client_saw.error;
  EXPECT_THAT(runner_.fault_log().Indices("reset_after"), ElementsAre(10));
}

TEST_P(TcpProxyTest, StallAcceptsBytesButNeverDeliversThemSoTheWriterBlocks) {
  ProxyOptions options;
  options.max_buffered_bytes = 64 * 1024;
  StartProxy("up:stall", options);
  ASSERT_OK_AND_ASSIGN(Connection c, Connect());

  const std::string chunk = Pattern(64 * 1024);
  absl::Status blocked;
  size_t written = 0;
  while (written < (size_t{256} << 20)) {
    absl::StatusOr<size_t> n = c.client->Write(chunk, In(kShort));
    if (!n.ok()) {
      blocked = n.status();
      break;
    }
    written += *n;
  }
  EXPECT_THAT(blocked, StatusIs(absl::StatusCode::kDeadlineExceeded));
  EXPECT_GT(written, 0u);
  std::string nothing(16, '\0');
  EXPECT_THAT(c.upstream->Read(absl::MakeSpan(nothing), In(kShort)),
              StatusIs(absl::StatusCode::kDeadlineExceeded));
  // Only the up direction stalls.
  ASSERT_OK(WriteAll(*c.upstream, "pong", In(kLong)));
  EXPECT_THAT(ReadExactly(*c.client, 4, In(kLong)), IsOkAndHolds("pong"));
  EXPECT_THAT(runner_.fault_log().Indices("stall"), ElementsAre(0));
}

TEST_P(TcpProxyTest, StallAfterDeliversExactlyThatManyBytes) {
  StartProxy("up:stall_after=1000");
  ASSERT_OK_AND_ASSIGN(Connection c, Connect());
  const std::string request = Pattern(5000);
  ASSERT_OK(WriteAll(*c.client, request, In(kLong)));
  EXPECT_THAT(ReadExactly(*c.upstream, 1000, In(kLong)),
              IsOkAndHolds(request.substr(0, 1000)));
  std::string more(16, '\0');
  EXPECT_THAT(c.upstream->Read(absl::MakeSpan(more), In(kShort)),
              StatusIs(absl::StatusCode::kDeadlineExceeded));
}

TEST_P(TcpProxyTest, DelayHoldsEveryByteBackByTheDelay) {
  StartProxy("up:delay=200ms");
  ASSERT_OK_AND_ASSIGN(Connection c, Connect());
  const absl::Time sent = RealClock().Now();
  ASSERT_OK(WriteAll(*c.client, "ping", In(kLong)));
  EXPECT_THAT(ReadExactly(*c.upstream, 4, In(kLong)), IsOkAndHolds("ping"));
  const absl::Duration took = RealClock().Now() - sent;
  EXPECT_GE(took, absl::Milliseconds(200));
  EXPECT_LT(took, kLong);
}

TEST_P(TcpProxyTest, BandwidthPacesDelivery) {
  StartProxy("down:bandwidth=20000");  // bytes per second
  ASSERT_OK_AND_ASSIGN(Connection c, Connect());
  const absl::Time sent = RealClock().Now();
  ASSERT_OK(WriteAll(*c.upstream, Pattern(4000), In(kLong)));
  EXPECT_THAT(ReadExactly(*c.client, 4000, In(kLong)),
              IsOkAndHolds(Pattern(4000)));
  // 4000 bytes at 20000 B/s: the last 200-byte segment is due after 200 ms.
  EXPECT_GE(RealClock().Now() - sent, absl::Milliseconds(200));
}

TEST_P(TcpProxyTest, SlowCloseDelaysTheEofOnly) {
  StartProxy("up:slow_close=200ms");
  ASSERT_OK_AND_ASSIGN(Connection c, Connect());
  ASSERT_OK(WriteAll(*c.client, "data", In(kLong)));
  EXPECT_THAT(ReadExactly(*c.upstream, 4, In(kLong)), IsOkAndHolds("data"));
  const absl::Time closed = RealClock().Now();
  ASSERT_OK(c.client->Shutdown(ShutdownMode::kWrite));
  const StreamCapture end = ReadToEnd(*c.upstream, 1024, In(kLong));
  EXPECT_TRUE(end.eof);
  EXPECT_GE(RealClock().Now() - closed, absl::Milliseconds(200));
}

TEST_P(TcpProxyTest, SlowReceiverBacksPressureToTheSenderWithoutLoss) {
  ProxyOptions options;
  options.max_buffered_bytes = 64 * 1024;
  StartProxy("", options);
  ASSERT_OK_AND_ASSIGN(Connection c, Connect());

  // The upstream reads nothing, so the client ends up blocked.
  const std::string chunk = Pattern(64 * 1024);
  std::string sent;
  while (sent.size() < (size_t{256} << 20)) {
    absl::StatusOr<size_t> n = c.client->Write(chunk, In(kShort));
    if (!n.ok()) {
      EXPECT_THAT(n, StatusIs(absl::StatusCode::kDeadlineExceeded));
      break;
    }
    sent.append(chunk, 0, *n);
  }
  ASSERT_LT(sent.size(), size_t{256} << 20) << "the client never blocked";
  // Then every byte arrives, in order.
  EXPECT_THAT(ReadExactly(*c.upstream, sent.size(), In(kLong)),
              IsOkAndHolds(sent));
}

TEST_P(TcpProxyTest, ServesManyConnectionsAtOnce) {
  StartProxy("");
  constexpr int kClients = 20;
  std::vector<Connection> connections;
  for (int i = 0; i < kClients; ++i) {
    ASSERT_OK_AND_ASSIGN(Connection c, Connect());
    connections.push_back(std::move(c));
  }
  for (int i = 0; i < kClients; ++i) {
    ASSERT_OK(WriteAll(*connections[i].client, absl::StrCat("client ", i, "\n"),
                       In(kLong)));
  }
  // Each upstream end echoes what it got: each client hears its own words.
  for (Connection& c : connections) {
    std::string line;
    char byte = 0;
    while (byte != '\n') {
      ASSERT_OK_AND_ASSIGN(size_t n,
                           c.upstream->Read(absl::MakeSpan(&byte, 1), In(kLong)));
      ASSERT_EQ(n, 1u);
      line.push_back(byte);
    }
    ASSERT_OK(WriteAll(*c.upstream, line, In(kLong)));
  }
  for (int i = 0; i < kClients; ++i) {
    const std::string expected = absl::StrCat("client ", i, "\n");
    EXPECT_THAT(ReadExactly(*connections[i].client, expected.size(), In(kLong)),
                IsOkAndHolds(expected));
  }
  EXPECT_EQ(runner_.stats().clients, static_cast<uint64_t>(kClients));
}

TEST_P(TcpProxyTest, IdleConnectionIsResetAtBothEnds) {
  ProxyOptions options;
  options.idle_timeout = absl::Milliseconds(100);
  StartProxy("", options);
  ASSERT_OK_AND_ASSIGN(Connection c, Connect());
  const StreamCapture seen = ReadToEnd(*c.client, 1024, In(kLong));
  EXPECT_TRUE(IsConnectionReset(seen.error)) << seen.error;
  EXPECT_TRUE(IsConnectionReset(ReadToEnd(*c.upstream, 1024, In(kLong)).error));
  EXPECT_TRUE(runner_.WaitForLog("idle for", kLong));
}

TEST_P(TcpProxyTest, ShutdownStopsAcceptingAndResetsWhatIsLeftAfterGrace) {
  StartProxy("");
  ASSERT_OK_AND_ASSIGN(Connection c, Connect());
  std::promise<void> done;
  runner_.RunOnLoop([&](FaultProxy& proxy) {
    proxy.Shutdown(absl::Milliseconds(50), [&] { done.set_value(); });
  });
  EXPECT_TRUE(IsConnectionReset(ReadToEnd(*c.client, 1024, In(kLong)).error));
  EXPECT_EQ(done.get_future().wait_for(std::chrono::seconds(10)),
            std::future_status::ready);
  EXPECT_THAT(RealNetwork().Connect(proxy_address_, In(kLong)),
              StatusIs(absl::StatusCode::kUnavailable));
}

INSTANTIATE_TEST_SUITE_P(
    Loopback, TcpProxyTest,
    ::testing::Values(AddressFamily::kIPv4, AddressFamily::kIPv6),
    [](const ::testing::TestParamInfo<AddressFamily>& info) {
      return std::string(AddressFamilyName(info.param));
    });

TEST(TcpProxyFamiliesTest, IPv6ClientsReachAnIPv4Upstream) {
  ProxyRunner runner;
  ASSERT_OK_AND_ASSIGN(
      std::unique_ptr<Listener> upstream,
      RealNetwork().Listen(SocketAddress::Loopback(AddressFamily::kIPv4, 0),
                           ListenOptions()));
  ProxyOptions options;
  options.upstream = upstream->local_address();
  ASSERT_OK_AND_ASSIGN(
      SocketAddress proxy,
      runner.Start(Tcp(), options,
                   SocketAddress::Loopback(AddressFamily::kIPv6, 0)));
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<Stream> client,
                       RealNetwork().Connect(proxy, In(kLong)));
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<Stream> server, upstream->Accept(In(kLong)));
  ASSERT_OK(WriteAll(*client, "v6 to v4", In(kLong)));
  EXPECT_THAT(ReadExactly(*server, 8, In(kLong)), IsOkAndHolds("v6 to v4"));
  EXPECT_EQ(server->peer_address().family(), AddressFamily::kIPv4);
}

TEST(TcpProxyCreateTest, RejectsDatagramTermsNamingThem) {
  std::unique_ptr<PosixEventLoop> loop = *PosixEventLoop::Create();
  ProxyOptions options;
  options.upstream = SocketAddress::Loopback(AddressFamily::kIPv4, 49999);
  options.faults = "slice=1 up:drop=0.1";
  EXPECT_THAT(TcpProxy::Create(*loop, RealNetwork(), options),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("\"up:drop=0.1\": drop is a datagram fault")));
  options.faults = "slice=0";
  EXPECT_THAT(TcpProxy::Create(*loop, RealNetwork(), options),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("\"slice=0\"")));
  options.faults = "";
  options.upstream = SocketAddress();
  EXPECT_THAT(TcpProxy::Create(*loop, RealNetwork(), options),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace wirecheck::proxy

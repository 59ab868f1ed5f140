// wirecheck load against the reference servers and against deliberately
// slow, wrong, silent and absent ones, on real loopback sockets (the load
// tool drives real sockets only). Durations are the tool's run lengths, not
// sleeps.
#include "tools/load/load.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "fakes/harness.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "protocols/common/status_matchers.h"
#include "protocols/framing/echo_server.h"
#include "protocols/ping/ping_server.h"
#include "protocols/time/testing/broken_time_servers.h"
#include "protocols/time/time_server.h"
#include "protocols/transport/posix_network.h"
#include "protocols/transport/server.h"

namespace wirecheck::load {
namespace {

using ::testing::Ge;
using ::testing::Gt;
using ::testing::HasSubstr;
using ::wirecheck::testing::Harness;
using ::wirecheck::testing::HarnessFactory;
using ::wirecheck::testing::StatusIs;

constexpr absl::Duration kRun = absl::Milliseconds(200);

// Answers every datagram with itself after `delay`.
class SlowEcho : public DatagramService {
 public:
  SlowEcho(EventLoop& loop, absl::Duration delay) : loop_(loop), delay_(delay) {}

  void OnDatagram(DatagramSocket& socket, const ReceivedDatagram& datagram,
                  absl::string_view payload) override {
    loop_.AddTimer(loop_.clock().Now() + delay_,
                   [&socket, to = datagram.from, echo = std::string(payload)] {
                     socket.SendTo(echo, to).IgnoreError();
                   });
  }

 private:
  EventLoop& loop_;
  const absl::Duration delay_;
};

// Echoes a TCP stream, but changes the byte at stream offset `flip_at` of
// the first connection to get that far.
class CorruptingEcho : public StreamSession {
 public:
  CorruptingEcho(uint64_t flip_at, std::shared_ptr<bool> flipped)
      : flip_at_(flip_at), flipped_(std::move(flipped)) {}

  void OnData(Connection& connection, absl::string_view data) override {
    std::string echo(data);
    if (!*flipped_ && flip_at_ >= offset_ && flip_at_ < offset_ + echo.size()) {
      echo[flip_at_ - offset_] ^= 0x20;
      *flipped_ = true;
    }
    offset_ += echo.size();
    connection.Send(echo);
  }

 private:
  const uint64_t flip_at_;
  const std::shared_ptr<bool> flipped_;
  uint64_t offset_ = 0;
};

class LoadTest : public ::wirecheck::testing::HarnessServerTest {
 protected:
  LoadOptions Options(Protocol protocol, Transport transport,
                      const SocketAddress& target) {
    LoadOptions options;
    options.protocol = protocol;
    options.transport = transport;
    options.target = target;
    options.duration = kRun;
    return options;
  }

  // The load is clean: replies came, every one valid, nothing lost.
  static void ExpectClean(const LoadReport& report) {
    EXPECT_GT(report.valid, 0u);
    EXPECT_EQ(report.invalid, 0u) << report.first_invalid;
    EXPECT_EQ(report.errors, 0u) << report.first_error;
    EXPECT_EQ(report.timeouts, 0u);
    EXPECT_EQ(report.latency.count(), report.valid);
    EXPECT_GE(report.sent, report.valid);
    EXPECT_GE(report.elapsed, kRun);
  }
};

TEST_P(LoadTest, ReferenceTimeServerAnswersEveryUdpRequestValidly) {
  timeproto::TimeServiceOptions time_options;
  ASSERT_OK_AND_ASSIGN(
      SocketAddress target,
      timeproto::ServeTimeUdp(*server_, RealClock(), time_options,
                              harness_->server_bind_address()));
  harness_->StartServers();

  ASSERT_OK_AND_ASSIGN(
      LoadReport report,
      RunLoad(RealNetwork(), Options(Protocol::kTime, Transport::kUdp, target)));

  ExpectClean(report);
  EXPECT_EQ(report.bytes, 4 * report.valid);
}

TEST_P(LoadTest, ReferenceTimeServerCompletesEveryTcpConnection) {
  timeproto::TimeServiceOptions time_options;
  ASSERT_OK_AND_ASSIGN(
      SocketAddress target,
      timeproto::ServeTimeTcp(*server_, RealClock(), time_options,
                              harness_->server_bind_address()));
  harness_->StartServers();

  ASSERT_OK_AND_ASSIGN(
      LoadReport report,
      RunLoad(RealNetwork(), Options(Protocol::kTime, Transport::kTcp, target)));

  ExpectClean(report);
  EXPECT_EQ(report.bytes, 4 * report.valid);
}

TEST_P(LoadTest, ReferenceDaytimeServerOverTcpAndUdp) {
  timeproto::TimeServiceOptions daytime_options;
  daytime_options.service = timeproto::Service::kDaytime;
  ASSERT_OK_AND_ASSIGN(
      SocketAddress tcp,
      timeproto::ServeTimeTcp(*server_, RealClock(), daytime_options,
                              harness_->server_bind_address()));
  ASSERT_OK_AND_ASSIGN(
      SocketAddress udp,
      timeproto::ServeTimeUdp(*server_, RealClock(), daytime_options,
                              harness_->server_bind_address()));
  harness_->StartServers();

  ASSERT_OK_AND_ASSIGN(
      LoadReport over_tcp,
      RunLoad(RealNetwork(), Options(Protocol::kDaytime, Transport::kTcp, tcp)));
  ASSERT_OK_AND_ASSIGN(
      LoadReport over_udp,
      RunLoad(RealNetwork(), Options(Protocol::kDaytime, Transport::kUdp, udp)));

  ExpectClean(over_tcp);
  ExpectClean(over_udp);
}

TEST_P(LoadTest, RawEchoComparesEveryByteOverTcpAndUdp) {
  ASSERT_OK_AND_ASSIGN(auto bound,
                       framing::StartEchoServer(*server_,
                                                harness_->server_bind_address(),
                                                framing::Variant::kRaw));
  harness_->StartServers();
  LoadOptions tcp = Options(Protocol::kEcho, Transport::kTcp,
                            bound.at(Transport::kTcp));
  tcp.size = 65536;
  tcp.connections = 2;
  tcp.depth = 4;
  LoadOptions udp = Options(Protocol::kEcho, Transport::kUdp,
                            bound.at(Transport::kUdp));
  udp.size = 1000;

  ASSERT_OK_AND_ASSIGN(LoadReport over_tcp, RunLoad(RealNetwork(), tcp));
  ASSERT_OK_AND_ASSIGN(LoadReport over_udp, RunLoad(RealNetwork(), udp));

  ExpectClean(over_tcp);
  EXPECT_EQ(over_tcp.bytes, 65536 * over_tcp.valid);
  ExpectClean(over_udp);
  EXPECT_EQ(over_udp.bytes, 1000 * over_udp.valid);
}

TEST_P(LoadTest, FramedEchoRunsInEveryVariant) {
  std::vector<std::pair<framing::Variant, SocketAddress>> servers;
  for (framing::Variant variant : framing::AllVariants()) {
    if (variant == framing::Variant::kRaw) continue;
    ASSERT_OK_AND_ASSIGN(
        auto bound,
        framing::StartEchoServer(*server_, harness_->server_bind_address(),
                                 variant));
    servers.emplace_back(variant, bound.at(Transport::kTcp));
  }
  harness_->StartServers();

  for (const auto& [variant, target] : servers) {
    SCOPED_TRACE(framing::VariantName(variant));
    LoadOptions options = Options(Protocol::kEcho, Transport::kTcp, target);
    options.framing = variant;
    options.size = 200;
    options.duration = absl::Milliseconds(50);

    ASSERT_OK_AND_ASSIGN(LoadReport report, RunLoad(RealNetwork(), options));

    EXPECT_GT(report.valid, 0u);
    EXPECT_EQ(report.invalid, 0u) << report.first_invalid;
    EXPECT_EQ(report.errors, 0u) << report.first_error;
    EXPECT_EQ(report.bytes, 200 * report.valid);
  }
}

TEST_P(LoadTest, PingAcceptsUppercasedEchoes) {
  ping::PingServerOptions ping_options;
  ping_options.uppercase = true;
  ASSERT_OK_AND_ASSIGN(
      SocketAddress target,
      ping::ServePing(*server_, ping_options, harness_->server_bind_address()));
  harness_->StartServers();
  LoadOptions options = Options(Protocol::kPing, Transport::kUdp, target);
  options.size = 100;

  ASSERT_OK_AND_ASSIGN(LoadReport report, RunLoad(RealNetwork(), options));

  ExpectClean(report);
  EXPECT_EQ(report.bytes, 100 * report.valid);
}

TEST_P(LoadTest, ShortTimeRepliesAreAllInvalid) {
  ASSERT_OK_AND_ASSIGN(
      SocketAddress target,
      timeproto::testing::ServeBrokenTcp(*server_, RealClock(),
                                         timeproto::testing::TcpFault::kThreeBytes,
                                         harness_->server_bind_address()));
  harness_->StartServers();

  ASSERT_OK_AND_ASSIGN(
      LoadReport report,
      RunLoad(RealNetwork(), Options(Protocol::kTime, Transport::kTcp, target)));

  EXPECT_EQ(report.valid, 0u);
  EXPECT_GT(report.invalid, 0u);
  EXPECT_THAT(report.first_invalid, HasSubstr("short reply: 3 bytes"));
}

TEST_P(LoadTest, LongAndWrongTimeRepliesAreInvalid) {
  ASSERT_OK_AND_ASSIGN(
      SocketAddress eight,
      timeproto::testing::ServeBrokenTcp(*server_, RealClock(),
                                         timeproto::testing::TcpFault::kEightBytes,
                                         harness_->server_bind_address()));
  ASSERT_OK_AND_ASSIGN(
      SocketAddress slow_clock,
      timeproto::testing::ServeBrokenTcp(*server_, RealClock(),
                                         timeproto::testing::TcpFault::kWrongTime,
                                         harness_->server_bind_address()));
  harness_->StartServers();

  ASSERT_OK_AND_ASSIGN(
      LoadReport long_replies,
      RunLoad(RealNetwork(), Options(Protocol::kTime, Transport::kTcp, eight)));
  ASSERT_OK_AND_ASSIGN(
      LoadReport wrong_time,
      RunLoad(RealNetwork(),
              Options(Protocol::kTime, Transport::kTcp, slow_clock)));

  EXPECT_EQ(long_replies.valid, 0u);
  EXPECT_THAT(long_replies.first_invalid, HasSubstr("longer than 4 bytes"));
  EXPECT_EQ(wrong_time.valid, 0u);
  EXPECT_THAT(wrong_time.first_invalid, HasSubstr("from the local clock"));
}

TEST_P(LoadTest, CorruptedEchoIsCaughtAtTheByte) {
  ASSERT_OK_AND_ASSIGN(
      SocketAddress target,
      server_->ServeStream(harness_->server_bind_address(),
                           [flipped = std::make_shared<bool>(false)] {
                             return std::make_unique<CorruptingEcho>(1000,
                                                                     flipped);
                           }));
  harness_->StartServers();
  LoadOptions options = Options(Protocol::kEcho, Transport::kTcp, target);
  options.connections = 1;
  options.size = 64;

  ASSERT_OK_AND_ASSIGN(LoadReport report, RunLoad(RealNetwork(), options));

  // Byte 1000 is in message 15 (64-byte messages); every connection after
  // the broken one gets a fresh, intact echo.
  EXPECT_EQ(report.invalid, 1u);
  EXPECT_THAT(report.first_invalid, HasSubstr("in message 15"));
  EXPECT_GT(report.valid, 15u);
}

TEST_P(LoadTest, SlowServerShowsInLatencyAndRate) {
  const absl::Duration delay = absl::Milliseconds(20);
  ASSERT_OK_AND_ASSIGN(
      SocketAddress target,
      server_->ServeDatagrams(
          harness_->server_bind_address(),
          std::make_unique<SlowEcho>(harness_->server_loop(), delay)));
  harness_->StartServers();
  LoadOptions options = Options(Protocol::kEcho, Transport::kUdp, target);
  options.inflight = 4;
  options.duration = absl::Milliseconds(300);

  ASSERT_OK_AND_ASSIGN(LoadReport report, RunLoad(RealNetwork(), options));

  EXPECT_GE(report.latency.Percentile(1), delay);
  // Four in flight, each taking at least 20 ms: at most 4 per 20 ms.
  EXPECT_LE(report.valid, 4u * (300 / 20 + 1));
  EXPECT_GT(report.valid, 0u);
  EXPECT_EQ(report.invalid, 0u);
}

TEST_P(LoadTest, FixedRateChargesTheServerForRequestsItHeldUp) {
  const absl::Duration delay = absl::Milliseconds(20);
  ASSERT_OK_AND_ASSIGN(
      SocketAddress target,
      server_->ServeDatagrams(
          harness_->server_bind_address(),
          std::make_unique<SlowEcho>(harness_->server_loop(), delay)));
  harness_->StartServers();
  // 200 requests/s is one every 5 ms, but one in flight at 20 ms each
  // serves only 50/s: the queue of due requests grows through the run.
  LoadOptions options = Options(Protocol::kEcho, Transport::kUdp, target);
  options.inflight = 1;
  options.rate = 200;
  options.duration = absl::Milliseconds(300);

  ASSERT_OK_AND_ASSIGN(LoadReport report, RunLoad(RealNetwork(), options));

  // Each reply took about 20 ms, but the last ones were due ~200 ms before
  // they could be sent.
  EXPECT_GE(report.latency.max(), absl::Milliseconds(150));
  EXPECT_LE(report.valid, 300u / 20 + 1);
}

TEST_P(LoadTest, SilentServerTimesOut) {
  ASSERT_OK_AND_ASSIGN(
      SocketAddress target,
      timeproto::testing::ServeBrokenUdp(*server_, RealNetwork(), RealClock(),
                                         timeproto::testing::UdpFault::kSilent,
                                         harness_->server_bind_address()));
  harness_->StartServers();
  LoadOptions options = Options(Protocol::kTime, Transport::kUdp, target);
  options.inflight = 3;
  options.timeout = absl::Milliseconds(50);

  ASSERT_OK_AND_ASSIGN(LoadReport report, RunLoad(RealNetwork(), options));

  EXPECT_EQ(report.valid, 0u);
  // Three requests every 50 ms, the last round still waiting at the end.
  EXPECT_THAT(report.timeouts, Ge(3u * (200 / 50 - 1)));
  EXPECT_LE(report.sent, report.timeouts + 3);
}

TEST_P(LoadTest, ClosedPortCountsErrorsNotReplies) {
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<Listener> listener,
                       RealNetwork().Listen(harness_->server_bind_address(), {}));
  const SocketAddress closed = listener->local_address();
  listener.reset();
  harness_->StartServers();
  LoadOptions options = Options(Protocol::kTime, Transport::kTcp, closed);
  options.duration = absl::Milliseconds(50);

  ASSERT_OK_AND_ASSIGN(LoadReport report, RunLoad(RealNetwork(), options));

  EXPECT_EQ(report.valid + report.invalid, 0u);
  EXPECT_THAT(report.errors, Gt(0u));
  EXPECT_THAT(report.first_error, HasSubstr("refused"));
}

TEST_P(LoadTest, IdleConnectionsStayOpenWhileTheServerWorks) {
  ASSERT_OK_AND_ASSIGN(auto bound,
                       framing::StartEchoServer(*server_,
                                                harness_->server_bind_address(),
                                                framing::Variant::kRaw));
  harness_->StartServers();
  LoadOptions options =
      Options(Protocol::kEcho, Transport::kTcp, bound.at(Transport::kTcp));
  options.idle_connections = 100;

  ASSERT_OK_AND_ASSIGN(LoadReport report, RunLoad(RealNetwork(), options));

  ExpectClean(report);
  EXPECT_EQ(report.idle_requested, 100);
  EXPECT_EQ(report.idle_open, 100);
}

TEST(LoadOptionsTest, RejectsCombinationsThatDoNotExist) {
  LoadOptions ping_over_tcp;
  ping_over_tcp.protocol = Protocol::kPing;
  ping_over_tcp.transport = Transport::kTcp;
  LoadOptions framed_udp;
  framed_udp.protocol = Protocol::kEcho;
  framed_udp.framing = framing::Variant::kLine;
  LoadOptions oversized_datagram;
  oversized_datagram.protocol = Protocol::kEcho;
  oversized_datagram.size = 70000;
  LoadOptions line_too_big;
  line_too_big.protocol = Protocol::kEcho;
  line_too_big.transport = Transport::kTcp;
  line_too_big.framing = framing::Variant::kU16be;
  line_too_big.size = 70000;

  EXPECT_THAT(RunLoad(RealNetwork(), ping_over_tcp),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("UDP")));
  EXPECT_THAT(RunLoad(RealNetwork(), framed_udp),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("TCP")));
  EXPECT_THAT(RunLoad(RealNetwork(), oversized_datagram),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("65507")));
  EXPECT_THAT(RunLoad(RealNetwork(), line_too_big),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(LoadProtocolTest, NamesRoundTrip) {
  for (Protocol protocol : {Protocol::kTime, Protocol::kDaytime,
                            Protocol::kEcho, Protocol::kPing}) {
    EXPECT_THAT(ParseProtocol(ProtocolName(protocol)),
                ::wirecheck::testing::IsOkAndHolds(protocol));
  }
  EXPECT_THAT(ParseProtocol("gopher"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("echo")));
}

INSTANTIATE_TEST_SUITE_P(Loopback, LoadTest,
                         ::testing::ValuesIn(::wirecheck::testing::LoopbackHarnesses()),
                         ::wirecheck::testing::HarnessTestName);

}  // namespace
}  // namespace wirecheck::load

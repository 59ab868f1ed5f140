// The reference Time and Daytime servers' behaviour, on every harness.
#include "protocols/time/time_server.h"

#include <memory>
#include <string>
#include <vector>

#include "fakes/harness.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "protocols/common/status_matchers.h"
#include "protocols/time/time_codec.h"
#include "protocols/transport/stream_util.h"

namespace wirecheck::timeproto {
namespace {

using ::testing::HasSubstr;
using ::wirecheck::testing::Harness;
using ::wirecheck::testing::HarnessFactory;
using ::wirecheck::testing::IsOkAndHolds;

class TimeServerTest : public ::wirecheck::testing::HarnessServerTest {
 protected:
  void Start(TimeServiceOptions options = {}) {
    ASSERT_OK_AND_ASSIGN(tcp_, ServeTimeTcp(*server_, harness_->clock(), options,
                                            harness_->server_bind_address()));
    ASSERT_OK_AND_ASSIGN(udp_, ServeTimeUdp(*server_, harness_->clock(), options,
                                            harness_->server_bind_address()));
    harness_->StartServers();
  }

  absl::Time Soon() { return harness_->clock().Now() + absl::Seconds(5); }

  std::unique_ptr<Stream> Connect() {
    absl::StatusOr<std::unique_ptr<Stream>> stream =
        harness_->client_network().Connect(tcp_, Soon());
    EXPECT_OK(stream);
    return stream.ok() ? *std::move(stream) : nullptr;
  }

  std::unique_ptr<DatagramSocket> OpenClientSocket() {
    absl::StatusOr<std::unique_ptr<DatagramSocket>> socket =
        harness_->client_network().OpenDatagram(
            SocketAddress::Any(harness_->family(), 0), {});
    EXPECT_OK(socket);
    return socket.ok() ? *std::move(socket) : nullptr;
  }

  // Expects `bytes` to be an RFC 868 reply within two seconds of now.
  void ExpectCurrentTime(const std::string& bytes) {
    ASSERT_OK_AND_ASSIGN(const uint32_t value, DecodeTimeReply(bytes));
    const absl::Time now = harness_->clock().WallNow();
    EXPECT_LE(absl::AbsDuration(FromRfc868(value, now) - now), absl::Seconds(2));
  }

  SocketAddress tcp_;
  SocketAddress udp_;
};

TEST_P(TimeServerTest, TcpClientGetsFourBytesThenACleanClose) {
  Start();
  std::unique_ptr<Stream> client = Connect();
  StreamCapture reply = ReadToEnd(*client, 64, Soon());
  EXPECT_TRUE(reply.eof) << reply.error;
  ExpectCurrentTime(reply.bytes);
}

TEST_P(TimeServerTest, ClientThatHalfClosesAtOnceStillGetsTheTime) {
  Start();
  std::unique_ptr<Stream> client = Connect();
  ASSERT_OK(client->Shutdown(ShutdownMode::kWrite));
  StreamCapture reply = ReadToEnd(*client, 64, Soon());
  EXPECT_TRUE(reply.eof) << reply.error;
  ExpectCurrentTime(reply.bytes);
}

TEST_P(TimeServerTest, JunkFromTheClientIsIgnoredAndTheCloseStaysClean) {
  Start();
  std::unique_ptr<Stream> client = Connect();
  ASSERT_OK(WriteAll(*client, std::string(5000, '?'), Soon()));
  StreamCapture reply = ReadToEnd(*client, 64, Soon());
  EXPECT_TRUE(reply.eof) << reply.error;
  ExpectCurrentTime(reply.bytes);
}

TEST_P(TimeServerTest, ClientThatResetsDoesNotDisturbOthers) {
  Start();
  std::unique_ptr<Stream> rude = Connect();
  rude->Abort();
  std::unique_ptr<Stream> polite = Connect();
  StreamCapture reply = ReadToEnd(*polite, 64, Soon());
  EXPECT_TRUE(reply.eof);
  ExpectCurrentTime(reply.bytes);
}

TEST_P(TimeServerTest, ServesManyConcurrentConnections) {
  Start();
  std::vector<std::unique_ptr<Stream>> clients;
  for (int i = 0; i < 300; ++i) clients.push_back(Connect());
  for (auto& client : clients) {
    StreamCapture reply = ReadToEnd(*client, 64, Soon());
    EXPECT_TRUE(reply.eof);
    ExpectCurrentTime(reply.bytes);
  }
}

TEST_P(TimeServerTest, UdpEmptyDatagramGetsFourBytesFromTheServersPort) {
  Start();
  std::unique_ptr<DatagramSocket> client = OpenClientSocket();
  ASSERT_OK(client->SendTo("", udp_));
  char buffer[64];
  ASSERT_OK_AND_ASSIGN(ReceivedDatagram reply,
                       client->ReceiveFrom(absl::MakeSpan(buffer), Soon()));
  EXPECT_EQ(reply.from, udp_);
  ExpectCurrentTime(std::string(buffer, reply.size));
}

TEST_P(TimeServerTest, UdpNonEmptyDatagramIsAnsweredToo) {
  Start();
  std::unique_ptr<DatagramSocket> client = OpenClientSocket();
  ASSERT_OK(client->SendTo("what time is it?", udp_));
  char buffer[64];
  ASSERT_OK_AND_ASSIGN(ReceivedDatagram reply,
                       client->ReceiveFrom(absl::MakeSpan(buffer), Soon()));
  ExpectCurrentTime(std::string(buffer, reply.size));
}

TEST_P(TimeServerTest, DaytimeSendsOneLineThenCloses) {
  Start({.service = Service::kDaytime});
  std::unique_ptr<Stream> client = Connect();
  StreamCapture reply = ReadToEnd(*client, 1024, Soon());
  EXPECT_TRUE(reply.eof);
  ASSERT_OK_AND_ASSIGN(DaytimeText text, ParseDaytime(reply.bytes));
  EXPECT_EQ(text.format, DaytimeFormat::kReference);
  ASSERT_TRUE(text.time.has_value());
  EXPECT_LE(absl::AbsDuration(*text.time - harness_->clock().WallNow()),
            absl::Seconds(2));

  std::unique_ptr<DatagramSocket> udp_client = OpenClientSocket();
  ASSERT_OK(udp_client->SendTo("", udp_));
  char buffer[1024];
  ASSERT_OK_AND_ASSIGN(ReceivedDatagram datagram,
                       udp_client->ReceiveFrom(absl::MakeSpan(buffer), Soon()));
  EXPECT_THAT(ParseDaytime(absl::string_view(buffer, datagram.size)),
              IsOkAndHolds(::testing::Field(&DaytimeText::format,
                                            DaytimeFormat::kReference)));
}

TEST_P(TimeServerTest, UnsynchronizedServerClosesWithoutDataAndIgnoresUdp) {
  Start({.synchronized = false});
  std::unique_ptr<Stream> client = Connect();
  StreamCapture reply = ReadToEnd(*client, 64, Soon());
  EXPECT_TRUE(reply.eof);
  EXPECT_EQ(reply.bytes, "");

  std::unique_ptr<DatagramSocket> udp_client = OpenClientSocket();
  ASSERT_OK(udp_client->SendTo("", udp_));
  char buffer[64];
  EXPECT_THAT(udp_client->ReceiveFrom(
                  absl::MakeSpan(buffer),
                  harness_->clock().Now() + harness_->short_timeout()),
              wirecheck::testing::StatusIs(absl::StatusCode::kDeadlineExceeded));
}

TEST_P(TimeServerTest, PortZeroGivesBothTransportsOnePortNumber) {
  ASSERT_OK_AND_ASSIGN(auto bound,
                       ServeTime(*server_, harness_->clock(), {},
                                 harness_->server_bind_address()));
  ASSERT_EQ(bound.size(), 2u);
  EXPECT_NE(bound[Transport::kTcp].port(), 0);
  EXPECT_EQ(bound[Transport::kTcp].port(), bound[Transport::kUdp].port());
}

INSTANTIATE_TEST_SUITE_P(AllHarnesses, TimeServerTest,
                         ::testing::ValuesIn(wirecheck::testing::AllHarnesses()),
                         wirecheck::testing::HarnessTestName);

}  // namespace
}  // namespace wirecheck::timeproto

// The time client against the reference server and against broken ones, on
// every harness: it never hangs and says exactly what went wrong.
#include "protocols/time/time_client.h"

#include <memory>

#include "fakes/harness.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "protocols/common/status_matchers.h"
#include "protocols/time/testing/broken_time_servers.h"
#include "protocols/time/time_server.h"

namespace wirecheck::timeproto {
namespace {

using ::testing::HasSubstr;
using ::testing::Optional;
using ::wirecheck::testing::Harness;
using ::wirecheck::testing::HarnessFactory;
using ::wirecheck::testing::StatusIs;
using testing::ServeBrokenTcp;
using testing::ServeBrokenUdp;
using testing::TcpFault;
using testing::UdpFault;

class TimeClientTest : public ::testing::TestWithParam<HarnessFactory> {
 protected:
  void SetUp() override {
    harness_ = GetParam().make();
    server_ = std::make_unique<Server>(harness_->server_loop(),
                                       harness_->server_network());
    options_.timeout = harness_->short_timeout();
  }
  void TearDown() override {
    harness_->StopServers();
    server_.reset();
  }

  absl::StatusOr<Answer> Ask(const SocketAddress& address, Transport transport,
                             bool daytime = false) {
    harness_->StartServers();
    return Query(harness_->client_network(), address, transport, daytime,
                 options_);
  }

  SocketAddress Bind() { return harness_->server_bind_address(); }

  std::unique_ptr<Harness> harness_;
  std::unique_ptr<Server> server_;
  QueryOptions options_;
};

TEST_P(TimeClientTest, ReadsTheReferenceServerOverBothTransports) {
  ASSERT_OK_AND_ASSIGN(SocketAddress tcp,
                       ServeTimeTcp(*server_, harness_->clock(), {}, Bind()));
  ASSERT_OK_AND_ASSIGN(SocketAddress udp,
                       ServeTimeUdp(*server_, harness_->clock(), {}, Bind()));
  for (auto [address, transport] :
       {std::pair{tcp, Transport::kTcp}, std::pair{udp, Transport::kUdp}}) {
    ASSERT_OK_AND_ASSIGN(Answer answer, Ask(address, transport));
    EXPECT_EQ(answer.raw.size(), 4u);
    ASSERT_TRUE(answer.offset.has_value());
    EXPECT_LE(absl::AbsDuration(*answer.offset), absl::Seconds(2));
    EXPECT_TRUE(answer.warnings.empty());
    EXPECT_EQ(answer.attempts, 1);
  }
}

TEST_P(TimeClientTest, ReadsDaytimeText) {
  ASSERT_OK_AND_ASSIGN(
      SocketAddress tcp,
      ServeTimeTcp(*server_, harness_->clock(), {.service = Service::kDaytime},
                   Bind()));
  ASSERT_OK_AND_ASSIGN(Answer answer, Ask(tcp, Transport::kTcp, true));
  EXPECT_EQ(answer.daytime.format, DaytimeFormat::kReference);
  ASSERT_TRUE(answer.offset.has_value());
  EXPECT_LE(absl::AbsDuration(*answer.offset), absl::Seconds(2));
}

TEST_P(TimeClientTest, ShortAndLongRepliesAreNamed) {
  ASSERT_OK_AND_ASSIGN(SocketAddress three,
                       ServeBrokenTcp(*server_, harness_->clock(),
                                      TcpFault::kThreeBytes, Bind()));
  ASSERT_OK_AND_ASSIGN(SocketAddress eight,
                       ServeBrokenTcp(*server_, harness_->clock(),
                                      TcpFault::kEightBytes, Bind()));
  ASSERT_OK_AND_ASSIGN(SocketAddress udp_eight,
                       ServeBrokenUdp(*server_, harness_->server_network(),
                                      harness_->clock(), UdpFault::kEightBytes,
                                      Bind()));
  EXPECT_THAT(Ask(three, Transport::kTcp),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("short reply: 3 bytes")));
  EXPECT_THAT(Ask(eight, Transport::kTcp),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("long reply: 8 bytes")));
  EXPECT_THAT(Ask(udp_eight, Transport::kUdp),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("long reply: 8 bytes")));
}

TEST_P(TimeClientTest, ServerThatKeepsTheConnectionOpenIsAWarningNotAHang) {
  ASSERT_OK_AND_ASSIGN(SocketAddress address,
                       ServeBrokenTcp(*server_, harness_->clock(),
                                      TcpFault::kNeverCloses, Bind()));
  ASSERT_OK_AND_ASSIGN(Answer answer, Ask(address, Transport::kTcp));
  EXPECT_THAT(answer.warnings,
              ::testing::ElementsAre(HasSubstr("kept the connection open")));
}

TEST_P(TimeClientTest, ServerThatCannotTellTheTimeIsExplained) {
  ASSERT_OK_AND_ASSIGN(SocketAddress address,
                       ServeBrokenTcp(*server_, harness_->clock(),
                                      TcpFault::kCloseWithoutData, Bind()));
  EXPECT_THAT(Ask(address, Transport::kTcp),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("closed the connection without sending")));
}

TEST_P(TimeClientTest, ResetIsReportedAsReset) {
  ASSERT_OK_AND_ASSIGN(SocketAddress address,
                       ServeBrokenTcp(*server_, harness_->clock(),
                                      TcpFault::kReset, Bind()));
  absl::StatusOr<Answer> answer = Ask(address, Transport::kTcp);
  EXPECT_TRUE(IsConnectionReset(answer.status())) << answer.status();
  EXPECT_FALSE(IsNoAnswer(answer.status()));
}

TEST_P(TimeClientTest, SilentTcpServerTimesOut) {
  ASSERT_OK_AND_ASSIGN(SocketAddress address,
                       ServeBrokenTcp(*server_, harness_->clock(),
                                      TcpFault::kStall, Bind()));
  const absl::Time start = harness_->clock().Now();
  absl::StatusOr<Answer> answer = Ask(address, Transport::kTcp);
  EXPECT_THAT(answer, StatusIs(absl::StatusCode::kDeadlineExceeded,
                               HasSubstr("connected, but no data")));
  EXPECT_TRUE(IsNoAnswer(answer.status()));
  EXPECT_LT(harness_->clock().Now() - start, options_.timeout * 3);
}

TEST_P(TimeClientTest, UdpRetriesUntilAnswered) {
  ASSERT_OK_AND_ASSIGN(SocketAddress address,
                       ServeBrokenUdp(*server_, harness_->server_network(),
                                      harness_->clock(), UdpFault::kDropsFirstTwo,
                                      Bind()));
  ASSERT_OK_AND_ASSIGN(Answer answer, Ask(address, Transport::kUdp));
  EXPECT_EQ(answer.attempts, 3);
}

TEST_P(TimeClientTest, SilentUdpServerGivesUpAfterEveryAttempt) {
  ASSERT_OK_AND_ASSIGN(SocketAddress address,
                       ServeBrokenUdp(*server_, harness_->server_network(),
                                      harness_->clock(), UdpFault::kSilent,
                                      Bind()));
  options_.udp_attempts = 2;
  const absl::Time start = harness_->clock().Now();
  absl::StatusOr<Answer> answer = Ask(address, Transport::kUdp);
  EXPECT_THAT(answer, StatusIs(absl::StatusCode::kDeadlineExceeded,
                               HasSubstr("after 2 requests")));
  EXPECT_GE(harness_->clock().Now() - start, options_.timeout * 2);
}

TEST_P(TimeClientTest, AnswerFromAnotherPortIsNotTakenForTheReply) {
  ASSERT_OK_AND_ASSIGN(SocketAddress address,
                       ServeBrokenUdp(*server_, harness_->server_network(),
                                      harness_->clock(), UdpFault::kFromOtherPort,
                                      Bind()));
  options_.udp_attempts = 1;
  EXPECT_THAT(Ask(address, Transport::kUdp),
              StatusIs(absl::StatusCode::kDeadlineExceeded));
}

TEST_P(TimeClientTest, NothingListeningIsRefusedOnBothTransports) {
  ASSERT_OK_AND_ASSIGN(auto listener,
                       harness_->server_network().Listen(Bind(), {}));
  const SocketAddress closed = listener->local_address();
  listener->Close();
  absl::StatusOr<Answer> tcp = Ask(closed, Transport::kTcp);
  EXPECT_THAT(tcp, StatusIs(absl::StatusCode::kUnavailable,
                            HasSubstr("Connection refused")));
  EXPECT_TRUE(IsNoAnswer(tcp.status()));

  ASSERT_OK_AND_ASSIGN(auto socket,
                       harness_->server_network().OpenDatagram(Bind(), {}));
  const SocketAddress closed_udp = socket->local_address();
  socket->Close();
  EXPECT_THAT(Ask(closed_udp, Transport::kUdp),
              StatusIs(absl::StatusCode::kUnavailable,
                       HasSubstr("Connection refused")));
}

INSTANTIATE_TEST_SUITE_P(AllHarnesses, TimeClientTest,
                         ::testing::ValuesIn(wirecheck::testing::AllHarnesses()),
                         wirecheck::testing::HarnessTestName);

}  // namespace
}  // namespace wirecheck::timeproto

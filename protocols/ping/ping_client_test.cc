// The ping client against the reference server, on every harness.
#include "protocols/ping/ping_client.h"

#include <memory>
#include <vector>

#include "fakes/harness.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "protocols/common/status_matchers.h"
#include "protocols/ping/ping_server.h"

namespace wirecheck::ping {
namespace {

using ::testing::Each;
using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::HasSubstr;
using ::wirecheck::testing::Harness;
using ::wirecheck::testing::HarnessFactory;
using Kind = PingEvent::Kind;

class PingClientTest : public ::testing::TestWithParam<HarnessFactory> {
 protected:
  void SetUp() override {
    harness_ = GetParam().make();
    server_ = std::make_unique<Server>(harness_->server_loop(),
                                       harness_->server_network());
    // Short enough for real sockets; the fakes simulate the time.
    options_.count = 5;
    options_.interval = harness_->short_timeout();
    options_.timeout = harness_->short_timeout() * 5;
  }
  void TearDown() override {
    harness_->StopServers();
    server_.reset();
  }

  absl::StatusOr<PingStatistics> Ping(const SocketAddress& target) {
    harness_->StartServers();
    return RunPing(harness_->client_network(), target, options_,
                   [this](const PingEvent& event) { events_.push_back(event); });
  }

  std::vector<Kind> Kinds() const {
    std::vector<Kind> kinds;
    for (const PingEvent& event : events_) kinds.push_back(event.kind);
    return kinds;
  }

  std::unique_ptr<Harness> harness_;
  std::unique_ptr<Server> server_;
  PingOptions options_;
  std::vector<PingEvent> events_;
};

TEST_P(PingClientTest, EveryPingIsAnsweredInOrder) {
  ASSERT_OK_AND_ASSIGN(SocketAddress target,
                       ServePing(*server_, {}, harness_->server_bind_address()));
  ASSERT_OK_AND_ASSIGN(PingStatistics statistics, Ping(target));
  EXPECT_EQ(statistics.transmitted, 5);
  EXPECT_EQ(statistics.received, 5);
  EXPECT_EQ(statistics.loss_percent(), 0);
  EXPECT_THAT(Kinds(), Each(Kind::kReply));
  std::vector<uint32_t> sequences;
  for (const PingEvent& event : events_) sequences.push_back(event.sequence);
  EXPECT_THAT(sequences, ElementsAre(1, 2, 3, 4, 5));
  EXPECT_LE(statistics.min, statistics.avg);
  EXPECT_LE(statistics.avg, statistics.max);
  // Four intervals between five pings, then the last answer.
  EXPECT_GE(statistics.elapsed, options_.interval * 4);
}

TEST_P(PingClientTest, UppercasingServerIsStillAReply) {
  ASSERT_OK_AND_ASSIGN(SocketAddress target,
                       ServePing(*server_, {.uppercase = true},
                                 harness_->server_bind_address()));
  options_.count = 2;
  options_.size = 100;
  ASSERT_OK_AND_ASSIGN(PingStatistics statistics, Ping(target));
  EXPECT_EQ(statistics.received, 2);
  EXPECT_THAT(events_, Each(Field(&PingEvent::uppercased, true)));
  EXPECT_THAT(events_[0].payload, HasSubstr("PING 1 "));
  EXPECT_EQ(events_[0].payload.size(), 100u);
}

TEST_P(PingClientTest, SilenceIsReportedAsTimeoutsAndFullLoss) {
  ASSERT_OK_AND_ASSIGN(auto silent, harness_->server_network().OpenDatagram(
                                        harness_->server_bind_address(), {}));
  options_.count = 3;
  ASSERT_OK_AND_ASSIGN(PingStatistics statistics, Ping(silent->local_address()));
  EXPECT_EQ(statistics.transmitted, 3);
  EXPECT_EQ(statistics.received, 0);
  EXPECT_EQ(statistics.loss_percent(), 100);
  EXPECT_THAT(Kinds(), ElementsAre(Kind::kTimeout, Kind::kTimeout, Kind::kTimeout));
  EXPECT_EQ(FormatEvent(events_[1]), "Request timed out (seq=2)");
}

TEST_P(PingClientTest, ClosedPortIsReportedUnreachable) {
  ASSERT_OK_AND_ASSIGN(auto socket, harness_->server_network().OpenDatagram(
                                        harness_->server_bind_address(), {}));
  const SocketAddress closed = socket->local_address();
  socket->Close();
  options_.count = 2;
  ASSERT_OK_AND_ASSIGN(PingStatistics statistics, Ping(closed));
  EXPECT_EQ(statistics.received, 0);
  EXPECT_GE(statistics.errors, 1);
  EXPECT_THAT(Kinds(), ::testing::Contains(Kind::kUnreachable));
  EXPECT_THAT(FormatStatistics("x", statistics), HasSubstr("errors"));
}

INSTANTIATE_TEST_SUITE_P(AllHarnesses, PingClientTest,
                         ::testing::ValuesIn(wirecheck::testing::AllHarnesses()),
                         wirecheck::testing::HarnessTestName);

TEST(FormatStatisticsTest, MatchesIputils) {
  PingStatistics statistics;
  statistics.transmitted = 10;
  statistics.received = 7;
  statistics.duplicates = 1;
  statistics.elapsed = absl::Milliseconds(9012);
  statistics.min = absl::Microseconds(123);
  statistics.avg = absl::Microseconds(456);
  statistics.max = absl::Microseconds(1789);
  statistics.mdev = absl::Microseconds(42);
  EXPECT_EQ(FormatStatistics("127.0.0.1", statistics),
            "--- 127.0.0.1 ping statistics ---\n"
            "10 packets transmitted, 7 received, +1 duplicates, 30% packet "
            "loss, time 9012ms\n"
            "rtt min/avg/max/mdev = 0.123/0.456/1.789/0.042 ms\n");
  statistics.transmitted = 3;
  statistics.received = 2;
  statistics.duplicates = 0;
  statistics.corrupted = 2;
  EXPECT_THAT(FormatStatistics("h", statistics),
              HasSubstr("3 packets transmitted, 2 received, +2 corrupted, "
                        "33.3333% packet loss"));
  statistics.received = 0;
  EXPECT_THAT(FormatStatistics("h", statistics),
              ::testing::Not(HasSubstr("rtt")));
}

}  // namespace
}  // namespace wirecheck::ping

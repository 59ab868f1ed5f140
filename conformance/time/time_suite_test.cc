// Every time and daytime case against the reference server (it must pass)
// and against deliberately broken servers (exact findings), on every
// harness.
#include "conformance/time/time_suite.h"

#include <map>
#include <memory>
#include <random>
#include <string>

#include "conformance/testing/case_runner.h"
#include "fakes/harness.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "protocols/common/status_matchers.h"
#include "protocols/time/testing/broken_time_servers.h"
#include "protocols/time/time_server.h"

namespace wirecheck::conformance {
namespace {

using ::testing::HasSubstr;
using ::wirecheck::testing::Harness;
using ::wirecheck::testing::HarnessFactory;
using testing::FindingIs;
using testing::RunCase;
using testing::RunProbe;
using timeproto::testing::ServeBrokenTcp;
using timeproto::testing::ServeBrokenUdp;
using timeproto::testing::ServeCannedTcp;
using timeproto::testing::ServeCannedUdp;
using timeproto::testing::TcpFault;
using timeproto::testing::UdpFault;
using Kind = Finding::Kind;

class TimeSuiteTest : public ::wirecheck::testing::HarnessServerTest {
 protected:
  // Runs one case against `target` with a case timeout long enough for a
  // working server on any harness.
  Finding Run(const Suite& suite, absl::string_view id,
              const SocketAddress& target) {
    return RunCase(suite, id, *harness_, target, harness_->short_timeout() * 5);
  }

  Finding Probe(const Suite& suite, const SocketAddress& target,
                Transport transport) {
    return RunProbe(suite, transport, *harness_, target,
                    harness_->short_timeout() * 5);
  }

  SocketAddress Bind() { return harness_->server_bind_address(); }

  // The broken servers are set up on the server loop's thread: a test may
  // add one after an earlier case has started the loop.
  SocketAddress BrokenTcp(TcpFault fault) {
    absl::StatusOr<SocketAddress> address;
    harness_->RunOnServerLoop([&] {
      address = ServeBrokenTcp(*server_, harness_->clock(), fault, Bind());
    });
    EXPECT_OK(address);
    return address.value_or(SocketAddress());
  }

  SocketAddress BrokenUdp(UdpFault fault) {
    absl::StatusOr<SocketAddress> address;
    harness_->RunOnServerLoop([&] {
      address = ServeBrokenUdp(*server_, harness_->server_network(),
                               harness_->clock(), fault, Bind(),
                               harness_->short_timeout() * 50);
    });
    EXPECT_OK(address);
    return address.value_or(SocketAddress());
  }

  const Suite time_ = TimeSuite();
  const Suite daytime_ = DaytimeSuite();
};

TEST_P(TimeSuiteTest, ReferenceServerPassesEveryCase) {
  ASSERT_OK_AND_ASSIGN(auto targets, time_.start_reference(*server_, Bind()));
  for (const Case& c : time_.cases) {
    const Finding finding = Run(time_, c.id, targets[c.transport]);
    const Kind want = c.level == Level::kMay ? Kind::kInfo : Kind::kPass;
    EXPECT_EQ(finding.kind, want) << c.id << ": " << finding.observed;
  }
  for (Transport transport : time_.transports) {
    EXPECT_EQ(Probe(time_, targets[transport], transport).kind, Kind::kPass);
  }
}

TEST_P(TimeSuiteTest, ReferenceDaytimeServerPassesEveryCase) {
  ASSERT_OK_AND_ASSIGN(auto targets, daytime_.start_reference(*server_, Bind()));
  for (const Case& c : daytime_.cases) {
    const Finding finding = Run(daytime_, c.id, targets[c.transport]);
    EXPECT_EQ(finding.kind, Kind::kPass) << c.id << ": " << finding.observed;
  }
}

TEST_P(TimeSuiteTest, ThreeByteReplyBreaksLengthAndValue) {
  const SocketAddress target = BrokenTcp(TcpFault::kThreeBytes);
  EXPECT_THAT(Run(time_, "time/tcp-four-bytes", target),
              FindingIs(Kind::kViolation, HasSubstr("3 bytes")));
  EXPECT_THAT(Run(time_, "time/tcp-closes-after-sending", target),
              FindingIs(Kind::kViolation, HasSubstr("3 bytes")));
  EXPECT_THAT(Run(time_, "time/tcp-value-within-skew", target),
              FindingIs(Kind::kViolation, HasSubstr("3 bytes")));
  EXPECT_THAT(Run(time_, "time/tcp-sends-without-client-data", target),
              FindingIs(Kind::kPass, HasSubstr("3 bytes")));
}

TEST_P(TimeSuiteTest, EightByteReplyBreaksLength) {
  const SocketAddress target = BrokenTcp(TcpFault::kEightBytes);
  EXPECT_THAT(Run(time_, "time/tcp-four-bytes", target),
              FindingIs(Kind::kViolation,
                        HasSubstr("8 bytes (00000000")));
  EXPECT_THAT(Run(time_, "time/tcp-closes-after-sending", target),
              FindingIs(Kind::kViolation, HasSubstr("8 bytes")));
}

TEST_P(TimeSuiteTest, ServerThatNeverClosesBreaksOnlyTheClose) {
  const SocketAddress target = BrokenTcp(TcpFault::kNeverCloses);
  EXPECT_THAT(Run(time_, "time/tcp-four-bytes", target),
              FindingIs(Kind::kPass, HasSubstr("still open")));
  EXPECT_THAT(Run(time_, "time/tcp-closes-after-sending", target),
              FindingIs(Kind::kViolation,
                        ::testing::AllOf(HasSubstr("4 bytes ("),
                                         HasSubstr("still open"))));
  EXPECT_THAT(Run(time_, "time/tcp-value-within-skew", target),
              FindingIs(Kind::kPass, HasSubstr("from this machine's clock")));
}

TEST_P(TimeSuiteTest, ResetInsteadOfTimeIsReported) {
  const SocketAddress target = BrokenTcp(TcpFault::kReset);
  EXPECT_THAT(Run(time_, "time/tcp-four-bytes", target),
              FindingIs(Kind::kViolation, HasSubstr("no bytes, then a reset")));
}

TEST_P(TimeSuiteTest, ServerThatWaitsForClientDataIsCaught) {
  const SocketAddress target = BrokenTcp(TcpFault::kWaitsForClientData);
  EXPECT_THAT(Run(time_, "time/tcp-sends-without-client-data", target),
              FindingIs(Kind::kViolation,
                        "no bytes, and the connection still open at the "
                        "case's deadline"));
  EXPECT_THAT(Run(time_, "time/tcp-client-sends-data-first", target),
              FindingIs(Kind::kPass, HasSubstr("clean close")));
}

TEST_P(TimeSuiteTest, ResetOnClientDataBreaksTheShould) {
  const SocketAddress target = BrokenTcp(TcpFault::kResetOnClientData);
  EXPECT_THAT(Run(time_, "time/tcp-client-sends-data-first", target),
              FindingIs(Kind::kViolation, HasSubstr("reset")));
}

TEST_P(TimeSuiteTest, ServerThatRefusesHalfClosedClientsBreaksTheShould) {
  const SocketAddress target = BrokenTcp(TcpFault::kRefusesHalfClosed);
  EXPECT_THAT(Run(time_, "time/tcp-client-half-closes-at-once", target),
              FindingIs(Kind::kViolation, "no bytes, then a clean close"));
  EXPECT_THAT(Run(time_, "time/tcp-four-bytes", target),
              FindingIs(Kind::kPass, HasSubstr("4 bytes")));
}

TEST_P(TimeSuiteTest, WrongTimeIsCaughtWithTheOffset) {
  const SocketAddress target = BrokenTcp(TcpFault::kWrongTime);
  EXPECT_THAT(Run(time_, "time/tcp-value-within-skew", target),
              // -3600.x, or -3601.0 when whole seconds truncate across one.
              FindingIs(Kind::kViolation, HasSubstr("-360")));
}

TEST_P(TimeSuiteTest, StallingServerGetsAVerdictByTheDeadline) {
  const SocketAddress target = BrokenTcp(TcpFault::kStall);
  const absl::Time start = harness_->clock().Now();
  EXPECT_THAT(Run(time_, "time/tcp-four-bytes", target),
              FindingIs(Kind::kViolation, HasSubstr("still open")));
  EXPECT_LE(harness_->clock().Now() - start, harness_->short_timeout() * 6);
}

TEST_P(TimeSuiteTest, EightByteDatagramBreaksTheUdpMust) {
  const SocketAddress target = BrokenUdp(UdpFault::kEightBytes);
  EXPECT_THAT(Run(time_, "time/udp-empty-datagram", target),
              FindingIs(Kind::kViolation, HasSubstr("8 bytes")));
  EXPECT_THAT(Run(time_, "time/udp-reply-address", target),
              FindingIs(Kind::kPass, HasSubstr("answered from")));
}

TEST_P(TimeSuiteTest, AnswerFromAnotherPortBreaksTheReplyAddress) {
  const SocketAddress target = BrokenUdp(UdpFault::kFromOtherPort);
  EXPECT_THAT(Run(time_, "time/udp-reply-address", target),
              FindingIs(Kind::kViolation, HasSubstr("an answer from")));
}

TEST_P(TimeSuiteTest, LateUdpAnswerIsNoAnswer) {
  const SocketAddress target = BrokenUdp(UdpFault::kLate);
  EXPECT_THAT(Run(time_, "time/udp-empty-datagram", target),
              FindingIs(Kind::kViolation, HasSubstr("no datagram came back")));
}

TEST_P(TimeSuiteTest, NonEmptyDatagramAnswerIsReportedEitherWay) {
  EXPECT_THAT(Run(time_, "time/udp-non-empty-datagram",
                  BrokenUdp(UdpFault::kIgnoresEmpty)),
              FindingIs(Kind::kInfo, HasSubstr("request was answered with 4 bytes")));
  EXPECT_THAT(Run(time_, "time/udp-non-empty-datagram",
                  BrokenUdp(UdpFault::kSilent)),
              FindingIs(Kind::kInfo, HasSubstr("not answered (allowed)")));
  EXPECT_THAT(Run(time_, "time/udp-empty-datagram",
                  BrokenUdp(UdpFault::kIgnoresEmpty)),
              FindingIs(Kind::kViolation, HasSubstr("no datagram")));
}

TEST_P(TimeSuiteTest, ProbeSaysUnsupportedForASilentTransport) {
  EXPECT_THAT(Probe(time_, BrokenUdp(UdpFault::kSilent), Transport::kUdp),
              FindingIs(Kind::kUnsupported, HasSubstr("no datagram came back")));
  EXPECT_THAT(Probe(time_, BrokenUdp(UdpFault::kDropsFirstTwo), Transport::kUdp),
              FindingIs(Kind::kPass, HasSubstr("answered")));
  ASSERT_OK_AND_ASSIGN(auto listener,
                       harness_->server_network().Listen(Bind(), {}));
  const SocketAddress closed = listener->local_address();
  listener->Close();
  EXPECT_THAT(Probe(time_, closed, Transport::kTcp),
              FindingIs(Kind::kUnsupported, HasSubstr("Connection refused")));
}

TEST_P(TimeSuiteTest, DaytimeTextShapesAreJudged) {
  ASSERT_OK_AND_ASSIGN(SocketAddress two_lines,
                       ServeCannedTcp(*server_, "Saturday\r\nNovember\r\n", Bind()));
  ASSERT_OK_AND_ASSIGN(SocketAddress binary,
                       ServeCannedTcp(*server_, std::string("t\0me\r\n", 6), Bind()));
  ASSERT_OK_AND_ASSIGN(SocketAddress odd,
                       ServeCannedTcp(*server_, "teatime\r\n", Bind()));
  ASSERT_OK_AND_ASSIGN(SocketAddress rfc3339,
                       ServeCannedTcp(*server_, "2026-11-21T23:10:05Z\n", Bind()));
  EXPECT_THAT(Run(daytime_, "daytime/tcp-one-printable-line", two_lines),
              FindingIs(Kind::kViolation, HasSubstr("more than one line")));
  EXPECT_THAT(Run(daytime_, "daytime/tcp-one-printable-line", binary),
              FindingIs(Kind::kViolation, HasSubstr("0x00 at offset 1")));
  EXPECT_THAT(Run(daytime_, "daytime/tcp-text-then-close", binary),
              FindingIs(Kind::kPass, HasSubstr("clean close")));
  EXPECT_THAT(Run(daytime_, "daytime/format", odd),
              FindingIs(Kind::kViolation, HasSubstr("\"teatime\"")));
  EXPECT_THAT(Run(daytime_, "daytime/format", rfc3339),
              FindingIs(Kind::kPass, HasSubstr("RFC 3339 format")));
}

TEST_P(TimeSuiteTest, EmptyDaytimeDatagramIsAViolation) {
  ASSERT_OK_AND_ASSIGN(SocketAddress empty, ServeCannedUdp(*server_, "", Bind()));
  EXPECT_THAT(Run(daytime_, "daytime/udp-answer", empty),
              FindingIs(Kind::kViolation, "an empty datagram"));
}

TEST(TimeSuiteRegistryTest, BothSuitesAreRegisteredWithTheirDefaults) {
  std::vector<std::string> names;
  for (const Suite* suite : RegisteredSuites()) names.push_back(suite->name);
  EXPECT_THAT(names, ::testing::IsSupersetOf({"time", "daytime"}));
  EXPECT_EQ(TimeSuite().default_port, 37);
  EXPECT_EQ(DaytimeSuite().default_port, 13);
}

INSTANTIATE_TEST_SUITE_P(AllHarnesses, TimeSuiteTest,
                         ::testing::ValuesIn(wirecheck::testing::AllHarnesses()),
                         wirecheck::testing::HarnessTestName);

}  // namespace
}  // namespace wirecheck::conformance

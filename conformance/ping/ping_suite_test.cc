// Every ping case against the reference server and against deliberately
// broken servers, on every harness.
#include "conformance/ping/ping_suite.h"

#include <map>
#include <memory>
#include <string>

#include "absl/strings/ascii.h"
#include "conformance/testing/case_runner.h"
#include "fakes/harness.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "protocols/common/status_matchers.h"
#include "protocols/ping/ping_message.h"
#include "protocols/ping/ping_server.h"

namespace wirecheck::conformance {
namespace {

using ::testing::HasSubstr;
using ::wirecheck::testing::Harness;
using ::wirecheck::testing::HarnessFactory;
using Kind = Finding::Kind;
using testing::FindingIs;
using testing::RunCase;

enum class Fault {
  kFromOtherPort,       // answers from a different port
  kAppendsBang,         // adds "!" to every answer
  kTruncatesAt1024,     // cuts answers to 1024 bytes
  kStopsAfterMalformed, // goes silent after the first non-ping
  kOnlyFirstSender,     // answers only the first address it heard from
  kMisdirects,          // sends each answer to the previous sender
  kDropsEveryOther,     // ignores every second datagram
};

class BrokenPingService : public DatagramService {
 public:
  BrokenPingService(Fault fault, std::unique_ptr<DatagramSocket> other)
      : fault_(fault), other_(std::move(other)) {}

  void OnDatagram(DatagramSocket& socket, const ReceivedDatagram& datagram,
                  absl::string_view payload) override {
    std::string reply(payload);
    SocketAddress to = datagram.from;
    DatagramSocket* from = &socket;
    switch (fault_) {
      case Fault::kFromOtherPort:
        from = other_.get();
        break;
      case Fault::kAppendsBang:
        reply += "!";
        break;
      case Fault::kTruncatesAt1024:
        reply = reply.substr(0, 1024);
        break;
      case Fault::kStopsAfterMalformed:
        if (!ping::ParsePing(payload).ok()) dead_ = true;
        if (dead_) return;
        break;
      case Fault::kOnlyFirstSender:
        if (!first_.is_specified()) first_ = datagram.from;
        if (datagram.from != first_) return;
        break;
      case Fault::kMisdirects:
        to = previous_.is_specified() ? previous_ : datagram.from;
        previous_ = datagram.from;
        break;
      case Fault::kDropsEveryOther:
        if (++count_ % 2 == 0) return;
        break;
    }
    from->SendTo(reply, to).IgnoreError();
  }

 private:
  const Fault fault_;
  std::unique_ptr<DatagramSocket> other_;
  bool dead_ = false;
  SocketAddress first_;
  SocketAddress previous_;
  int count_ = 0;
};

class PingSuiteTest : public ::wirecheck::testing::HarnessServerTest {
 protected:
  // Set up on the server loop's thread: an earlier case may have started it.
  SocketAddress Broken(Fault fault) {
    absl::StatusOr<SocketAddress> address;
    harness_->RunOnServerLoop([&] {
      absl::StatusOr<std::unique_ptr<DatagramSocket>> other =
          harness_->server_network().OpenDatagram(
              harness_->server_bind_address(), {});
      if (!other.ok()) {
        address = other.status();
        return;
      }
      address = server_->ServeDatagrams(
          harness_->server_bind_address(),
          std::make_unique<BrokenPingService>(fault, *std::move(other)));
    });
    EXPECT_OK(address);
    return address.value_or(SocketAddress());
  }

  Finding Run(absl::string_view id, const SocketAddress& target) {
    return RunCase(suite_, id, *harness_, target, harness_->short_timeout() * 10);
  }

  const Suite suite_ = PingSuite();
};

TEST_P(PingSuiteTest, ReferenceServerPassesEveryCase) {
  ASSERT_OK_AND_ASSIGN(auto targets, suite_.start_reference(
                                         *server_, harness_->server_bind_address()));
  for (const Case& c : suite_.cases) {
    const Finding finding = Run(c.id, targets[Transport::kUdp]);
    EXPECT_EQ(finding.kind, c.level == Level::kMay ? Kind::kInfo : Kind::kPass)
        << c.id << ": " << finding.observed;
  }
  EXPECT_THAT(Run("ping/payload-echoed", targets[Transport::kUdp]),
              FindingIs(Kind::kPass, "echoed upper-cased"));
  EXPECT_THAT(Run("ping/loss-measured", targets[Transport::kUdp]),
              FindingIs(Kind::kInfo, HasSubstr("100 of 100 probes answered: 0% loss")));
}

TEST_P(PingSuiteTest, ExactEchoIsReportedAsExact) {
  ASSERT_OK_AND_ASSIGN(SocketAddress target,
                       ping::ServePing(*server_, {}, harness_->server_bind_address()));
  EXPECT_THAT(Run("ping/payload-echoed", target),
              FindingIs(Kind::kPass, "echoed exactly"));
}

TEST_P(PingSuiteTest, AnswerFromAnotherPortBreaksPing1) {
  EXPECT_THAT(Run("ping/reply-to-sender", Broken(Fault::kFromOtherPort)),
              FindingIs(Kind::kViolation, HasSubstr("an answer from")));
}

TEST_P(PingSuiteTest, AlteredAnswerBreaksEchoAndAmplification) {
  const SocketAddress target = Broken(Fault::kAppendsBang);
  EXPECT_THAT(Run("ping/payload-echoed", target),
              FindingIs(Kind::kViolation, HasSubstr("(201 bytes)")));
  EXPECT_THAT(Run("ping/no-amplification", target),
              FindingIs(Kind::kViolation,
                        HasSubstr("-byte request drew a ")));
}

TEST_P(PingSuiteTest, TruncatingServerReportsTheLargestWholeAnswer) {
  EXPECT_THAT(Run("ping/largest-payload", Broken(Fault::kTruncatesAt1024)),
              FindingIs(Kind::kViolation,
                        HasSubstr("largest ping answered whole: 512 bytes; a "
                                  "1472-byte ping drew 1024 bytes")));
}

TEST_P(PingSuiteTest, ServerThatDiesOnJunkBreaksPing7) {
  EXPECT_THAT(Run("ping/survives-malformed", Broken(Fault::kStopsAfterMalformed)),
              FindingIs(Kind::kViolation, HasSubstr("no answer")));
}

TEST_P(PingSuiteTest, ServerThatAnswersOneClientBreaksConcurrency) {
  EXPECT_THAT(Run("ping/concurrent-clients", Broken(Fault::kOnlyFirstSender)),
              FindingIs(Kind::kViolation, "1 of 5 simultaneous clients answered"));
}

TEST_P(PingSuiteTest, MisdirectedAnswersAreCaught) {
  EXPECT_THAT(Run("ping/concurrent-clients", Broken(Fault::kMisdirects)),
              FindingIs(Kind::kViolation, HasSubstr("'s answer")));
}

TEST_P(PingSuiteTest, LossyServerStillPassesTheMustsAndLossIsMeasured) {
  const SocketAddress target = Broken(Fault::kDropsEveryOther);
  EXPECT_THAT(Run("ping/back-to-back", target),
              FindingIs(Kind::kPass, HasSubstr("20 of 20")));
  EXPECT_THAT(Run("ping/reply-to-sender", target), FindingIs(Kind::kPass, HasSubstr("answered")));
  EXPECT_THAT(Run("ping/loss-measured", target),
              FindingIs(Kind::kInfo, HasSubstr("50 of 100 probes answered: 50% loss")));
}

INSTANTIATE_TEST_SUITE_P(AllHarnesses, PingSuiteTest,
                         ::testing::ValuesIn(wirecheck::testing::AllHarnesses()),
                         wirecheck::testing::HarnessTestName);

}  // namespace
}  // namespace wirecheck::conformance

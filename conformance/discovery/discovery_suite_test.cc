// Every discovery case against the reference responder and against
// deliberately broken ones, on every harness.
#include "conformance/discovery/discovery_suite.h"

#include <map>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "conformance/testing/case_runner.h"
#include "fakes/harness.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "protocols/common/status_matchers.h"
#include "protocols/discovery/discovery_message.h"
#include "protocols/discovery/responder.h"

namespace wirecheck::conformance {
namespace {

using ::testing::HasSubstr;
using ::wirecheck::testing::Harness;
using ::wirecheck::testing::HarnessFactory;
using Kind = Finding::Kind;
using testing::FindingIs;
using testing::RunCase;
using testing::RunProbe;
namespace wcd = wirecheck::discovery;

// A responder that gets one thing wrong.
enum class Fault {
  kWrongNonce,       // replies with a different nonce
  kAnswersEverything,// replies to any service and to known instances
  kNoDelay,          // replies at once, always
  kRepliesTwice,     // sends every REPLY twice
  kOversized,        // pads replies past 1200 bytes
  kAnswersJunk,      // answers malformed datagrams with an error message
  kNoLegacy,         // ignores "Hello"
  kNoRateLimit,      // answers every query, however many
};

class BrokenResponder : public DatagramService {
 public:
  explicit BrokenResponder(Fault fault) : fault_(fault) {}

  void OnDatagram(DatagramSocket& socket, const ReceivedDatagram& datagram,
                  absl::string_view payload) override {
    if (wcd::IsLegacyHello(payload)) {
      if (fault_ != Fault::kNoLegacy) Send(socket, "I am here", datagram.from);
      return;
    }
    absl::StatusOr<wcd::Message> query = wcd::DecodeMessage(payload);
    if (!query.ok()) {
      if (fault_ == Fault::kAnswersJunk) Send(socket, "ERROR bad query\n", datagram.from);
      return;
    }
    if (query->type != wcd::MessageType::kQuery) return;
    const bool everything = fault_ == Fault::kAnswersEverything;
    if (!everything && query->service != "*" && query->service != "echo") return;
    if (!everything && !query->known.empty()) return;
    wcd::Message reply;
    reply.type = wcd::MessageType::kReply;
    reply.nonce = fault_ == Fault::kWrongNonce ? "ffffffffffffffff" : query->nonce;
    reply.service = "echo";
    reply.instance = "broken";
    reply.port = 9007;
    std::string text = *wcd::EncodeMessage(reply);
    if (fault_ == Fault::kOversized) text += std::string(1300, 'x');
    Send(socket, text, datagram.from);
    if (fault_ == Fault::kRepliesTwice) Send(socket, text, datagram.from);
  }

 private:
  void Send(DatagramSocket& socket, absl::string_view text, const SocketAddress& to) {
    socket.SendTo(text, to).IgnoreError();
  }
  const Fault fault_;
};

class DiscoverySuiteTest : public ::wirecheck::testing::HarnessServerTest {
 protected:
  SocketAddress Reference() {
    absl::StatusOr<std::map<Transport, SocketAddress>> targets =
        suite_.start_reference(*server_, harness_->server_bind_address());
    EXPECT_OK(targets);
    return targets.ok() ? (*targets)[Transport::kUdp] : SocketAddress();
  }

  SocketAddress Broken(Fault fault) {
    absl::StatusOr<SocketAddress> address = server_->ServeDatagrams(
        harness_->server_bind_address(), std::make_unique<BrokenResponder>(fault));
    EXPECT_OK(address);
    return address.value_or(SocketAddress());
  }

  // Every case gets at least 3 s, or its own longer timeout.
  Finding Run(absl::string_view id, const SocketAddress& target) {
    return RunCase(suite_, id, *harness_, target, absl::Seconds(3));
  }

  const Suite suite_ = DiscoverySuite();
};

TEST_P(DiscoverySuiteTest, ReferenceResponderPassesEveryCase) {
  const SocketAddress target = Reference();
  for (const Case& c : suite_.cases) {
    const Finding finding = Run(c.id, target);
    EXPECT_EQ(finding.kind, Kind::kPass) << c.id << ": " << finding.expected
                                         << " / " << finding.observed;
  }
}

TEST_P(DiscoverySuiteTest, WrongNonceIsCaught) {
  EXPECT_THAT(Run("discovery/echoes-nonce", Broken(Fault::kWrongNonce)),
              FindingIs(Kind::kViolation, "nonce=ffffffffffffffff"));
}

TEST_P(DiscoverySuiteTest, AnsweringEverythingBreaksFilterAndSuppression) {
  const SocketAddress target = Broken(Fault::kAnswersEverything);
  EXPECT_THAT(Run("discovery/service-filter", target),
              FindingIs(Kind::kViolation, HasSubstr("echo/broken")));
  EXPECT_THAT(Run("discovery/known-answer-suppression", target),
              FindingIs(Kind::kViolation, HasSubstr("known instance broken")));
}

TEST_P(DiscoverySuiteTest, ImmediateRepliesBreakTheDelayWindow) {
  EXPECT_THAT(Run("discovery/reply-delay-window", Broken(Fault::kNoDelay)),
              FindingIs(Kind::kViolation, HasSubstr("delays from")));
}

TEST_P(DiscoverySuiteTest, DoubleRepliesBreakOnePerInstance) {
  const SocketAddress target = Broken(Fault::kRepliesTwice);
  EXPECT_THAT(Run("discovery/one-reply-per-instance", target),
              FindingIs(Kind::kViolation, "2 REPLY for echo/broken"));
  EXPECT_THAT(Run("discovery/pending-reply-suppression", target),
              FindingIs(Kind::kViolation, HasSubstr("REPLY for echo/broken")));
}

TEST_P(DiscoverySuiteTest, OversizedRepliesBreakTheBoundAndTheGrammar) {
  const SocketAddress target = Broken(Fault::kOversized);
  EXPECT_THAT(Run("discovery/reply-size-bound", target),
              FindingIs(Kind::kViolation, HasSubstr("the largest 1")));
  EXPECT_THAT(Run("discovery/well-formed-replies", target),
              FindingIs(Kind::kViolation, HasSubstr("above the limit")));
}

TEST_P(DiscoverySuiteTest, AnsweringJunkIsCaught) {
  EXPECT_THAT(Run("discovery/ignores-malformed", Broken(Fault::kAnswersJunk)),
              FindingIs(Kind::kViolation, HasSubstr("ERROR bad query")));
}

TEST_P(DiscoverySuiteTest, MissingLegacyModeIsCaught) {
  EXPECT_THAT(Run("discovery/legacy-hello", Broken(Fault::kNoLegacy)),
              FindingIs(Kind::kViolation, "no answer"));
}

TEST_P(DiscoverySuiteTest, NoRateLimitIsCaught) {
  EXPECT_THAT(Run("discovery/rate-limit", Broken(Fault::kNoDelay)),
              FindingIs(Kind::kViolation, HasSubstr("60 answers to 60 queries")));
}

TEST_P(DiscoverySuiteTest, ProbeFindsSilenceUnsupported) {
  ASSERT_OK_AND_ASSIGN(auto silent, harness_->server_network().OpenDatagram(
                                        harness_->server_bind_address(), {}));
  EXPECT_THAT(RunProbe(suite_, Transport::kUdp, *harness_,
                       silent->local_address(), absl::Seconds(3)),
              FindingIs(Kind::kUnsupported, HasSubstr("no answer")));
}

INSTANTIATE_TEST_SUITE_P(AllHarnesses, DiscoverySuiteTest,
                         ::testing::ValuesIn(wirecheck::testing::AllHarnesses()),
                         wirecheck::testing::HarnessTestName);

}  // namespace
}  // namespace wirecheck::conformance

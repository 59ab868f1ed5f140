#include "conformance/check_util.h"

#include <memory>
#include <random>
#include <string>
#include <utility>

#include "fakes/harness.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "protocols/common/status_matchers.h"

namespace wirecheck::conformance {
namespace {

using ::testing::HasSubstr;
using ::wirecheck::testing::Harness;
using ::wirecheck::testing::HarnessFactory;
using ::wirecheck::testing::IsOkAndHolds;
using ::wirecheck::testing::StatusIs;

class NoNotes : public NoteSink {
 public:
  void Note(absl::string_view) override {}
};

class CheckUtilTest : public ::testing::TestWithParam<HarnessFactory> {
 protected:
  void SetUp() override {
    harness_ = GetParam().make();
    absl::StatusOr<std::unique_ptr<Listener>> listener =
        harness_->server_network().Listen(harness_->server_bind_address(), {});
    ASSERT_OK(listener);
    listener_ = *std::move(listener);
  }

  // A connected pair: (client, server).
  std::pair<std::unique_ptr<Stream>, std::unique_ptr<Stream>> Pair() {
    auto pair = ::wirecheck::testing::ConnectPair(*harness_, *listener_);
    EXPECT_OK(pair);
    return *std::move(pair);
  }

  CaseContext Context(const SocketAddress& target) {
    return CaseContext{harness_->client_network(),
                       harness_->clock(),
                       target,
                       Soon(),
                       1,
                       random_,
                       options_,
                       notes_};
  }

  absl::Time Soon() { return harness_->clock().Now() + absl::Seconds(5); }

  std::unique_ptr<Harness> harness_;
  std::unique_ptr<Listener> listener_;
  std::mt19937_64 random_;
  std::map<std::string, std::string> options_ = {{"wait", "250ms"},
                                                 {"bad", "soon"}};
  NoNotes notes_;
};

TEST_P(CheckUtilTest, ReadUntilFindsADelimiterSplitAcrossWrites) {
  auto [client, server] = Pair();
  ASSERT_OK(WriteAll(*server, "HELLO\r", Soon()));
  ASSERT_OK(WriteAll(*server, "\nrest", Soon()));
  DelimitedCapture line = ReadUntil(*client, "\r\n", 100, Soon());
  // Both writes may arrive in one read or in two.
  ASSERT_TRUE(line.found) << line.error;
  EXPECT_EQ(line.bytes, "HELLO\r\n");
  if (!line.rest.empty()) EXPECT_EQ(line.rest, "rest");
}

TEST_P(CheckUtilTest, ReadUntilStopsAtTheLimitTheEndOrTheDeadline) {
  {
    auto [client, server] = Pair();
    ASSERT_OK(WriteAll(*server, std::string(100, 'x'), Soon()));
    const DelimitedCapture capture = ReadUntil(*client, "\n", 10, Soon());
    EXPECT_TRUE(capture.limit_reached);
    EXPECT_EQ(capture.bytes.size(), 10u);
  }
  {
    auto [client, server] = Pair();
    ASSERT_OK(WriteAll(*server, "no newline", Soon()));
    server->Close();
    const DelimitedCapture capture = ReadUntil(*client, "\n", 100, Soon());
    EXPECT_TRUE(capture.eof);
    EXPECT_FALSE(capture.found);
    EXPECT_EQ(capture.bytes, "no newline");
  }
  {
    auto [client, server] = Pair();
    const DelimitedCapture capture = ReadUntil(
        *client, "\n", 100, harness_->clock().Now() + harness_->short_timeout());
    EXPECT_THAT(capture.error, StatusIs(absl::StatusCode::kDeadlineExceeded));
  }
}

TEST_P(CheckUtilTest, ReceiveDatagramKeepsAtMostMaxBytesAndSaysSo) {
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<DatagramSocket> peer,
                       harness_->server_network().OpenDatagram(
                           harness_->server_bind_address(), {}));
  CaseContext context = Context(peer->local_address());
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<DatagramSocket> socket,
                       OpenDatagramToTarget(context));
  ASSERT_OK(socket->SendTo("?", peer->local_address()));
  char buffer[16];
  ASSERT_OK_AND_ASSIGN(const ReceivedDatagram request,
                       peer->ReceiveFrom(absl::MakeSpan(buffer), Soon()));
  ASSERT_OK(peer->SendTo(std::string(100, 'd'), request.from));
  ASSERT_OK_AND_ASSIGN(const DatagramCapture reply,
                       ReceiveDatagram(*socket, 10, Soon()));
  EXPECT_EQ(reply.bytes, std::string(10, 'd'));
  EXPECT_EQ(reply.wire_size, 100u);
  EXPECT_TRUE(reply.truncated());
  EXPECT_EQ(reply.from, peer->local_address());
}

TEST_P(CheckUtilTest, ConnectToTargetUsesTheContext) {
  CaseContext context = Context(listener_->local_address());
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<Stream> stream, ConnectToTarget(context));
  EXPECT_EQ(stream->peer_address(), listener_->local_address());
}

TEST_P(CheckUtilTest, WithinAndDurationOptions) {
  CaseContext context = Context(listener_->local_address());
  EXPECT_EQ(Within(context, absl::Hours(1)), context.deadline);
  EXPECT_LT(Within(context, absl::Milliseconds(1)), context.deadline);
  EXPECT_THAT(DurationOption(context, "wait"),
              IsOkAndHolds(absl::Milliseconds(250)));
  EXPECT_THAT(DurationOption(context, "bad"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("option bad=soon is not a duration")));
  EXPECT_THAT(DurationOption(context, "missing"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("option missing is not set")));
}

INSTANTIATE_TEST_SUITE_P(AllHarnesses, CheckUtilTest,
                         ::testing::ValuesIn(::wirecheck::testing::AllHarnesses()),
                         ::wirecheck::testing::HarnessTestName);

TEST(DescribeTest, Bytes) {
  EXPECT_EQ(DescribeBytes(""), "0 bytes");
  EXPECT_EQ(DescribeBytes("a"), "1 byte: 61 \"a\"");
  EXPECT_EQ(DescribeBytes(std::string("\x00\xe9", 2)), "2 bytes: 00 e9");
  EXPECT_EQ(DescribeBytes("abcdef", 4), "6 bytes: 61 62 63 64 ... \"abcd\"");
}

TEST(DescribeTest, CapturesSayHowReadingEnded) {
  StreamCapture capture;
  capture.bytes = "hi";
  capture.eof = true;
  EXPECT_EQ(DescribeCapture(capture), "2 bytes: 68 69 \"hi\", then EOF");
  capture.eof = false;
  capture.error = absl::AbortedError("read: Connection reset by peer");
  EXPECT_EQ(DescribeCapture(capture),
            "2 bytes: 68 69 \"hi\", then the target reset the connection");
  capture.error = absl::DeadlineExceededError("read");
  EXPECT_EQ(DescribeCapture(capture),
            "2 bytes: 68 69 \"hi\", then nothing more until the deadline "
            "(connection still open)");
  capture.error = absl::OkStatus();
  capture.limit_reached = true;
  EXPECT_EQ(DescribeCapture(capture),
            "2 bytes: 68 69 \"hi\" and more (stopped reading after 2 bytes)");
}

TEST(DescribeTest, FailuresInTheTargetsTerms) {
  EXPECT_EQ(DescribeFailure(absl::UnavailableError("connect x: refused")),
            "unreachable or refused (connect x: refused)");
  EXPECT_EQ(DescribeFailure(absl::AbortedError("reset")),
            "connection reset by the target (reset)");
  EXPECT_EQ(DescribeFailure(absl::DeadlineExceededError("read")),
            "no answer by the deadline (read)");
  EXPECT_EQ(DescribeFailure(absl::InternalError("x")), "INTERNAL: x");
}

}  // namespace
}  // namespace wirecheck::conformance

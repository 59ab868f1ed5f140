// The stream behaviour every Stream implementation must have, run on every
// harness: real loopback sockets and the fake stream pair alike.
#include <memory>
#include <string>
#include <utility>

#include "fakes/harness.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "protocols/common/status_matchers.h"
#include "protocols/transport/network.h"
#include "protocols/transport/stream_util.h"

namespace wirecheck {
namespace {

using ::testing::HasSubstr;
using ::wirecheck::testing::ConnectPair;
using ::wirecheck::testing::Harness;
using ::wirecheck::testing::HarnessFactory;
using ::wirecheck::testing::IsOkAndHolds;
using ::wirecheck::testing::StatusIs;

class StreamBehaviourTest : public ::testing::TestWithParam<HarnessFactory> {
 protected:
  void SetUp() override {
    harness_ = GetParam().make();
    ASSERT_OK_AND_ASSIGN(listener_, harness_->server_network().Listen(
                                        harness_->server_bind_address(), {}));
    ASSERT_OK_AND_ASSIGN(auto pair, ConnectPair(*harness_, *listener_));
    client_ = std::move(pair.first);
    server_ = std::move(pair.second);
  }

  absl::Time Soon() { return harness_->clock().Now() + absl::Seconds(5); }

  std::unique_ptr<Harness> harness_;
  std::unique_ptr<Listener> listener_;
  std::unique_ptr<Stream> client_;
  std::unique_ptr<Stream> server_;
};

TEST_P(StreamBehaviourTest, BytesArriveInOrder) {
  ASSERT_OK(WriteAll(*client_, "hello, ", Soon()));
  ASSERT_OK(WriteAll(*client_, "world", Soon()));
  EXPECT_THAT(ReadExactly(*server_, 12, Soon()), IsOkAndHolds("hello, world"));
}

TEST_P(StreamBehaviourTest, BothEndsKnowEachOthersAddresses) {
  EXPECT_EQ(client_->peer_address(), listener_->local_address());
  EXPECT_EQ(server_->peer_address(), client_->local_address());
  EXPECT_EQ(server_->local_address(), listener_->local_address());
  EXPECT_NE(listener_->local_address().port(), 0);
  EXPECT_NE(client_->local_address().port(), 0);
  EXPECT_EQ(client_->local_address().family(), harness_->family());
}

TEST_P(StreamBehaviourTest, ShutdownWriteGivesPeerEofAfterEveryByte) {
  ASSERT_OK(WriteAll(*client_, "last words", Soon()));
  ASSERT_OK(client_->Shutdown(ShutdownMode::kWrite));
  StreamCapture capture = ReadToEnd(*server_, 1 << 20, Soon());
  EXPECT_EQ(capture.bytes, "last words");
  EXPECT_TRUE(capture.eof);
  EXPECT_OK(capture.error);
}

TEST_P(StreamBehaviourTest, HalfClosedPeerCanStillSendBack) {
  ASSERT_OK(WriteAll(*client_, "question", Soon()));
  ASSERT_OK(client_->Shutdown(ShutdownMode::kWrite));
  ASSERT_TRUE(ReadToEnd(*server_, 1 << 20, Soon()).eof);

  ASSERT_OK(WriteAll(*server_, "answer", Soon()));
  server_->Close();
  StreamCapture reply = ReadToEnd(*client_, 1 << 20, Soon());
  EXPECT_EQ(reply.bytes, "answer");
  EXPECT_TRUE(reply.eof);
}

TEST_P(StreamBehaviourTest, ReadsAfterShutdownReadReturnEof) {
  ASSERT_OK(server_->Shutdown(ShutdownMode::kRead));
  ASSERT_OK(WriteAll(*client_, "ignored", Soon()));
  char buffer[16];
  EXPECT_THAT(server_->Read(absl::MakeSpan(buffer), Soon()), IsOkAndHolds(0));
  // The other direction still works.
  ASSERT_OK(WriteAll(*server_, "still here", Soon()));
  EXPECT_THAT(ReadExactly(*client_, 10, Soon()), IsOkAndHolds("still here"));
}

TEST_P(StreamBehaviourTest, WriteAfterShutdownWriteFailsLikeEpipe) {
  ASSERT_OK(client_->Shutdown(ShutdownMode::kWrite));
  EXPECT_THAT(client_->Write("late", Soon()),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("shut down")));
}

TEST_P(StreamBehaviourTest, ShutdownIsCumulative) {
  ASSERT_OK(client_->Shutdown(ShutdownMode::kRead));
  ASSERT_OK(client_->Shutdown(ShutdownMode::kWrite));
  char buffer[4];
  EXPECT_THAT(client_->Read(absl::MakeSpan(buffer), Soon()), IsOkAndHolds(0));
  EXPECT_THAT(client_->Write("x", Soon()),
              StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_TRUE(ReadToEnd(*server_, 16, Soon()).eof);
}

TEST_P(StreamBehaviourTest, AbortIsSeenAsResetNotEof) {
  server_->Abort();
  StreamCapture capture = ReadToEnd(*client_, 1 << 20, Soon());
  EXPECT_FALSE(capture.eof);
  EXPECT_TRUE(IsConnectionReset(capture.error)) << capture.error;
  EXPECT_THAT(capture.error.message(), HasSubstr("reset"));
}

TEST_P(StreamBehaviourTest, ReadTimesOutWhenPeerIsSilent) {
  const absl::Time start = harness_->clock().Now();
  const absl::Duration timeout = harness_->short_timeout();
  char buffer[8];
  EXPECT_THAT(server_->Read(absl::MakeSpan(buffer), start + timeout),
              StatusIs(absl::StatusCode::kDeadlineExceeded,
                       HasSubstr("timed out")));
  EXPECT_GE(harness_->clock().Now() - start, timeout);
}

TEST_P(StreamBehaviourTest, PastDeadlineMakesReadANonBlockingPoll) {
  char buffer[8];
  EXPECT_THAT(server_->Read(absl::MakeSpan(buffer), absl::InfinitePast()),
              StatusIs(absl::StatusCode::kDeadlineExceeded));
}

TEST_P(StreamBehaviourTest, WriteTimesOutWhenPeerNeverReads) {
  // Far more than any socket buffer: the writer must block, then time out.
  const std::string flood(64 << 20, 'x');
  const absl::Time start = harness_->clock().Now();
  const absl::Status status =
      WriteAll(*client_, flood, start + harness_->short_timeout());
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kDeadlineExceeded,
                               HasSubstr("after writing")));
  EXPECT_GE(harness_->clock().Now() - start, harness_->short_timeout());
}

TEST_P(StreamBehaviourTest, WritingToAClosedPeerFailsWithoutSigpipe) {
  server_->Close();
  // The first writes may be accepted before the peer's reset comes back.
  absl::Status status;
  for (int i = 0; i < 100 && status.ok(); ++i) {
    status = WriteAll(*client_, std::string(1024, 'y'), Soon());
    if (status.ok()) {
      char buffer[1];
      // Give the reset a chance to arrive; the read reports it too.
      absl::StatusOr<size_t> read =
          client_->Read(absl::MakeSpan(buffer), harness_->clock().Now() +
                                                    harness_->short_timeout());
      if (!read.ok() && IsConnectionReset(read.status())) status = read.status();
    }
  }
  EXPECT_TRUE(IsConnectionReset(status)) << status;
}

TEST_P(StreamBehaviourTest, ConnectingWhereNothingListensIsRefused) {
  const SocketAddress address = listener_->local_address();
  listener_->Close();
  EXPECT_THAT(harness_->client_network().Connect(address, Soon()),
              StatusIs(absl::StatusCode::kUnavailable,
                       HasSubstr("Connection refused")));
}

TEST_P(StreamBehaviourTest, ClosedStreamRefusesFurtherUse) {
  client_->Close();
  char buffer[1];
  EXPECT_THAT(client_->Read(absl::MakeSpan(buffer), Soon()),
              StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(client_->Write("x", Soon()),
              StatusIs(absl::StatusCode::kFailedPrecondition));
}

INSTANTIATE_TEST_SUITE_P(AllHarnesses, StreamBehaviourTest,
                         ::testing::ValuesIn(testing::AllHarnesses()),
                         testing::HarnessTestName);

}  // namespace
}  // namespace wirecheck

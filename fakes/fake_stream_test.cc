#include "fakes/fake_stream.h"

#include <memory>
#include <string>
#include <utility>

#include "fakes/fake_clock.h"
#include "fakes/fault_log.h"
#include "fakes/fault_plan.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "protocols/common/status_matchers.h"
#include "protocols/transport/stream_util.h"

namespace wirecheck::fakes {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::wirecheck::testing::IsOkAndHolds;
using ::wirecheck::testing::StatusIs;

class FakeStreamTest : public ::testing::Test {
 protected:
  void Connect(FakeStreamOptions options = {}) {
    options.fault_log = &log_;
    auto pair = MakeFakeStreamPair(clock_, std::move(options));
    client_ = std::move(pair.first);
    server_ = std::move(pair.second);
  }

  // Connects with `plan`'s stream faults (up: client to server).
  void ConnectWithFaults(absl::string_view plan,
                         FakeStreamOptions options = {}) {
    absl::StatusOr<FaultPlan> parsed = ParseFaultPlan(plan);
    ASSERT_OK(parsed);
    options.up = parsed->stream(Direction::kUp);
    options.down = parsed->stream(Direction::kDown);
    Connect(std::move(options));
  }

  absl::Time In(absl::Duration d) { return clock_.Now() + d; }

  absl::StatusOr<std::string> ReadOnce(Stream& stream, absl::Time deadline,
                                       size_t max = 1 << 16) {
    std::string buffer(max, '\0');
    absl::StatusOr<size_t> n = stream.Read(absl::MakeSpan(buffer), deadline);
    if (!n.ok()) return n.status();
    buffer.resize(*n);
    return buffer;
  }

  FakeClock clock_;
  FaultLog log_;
  std::unique_ptr<FakeStream> client_;
  std::unique_ptr<FakeStream> server_;
};

TEST_F(FakeStreamTest, EachWriteIsOneSegmentSoReadsCanBeShort) {
  Connect();
  ASSERT_OK(WriteAll(*client_, "hello, ", absl::InfinitePast()));
  ASSERT_OK(WriteAll(*client_, "world", absl::InfinitePast()));
  EXPECT_THAT(ReadOnce(*server_, In(absl::Seconds(1))), IsOkAndHolds("hello, "));
  EXPECT_THAT(ReadOnce(*server_, In(absl::Seconds(1)), 3), IsOkAndHolds("wor"));
  EXPECT_THAT(ReadOnce(*server_, In(absl::Seconds(1))), IsOkAndHolds("ld"));
}

TEST_F(FakeStreamTest, AFullBufferGivesBackPressure) {
  FakeStreamOptions options;
  options.buffer_bytes = 1000;
  Connect(options);
  EXPECT_THAT(client_->Write(std::string(5000, 'x'), absl::InfinitePast()),
              IsOkAndHolds(1000));
  EXPECT_THAT(client_->Write("y", absl::InfinitePast()),
              StatusIs(absl::StatusCode::kDeadlineExceeded));
  EXPECT_EQ(client_->Readiness() & kWritable, 0u);
  EXPECT_THAT(ReadOnce(*server_, absl::InfinitePast(), 300),
              IsOkAndHolds(std::string(300, 'x')));
  EXPECT_NE(client_->Readiness() & kWritable, 0u);
  EXPECT_THAT(client_->Write(std::string(5000, 'z'), absl::InfinitePast()),
              IsOkAndHolds(300));
}

TEST_F(FakeStreamTest, ABlockedWriterResumesWhenThePeerReads) {
  FakeStreamOptions options;
  options.buffer_bytes = 10;
  Connect(options);
  const absl::Time start = clock_.Now();
  clock_.Schedule(start + absl::Seconds(2), [&] {
    char buffer[4];
    ASSERT_OK(server_->Read(absl::MakeSpan(buffer), absl::InfinitePast()));
  });
  ASSERT_OK(WriteAll(*client_, std::string(10, 'a'), absl::InfinitePast()));
  EXPECT_THAT(client_->Write("bbbb", start + absl::Seconds(5)),
              IsOkAndHolds(4));
  EXPECT_EQ(clock_.Now(), start + absl::Seconds(2));
}

TEST_F(FakeStreamTest, WriteDeadlineIsExactWhenThePeerNeverReads) {
  FakeStreamOptions options;
  options.buffer_bytes = 10;
  Connect(options);
  const absl::Time deadline = In(absl::Seconds(30));
  EXPECT_THAT(WriteAll(*client_, std::string(11, 'a'), deadline),
              StatusIs(absl::StatusCode::kDeadlineExceeded,
                       HasSubstr("after writing 10 of 11 bytes")));
  EXPECT_EQ(clock_.Now(), deadline);
}

TEST_F(FakeStreamTest, DelayAppliesToEveryByte) {
  FakeStreamOptions options;
  options.delay = absl::Milliseconds(10);
  Connect(options);
  const absl::Time start = clock_.Now();
  ASSERT_OK(WriteAll(*client_, "ping", absl::InfinitePast()));
  EXPECT_THAT(ReadOnce(*server_, absl::InfinitePast()),
              StatusIs(absl::StatusCode::kDeadlineExceeded));
  EXPECT_THAT(ReadOnce(*server_, start + absl::Seconds(1)), IsOkAndHolds("ping"));
  EXPECT_EQ(clock_.Now(), start + absl::Milliseconds(10));
}

TEST_F(FakeStreamTest, AbortLetsThePeerReadWhatArrivedThenReset) {
  Connect();
  ASSERT_OK(WriteAll(*server_, "abc", absl::InfinitePast()));
  server_->Abort();
  // As Linux: bytes already received, then the reset, then EOF.
  EXPECT_THAT(ReadOnce(*client_, In(absl::Seconds(1))), IsOkAndHolds("abc"));
  EXPECT_THAT(ReadOnce(*client_, In(absl::Seconds(1))),
              StatusIs(absl::StatusCode::kAborted,
                       HasSubstr("Connection reset by peer")));
  EXPECT_THAT(ReadOnce(*client_, In(absl::Seconds(1))), IsOkAndHolds(""));
  EXPECT_THAT(client_->Write("x", In(absl::Seconds(1))),
              StatusIs(absl::StatusCode::kAborted, HasSubstr("Broken pipe")));
  EXPECT_THAT(server_->Write("x", In(absl::Seconds(1))),
              StatusIs(absl::StatusCode::kFailedPrecondition));
}

TEST_F(FakeStreamTest, AbortDiscardsBytesStillInFlight) {
  FakeStreamOptions options;
  options.delay = absl::Milliseconds(50);
  Connect(options);
  ASSERT_OK(WriteAll(*server_, "never seen", absl::InfinitePast()));
  server_->Abort();
  EXPECT_THAT(ReadOnce(*client_, In(absl::Seconds(1))),
              StatusIs(absl::StatusCode::kAborted));
}

TEST_F(FakeStreamTest, ClosingWithUnreadInputResetsThePeer) {
  Connect();
  ASSERT_OK(WriteAll(*client_, "unread", absl::InfinitePast()));
  ASSERT_OK(WriteAll(*server_, "reply", absl::InfinitePast()));
  server_->Close();
  EXPECT_THAT(ReadOnce(*client_, In(absl::Seconds(1))), IsOkAndHolds("reply"));
  EXPECT_THAT(ReadOnce(*client_, In(absl::Seconds(1))),
              StatusIs(absl::StatusCode::kAborted));
}

TEST_F(FakeStreamTest, WritingToAClosedPeerBreaksThePipe) {
  Connect();
  server_->Close();
  // The first write is accepted; the closed peer answers with a reset.
  EXPECT_THAT(client_->Write("x", In(absl::Seconds(1))), IsOkAndHolds(1));
  EXPECT_THAT(client_->Write("y", In(absl::Seconds(1))),
              StatusIs(absl::StatusCode::kAborted, HasSubstr("Broken pipe")));
  // The peer's EOF had arrived first, so reads see EOF, as on Linux.
  EXPECT_THAT(ReadOnce(*client_, In(absl::Seconds(1))), IsOkAndHolds(""));
}

TEST_F(FakeStreamTest, ReadinessFollowsTheState) {
  Connect();
  EXPECT_EQ(server_->Readiness(), static_cast<uint32_t>(kWritable));
  ASSERT_OK(WriteAll(*client_, "x", absl::InfinitePast()));
  EXPECT_EQ(server_->Readiness(), static_cast<uint32_t>(kReadable | kWritable));
  ASSERT_OK(client_->Shutdown(ShutdownMode::kWrite));
  ASSERT_OK(ReadOnce(*server_, absl::InfinitePast()));
  EXPECT_NE(server_->Readiness() & kReadable, 0u);  // EOF is readable
  server_->Close();
  EXPECT_EQ(server_->Readiness(), 0u);
  EXPECT_EQ(server_->fd(), -1);
}

TEST_F(FakeStreamTest, AddressesAreTheOnesGiven) {
  Connect();
  EXPECT_EQ(client_->local_address(), FakeStreamOptions::DefaultClientAddress());
  EXPECT_EQ(client_->peer_address(), FakeStreamOptions::DefaultServerAddress());
  EXPECT_EQ(server_->local_address(), client_->peer_address());
  EXPECT_EQ(server_->peer_address(), client_->local_address());
}

TEST_F(FakeStreamTest, StreamsOutlivingTheirClockFailCleanly) {
  auto clock = std::make_unique<FakeClock>();
  auto [client, server] = MakeFakeStreamPair(*clock);
  clock.reset();
  EXPECT_THAT(client->Write("x", absl::InfinitePast()),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("clock is gone")));
  EXPECT_EQ(server->Readiness(), 0u);
}

// --- Stream faults ---

TEST_F(FakeStreamTest, SliceOneDeliversEachByteInItsOwnRead) {
  ConnectWithFaults("up:slice=1");
  const std::string message = "every byte alone";
  ASSERT_OK(WriteAll(*client_, message, absl::InfinitePast()));
  std::string received;
  int reads = 0;
  while (received.size() < message.size()) {
    ASSERT_OK_AND_ASSIGN(std::string chunk,
                         ReadOnce(*server_, In(absl::Seconds(1))));
    ASSERT_EQ(chunk.size(), 1u);
    received += chunk;
    ++reads;
  }
  EXPECT_EQ(received, message);
  EXPECT_EQ(reads, static_cast<int>(message.size()));
  // The other direction is untouched.
  ASSERT_OK(WriteAll(*server_, "whole", absl::InfinitePast()));
  EXPECT_THAT(ReadOnce(*client_, In(absl::Seconds(1))), IsOkAndHolds("whole"));
}

TEST_F(FakeStreamTest, HalfCloseAfter100GivesEofAtByte100WhileTheOtherWayFlows) {
  ConnectWithFaults("up:half_close_after=100");
  ASSERT_OK(WriteAll(*client_, std::string(60, 'a'), In(absl::Seconds(1))));
  ASSERT_OK(WriteAll(*client_, std::string(60, 'b'), In(absl::Seconds(1))));
  StreamCapture capture = ReadToEnd(*server_, 1 << 20, In(absl::Seconds(1)));
  EXPECT_EQ(capture.bytes, std::string(60, 'a') + std::string(40, 'b'));
  EXPECT_TRUE(capture.eof);
  // The client does not know: its later writes still succeed.
  EXPECT_OK(WriteAll(*client_, "lost", In(absl::Seconds(1))));
  // And the server can still answer.
  ASSERT_OK(WriteAll(*server_, "still here", In(absl::Seconds(1))));
  EXPECT_THAT(ReadExactly(*client_, 10, In(absl::Seconds(1))),
              IsOkAndHolds("still here"));
  EXPECT_THAT(log_.Indices("half_close_after"), ElementsAre(100));
  EXPECT_EQ(log_.Find("half_close_after")[0].path,
            "192.0.2.1:49152->192.0.2.2:1024 up");
}

TEST_F(FakeStreamTest, HalfCloseTowardTheClient) {
  ConnectWithFaults("down:half_close_after=3");
  ASSERT_OK(WriteAll(*server_, "abcdef", In(absl::Seconds(1))));
  StreamCapture capture = ReadToEnd(*client_, 1 << 20, In(absl::Seconds(1)));
  EXPECT_EQ(capture.bytes, "abc");
  EXPECT_TRUE(capture.eof);
}

TEST_F(FakeStreamTest, HalfCloseAfterZeroEndsTheDirectionAtOnce) {
  ConnectWithFaults("up:half_close_after=0");
  EXPECT_THAT(ReadOnce(*server_, absl::InfinitePast()), IsOkAndHolds(""));
}

TEST_F(FakeStreamTest, ResetAfterNDeliversNBytesThenResetsBothEnds) {
  ConnectWithFaults("down:reset_after=10");
  ASSERT_OK(WriteAll(*server_, std::string(50, 'r'), In(absl::Seconds(1))));
  StreamCapture capture = ReadToEnd(*client_, 1 << 20, In(absl::Seconds(1)));
  EXPECT_EQ(capture.bytes, std::string(10, 'r'));
  EXPECT_FALSE(capture.eof);
  EXPECT_THAT(capture.error, StatusIs(absl::StatusCode::kAborted,
                                      HasSubstr("Connection reset by peer")));
  EXPECT_THAT(server_->Write("more", In(absl::Seconds(1))),
              StatusIs(absl::StatusCode::kAborted));
}

TEST_F(FakeStreamTest, StallAcceptsButNeverDelivers) {
  FakeStreamOptions options;
  options.buffer_bytes = 1000;
  ConnectWithFaults("up:stall", options);
  const absl::Time start = clock_.Now();
  // Accepted until the buffer is full, then the writer blocks.
  EXPECT_THAT(WriteAll(*client_, std::string(2000, 's'), start + absl::Seconds(1)),
              StatusIs(absl::StatusCode::kDeadlineExceeded,
                       HasSubstr("after writing 1000 of 2000 bytes")));
  ASSERT_OK(client_->Shutdown(ShutdownMode::kWrite));
  // Neither the bytes nor the EOF ever arrive.
  EXPECT_THAT(ReadOnce(*server_, clock_.Now() + absl::Minutes(10)),
              StatusIs(absl::StatusCode::kDeadlineExceeded));
  EXPECT_EQ(clock_.Now(), start + absl::Seconds(1) + absl::Minutes(10));
  // The other direction flows.
  ASSERT_OK(WriteAll(*server_, "hi", absl::InfinitePast()));
  EXPECT_THAT(ReadOnce(*client_, absl::InfinitePast()), IsOkAndHolds("hi"));
}

TEST_F(FakeStreamTest, StallAfterDeliversThePrefixOnly) {
  ConnectWithFaults("up:stall_after=4");
  ASSERT_OK(WriteAll(*client_, "abcdefgh", absl::InfinitePast()));
  EXPECT_THAT(ReadOnce(*server_, In(absl::Seconds(1))), IsOkAndHolds("abcd"));
  EXPECT_THAT(ReadOnce(*server_, In(absl::Seconds(1))),
              StatusIs(absl::StatusCode::kDeadlineExceeded));
}

TEST_F(FakeStreamTest, BandwidthLimitsHowFastBytesArrive) {
  ConnectWithFaults("down:bandwidth=1000");  // bytes per second
  const absl::Time start = clock_.Now();
  ASSERT_OK(WriteAll(*server_, std::string(5000, 'b'), absl::InfinitePast()));
  // The first 10 bytes arrive after 10 ms...
  EXPECT_THAT(ReadOnce(*client_, start + absl::Seconds(1)),
              IsOkAndHolds(std::string(10, 'b')));
  EXPECT_EQ(clock_.Now(), start + absl::Milliseconds(10));
  // ...and the last after exactly 5 s.
  EXPECT_THAT(ReadExactly(*client_, 4990, start + absl::Seconds(10)),
              IsOkAndHolds(std::string(4990, 'b')));
  EXPECT_EQ(clock_.Now(), start + absl::Seconds(5));
}

TEST_F(FakeStreamTest, SlowCloseDelaysTheEofOnly) {
  ConnectWithFaults("up:slow_close=2s");
  const absl::Time start = clock_.Now();
  ASSERT_OK(WriteAll(*client_, "bye", absl::InfinitePast()));
  ASSERT_OK(client_->Shutdown(ShutdownMode::kWrite));
  EXPECT_THAT(ReadOnce(*server_, start + absl::Seconds(5)), IsOkAndHolds("bye"));
  EXPECT_EQ(clock_.Now(), start);
  EXPECT_THAT(ReadOnce(*server_, start + absl::Seconds(5)), IsOkAndHolds(""));
  EXPECT_EQ(clock_.Now(), start + absl::Seconds(2));
}

TEST_F(FakeStreamTest, PlanDelayAddsToTheLinkDelay) {
  FakeStreamOptions options;
  options.delay = absl::Milliseconds(1);
  ConnectWithFaults("up:delay=100ms", options);
  const absl::Time start = clock_.Now();
  ASSERT_OK(WriteAll(*client_, "late", absl::InfinitePast()));
  EXPECT_THAT(ReadOnce(*server_, start + absl::Seconds(1)), IsOkAndHolds("late"));
  EXPECT_EQ(clock_.Now(), start + absl::Milliseconds(101));
  ASSERT_OK(WriteAll(*server_, "back", absl::InfinitePast()));
  EXPECT_THAT(ReadOnce(*client_, start + absl::Seconds(1)), IsOkAndHolds("back"));
  EXPECT_EQ(clock_.Now(), start + absl::Milliseconds(102));
}

}  // namespace
}  // namespace wirecheck::fakes

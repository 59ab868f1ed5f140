#include "fakes/fake_event_loop.h"

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "fakes/fake_clock.h"
#include "fakes/fake_stream.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "protocols/common/status_matchers.h"
#include "protocols/transport/stream_util.h"

namespace wirecheck::fakes {
namespace {

using ::testing::ElementsAre;
using ::wirecheck::testing::IsOkAndHolds;
using ::wirecheck::testing::StatusIs;

class FakeEventLoopTest : public ::testing::Test {
 protected:
  absl::Time Now() { return clock_.Now(); }

  FakeClock clock_;
  FakeEventLoop loop_{clock_};
};

TEST_F(FakeEventLoopTest, TimersRunInDueOrderAndTiesInOrderAdded) {
  std::vector<int> order;
  const absl::Time base = Now();
  loop_.AddTimer(base + absl::Seconds(2), [&] { order.push_back(3); });
  loop_.AddTimer(base, [&] { order.push_back(1); });
  loop_.AddTimer(base, [&] { order.push_back(2); });
  loop_.AddTimer(base + absl::Seconds(2), [&] { order.push_back(4); });
  ASSERT_OK(loop_.Run());  // returns once nothing is pending
  EXPECT_THAT(order, ElementsAre(1, 2, 3, 4));
  EXPECT_EQ(Now(), base + absl::Seconds(2));
}

TEST_F(FakeEventLoopTest, CancelledTimerNeverRuns) {
  bool ran = false;
  const EventLoop::TimerId id = loop_.AddTimer(Now(), [&] { ran = true; });
  loop_.CancelTimer(id);
  loop_.CancelTimer(12345);  // unknown ids are ignored
  ASSERT_OK(loop_.Run());
  EXPECT_FALSE(ran);
}

TEST_F(FakeEventLoopTest, StopEndsRunAfterTheCurrentCallback) {
  std::vector<int> order;
  loop_.AddTimer(Now() + absl::Seconds(1), [&] {
    order.push_back(1);
    loop_.Stop();
  });
  loop_.AddTimer(Now() + absl::Seconds(2), [&] { order.push_back(2); });
  ASSERT_OK(loop_.Run());
  EXPECT_THAT(order, ElementsAre(1));
  ASSERT_OK(loop_.Run());
  EXPECT_THAT(order, ElementsAre(1, 2));
}

TEST_F(FakeEventLoopTest, PostAndStopWorkFromAnotherThread) {
  std::atomic<int> posted{0};
  std::thread other([&] {
    loop_.Post([&] { posted++; });
    loop_.Post([&] { posted++; });
    loop_.Stop();
  });
  other.join();
  // Stop() before Run() makes the next Run() return at once...
  ASSERT_OK(loop_.Run());
  // ...and the posted tasks run on the following one.
  ASSERT_OK(loop_.Run());
  EXPECT_EQ(posted.load(), 2);
}

TEST_F(FakeEventLoopTest, PostedTasksRunAtTheCurrentTime) {
  const absl::Time start = Now();
  absl::Time ran_at;
  loop_.Post([&] { ran_at = Now(); });
  clock_.RunDue();
  EXPECT_EQ(ran_at, start);
}

TEST_F(FakeEventLoopTest, WatchIsLevelTriggered) {
  auto [client, server] = MakeFakeStreamPair(clock_);
  ASSERT_OK(WriteAll(*client, "abcdef", absl::InfinitePast()));
  std::string received;
  int calls = 0;
  ASSERT_OK(loop_.Watch(*server, kReadable, [&](uint32_t ready) {
    EXPECT_EQ(ready, kReadable);
    ++calls;
    // Consume two bytes at a time: still readable, so called again.
    char buffer[2];
    absl::StatusOr<size_t> n =
        server->Read(absl::MakeSpan(buffer), absl::InfinitePast());
    if (n.ok()) received.append(buffer, *n);
  }));
  clock_.RunDue();
  EXPECT_EQ(received, "abcdef");
  EXPECT_EQ(calls, 3);
  // Nothing more to read: no more calls until something arrives.
  clock_.Advance(absl::Seconds(10));
  EXPECT_EQ(calls, 3);
  ASSERT_OK(WriteAll(*client, "g", absl::InfinitePast()));
  clock_.RunDue();
  EXPECT_EQ(received, "abcdefg");
  loop_.Unwatch(*server);
}

TEST_F(FakeEventLoopTest, WritableAndErrorsAreReported) {
  auto [client, server] = MakeFakeStreamPair(clock_);
  std::vector<uint32_t> seen;
  ASSERT_OK(loop_.Watch(*client, kReadable | kWritable, [&](uint32_t ready) {
    seen.push_back(ready);
    loop_.Watch(*client, kReadable, [&](uint32_t ready) {
      seen.push_back(ready);
      loop_.Unwatch(*client);
    });
  }));
  clock_.RunDue();
  server->Abort();
  clock_.RunDue();
  // Writable at first; then the reset makes it readable.
  EXPECT_THAT(seen, ElementsAre(kWritable, kReadable));
}

TEST_F(FakeEventLoopTest, UnwatchStopsCallbacksEvenWithinABatch) {
  auto [a_client, a_server] = MakeFakeStreamPair(clock_);
  auto [b_client, b_server] = MakeFakeStreamPair(clock_);
  ASSERT_OK(WriteAll(*a_client, "a", absl::InfinitePast()));
  ASSERT_OK(WriteAll(*b_client, "b", absl::InfinitePast()));
  int b_calls = 0;
  ASSERT_OK(loop_.Watch(*a_server, kReadable,
                        [&](uint32_t) { loop_.Unwatch(*b_server); }));
  ASSERT_OK(loop_.Watch(*b_server, kReadable, [&](uint32_t) { ++b_calls; }));
  // Level-triggered a_server keeps firing; stop it after the first round.
  clock_.RunNext(Now());
  loop_.Unwatch(*a_server);
  clock_.RunDue();
  EXPECT_EQ(b_calls, 0);
  EXPECT_EQ(loop_.watch_count(), 0u);
}

TEST_F(FakeEventLoopTest, OnlyFakeSocketsCanBeWatched) {
  class RealFd : public Waitable {
   public:
    int fd() const override { return 0; }
  } real;
  EXPECT_THAT(loop_.Watch(real, kReadable, [](uint32_t) {}),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST_F(FakeEventLoopTest, ADestroyedSocketIsForgotten) {
  auto [client, server] = MakeFakeStreamPair(clock_);
  ASSERT_OK(loop_.Watch(*server, kReadable, [](uint32_t) {}));
  EXPECT_EQ(loop_.watch_count(), 1u);
  server.reset();
  EXPECT_EQ(loop_.watch_count(), 0u);
  clock_.RunDue();
}

TEST_F(FakeEventLoopTest, ABlockedCallbackKeepsTheLoopBusyButTheWorldMoves) {
  auto [client, server] = MakeFakeStreamPair(clock_);
  const absl::Time start = Now();
  std::vector<std::string> order;
  // The peer's bytes arrive at +300ms (a world event, not the loop's).
  clock_.Schedule(start + absl::Milliseconds(300), [&] {
    ASSERT_OK(WriteAll(*client, "late", absl::InfinitePast()));
  });
  loop_.AddTimer(start, [&] {
    char buffer[8];
    // Blocks, pumping the clock: the write above happens meanwhile.
    EXPECT_THAT(server->Read(absl::MakeSpan(buffer), start + absl::Seconds(1)),
                IsOkAndHolds(4));
    order.push_back("read done");
  });
  // Due while the first callback is blocked: runs only after it returns.
  loop_.AddTimer(start + absl::Milliseconds(100),
                 [&] { order.push_back("second timer"); });
  ASSERT_OK(loop_.Run());
  EXPECT_THAT(order, ElementsAre("read done", "second timer"));
}

TEST_F(FakeEventLoopTest, DestroyingTheLoopCancelsItsTimers) {
  bool ran = false;
  {
    FakeEventLoop loop(clock_);
    loop.AddTimer(Now() + absl::Seconds(1), [&] { ran = true; });
  }
  clock_.Advance(absl::Seconds(2));
  EXPECT_FALSE(ran);
  EXPECT_EQ(clock_.pending_events(), 0u);
}

// A client blocking on a read while an echo service runs on the loop: the
// read pumps the world and the whole exchange takes no real time.
TEST_F(FakeEventLoopTest, ClientBlockingOnReadDrivesAServerOnTheLoop) {
  auto [client, server] = MakeFakeStreamPair(clock_);
  ASSERT_OK(loop_.Watch(*server, kReadable, [&, server = server.get()](uint32_t) {
    char buffer[64];
    absl::StatusOr<size_t> n =
        server->Read(absl::MakeSpan(buffer), absl::InfinitePast());
    if (!n.ok() || *n == 0) {
      loop_.Unwatch(*server);
      server->Close();
      return;
    }
    ASSERT_OK(WriteAll(*server, absl::string_view(buffer, *n),
                       absl::InfinitePast()));
  }));
  const absl::Time start = Now();
  ASSERT_OK(WriteAll(*client, "echo me", start + absl::Seconds(1)));
  EXPECT_THAT(ReadExactly(*client, 7, start + absl::Seconds(1)),
              IsOkAndHolds("echo me"));
  ASSERT_OK(client->Shutdown(ShutdownMode::kWrite));
  EXPECT_TRUE(ReadToEnd(*client, 16, start + absl::Seconds(1)).eof);
  EXPECT_EQ(Now(), start);  // no delay: nothing needed time to pass
}

}  // namespace
}  // namespace wirecheck::fakes

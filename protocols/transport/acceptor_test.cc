#include "protocols/transport/acceptor.h"

#include <deque>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "fakes/fake_clock.h"
#include "fakes/fake_event_loop.h"
#include "fakes/fake_stream.h"
#include "fakes/fake_waitable.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "protocols/common/status_matchers.h"

namespace wirecheck {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;
using ::wirecheck::testing::StatusIs;

// A listener that hands out, in order, the connections and errors a test
// queues; readable while any are queued.
class ScriptedListener : public Listener, public fakes::FakeWaitable {
 public:
  int fd() const override { return -1; }
  uint32_t Readiness() const override {
    return !closed_ && !queue_.empty() ? kReadable : 0;
  }
  absl::StatusOr<std::unique_ptr<Stream>> Accept(absl::Time) override {
    if (closed_) return absl::FailedPreconditionError("closed");
    if (queue_.empty()) return absl::DeadlineExceededError("none pending");
    absl::StatusOr<std::unique_ptr<Stream>> next = std::move(queue_.front());
    queue_.pop_front();
    return next;
  }
  SocketAddress local_address() const override {
    return fakes::FakeStreamOptions::DefaultServerAddress();
  }
  void Close() override {
    closed_ = true;
    NotifyReadinessChanged();
  }

  void Queue(absl::StatusOr<std::unique_ptr<Stream>> next) {
    queue_.push_back(std::move(next));
    NotifyReadinessChanged();
  }
  bool closed() const { return closed_; }

 private:
  std::deque<absl::StatusOr<std::unique_ptr<Stream>>> queue_;
  bool closed_ = false;
};

class AcceptorTest : public ::testing::Test {
 protected:
  // Queues a connection; returns its client side.
  std::unique_ptr<fakes::FakeStream> Connect() {
    auto [client, server] = fakes::MakeFakeStreamPair(clock_);
    listener_->Queue(std::unique_ptr<Stream>(std::move(server)));
    return std::move(client);
  }

  std::unique_ptr<Acceptor> MakeAcceptor(size_t max_connections) {
    return std::make_unique<Acceptor>(
        loop_, std::move(owned_listener_),
        AcceptorOptions{
            .max_connections = max_connections,
            .open_connections = [this] { return accepted_.size(); },
            .on_connection =
                [this](std::unique_ptr<Stream> stream) {
                  accepted_.push_back(std::move(stream));
                },
            .on_rejected = [this] { ++rejected_; },
            .log = [this](absl::string_view line) { log_.emplace_back(line); },
        });
  }

  // True when the peer of `client` closed the connection: a read returns
  // EOF or a reset at once.
  bool ClosedByServer(fakes::FakeStream& client) {
    char byte;
    absl::StatusOr<size_t> read =
        client.Read(absl::MakeSpan(&byte, 1), clock_.Now());
    if (read.ok()) return *read == 0;
    return read.status().code() != absl::StatusCode::kDeadlineExceeded;
  }

  fakes::FakeClock clock_;
  fakes::FakeEventLoop loop_{clock_};
  std::unique_ptr<ScriptedListener> owned_listener_ =
      std::make_unique<ScriptedListener>();
  ScriptedListener* const listener_ = owned_listener_.get();
  std::vector<std::unique_ptr<Stream>> accepted_;
  int rejected_ = 0;
  std::vector<std::string> log_;
};

TEST_F(AcceptorTest, AcceptsEveryPendingConnection) {
  std::unique_ptr<Acceptor> acceptor = MakeAcceptor(100);
  ASSERT_OK(acceptor->Start());
  for (int i = 0; i < 3; ++i) Connect();

  clock_.RunDue();

  EXPECT_THAT(accepted_, SizeIs(3));
  EXPECT_EQ(rejected_, 0);
  EXPECT_THAT(log_, IsEmpty());
}

TEST_F(AcceptorTest, AcceptsNothingBeforeStart) {
  std::unique_ptr<Acceptor> acceptor = MakeAcceptor(100);
  Connect();

  clock_.RunDue();

  EXPECT_THAT(accepted_, IsEmpty());
}

TEST_F(AcceptorTest, ClosesConnectionsBeyondTheLimitAndLogsOncePerSecond) {
  std::unique_ptr<Acceptor> acceptor = MakeAcceptor(2);
  ASSERT_OK(acceptor->Start());
  Connect();
  Connect();
  std::unique_ptr<fakes::FakeStream> third = Connect();
  std::unique_ptr<fakes::FakeStream> fourth = Connect();

  clock_.RunDue();

  EXPECT_THAT(accepted_, SizeIs(2));
  EXPECT_EQ(rejected_, 2);
  EXPECT_TRUE(ClosedByServer(*third));
  EXPECT_TRUE(ClosedByServer(*fourth));
  EXPECT_THAT(log_, ElementsAre(HasSubstr("connection limit (2) reached")));

  clock_.Advance(absl::Seconds(1));
  std::unique_ptr<fakes::FakeStream> fifth = Connect();
  clock_.RunDue();

  EXPECT_EQ(rejected_, 3);
  EXPECT_TRUE(ClosedByServer(*fifth));
  EXPECT_THAT(log_, SizeIs(2));
}

TEST_F(AcceptorTest, PausesForAMomentAfterAnAcceptError) {
  std::unique_ptr<Acceptor> acceptor = MakeAcceptor(100);
  ASSERT_OK(acceptor->Start());
  listener_->Queue(absl::ResourceExhaustedError("Too many open files"));
  Connect();

  clock_.RunDue();
  EXPECT_THAT(log_, ElementsAre(HasSubstr("accept failed: RESOURCE_EXHAUSTED")));
  EXPECT_THAT(accepted_, IsEmpty());

  clock_.Advance(absl::Milliseconds(99));
  EXPECT_THAT(accepted_, IsEmpty());

  clock_.Advance(absl::Milliseconds(1));
  EXPECT_THAT(accepted_, SizeIs(1));
}

TEST_F(AcceptorTest, CloseDuringThePauseStaysClosed) {
  std::unique_ptr<Acceptor> acceptor = MakeAcceptor(100);
  ASSERT_OK(acceptor->Start());
  listener_->Queue(absl::ResourceExhaustedError("Too many open files"));
  Connect();
  clock_.RunDue();

  acceptor->Close();
  clock_.Advance(absl::Seconds(1));

  EXPECT_TRUE(listener_->closed());
  EXPECT_THAT(accepted_, IsEmpty());
  EXPECT_EQ(loop_.watch_count(), 0u);
}

TEST_F(AcceptorTest, DestroyingDuringThePauseCancelsTheRetry) {
  std::unique_ptr<Acceptor> acceptor = MakeAcceptor(100);
  ASSERT_OK(acceptor->Start());
  listener_->Queue(absl::ResourceExhaustedError("Too many open files"));
  clock_.RunDue();
  ASSERT_EQ(clock_.pending_events(), 1u);

  acceptor.reset();

  EXPECT_EQ(clock_.pending_events(), 0u);
  EXPECT_EQ(loop_.watch_count(), 0u);
}

TEST_F(AcceptorTest, StartFailsForAListenerTheLoopCannotWatch) {
  class RealLookingListener : public Listener {
   public:
    int fd() const override { return 3; }
    absl::StatusOr<std::unique_ptr<Stream>> Accept(absl::Time) override {
      return absl::DeadlineExceededError("none");
    }
    SocketAddress local_address() const override { return SocketAddress(); }
    void Close() override {}
  };
  Acceptor acceptor(loop_, std::make_unique<RealLookingListener>(), {});

  EXPECT_THAT(acceptor.Start(),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace wirecheck

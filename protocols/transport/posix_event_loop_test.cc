#include "protocols/transport/posix_event_loop.h"

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "protocols/common/status_matchers.h"
#include "protocols/transport/posix_network.h"

namespace wirecheck {
namespace {

using ::testing::ElementsAre;

class PosixEventLoopTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_OK_AND_ASSIGN(loop_, PosixEventLoop::Create()); }
  absl::Time Now() { return loop_->clock().Now(); }

  std::unique_ptr<PosixEventLoop> loop_;
};

TEST_F(PosixEventLoopTest, TimersRunInDueOrderAndTiesInOrderAdded) {
  std::vector<int> order;
  const absl::Time base = Now();
  loop_->AddTimer(base + absl::Milliseconds(2), [&] { order.push_back(3); });
  loop_->AddTimer(base, [&] { order.push_back(1); });
  loop_->AddTimer(base, [&] { order.push_back(2); });
  loop_->AddTimer(base + absl::Milliseconds(2), [&] {
    order.push_back(4);
    loop_->Stop();
  });
  ASSERT_OK(loop_->Run());
  EXPECT_THAT(order, ElementsAre(1, 2, 3, 4));
  EXPECT_GE(Now(), base + absl::Milliseconds(2));
}

TEST_F(PosixEventLoopTest, CancelledTimerNeverRuns) {
  bool ran = false;
  const EventLoop::TimerId id = loop_->AddTimer(Now(), [&] { ran = true; });
  loop_->CancelTimer(id);
  loop_->CancelTimer(12345);  // unknown ids are ignored
  loop_->AddTimer(Now() + absl::Milliseconds(1), [&] { loop_->Stop(); });
  ASSERT_OK(loop_->Run());
  EXPECT_FALSE(ran);
}

TEST_F(PosixEventLoopTest, PostAndStopWorkFromAnotherThread) {
  std::atomic<int> posted{0};
  std::thread other([&] {
    loop_->Post([&] { posted++; });
    loop_->Post([&] {
      posted++;
      loop_->Stop();
    });
  });
  ASSERT_OK(loop_->Run());
  other.join();
  EXPECT_EQ(posted.load(), 2);
}

TEST_F(PosixEventLoopTest, StopBeforeRunReturnsAtOnce) {
  loop_->Stop();
  EXPECT_OK(loop_->Run());
}

TEST_F(PosixEventLoopTest, WatchReportsReadableUntilUnwatched) {
  ASSERT_OK_AND_ASSIGN(auto receiver,
                       RealNetwork().OpenDatagram(
                           SocketAddress::Loopback(AddressFamily::kIPv4, 0), {}));
  ASSERT_OK_AND_ASSIGN(auto sender,
                       RealNetwork().OpenDatagram(
                           SocketAddress::Loopback(AddressFamily::kIPv4, 0), {}));
  ASSERT_OK(sender->SendTo("a", receiver->local_address()));
  ASSERT_OK(sender->SendTo("b", receiver->local_address()));
  std::vector<std::string> received;
  ASSERT_OK(loop_->Watch(*receiver, kReadable, [&](uint32_t ready) {
    EXPECT_EQ(ready, kReadable);
    char buffer[8];
    absl::StatusOr<ReceivedDatagram> datagram =
        receiver->ReceiveFrom(absl::MakeSpan(buffer), absl::InfinitePast());
    ASSERT_OK(datagram);
    received.emplace_back(buffer, datagram->size);
    // Level-triggered: one datagram per callback, and the second callback
    // comes because the socket is still readable.
    if (received.size() == 2) {
      loop_->Unwatch(*receiver);
      loop_->AddTimer(Now() + absl::Milliseconds(5), [&] { loop_->Stop(); });
    }
  }));
  ASSERT_OK(loop_->Run());
  EXPECT_THAT(received, ElementsAre("a", "b"));
}

TEST_F(PosixEventLoopTest, ASocketClosedWithoutUnwatchDoesNotCaptureItsFd) {
  const SocketAddress loopback = SocketAddress::Loopback(AddressFamily::kIPv4, 0);
  ASSERT_OK_AND_ASSIGN(auto first, RealNetwork().OpenDatagram(loopback, {}));
  int stale_calls = 0;
  ASSERT_OK(loop_->Watch(*first, kReadable, [&](uint32_t) { ++stale_calls; }));
  const int fd = first->fd();
  first->Close();  // closed while still watched
  ASSERT_OK_AND_ASSIGN(auto second, RealNetwork().OpenDatagram(loopback, {}));
  ASSERT_EQ(second->fd(), fd) << "the kernel reuses the lowest free fd";
  std::string received;
  ASSERT_OK(loop_->Watch(*second, kReadable, [&](uint32_t) {
    char buffer[8];
    auto datagram = second->ReceiveFrom(absl::MakeSpan(buffer), absl::InfinitePast());
    if (datagram.ok()) received.assign(buffer, datagram->size);
    loop_->Stop();
  }));
  // Unwatching the closed socket must not disturb the new one.
  loop_->Unwatch(*first);
  ASSERT_OK_AND_ASSIGN(auto sender, RealNetwork().OpenDatagram(loopback, {}));
  ASSERT_OK(sender->SendTo("new", second->local_address()));
  ASSERT_OK(loop_->Run());
  EXPECT_EQ(received, "new");
  EXPECT_EQ(stale_calls, 0);
}

TEST_F(PosixEventLoopTest, RejectsWaitablesWithoutADescriptor) {
  class NotASocket : public Waitable {
   public:
    int fd() const override { return -1; }
  } fake;
  EXPECT_THAT(loop_->Watch(fake, kReadable, [](uint32_t) {}),
              testing::StatusIs(absl::StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace wirecheck

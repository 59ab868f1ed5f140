#include "tools/proxy/upstream_connector.h"

#include <future>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "protocols/common/status_matchers.h"
#include "protocols/transport/posix_event_loop.h"
#include "protocols/transport/posix_network.h"

namespace wirecheck::proxy {
namespace {

constexpr absl::Duration kLong = absl::Seconds(10);

absl::Time In(absl::Duration d) { return RealClock().Now() + d; }

// A PosixEventLoop running on its own thread.
class LoopThread {
 public:
  LoopThread() : loop_(*PosixEventLoop::Create()) {
    thread_ = std::thread([this] { loop_->Run().IgnoreError(); });
  }
  ~LoopThread() {
    loop_->Stop();
    thread_.join();
  }
  EventLoop& loop() { return *loop_; }
  // Runs `task` on the loop's thread and waits for it.
  void Run(const std::function<void()>& task) {
    std::promise<void> done;
    loop_->Post([&] {
      task();
      done.set_value();
    });
    done.get_future().wait();
  }

 private:
  std::unique_ptr<PosixEventLoop> loop_;
  std::thread thread_;
};

TEST(UpstreamConnectorTest, DeliversConnectedStreamsOnTheLoopThread) {
  ASSERT_OK_AND_ASSIGN(
      std::unique_ptr<Listener> listener,
      RealNetwork().Listen(SocketAddress::Loopback(AddressFamily::kIPv4, 0),
                           ListenOptions()));
  LoopThread loop;
  std::unique_ptr<UpstreamConnector> connector;
  loop.Run([&] {
    connector = std::make_unique<UpstreamConnector>(loop.loop(), RealNetwork(), 2);
  });
  constexpr int kConnects = 5;
  std::vector<std::promise<std::thread::id>> results(kConnects);
  std::vector<std::unique_ptr<Stream>> streams(kConnects);
  loop.Run([&] {
    for (int i = 0; i < kConnects; ++i) {
      connector->Connect(listener->local_address(), kLong,
                         [&, i](absl::StatusOr<std::unique_ptr<Stream>> stream) {
                           EXPECT_OK(stream.status());
                           if (stream.ok()) streams[i] = *std::move(stream);
                           results[i].set_value(std::this_thread::get_id());
                         });
    }
  });
  std::thread::id loop_thread;
  loop.Run([&] { loop_thread = std::this_thread::get_id(); });
  for (auto& result : results) {
    EXPECT_EQ(result.get_future().get(), loop_thread);
  }
  for (int i = 0; i < kConnects; ++i) {
    EXPECT_OK(listener->Accept(In(kLong)).status());
  }
  loop.Run([&] {
    streams.clear();
    connector.reset();
  });
}

TEST(UpstreamConnectorTest, ReportsARefusedConnect) {
  ASSERT_OK_AND_ASSIGN(
      std::unique_ptr<Listener> gone,
      RealNetwork().Listen(SocketAddress::Loopback(AddressFamily::kIPv6, 0),
                           ListenOptions()));
  const SocketAddress address = gone->local_address();
  gone->Close();
  LoopThread loop;
  std::unique_ptr<UpstreamConnector> connector;
  // Plain text crosses threads: Debian's abseil is not TSan-instrumented,
  // so a shared absl::Status would look racy.
  std::promise<std::string> result;
  loop.Run([&] {
    connector = std::make_unique<UpstreamConnector>(loop.loop(), RealNetwork());
    connector->Connect(address, kLong,
                       [&](absl::StatusOr<std::unique_ptr<Stream>> stream) {
                         result.set_value(stream.status().ToString());
                       });
  });
  const std::string status = result.get_future().get();
  EXPECT_THAT(status, ::testing::StartsWith("UNAVAILABLE: "));
  EXPECT_THAT(status, ::testing::HasSubstr("Connection refused"));
  loop.Run([&] { connector.reset(); });
}

TEST(UpstreamConnectorTest, CancelledConnectsNeverCallBack) {
  ASSERT_OK_AND_ASSIGN(
      std::unique_ptr<Listener> listener,
      RealNetwork().Listen(SocketAddress::Loopback(AddressFamily::kIPv4, 0),
                           ListenOptions()));
  LoopThread loop;
  std::unique_ptr<UpstreamConnector> connector;
  bool called = false;
  std::promise<void> second_done;
  loop.Run([&] {
    connector = std::make_unique<UpstreamConnector>(loop.loop(), RealNetwork(), 1);
    const UpstreamConnector::Id first = connector->Connect(
        listener->local_address(), kLong,
        [&](absl::StatusOr<std::unique_ptr<Stream>>) { called = true; });
    connector->Cancel(first);
    // One thread: the second finishes after the first.
    connector->Connect(listener->local_address(), kLong,
                       [&](absl::StatusOr<std::unique_ptr<Stream>>) {
                         second_done.set_value();
                       });
  });
  second_done.get_future().wait();
  loop.Run([&] {
    EXPECT_FALSE(called);
    connector.reset();
  });
}

TEST(UpstreamConnectorTest, DestroyingItDropsResultsStillOnTheirWay) {
  ASSERT_OK_AND_ASSIGN(
      std::unique_ptr<Listener> listener,
      RealNetwork().Listen(SocketAddress::Loopback(AddressFamily::kIPv4, 0),
                           ListenOptions()));
  LoopThread loop;
  bool called = false;
  loop.Run([&] {
    UpstreamConnector connector(loop.loop(), RealNetwork());
    connector.Connect(listener->local_address(), kLong,
                      [&](absl::StatusOr<std::unique_ptr<Stream>>) {
                        called = true;
                      });
    // Destroyed here, on the loop's thread, before the result can run.
  });
  loop.Run([] {});
  loop.Run([&] { EXPECT_FALSE(called); });
}

}  // namespace
}  // namespace wirecheck::proxy

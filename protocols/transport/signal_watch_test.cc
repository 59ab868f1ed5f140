#include "protocols/transport/signal_watch.h"

#include <signal.h>

#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "protocols/common/status_matchers.h"
#include "protocols/transport/posix_event_loop.h"

namespace wirecheck {
namespace {

using ::testing::UnorderedElementsAre;

TEST(SignalWatchTest, SignalsArriveOnTheLoopInsteadOfKillingTheProcess) {
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<PosixEventLoop> loop,
                       PosixEventLoop::Create());
  std::vector<int> received;
  ASSERT_OK_AND_ASSIGN(
      std::unique_ptr<SignalWatch> watch,
      SignalWatch::Create(*loop, {SIGINT, SIGTERM}, [&](int signo) {
        received.push_back(signo);
        if (received.size() == 2) loop->Stop();
      }));
  loop->Post([] { raise(SIGTERM); });
  loop->Post([] { raise(SIGINT); });
  ASSERT_OK(loop->Run());
  // Pending signals are delivered by number, not in the order raised.
  EXPECT_THAT(received, UnorderedElementsAre(SIGTERM, SIGINT));
}

TEST(SignalWatchTest, DestroyingTheWatchRestoresTheSignalMask) {
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<PosixEventLoop> loop,
                       PosixEventLoop::Create());
  sigset_t before;
  pthread_sigmask(SIG_SETMASK, nullptr, &before);
  ASSERT_FALSE(sigismember(&before, SIGUSR1));
  {
    ASSERT_OK_AND_ASSIGN(auto watch,
                         SignalWatch::Create(*loop, {SIGUSR1}, [](int) {}));
    sigset_t during;
    pthread_sigmask(SIG_SETMASK, nullptr, &during);
    EXPECT_TRUE(sigismember(&during, SIGUSR1));
  }
  sigset_t after;
  pthread_sigmask(SIG_SETMASK, nullptr, &after);
  EXPECT_FALSE(sigismember(&after, SIGUSR1));
}

}  // namespace
}  // namespace wirecheck

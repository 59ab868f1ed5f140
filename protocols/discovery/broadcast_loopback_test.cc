// Several responders on one machine sharing a port, found by a broadcast to
// 127.255.255.255 (the local routing table delivers it as a broadcast on
// lo to every socket bound to the port).
#include <memory>
#include <vector>

#include "fakes/loopback_harness.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "protocols/common/status_matchers.h"
#include "protocols/discovery/browser.h"
#include "protocols/discovery/responder.h"

namespace wirecheck::discovery {
namespace {

using ::testing::Each;
using ::testing::Field;
using ::testing::UnorderedElementsAre;

class BroadcastLoopbackTest : public ::testing::Test {
 protected:
  // Starts `count` responders on 0.0.0.0, all on the port the first got.
  void StartResponders(int count) {
    uint16_t port = 0;
    for (int i = 0; i < count; ++i) {
      ResponderOptions options;
      options.records = {{"echo", absl::StrCat("host-", i), static_cast<uint16_t>(7000 + i), {}}};
      options.min_reply_delay = absl::Milliseconds(1);
      options.max_reply_delay = absl::Milliseconds(5);
      options.seed = i;
      // Announcements would go to port 0 here; these tests only query.
      options.initial_announcements = 0;
      options.announce_to = {*SocketAddress::Parse("127.0.0.1:9")};
      absl::StatusOr<StartedResponder> started = StartResponder(
          server_, harness_.server_network(), options,
          {SocketAddress::Any(AddressFamily::kIPv4, port)});
      ASSERT_OK(started);
      port = started->addresses.front().port();
    }
    port_ = port;
    harness_.StartServers();
  }

  BrowseOptions Browsing() {
    BrowseOptions browse;
    browse.destinations = {*SocketAddress::Parse(absl::StrCat("127.255.255.255:", port_))};
    browse.timeout = absl::Milliseconds(200);
    browse.schedule = {absl::ZeroDuration(), absl::Milliseconds(50)};
    return browse;
  }

  void TearDown() override { harness_.StopServers(); }

  testing::LoopbackHarness harness_{AddressFamily::kIPv4};
  Server server_{harness_.server_loop(), harness_.server_network()};
  uint16_t port_ = 0;
};

TEST_F(BroadcastLoopbackTest, BroadcastFindsEveryResponderSharingThePort) {
  StartResponders(3);
  ASSERT_OK_AND_ASSIGN(BrowseResult result,
                       Browse(harness_.client_network(), Browsing()));
  EXPECT_THAT(result.instances,
              UnorderedElementsAre(Field(&FoundInstance::instance, "host-0"),
                                   Field(&FoundInstance::instance, "host-1"),
                                   Field(&FoundInstance::instance, "host-2")));
  EXPECT_THAT(result.instances, Each(Field(&FoundInstance::replies, 1)));
}

TEST_F(BroadcastLoopbackTest, LegacyHelloByBroadcastReachesEveryResponder) {
  StartResponders(2);
  BrowseOptions browse = Browsing();
  browse.legacy = true;
  browse.schedule = {absl::ZeroDuration()};
  ASSERT_OK_AND_ASSIGN(BrowseResult result,
                       Browse(harness_.client_network(), browse));
  // Both answer from the same address and port, so the browser lists one
  // responder address and counts the second answer as a repeat.
  EXPECT_EQ(result.replies, 2);
}

}  // namespace
}  // namespace wirecheck::discovery

// Discovery on the simulated network: many responders on a link, loss and
// duplication, two links, with the fake clock, so the reply-delay window,
// the suppression rules and the announcement schedule are asserted exactly.
#include <algorithm>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "fakes/fake_clock.h"
#include "fakes/fake_event_loop.h"
#include "fakes/seed.h"
#include "fakes/simulated_network.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "protocols/common/status_matchers.h"
#include "protocols/discovery/browser.h"
#include "protocols/discovery/responder.h"

namespace wirecheck::discovery {
namespace {

using ::testing::Each;
using ::testing::Field;
using ::testing::SizeIs;

class SimulatedDiscoveryTest : public ::testing::Test {
 protected:
  SimulatedDiscoveryTest()
      : seed_(7),
        network_(clock_, seed_.value()),
        loop_(clock_),
        lan_(network_.AddLink("lan", absl::Microseconds(100))),
        other_lan_(network_.AddLink("other", absl::Microseconds(100))),
        browser_(network_.AddHost("browser")) {
    browser_interface_ =
        *browser_.AddInterface(lan_, {"10.0.0.100/24", "2001:db8::100/64"});
  }

  ~SimulatedDiscoveryTest() override {
    servers_.clear();  // before the loop they run on
  }

  // Adds a responder host on `link` offering "echo" as "r<number>".
  Responder* AddResponder(int number, fakes::SimulatedLink& link) {
    const bool on_lan = &link == &lan_;
    fakes::SimulatedHost& host = network_.AddHost(absl::StrCat("r", number));
    const uint32_t eth0 = *host.AddInterface(
        link, {absl::StrCat(on_lan ? "10.0.0." : "10.0.1.", number, "/24"),
               absl::StrCat(on_lan ? "2001:db8::" : "2001:db8:1::", number,
                            "/64")});
    ResponderOptions options;
    options.records = {{"echo", absl::StrCat("r", number), 7, {}}};
    options.seed = seed_.value() + number;
    options.multicast_interfaces = {eth0};
    options.announce_to = {
        *SocketAddress::FromIp("255.255.255.255", kDiscoveryPort),
        *SocketAddress::FromIp(absl::StrCat(kMulticastGroup, "%", eth0),
                               kDiscoveryPort)};
    servers_.push_back(std::make_unique<Server>(loop_, host));
    absl::StatusOr<StartedResponder> started = StartResponder(
        *servers_.back(), host, options,
        {SocketAddress::Any(AddressFamily::kIPv4, kDiscoveryPort),
         SocketAddress::Any(AddressFamily::kIPv6, kDiscoveryPort)});
    EXPECT_OK(started);
    return started.ok() ? started->responder : nullptr;
  }

  BrowseOptions Query(absl::string_view address) {
    BrowseOptions options;
    options.destinations = {*SocketAddress::FromIp(address, kDiscoveryPort)};
    options.seed = seed_.value();
    return options;
  }

  wirecheck::testing::TestSeed seed_;
  fakes::FakeClock clock_;
  fakes::SimulatedNetwork network_;
  fakes::FakeEventLoop loop_;
  fakes::SimulatedLink& lan_;
  fakes::SimulatedLink& other_lan_;
  fakes::SimulatedHost& browser_;
  uint32_t browser_interface_ = 0;
  std::vector<std::unique_ptr<Server>> servers_;
};

TEST_F(SimulatedDiscoveryTest, TwentyRespondersAnswerWithinTheWindowAndOnlyOnce) {
  for (int i = 1; i <= 20; ++i) AddResponder(i, lan_);
  ASSERT_OK_AND_ASSIGN(BrowseResult result,
                       Browse(browser_, Query("255.255.255.255")));
  ASSERT_THAT(result.instances, SizeIs(20));
  // The repeats listed them all as known: one reply each.
  EXPECT_THAT(result.instances, Each(Field(&FoundInstance::replies, 1)));
  EXPECT_EQ(result.replies, 20);
  std::set<absl::Duration> delays;
  for (const FoundInstance& found : result.instances) {
    // 20-120 ms, plus 100 us each way on the link.
    EXPECT_GE(found.first_reply, absl::Milliseconds(20) + absl::Microseconds(200));
    EXPECT_LE(found.first_reply, absl::Milliseconds(120) + absl::Microseconds(200));
    delays.insert(found.first_reply);
  }
  // Random delays: no two responders answered at the same instant.
  EXPECT_THAT(delays, SizeIs(20));
}

TEST_F(SimulatedDiscoveryTest, DuplicatedQueriesDrawOneReplyEach) {
  for (int i = 1; i <= 10; ++i) AddResponder(i, lan_);
  // Every datagram is delivered twice: each responder hears each query
  // twice while its reply is pending, and the browser hears each reply
  // twice.
  ASSERT_OK(network_.SetLinkFaults(lan_, "duplicate=1"));
  ASSERT_OK_AND_ASSIGN(BrowseResult result,
                       Browse(browser_, Query("255.255.255.255")));
  ASSERT_THAT(result.instances, SizeIs(10));
  EXPECT_THAT(result.instances, Each(Field(&FoundInstance::replies, 2)));
  EXPECT_EQ(result.duplicates, 10);
}

TEST_F(SimulatedDiscoveryTest, RepeatedQueriesRecoverFromLoss) {
  std::vector<Responder*> responders;
  for (int i = 1; i <= 20; ++i) responders.push_back(AddResponder(i, lan_));
  ASSERT_OK(network_.SetLinkFaults(lan_, "drop=0.3"));
  ASSERT_OK_AND_ASSIGN(BrowseResult result,
                       Browse(browser_, Query("255.255.255.255")));
  // Some were found only thanks to a repeat of the query.
  const int late_finds = std::count_if(
      result.instances.begin(), result.instances.end(),
      [](const FoundInstance& f) { return f.first_reply > absl::Milliseconds(250); });
  EXPECT_GT(late_finds, 0);
  EXPECT_GE(result.instances.size(), 17u);
  // Never listed twice, loss or not.
  std::set<std::string> names;
  for (const FoundInstance& found : result.instances) names.insert(found.instance);
  EXPECT_EQ(names.size(), result.instances.size());
}

TEST_F(SimulatedDiscoveryTest, Ipv6MulticastStaysOnItsLink) {
  for (int i = 1; i <= 3; ++i) AddResponder(i, lan_);
  for (int i = 4; i <= 5; ++i) AddResponder(i, other_lan_);
  ASSERT_OK_AND_ASSIGN(
      BrowseResult result,
      Browse(browser_, Query(absl::StrCat(kMulticastGroup, "%",
                                          browser_interface_))));
  std::set<std::string> names;
  for (const FoundInstance& found : result.instances) {
    names.insert(found.instance);
    EXPECT_EQ(found.responder.family(), AddressFamily::kIPv6);
  }
  EXPECT_EQ(names, (std::set<std::string>{"r1", "r2", "r3"}));
}

TEST_F(SimulatedDiscoveryTest, DirectedBroadcastReachesOnlyItsSubnet) {
  for (int i = 1; i <= 2; ++i) AddResponder(i, lan_);
  AddResponder(3, other_lan_);
  ASSERT_OK_AND_ASSIGN(BrowseResult result, Browse(browser_, Query("10.0.0.255")));
  std::set<std::string> names;
  for (const FoundInstance& found : result.instances) names.insert(found.instance);
  EXPECT_EQ(names, (std::set<std::string>{"r1", "r2"}));
}

TEST_F(SimulatedDiscoveryTest, AnnouncementsComeOnTheDocumentedSchedule) {
  AddResponder(1, lan_);
  std::vector<absl::Duration> heard;
  const absl::Time start = clock_.Now();
  absl::StatusOr<int> count = ListenForAnnouncements(
      browser_, SocketAddress::Any(AddressFamily::kIPv4, kDiscoveryPort), {},
      absl::Seconds(65), [&](const Announcement& a) {
        heard.push_back(clock_.Now() - start);
        EXPECT_EQ(a.message.ttl, absl::Seconds(180));
      });
  ASSERT_OK(count);
  // Three at start, one second apart, then every 60 s (the responder
  // started at the listener's start, plus the link's 100 us).
  const absl::Duration link = absl::Microseconds(100);
  EXPECT_EQ(heard, (std::vector<absl::Duration>{link, absl::Seconds(1) + link,
                                                absl::Seconds(2) + link,
                                                absl::Seconds(62) + link}));
}

// A whole world built from `seed`: five responders, one browse; returns
// each instance's first-reply time.
std::vector<absl::Duration> ReplyTimesInAWorldFrom(uint64_t seed) {
  fakes::FakeClock clock;
  fakes::SimulatedNetwork network(clock, seed);
  fakes::FakeEventLoop loop(clock);
  fakes::SimulatedLink& lan = network.AddLink("lan", absl::Microseconds(100));
  fakes::SimulatedHost& browser = network.AddHost("browser");
  EXPECT_OK(browser.AddInterface(lan, {"10.0.0.100/24"}));
  std::vector<std::unique_ptr<Server>> servers;
  for (int i = 1; i <= 5; ++i) {
    fakes::SimulatedHost& host = network.AddHost(absl::StrCat("r", i));
    EXPECT_OK(host.AddInterface(lan, {absl::StrCat("10.0.0.", i, "/24")}));
    ResponderOptions options;
    options.records = {{"echo", absl::StrCat("r", i), 7, {}}};
    options.seed = seed + i;
    options.announce_to = {*SocketAddress::FromIp("10.0.0.255", kDiscoveryPort)};
    servers.push_back(std::make_unique<Server>(loop, host));
    EXPECT_OK(StartResponder(*servers.back(), host, options,
                             {SocketAddress::Any(AddressFamily::kIPv4,
                                                 kDiscoveryPort)}));
  }
  BrowseOptions query;
  query.destinations = {*SocketAddress::FromIp("10.0.0.255", kDiscoveryPort)};
  query.seed = seed;
  absl::StatusOr<BrowseResult> result = Browse(browser, query);
  EXPECT_OK(result);
  std::vector<absl::Duration> times;
  if (result.ok()) {
    for (const FoundInstance& found : result->instances) {
      times.push_back(found.first_reply);
    }
  }
  servers.clear();
  return times;
}

TEST(SimulatedDiscoveryReplayTest, TheSameSeedGivesTheSameReplyTimes) {
  wirecheck::testing::TestSeed seed(99);
  const std::vector<absl::Duration> first = ReplyTimesInAWorldFrom(seed.value());
  ASSERT_THAT(first, SizeIs(5));
  EXPECT_EQ(ReplyTimesInAWorldFrom(seed.value()), first);
  EXPECT_NE(ReplyTimesInAWorldFrom(seed.value() + 1), first);
}

}  // namespace
}  // namespace wirecheck::discovery

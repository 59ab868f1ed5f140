// The responder and browser talking by unicast, on every harness.
// (Broadcast on loopback: broadcast_loopback_test.cc; broadcast and
// multicast across hosts: the simulated network and netns tests.)
#include "protocols/discovery/responder.h"

#include <memory>
#include <string>
#include <vector>

#include "fakes/harness.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "protocols/common/status_matchers.h"
#include "protocols/discovery/browser.h"

namespace wirecheck::discovery {
namespace {

using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;
using ::wirecheck::testing::Harness;
using ::wirecheck::testing::HarnessFactory;

class ResponderTest : public ::testing::TestWithParam<HarnessFactory> {
 protected:
  void SetUp() override {
    harness_ = GetParam().make();
    server_ = std::make_unique<Server>(harness_->server_loop(),
                                       harness_->server_network());
    // A window scaled to the harness: milliseconds on real sockets, the
    // real 20-120 ms... on the fakes it is simulated anyway.
    options_.min_reply_delay = harness_->short_timeout() / 4;
    options_.max_reply_delay = harness_->short_timeout() / 2;
    options_.records = {{"echo", "bench-1", 7, {{"framing", "line"}}},
                        {"time", "bench-1 clock", 37, {}}};
    options_.seed = 11;
    // Announce only to the responder's own port (it must ignore them):
    // tests never send beyond loopback.
    options_.announce_to = {harness_->server_bind_address()};
  }
  void TearDown() override {
    harness_->StopServers();
    server_.reset();
  }

  SocketAddress Start() {
    absl::StatusOr<StartedResponder> started =
        StartResponder(*server_, harness_->server_network(), options_,
                       {harness_->server_bind_address()});
    EXPECT_OK(started);
    responder_ = started.ok() ? started->responder : nullptr;
    harness_->StartServers();
    return started.ok() ? started->addresses.front() : SocketAddress();
  }

  BrowseOptions Browsing(const SocketAddress& responder) {
    BrowseOptions browse;
    browse.destinations = {responder};
    browse.timeout = harness_->short_timeout() * 10;
    browse.schedule = {absl::ZeroDuration(), harness_->short_timeout() * 3,
                       harness_->short_timeout() * 6};
    browse.seed = 5;
    return browse;
  }

  ResponderStats Stats() {
    ResponderStats stats;
    harness_->RunOnServerLoop([&] { stats = responder_->stats(); });
    return stats;
  }

  std::unique_ptr<DatagramSocket> ClientSocket() {
    auto socket = harness_->client_network().OpenDatagram(
        SocketAddress::Any(harness_->family(), 0), {});
    EXPECT_OK(socket);
    return socket.ok() ? *std::move(socket) : nullptr;
  }

  absl::Time After(absl::Duration d) { return harness_->clock().Now() + d; }

  std::unique_ptr<Harness> harness_;
  std::unique_ptr<Server> server_;
  ResponderOptions options_;
  Responder* responder_ = nullptr;
};

TEST_P(ResponderTest, AnswersAQueryForItsServiceAfterARandomDelay) {
  const SocketAddress address = Start();
  BrowseOptions browse = Browsing(address);
  browse.service = "echo";
  ASSERT_OK_AND_ASSIGN(BrowseResult result,
                       Browse(harness_->client_network(), browse));
  ASSERT_EQ(result.instances.size(), 1u);
  const FoundInstance& found = result.instances[0];
  EXPECT_EQ(found.service, "echo");
  EXPECT_EQ(found.instance, "bench-1");
  EXPECT_EQ(found.port, 7);
  EXPECT_EQ(found.responder, address);
  EXPECT_THAT(found.attributes,
              ElementsAre(std::pair<std::string, std::string>("framing", "line")));
  EXPECT_GE(found.first_reply, options_.min_reply_delay);
  // Later queries listed it as known, so it answered once.
  EXPECT_EQ(found.replies, 1);
  EXPECT_EQ(result.queries_sent, 3);
  EXPECT_EQ(Stats().suppressed_known, 2u);
}

TEST_P(ResponderTest, WildcardFindsEveryInstanceAndOtherServicesNone) {
  const SocketAddress address = Start();
  ASSERT_OK_AND_ASSIGN(BrowseResult all,
                       Browse(harness_->client_network(), Browsing(address)));
  EXPECT_THAT(all.instances,
              UnorderedElementsAre(Field(&FoundInstance::instance, "bench-1"),
                                   Field(&FoundInstance::instance,
                                         "bench-1 clock")));
  BrowseOptions other = Browsing(address);
  other.service = "printer";
  ASSERT_OK_AND_ASSIGN(BrowseResult none,
                       Browse(harness_->client_network(), other));
  EXPECT_THAT(none.instances, IsEmpty());
  EXPECT_EQ(none.replies, 0);
}

TEST_P(ResponderTest, CopiesOfAQueryWhileTheReplyIsPendingGetOneReply) {
  const SocketAddress address = Start();
  std::unique_ptr<DatagramSocket> client = ClientSocket();
  Message query;
  query.nonce = "00000000000000aa";
  query.service = "echo";
  const std::string text = *EncodeMessage(query);
  ASSERT_OK(client->SendTo(text, address));
  ASSERT_OK(client->SendTo(text, address));
  char buffer[kMaxMessageBytes];
  ASSERT_OK_AND_ASSIGN(
      ReceivedDatagram reply,
      client->ReceiveFrom(absl::MakeSpan(buffer), After(harness_->short_timeout() * 5)));
  ASSERT_OK_AND_ASSIGN(Message message,
                       DecodeMessage(absl::string_view(buffer, reply.size)));
  EXPECT_EQ(message.nonce, "00000000000000aa");
  EXPECT_THAT(client->ReceiveFrom(absl::MakeSpan(buffer),
                                  After(harness_->short_timeout() * 5)),
              wirecheck::testing::StatusIs(absl::StatusCode::kDeadlineExceeded));
  EXPECT_EQ(Stats().suppressed_pending, 1u);
}

TEST_P(ResponderTest, EachSourceGetsABurstThenTheSteadyRate) {
  options_.rate_burst = 20;
  options_.rate_per_second = 0.001;  // no refill within the test
  const SocketAddress address = Start();
  std::unique_ptr<DatagramSocket> client = ClientSocket();
  for (int i = 0; i < 60; ++i) ASSERT_OK(client->SendTo("Hello", address));
  int answers = 0;
  char buffer[64];
  while (client->ReceiveFrom(absl::MakeSpan(buffer),
                             After(harness_->short_timeout() * 5))
             .ok()) {
    ++answers;
  }
  EXPECT_EQ(answers, 20);
  EXPECT_EQ(Stats().rate_limited, 40u);
}

TEST_P(ResponderTest, LegacyHelloGetsIAmHere) {
  const SocketAddress address = Start();
  BrowseOptions browse = Browsing(address);
  browse.legacy = true;
  ASSERT_OK_AND_ASSIGN(BrowseResult result,
                       Browse(harness_->client_network(), browse));
  ASSERT_EQ(result.instances.size(), 1u);
  EXPECT_EQ(result.instances[0].instance, "I am here");
  EXPECT_EQ(result.instances[0].responder, address);
  // Every repeat of the Hello was answered: the browser counts repeats.
  EXPECT_EQ(result.replies, 3);
}

TEST_P(ResponderTest, MalformedDatagramsAndOwnAnnouncementsAreIgnored) {
  const SocketAddress address = Start();
  std::unique_ptr<DatagramSocket> client = ClientSocket();
  Message announce;
  announce.type = MessageType::kAnnounce;
  announce.service = "echo";
  announce.instance = "bench-1";
  announce.port = 9007;
  ASSERT_OK(client->SendTo(*EncodeMessage(announce), address));
  ASSERT_OK(client->SendTo("WCD/1 QUERY\nnonce=zz\n", address));
  ASSERT_OK(client->SendTo(std::string("\x00\x01", 2), address));
  char buffer[kMaxMessageBytes];
  EXPECT_FALSE(client->ReceiveFrom(absl::MakeSpan(buffer),
                                   After(harness_->short_timeout() * 3))
                   .ok());
  const ResponderStats stats = Stats();
  // Ours, plus its own announcements, which it hears on its own port.
  EXPECT_GE(stats.announcements, 2u);
  EXPECT_EQ(stats.ignored, 1 + stats.announcements);
  EXPECT_EQ(stats.malformed, 2u);
  // Still answering.
  ASSERT_OK_AND_ASSIGN(BrowseResult result,
                       Browse(harness_->client_network(), Browsing(address)));
  EXPECT_EQ(result.instances.size(), 2u);
}

TEST_P(ResponderTest, RecordsThatCannotFitTheBoundAreRefused) {
  options_.records[0].attributes.clear();
  for (int i = 0; i < 8; ++i) {
    options_.records[0].attributes.emplace_back(absl::StrCat("k", i),
                                                std::string(200, 'v'));
  }
  EXPECT_THAT(Responder::Create(harness_->server_loop(), options_),
              wirecheck::testing::StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST_P(ResponderTest, AnnouncesThreeTimesThenPeriodicallyThenSaysGoodbye) {
  ASSERT_OK_AND_ASSIGN(auto listener, harness_->server_network().OpenDatagram(
                                          harness_->server_bind_address(), {}));
  options_.announce_to = {listener->local_address()};
  options_.initial_spacing = harness_->short_timeout();
  options_.announce_interval = harness_->short_timeout() * 4;
  Start();
  std::vector<MessageType> heard;
  std::vector<std::string> instances;
  char buffer[kMaxMessageBytes];
  // 3 initial rounds, 1 periodic round, 2 records each.
  const absl::Time until = After(harness_->short_timeout() * 7);
  while (heard.size() < 8) {
    absl::StatusOr<ReceivedDatagram> datagram =
        listener->ReceiveFrom(absl::MakeSpan(buffer), until);
    ASSERT_OK(datagram);
    ASSERT_OK_AND_ASSIGN(Message message,
                         DecodeMessage(absl::string_view(buffer, datagram->size)));
    heard.push_back(message.type);
    instances.push_back(message.instance);
    EXPECT_EQ(message.ttl, 3 * absl::Seconds(absl::ToInt64Seconds(
                                   options_.announce_interval)));
  }
  EXPECT_THAT(heard, ::testing::Each(MessageType::kAnnounce));
  harness_->RunOnServerLoop([&] { server_->Shutdown(absl::Seconds(1), [] {}); });
  int goodbyes = 0;
  while (goodbyes < 2) {
    absl::StatusOr<ReceivedDatagram> datagram = listener->ReceiveFrom(
        absl::MakeSpan(buffer), After(harness_->short_timeout() * 5));
    ASSERT_OK(datagram);
    ASSERT_OK_AND_ASSIGN(Message message,
                         DecodeMessage(absl::string_view(buffer, datagram->size)));
    if (message.type == MessageType::kGoodbye) ++goodbyes;
  }
}

INSTANTIATE_TEST_SUITE_P(AllHarnesses, ResponderTest,
                         ::testing::ValuesIn(wirecheck::testing::AllHarnesses()),
                         wirecheck::testing::HarnessTestName);

}  // namespace
}  // namespace wirecheck::discovery

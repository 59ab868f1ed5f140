// The recording decorator on every harness: what it writes to the wire log,
// and that it ends every wait at the cap.
#include "conformance/recording_network.h"

#include <memory>
#include <string>
#include <vector>

#include "fakes/harness.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "protocols/common/status_matchers.h"
#include "protocols/transport/stream_util.h"

namespace wirecheck::conformance {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::wirecheck::testing::Harness;
using ::wirecheck::testing::HarnessFactory;
using ::wirecheck::testing::StatusIs;

// "<kind> <socket>" for each event, to compare sequences.
std::vector<std::string> Kinds(const WireLog& log) {
  std::vector<std::string> kinds;
  for (const WireEvent& event : log.Snapshot().events) {
    kinds.push_back(std::string(WireEventKindName(event.kind)) + " " + event.socket);
  }
  return kinds;
}

class RecordingNetworkTest : public ::testing::TestWithParam<HarnessFactory> {
 protected:
  void SetUp() override {
    harness_ = GetParam().make();
    log_ = std::make_unique<WireLog>(harness_->clock(), harness_->clock().Now());
  }
  absl::Time Soon() { return harness_->clock().Now() + absl::Seconds(5); }

  std::unique_ptr<Harness> harness_;
  std::unique_ptr<WireLog> log_;
};

TEST_P(RecordingNetworkTest, RecordsAStreamFromConnectToTheTargetsEof) {
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<Listener> listener,
                       harness_->server_network().Listen(
                           harness_->server_bind_address(), {}));
  RecordingNetwork network(harness_->client_network(), *log_);
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<Stream> client,
                       network.Connect(listener->local_address(), Soon()));
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<Stream> server, listener->Accept(Soon()));
  ASSERT_OK(WriteAll(*client, "ping", Soon()));
  EXPECT_THAT(ReadExactly(*server, 4, Soon()), ::wirecheck::testing::IsOkAndHolds("ping"));
  ASSERT_OK(WriteAll(*server, "pong", Soon()));
  server->Close();
  const StreamCapture reply = ReadToEnd(*client, 64, Soon());
  EXPECT_EQ(reply.bytes, "pong");
  ASSERT_OK(client->Shutdown(ShutdownMode::kWrite));
  client.reset();
  EXPECT_THAT(Kinds(*log_),
              ElementsAre("connect tcp#1", "send tcp#1", "receive tcp#1",
                          "target closed tcp#1", "shutdown tcp#1",
                          "runner closed tcp#1"));
  const WireLogSnapshot snapshot = log_->Snapshot();
  EXPECT_THAT(snapshot.events[0].detail,
              HasSubstr("to " + listener->local_address().ToString()));
  EXPECT_EQ(snapshot.events[1].bytes, "ping");
  EXPECT_EQ(snapshot.events[2].bytes, "pong");
}

TEST_P(RecordingNetworkTest, RecordsAResetByTheTarget) {
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<Listener> listener,
                       harness_->server_network().Listen(
                           harness_->server_bind_address(), {}));
  RecordingNetwork network(harness_->client_network(), *log_);
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<Stream> client,
                       network.Connect(listener->local_address(), Soon()));
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<Stream> server, listener->Accept(Soon()));
  server->Abort();
  char byte;
  EXPECT_THAT(client->Read(absl::MakeSpan(&byte, 1), Soon()),
              StatusIs(absl::StatusCode::kAborted));
  EXPECT_THAT(Kinds(*log_), ElementsAre("connect tcp#1", "target reset tcp#1"));
}

TEST_P(RecordingNetworkTest, EndsEveryWaitAtTheCap) {
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<Listener> listener,
                       harness_->server_network().Listen(
                           harness_->server_bind_address(), {}));
  const absl::Time cap = harness_->clock().Now() + harness_->short_timeout();
  RecordingNetwork network(harness_->client_network(), *log_, cap);
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<Stream> client,
                       network.Connect(listener->local_address(),
                                       absl::InfiniteFuture()));
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<Stream> server, listener->Accept(Soon()));
  char byte;
  EXPECT_THAT(client->Read(absl::MakeSpan(&byte, 1), absl::InfiniteFuture()),
              StatusIs(absl::StatusCode::kDeadlineExceeded));
  EXPECT_GE(harness_->clock().Now(), cap);
  // Past the cap, waits are non-blocking attempts, and not logged as waits.
  EXPECT_THAT(client->Read(absl::MakeSpan(&byte, 1), absl::InfiniteFuture()),
              StatusIs(absl::StatusCode::kDeadlineExceeded));
  const WireLogSnapshot snapshot = log_->Snapshot();
  ASSERT_EQ(snapshot.events.size(), 2u);
  EXPECT_EQ(snapshot.events[1].kind, WireEventKind::kTimeout);
  EXPECT_THAT(snapshot.events[1].detail, HasSubstr("(the case timeout)"));
}

TEST_P(RecordingNetworkTest, NamesAcceptedStreamsAndListeners) {
  RecordingNetwork network(harness_->client_network(), *log_);
  ASSERT_OK_AND_ASSIGN(
      std::unique_ptr<Listener> listener,
      network.Listen(SocketAddress::Loopback(harness_->family(), 0), {}));
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<Stream> peer,
                       harness_->client_network().Connect(
                           listener->local_address(), Soon()));
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<Stream> accepted, listener->Accept(Soon()));
  accepted->Abort();
  listener->Close();
  EXPECT_THAT(Kinds(*log_),
              ElementsAre("listen listener#1", "accept tcp#1",
                          "runner reset tcp#1", "runner closed listener#1"));
}

TEST_P(RecordingNetworkTest, RecordsDatagramsBothWays) {
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<DatagramSocket> peer,
                       harness_->server_network().OpenDatagram(
                           harness_->server_bind_address(), {}));
  RecordingNetwork network(harness_->client_network(), *log_);
  ASSERT_OK_AND_ASSIGN(
      std::unique_ptr<DatagramSocket> socket,
      network.OpenDatagram(SocketAddress::Any(harness_->family(), 0), {}));
  ASSERT_OK(socket->SendTo("question", peer->local_address()));
  char buffer[64];
  ASSERT_OK_AND_ASSIGN(const ReceivedDatagram request,
                       peer->ReceiveFrom(absl::MakeSpan(buffer), Soon()));
  ASSERT_OK(peer->SendTo("answer", request.from));
  ASSERT_OK_AND_ASSIGN(const ReceivedDatagram reply,
                       socket->ReceiveFrom(absl::MakeSpan(buffer), Soon()));
  EXPECT_EQ(reply.size, 6u);
  EXPECT_THAT(Kinds(*log_),
              ElementsAre("open udp#1", "send udp#1", "receive udp#1"));
  const WireLogSnapshot snapshot = log_->Snapshot();
  EXPECT_EQ(snapshot.events[1].detail, "to " + peer->local_address().ToString());
  EXPECT_EQ(snapshot.events[2].bytes, "answer");
  EXPECT_EQ(snapshot.events[2].detail, "from " + peer->local_address().ToString());
}

TEST_P(RecordingNetworkTest, RecordsWhyAListenerOrSocketCouldNotOpen) {
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<Listener> taken_listener,
                       harness_->client_network().Listen(
                           SocketAddress::Loopback(harness_->family(), 0), {}));
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<DatagramSocket> taken_socket,
                       harness_->client_network().OpenDatagram(
                           SocketAddress::Loopback(harness_->family(), 0), {}));
  RecordingNetwork network(harness_->client_network(), *log_);

  EXPECT_FALSE(network.Listen(taken_listener->local_address(), {}).ok());
  EXPECT_FALSE(network.OpenDatagram(taken_socket->local_address(), {}).ok());

  EXPECT_THAT(Kinds(*log_), ElementsAre("error listener#1", "error udp#1"));
  const WireLogSnapshot snapshot = log_->Snapshot();
  EXPECT_THAT(snapshot.events[0].detail, HasSubstr("listen: "));
  EXPECT_THAT(snapshot.events[0].detail,
              HasSubstr(taken_listener->local_address().ToString()));
  EXPECT_THAT(snapshot.events[1].detail, HasSubstr("open: "));
}

INSTANTIATE_TEST_SUITE_P(AllHarnesses, RecordingNetworkTest,
                         ::testing::ValuesIn(::wirecheck::testing::AllHarnesses()),
                         ::wirecheck::testing::HarnessTestName);

}  // namespace
}  // namespace wirecheck::conformance

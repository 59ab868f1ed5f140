// The datagram behaviour every DatagramSocket implementation must have, run
// on every harness.
#include <memory>
#include <string>

#include "fakes/harness.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "protocols/common/status_matchers.h"
#include "protocols/transport/network.h"

namespace wirecheck {
namespace {

using ::testing::HasSubstr;
using ::wirecheck::testing::Harness;
using ::wirecheck::testing::HarnessFactory;
using ::wirecheck::testing::StatusIs;

class DatagramBehaviourTest
    : public ::testing::TestWithParam<HarnessFactory> {
 protected:
  void SetUp() override {
    harness_ = GetParam().make();
    ASSERT_OK_AND_ASSIGN(server_, harness_->server_network().OpenDatagram(
                                      harness_->server_bind_address(), {}));
    ASSERT_OK_AND_ASSIGN(
        client_, harness_->client_network().OpenDatagram(
                     SocketAddress::Any(harness_->family(), 0), {}));
  }

  absl::Time Soon() { return harness_->clock().Now() + absl::Seconds(5); }

  std::unique_ptr<Harness> harness_;
  std::unique_ptr<DatagramSocket> server_;
  std::unique_ptr<DatagramSocket> client_;
};

TEST_P(DatagramBehaviourTest, ReceiverLearnsTheSendersAddress) {
  ASSERT_OK(client_->SendTo("ping", server_->local_address()));
  char buffer[64];
  ASSERT_OK_AND_ASSIGN(ReceivedDatagram datagram,
                       server_->ReceiveFrom(absl::MakeSpan(buffer), Soon()));
  EXPECT_EQ(absl::string_view(buffer, datagram.size), "ping");
  EXPECT_FALSE(datagram.truncated());
  EXPECT_EQ(datagram.from.port(), client_->local_address().port());

  ASSERT_OK(server_->SendTo("pong", datagram.from));
  ASSERT_OK_AND_ASSIGN(ReceivedDatagram reply,
                       client_->ReceiveFrom(absl::MakeSpan(buffer), Soon()));
  EXPECT_EQ(absl::string_view(buffer, reply.size), "pong");
  EXPECT_EQ(reply.from, server_->local_address());
}

TEST_P(DatagramBehaviourTest, BatchesSendInOrderAndReceiveWhatIsWaiting) {
  const SocketAddress to = server_->local_address();
  const OutgoingDatagram batch[] = {
      {"first", to}, {"second", to}, {"a third, too long for its buffer", to}};
  ASSERT_THAT(client_->SendBatch(batch), testing::IsOkAndHolds(3u));

  char first[16];
  const absl::Span<char> first_buffer[] = {absl::MakeSpan(first)};
  ReceivedDatagram datagram;
  ASSERT_THAT(server_->ReceiveBatch(first_buffer, absl::MakeSpan(&datagram, 1),
                                    Soon()),
              testing::IsOkAndHolds(1u));
  EXPECT_EQ(absl::string_view(first, datagram.size), "first");
  char second[16];
  char third[8];
  const absl::Span<char> buffers[] = {absl::MakeSpan(second),
                                      absl::MakeSpan(third)};
  ReceivedDatagram received[2];
  ASSERT_THAT(server_->ReceiveBatch(buffers, absl::MakeSpan(received),
                                      absl::InfinitePast()),
              testing::IsOkAndHolds(2u));

  EXPECT_EQ(absl::string_view(second, received[0].size), "second");
  EXPECT_EQ(received[0].from.port(), client_->local_address().port());
  EXPECT_TRUE(received[1].truncated());
  EXPECT_EQ(received[1].wire_size, 32u);
  EXPECT_EQ(absl::string_view(third, received[1].size), "a third,");
  EXPECT_THAT(server_->ReceiveBatch(buffers, absl::MakeSpan(received),
                                      absl::InfinitePast()),
              testing::IsOkAndHolds(0u));
}

TEST_P(DatagramBehaviourTest, BatchReceiveWaitsUntilItsDeadline) {
  char buffer[16];
  const absl::Span<char> buffers[] = {absl::MakeSpan(buffer)};
  ReceivedDatagram datagram;
  const absl::Time deadline =
      harness_->clock().Now() + harness_->short_timeout();

  EXPECT_THAT(server_->ReceiveBatch(buffers, absl::MakeSpan(&datagram, 1),
                                    deadline),
              testing::IsOkAndHolds(0u));
  EXPECT_GE(harness_->clock().Now(), deadline);
}

TEST_P(DatagramBehaviourTest, EmptyDatagramIsStillADatagram) {
  ASSERT_OK(client_->SendTo("", server_->local_address()));
  char buffer[8];
  ASSERT_OK_AND_ASSIGN(ReceivedDatagram datagram,
                       server_->ReceiveFrom(absl::MakeSpan(buffer), Soon()));
  EXPECT_EQ(datagram.size, 0u);
  EXPECT_EQ(datagram.wire_size, 0u);
}

TEST_P(DatagramBehaviourTest, OversizedDatagramIsReportedTruncated) {
  ASSERT_OK(client_->SendTo(std::string(100, 'z'), server_->local_address()));
  char buffer[10];
  ASSERT_OK_AND_ASSIGN(ReceivedDatagram datagram,
                       server_->ReceiveFrom(absl::MakeSpan(buffer), Soon()));
  EXPECT_TRUE(datagram.truncated());
  EXPECT_EQ(datagram.size, 10u);
  EXPECT_EQ(datagram.wire_size, 100u);
}

TEST_P(DatagramBehaviourTest, LargestIPv4DatagramArrivesWhole) {
  const std::string payload(65507, 'q');
  ASSERT_OK(client_->SendTo(payload, server_->local_address()));
  std::string buffer(65536, '\0');
  ASSERT_OK_AND_ASSIGN(ReceivedDatagram datagram,
                       server_->ReceiveFrom(absl::MakeSpan(buffer), Soon()));
  EXPECT_EQ(datagram.size, payload.size());
  EXPECT_EQ(buffer.substr(0, datagram.size), payload);
}

TEST_P(DatagramBehaviourTest, DatagramTooLargeForUdpIsRejected) {
  EXPECT_THAT(client_->SendTo(std::string(70000, 'q'), server_->local_address()),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("Message too long")));
}

TEST_P(DatagramBehaviourTest, ReceiveTimesOutWhenNothingArrives) {
  const absl::Time start = harness_->clock().Now();
  char buffer[8];
  EXPECT_THAT(server_->ReceiveFrom(absl::MakeSpan(buffer),
                                   start + harness_->short_timeout()),
              StatusIs(absl::StatusCode::kDeadlineExceeded));
  EXPECT_GE(harness_->clock().Now() - start, harness_->short_timeout());
}

TEST_P(DatagramBehaviourTest, ConnectedSocketHearsPortUnreachable) {
  const SocketAddress nobody = server_->local_address();
  server_->Close();
  ASSERT_OK(client_->Connect(nobody));
  ASSERT_OK(client_->SendTo("anyone?", nobody));
  char buffer[8];
  EXPECT_THAT(client_->ReceiveFrom(absl::MakeSpan(buffer), Soon()),
              StatusIs(absl::StatusCode::kUnavailable,
                       HasSubstr("Connection refused")));
}

INSTANTIATE_TEST_SUITE_P(AllHarnesses, DatagramBehaviourTest,
                         ::testing::ValuesIn(testing::AllHarnesses()),
                         testing::HarnessTestName);

}  // namespace
}  // namespace wirecheck

#include "fakes/mocks.h"

#include <memory>
#include <utility>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "protocols/common/status_matchers.h"
#include "protocols/transport/stream_util.h"

namespace wirecheck::fakes {
namespace {

using ::testing::_;
using ::testing::ByMove;
using ::testing::Return;
using ::testing::ReturnRef;
using ::wirecheck::testing::IsOkAndHolds;
using ::wirecheck::testing::StatusIs;

TEST(MocksTest, StreamMockDrivesWriteAll) {
  MockStream stream;
  EXPECT_CALL(stream, Write(absl::string_view("hello"), _))
      .WillOnce(Return(absl::StatusOr<size_t>(3)));
  EXPECT_CALL(stream, Write(absl::string_view("lo"), _))
      .WillOnce(Return(absl::StatusOr<size_t>(2)));
  EXPECT_OK(WriteAll(stream, "hello", absl::InfinitePast()));
  EXPECT_EQ(stream.fd(), -1);
}

TEST(MocksTest, CallsWithoutExpectationsFailInsteadOfSucceeding) {
  ::testing::NiceMock<MockStream> stream;
  EXPECT_THAT(stream.Shutdown(ShutdownMode::kWrite),
              StatusIs(absl::StatusCode::kUnimplemented));
  char buffer[4];
  EXPECT_THAT(stream.Read(absl::MakeSpan(buffer), absl::InfinitePast()),
              StatusIs(absl::StatusCode::kUnimplemented));
  ::testing::NiceMock<MockNetwork> network;
  EXPECT_THAT(network.Connect(SocketAddress(), absl::InfinitePast()),
              StatusIs(absl::StatusCode::kUnimplemented));
}

TEST(MocksTest, NetworkMockHandsOutMockSockets) {
  MockNetwork network;
  MockClock clock;
  const absl::Time noon = absl::FromUnixSeconds(43200);
  EXPECT_CALL(clock, Now()).WillRepeatedly(Return(noon));
  EXPECT_CALL(network, clock()).WillRepeatedly(ReturnRef(clock));
  auto stream = std::make_unique<MockStream>();
  EXPECT_CALL(*stream, Abort());
  EXPECT_CALL(network, Connect(_, noon + absl::Seconds(1)))
      .WillOnce(Return(ByMove(
          absl::StatusOr<std::unique_ptr<Stream>>(std::move(stream)))));
  ASSERT_OK_AND_ASSIGN(
      std::unique_ptr<Stream> connected,
      network.Connect(SocketAddress::Loopback(AddressFamily::kIPv4, 1),
                      network.clock().Now() + absl::Seconds(1)));
  connected->Abort();
}

TEST(MocksTest, DatagramListenerAndLoopMocks) {
  MockDatagramSocket socket;
  EXPECT_CALL(socket, EnableBroadcast()).WillOnce(Return(absl::OkStatus()));
  EXPECT_CALL(socket, JoinMulticastGroup(_, 2))
      .WillOnce(Return(absl::OkStatus()));
  EXPECT_OK(socket.EnableBroadcast());
  EXPECT_OK(socket.JoinMulticastGroup(SocketAddress(), 2));

  MockListener listener;
  EXPECT_CALL(listener, Accept(_))
      .WillOnce(Return(ByMove(absl::StatusOr<std::unique_ptr<Stream>>(
          absl::DeadlineExceededError("accept: timed out")))));
  EXPECT_THAT(listener.Accept(absl::InfinitePast()),
              StatusIs(absl::StatusCode::kDeadlineExceeded));

  MockEventLoop loop;
  EXPECT_CALL(loop, AddTimer(_, _)).WillOnce(Return(7));
  EXPECT_CALL(loop, CancelTimer(7));
  loop.CancelTimer(loop.AddTimer(absl::InfinitePast(), [] {}));
}

}  // namespace
}  // namespace wirecheck::fakes

// GoogleMock mocks of the transport interfaces, for tests that care about
// the calls a component makes rather than the bytes it moves (for bytes, use
// the fakes: fake_stream.h, simulated_network.h).
//
//   MockStream stream;
//   EXPECT_CALL(stream, Shutdown(ShutdownMode::kWrite))
//       .WillOnce(Return(absl::OkStatus()));
//
// Every mock's fd() returns -1 by default, and every status-returning method
// returns an error (UNIMPLEMENTED, from the default below) unless told
// otherwise, so a forgotten expectation fails loudly rather than looking
// like success.
#ifndef WIRECHECK_FAKES_MOCKS_H_
#define WIRECHECK_FAKES_MOCKS_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "gmock/gmock.h"
#include "protocols/transport/clock.h"
#include "protocols/transport/event_loop.h"
#include "protocols/transport/network.h"

namespace wirecheck::fakes {

namespace mocks_internal {

inline absl::Status Unexpected() {
  return absl::UnimplementedError("mock: call without an expectation");
}

// Makes GoogleMock's default for absl::Status and absl::StatusOr<T> an
// UNIMPLEMENTED error instead of the (OK) default-constructed Status, or an
// unknown-error StatusOr.
inline void SetStatusDefaults() {
  static const bool done = [] {
    const absl::Status unexpected = Unexpected();
    ::testing::DefaultValue<absl::Status>::Set(unexpected);
    ::testing::DefaultValue<absl::StatusOr<size_t>>::Set(unexpected);
    ::testing::DefaultValue<absl::StatusOr<ReceivedDatagram>>::Set(unexpected);
    ::testing::DefaultValue<absl::StatusOr<std::vector<NetworkInterface>>>::Set(
        unexpected);
    // Factories must be plain functions: the values cannot be copied.
    ::testing::DefaultValue<absl::StatusOr<std::unique_ptr<Stream>>>::SetFactory(
        [] { return absl::StatusOr<std::unique_ptr<Stream>>(Unexpected()); });
    ::testing::DefaultValue<absl::StatusOr<std::unique_ptr<Listener>>>::SetFactory(
        [] { return absl::StatusOr<std::unique_ptr<Listener>>(Unexpected()); });
    ::testing::DefaultValue<absl::StatusOr<std::unique_ptr<DatagramSocket>>>::
        SetFactory([] {
          return absl::StatusOr<std::unique_ptr<DatagramSocket>>(Unexpected());
        });
    return true;
  }();
  (void)done;
}

}  // namespace mocks_internal

class MockClock : public Clock {
 public:
  MockClock() { mocks_internal::SetStatusDefaults(); }
  MOCK_METHOD(absl::Time, Now, (), (override));
  MOCK_METHOD(absl::Time, WallNow, (), (override));
  MOCK_METHOD(void, SleepUntil, (absl::Time deadline), (override));
};

class MockStream : public Stream {
 public:
  MockStream() {
    mocks_internal::SetStatusDefaults();
    ON_CALL(*this, fd()).WillByDefault(::testing::Return(-1));
  }
  MOCK_METHOD(int, fd, (), (const, override));
  MOCK_METHOD(absl::StatusOr<size_t>, Read,
              (absl::Span<char> buffer, absl::Time deadline), (override));
  MOCK_METHOD(absl::StatusOr<size_t>, Write,
              (absl::string_view data, absl::Time deadline), (override));
  MOCK_METHOD(absl::Status, Shutdown, (ShutdownMode mode), (override));
  MOCK_METHOD(void, Close, (), (override));
  MOCK_METHOD(void, Abort, (), (override));
  MOCK_METHOD(SocketAddress, local_address, (), (const, override));
  MOCK_METHOD(SocketAddress, peer_address, (), (const, override));
};

class MockListener : public Listener {
 public:
  MockListener() {
    mocks_internal::SetStatusDefaults();
    ON_CALL(*this, fd()).WillByDefault(::testing::Return(-1));
  }
  MOCK_METHOD(int, fd, (), (const, override));
  MOCK_METHOD(absl::StatusOr<std::unique_ptr<Stream>>, Accept,
              (absl::Time deadline), (override));
  MOCK_METHOD(SocketAddress, local_address, (), (const, override));
  MOCK_METHOD(void, Close, (), (override));
};

class MockDatagramSocket : public DatagramSocket {
 public:
  MockDatagramSocket() {
    mocks_internal::SetStatusDefaults();
    ON_CALL(*this, fd()).WillByDefault(::testing::Return(-1));
  }
  MOCK_METHOD(int, fd, (), (const, override));
  MOCK_METHOD(absl::Status, SendTo,
              (absl::string_view data, const SocketAddress& to), (override));
  MOCK_METHOD(absl::StatusOr<ReceivedDatagram>, ReceiveFrom,
              (absl::Span<char> buffer, absl::Time deadline), (override));
  MOCK_METHOD(absl::Status, Connect, (const SocketAddress& peer), (override));
  MOCK_METHOD(absl::Status, EnableBroadcast, (), (override));
  MOCK_METHOD(absl::Status, JoinMulticastGroup,
              (const SocketAddress& group, uint32_t interface_index),
              (override));
  MOCK_METHOD(absl::Status, SetMulticastInterface, (uint32_t interface_index),
              (override));
  MOCK_METHOD(absl::Status, SetMulticastLoopback, (bool enabled), (override));
  MOCK_METHOD(SocketAddress, local_address, (), (const, override));
  MOCK_METHOD(void, Close, (), (override));
};

class MockNetwork : public Network {
 public:
  MockNetwork() { mocks_internal::SetStatusDefaults(); }
  MOCK_METHOD(Clock&, clock, (), (override));
  MOCK_METHOD(absl::StatusOr<std::unique_ptr<Stream>>, Connect,
              (const SocketAddress& remote, absl::Time deadline), (override));
  MOCK_METHOD(absl::StatusOr<std::unique_ptr<Listener>>, Listen,
              (const SocketAddress& local, const ListenOptions& options),
              (override));
  MOCK_METHOD(absl::StatusOr<std::unique_ptr<DatagramSocket>>, OpenDatagram,
              (const SocketAddress& local, const DatagramOptions& options),
              (override));
  MOCK_METHOD(absl::StatusOr<std::vector<NetworkInterface>>, Interfaces, (),
              (override));
};

class MockEventLoop : public EventLoop {
 public:
  MockEventLoop() { mocks_internal::SetStatusDefaults(); }
  MOCK_METHOD(Clock&, clock, (), (override));
  MOCK_METHOD(absl::Status, Watch,
              (Waitable & waitable, uint32_t events,
               std::function<void(uint32_t ready)> callback),
              (override));
  MOCK_METHOD(void, Unwatch, (Waitable & waitable), (override));
  MOCK_METHOD(TimerId, AddTimer,
              (absl::Time when, std::function<void()> callback), (override));
  MOCK_METHOD(void, CancelTimer, (TimerId id), (override));
  MOCK_METHOD(void, Post, (std::function<void()> callback), (override));
  MOCK_METHOD(absl::Status, Run, (), (override));
  MOCK_METHOD(void, Stop, (), (override));
};

}  // namespace wirecheck::fakes

#endif  // WIRECHECK_FAKES_MOCKS_H_

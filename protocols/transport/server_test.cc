// The shared server loop's behaviour, run on every harness.
#include "protocols/transport/server.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "fakes/harness.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "protocols/common/status_matchers.h"
#include "protocols/transport/stream_util.h"

namespace wirecheck {
namespace {

using ::testing::HasSubstr;
using ::wirecheck::testing::Harness;
using ::wirecheck::testing::HarnessFactory;
using ::wirecheck::testing::IsOkAndHolds;
using ::wirecheck::testing::StatusIs;

// Echoes every byte back and finishes when the client does.
class EchoSession : public StreamSession {
 public:
  void OnData(Connection& connection, absl::string_view data) override {
    connection.Send(data);
  }
};

// Echoes, but has the server read into a buffer of its own, and counts the
// reads that landed elsewhere.
class OwnBufferEchoSession : public StreamSession {
 public:
  explicit OwnBufferEchoSession(int& reads_elsewhere)
      : reads_elsewhere_(reads_elsewhere) {}
  absl::Span<char> ReadBuffer(size_t size) override {
    buffer_.resize(size);
    return absl::MakeSpan(buffer_);
  }
  void OnData(Connection& connection, absl::string_view data) override {
    if (data.data() != buffer_.data() || data.size() > buffer_.size()) {
      ++reads_elsewhere_;
    }
    connection.Send(data);
  }

 private:
  int& reads_elsewhere_;
  std::string buffer_;
};

// Sends a greeting and finishes at once, without reading.
class GreeterSession : public StreamSession {
 public:
  void OnOpen(Connection& connection) override {
    connection.Send("hello\n");
    connection.Finish();
  }
  void OnData(Connection&, absl::string_view) override {}
};

// Replies to each datagram with its payload reversed.
class ReverseService : public DatagramService {
 public:
  void OnDatagram(DatagramSocket& socket, const ReceivedDatagram& datagram,
                  absl::string_view payload) override {
    std::string reply(payload.rbegin(), payload.rend());
    ASSERT_OK(socket.SendTo(reply, datagram.from));
  }
};

class ServerTest : public ::testing::TestWithParam<HarnessFactory> {
 protected:
  void SetUp() override { harness_ = GetParam().make(); }
  void TearDown() override {
    harness_->StopServers();
    server_.reset();
  }

  // Starts a server with `options` serving `factory` over TCP.
  SocketAddress StartStream(StreamSessionFactory factory,
                            ServerOptions options = {}) {
    options.log = [this](absl::string_view line) {
      std::lock_guard<std::mutex> lock(log_mutex_);
      log_.emplace_back(line);
    };
    server_ = std::make_unique<Server>(harness_->server_loop(),
                                       harness_->server_network(), options);
    absl::StatusOr<SocketAddress> address =
        server_->ServeStream(harness_->server_bind_address(), factory);
    EXPECT_OK(address);
    harness_->StartServers();
    return address.value_or(SocketAddress());
  }

  std::unique_ptr<Stream> Connect(const SocketAddress& address) {
    absl::StatusOr<std::unique_ptr<Stream>> stream =
        harness_->client_network().Connect(address, Soon());
    EXPECT_OK(stream);
    return stream.ok() ? *std::move(stream) : nullptr;
  }

  absl::Time Soon() { return harness_->clock().Now() + absl::Seconds(5); }

  size_t OpenConnections() {
    size_t count = 0;
    harness_->RunOnServerLoop([&] { count = server_->open_connections(); });
    return count;
  }

  std::vector<std::string> Log() {
    std::lock_guard<std::mutex> lock(log_mutex_);
    return log_;
  }

  std::unique_ptr<Harness> harness_;
  std::unique_ptr<Server> server_;
  std::mutex log_mutex_;
  std::vector<std::string> log_;
};

TEST_P(ServerTest, ServesManyConnectionsAtOnce) {
  const SocketAddress address =
      StartStream([] { return std::make_unique<EchoSession>(); });
  std::vector<std::unique_ptr<Stream>> clients;
  for (int i = 0; i < 50; ++i) clients.push_back(Connect(address));
  for (int i = 0; i < 50; ++i) {
    ASSERT_OK(WriteAll(*clients[i], absl::StrCat("client ", i, ";"), Soon()));
  }
  for (int i = 0; i < 50; ++i) {
    const std::string expected = absl::StrCat("client ", i, ";");
    EXPECT_THAT(ReadExactly(*clients[i], expected.size(), Soon()),
                IsOkAndHolds(expected));
  }
}

TEST_P(ServerTest, ClientHalfCloseStillGetsFullEcho) {
  const SocketAddress address =
      StartStream([] { return std::make_unique<EchoSession>(); });
  std::unique_ptr<Stream> client = Connect(address);
  const std::string payload(300000, 'e');
  ASSERT_OK(WriteAll(*client, payload, Soon()));
  ASSERT_OK(client->Shutdown(ShutdownMode::kWrite));
  StreamCapture echo = ReadToEnd(*client, 1 << 20, Soon());
  EXPECT_EQ(echo.bytes.size(), payload.size());
  EXPECT_EQ(echo.bytes, payload);
  EXPECT_TRUE(echo.eof);
}

TEST_P(ServerTest, ReadsIntoTheBufferASessionProvides) {
  // Written on the server loop, so read there too.
  int reads_elsewhere = 0;
  const SocketAddress address = StartStream([&reads_elsewhere] {
    return std::make_unique<OwnBufferEchoSession>(reads_elsewhere);
  });
  std::unique_ptr<Stream> client = Connect(address);
  const std::string payload(200000, 'b');
  ASSERT_OK(WriteAll(*client, payload, Soon()));
  ASSERT_OK(client->Shutdown(ShutdownMode::kWrite));
  StreamCapture echo = ReadToEnd(*client, 1 << 20, Soon());
  EXPECT_EQ(echo.bytes, payload);
  EXPECT_TRUE(echo.eof);
  harness_->RunOnServerLoop([&] { EXPECT_EQ(reads_elsewhere, 0); });
}

TEST_P(ServerTest, FinishDeliversEverythingThenEof) {
  const SocketAddress address =
      StartStream([] { return std::make_unique<GreeterSession>(); });
  std::unique_ptr<Stream> client = Connect(address);
  StreamCapture greeting = ReadToEnd(*client, 1024, Soon());
  EXPECT_EQ(greeting.bytes, "hello\n");
  EXPECT_TRUE(greeting.eof);
}

TEST_P(ServerTest, ClientDataBeforeFinishDoesNotTurnCloseIntoReset) {
  const SocketAddress address =
      StartStream([] { return std::make_unique<GreeterSession>(); });
  std::unique_ptr<Stream> client = Connect(address);
  // Unread input at close would make the kernel send RST; the server's
  // lingering close reads and discards it instead.
  ASSERT_OK(WriteAll(*client, std::string(10000, 'j'), Soon()));
  StreamCapture greeting = ReadToEnd(*client, 1024, Soon());
  EXPECT_EQ(greeting.bytes, "hello\n");
  EXPECT_TRUE(greeting.eof) << greeting.error;
}

// Resets every connection as soon as it is accepted.
class ResetSession : public StreamSession {
 public:
  void OnOpen(Connection& connection) override { connection.Abort(); }
  void OnData(Connection&, absl::string_view) override {}
};

TEST_P(ServerTest, SessionThatResetsResetsEveryConnectionNotJustTheFirst) {
  const SocketAddress address =
      StartStream([] { return std::make_unique<ResetSession>(); });
  // Each new connection may reuse the descriptor of the one reset before.
  for (int i = 0; i < 5; ++i) {
    absl::StatusOr<std::unique_ptr<Stream>> client =
        harness_->client_network().Connect(address, Soon());
    if (!client.ok()) {
      // The reset can beat the end of the handshake on loopback.
      EXPECT_TRUE(IsConnectionReset(client.status())) << i << ": " << client.status();
      continue;
    }
    const StreamCapture capture = ReadToEnd(**client, 1024, Soon());
    EXPECT_FALSE(capture.eof) << i << ": closed gracefully, not reset";
    EXPECT_TRUE(IsConnectionReset(capture.error)) << i << ": " << capture.error;
  }
}

TEST_P(ServerTest, IdleConnectionsAreClosed) {
  ServerOptions options;
  options.idle_timeout = harness_->short_timeout();
  const SocketAddress address =
      StartStream([] { return std::make_unique<EchoSession>(); }, options);
  std::unique_ptr<Stream> client = Connect(address);
  StreamCapture capture = ReadToEnd(*client, 1024, Soon());
  EXPECT_TRUE(capture.eof);
  EXPECT_EQ(OpenConnections(), 0u);
  harness_->RunOnServerLoop(
      [&] { EXPECT_EQ(server_->stats().idle_timeouts, 1u); });
  EXPECT_THAT(Log(), ::testing::Contains(HasSubstr("idle for")));
}

TEST_P(ServerTest, ConnectionsBeyondTheLimitAreClosedAtOnce) {
  ServerOptions options;
  options.max_connections = 2;
  const SocketAddress address =
      StartStream([] { return std::make_unique<EchoSession>(); }, options);
  std::unique_ptr<Stream> first = Connect(address);
  std::unique_ptr<Stream> second = Connect(address);
  // Make sure both are being served before the third arrives.
  ASSERT_OK(WriteAll(*first, "1", Soon()));
  ASSERT_OK(WriteAll(*second, "2", Soon()));
  ASSERT_THAT(ReadExactly(*first, 1, Soon()), IsOkAndHolds("1"));
  ASSERT_THAT(ReadExactly(*second, 1, Soon()), IsOkAndHolds("2"));

  std::unique_ptr<Stream> third = Connect(address);
  StreamCapture rejected = ReadToEnd(*third, 1024, Soon());
  EXPECT_TRUE(rejected.eof || IsConnectionReset(rejected.error));
  EXPECT_TRUE(rejected.bytes.empty());
  harness_->RunOnServerLoop(
      [&] { EXPECT_EQ(server_->stats().connections_rejected, 1u); });
  EXPECT_THAT(Log(), ::testing::Contains(HasSubstr("connection limit (2)")));
  // The first two are unaffected.
  ASSERT_OK(WriteAll(*first, "still", Soon()));
  EXPECT_THAT(ReadExactly(*first, 5, Soon()), IsOkAndHolds("still"));
}

TEST_P(ServerTest, ClientThatNeverReadsCannotGrowServerMemory) {
  ServerOptions options;
  options.max_pending_output = 64 * 1024;
  const SocketAddress address =
      StartStream([] { return std::make_unique<EchoSession>(); }, options);
  std::unique_ptr<Stream> client = Connect(address);
  // The server stops reading once its queue is full, so the client's
  // writes eventually block: a write deadline, not unbounded buffering.
  const absl::Status flood = WriteAll(
      *client, std::string(256 << 20, 'f'),
      harness_->clock().Now() + harness_->short_timeout() * 10);
  EXPECT_THAT(flood, StatusIs(absl::StatusCode::kDeadlineExceeded));
  harness_->RunOnServerLoop([&] {
    EXPECT_EQ(server_->open_connections(), 1u);
  });
}

TEST_P(ServerTest, DatagramServiceRepliesToTheSender) {
  ReverseService service;
  server_ = std::make_unique<Server>(harness_->server_loop(),
                                     harness_->server_network());
  ASSERT_OK_AND_ASSIGN(
      SocketAddress address,
      server_->ServeDatagrams(harness_->server_bind_address(), service));
  harness_->StartServers();
  ASSERT_OK_AND_ASSIGN(auto client,
                       harness_->client_network().OpenDatagram(
                           SocketAddress::Any(harness_->family(), 0), {}));
  ASSERT_OK(client->SendTo("abc", address));
  char buffer[16];
  ASSERT_OK_AND_ASSIGN(ReceivedDatagram reply,
                       client->ReceiveFrom(absl::MakeSpan(buffer), Soon()));
  EXPECT_EQ(absl::string_view(buffer, reply.size), "cba");
  EXPECT_EQ(reply.from, address);
}

// Records the socket it was bound to and sends a last word on shutdown.
class FarewellService : public DatagramService {
 public:
  explicit FarewellService(SocketAddress listener) : listener_(listener) {}
  absl::Status OnBound(DatagramSocket& socket) override {
    bound_to = socket.local_address();
    return absl::OkStatus();
  }
  void OnDatagram(DatagramSocket&, const ReceivedDatagram&,
                  absl::string_view) override {}
  void OnShutdown(DatagramSocket& socket) override {
    socket.SendTo("goodbye", listener_).IgnoreError();
  }
  SocketAddress bound_to;

 private:
  const SocketAddress listener_;
};

TEST_P(ServerTest, DatagramServicesSeeTheirSocketFromBindToShutdown) {
  // Bound to a concrete address, so the service knows where to send.
  ASSERT_OK_AND_ASSIGN(auto listener, harness_->server_network().OpenDatagram(
                                          harness_->server_bind_address(), {}));
  FarewellService service(listener->local_address());
  server_ = std::make_unique<Server>(harness_->server_loop(),
                                     harness_->server_network());
  ASSERT_OK_AND_ASSIGN(
      SocketAddress address,
      server_->ServeDatagrams(harness_->server_bind_address(), service));
  EXPECT_EQ(service.bound_to, address);
  harness_->StartServers();
  harness_->RunOnServerLoop([&] { server_->Shutdown(absl::Seconds(1), [] {}); });
  char buffer[16];
  ASSERT_OK_AND_ASSIGN(ReceivedDatagram datagram,
                       listener->ReceiveFrom(absl::MakeSpan(buffer), Soon()));
  EXPECT_EQ(absl::string_view(buffer, datagram.size), "goodbye");
}

TEST_P(ServerTest, ShutdownStopsAcceptingAndWaitsForOpenConnections) {
  const SocketAddress address =
      StartStream([] { return std::make_unique<EchoSession>(); });
  std::unique_ptr<Stream> client = Connect(address);
  ASSERT_OK(WriteAll(*client, "x", Soon()));
  ASSERT_THAT(ReadExactly(*client, 1, Soon()), IsOkAndHolds("x"));

  std::atomic<bool> done{false};
  harness_->RunOnServerLoop([&] {
    server_->Shutdown(absl::Hours(1), [&] { done = true; });
  });
  EXPECT_THAT(harness_->client_network().Connect(address, Soon()),
              StatusIs(absl::StatusCode::kUnavailable));
  // The open connection still works until its client finishes.
  ASSERT_OK(WriteAll(*client, "y", Soon()));
  EXPECT_THAT(ReadExactly(*client, 1, Soon()), IsOkAndHolds("y"));
  EXPECT_FALSE(done);
  ASSERT_OK(client->Shutdown(ShutdownMode::kWrite));
  EXPECT_TRUE(ReadToEnd(*client, 16, Soon()).eof);
  for (int i = 0; i < 1000 && !done; ++i) {
    harness_->clock().SleepUntil(harness_->clock().Now() +
                                 absl::Milliseconds(1));
  }
  EXPECT_TRUE(done);
}

TEST_P(ServerTest, ShutdownClosesStragglersAfterTheGracePeriod) {
  const SocketAddress address =
      StartStream([] { return std::make_unique<EchoSession>(); });
  std::unique_ptr<Stream> client = Connect(address);
  ASSERT_OK(WriteAll(*client, "x", Soon()));
  ASSERT_THAT(ReadExactly(*client, 1, Soon()), IsOkAndHolds("x"));
  std::atomic<bool> done{false};
  harness_->RunOnServerLoop([&] {
    server_->Shutdown(harness_->short_timeout(), [&] { done = true; });
  });
  StreamCapture capture = ReadToEnd(*client, 16, Soon());
  EXPECT_TRUE(capture.eof);
  for (int i = 0; i < 1000 && !done; ++i) {
    harness_->clock().SleepUntil(harness_->clock().Now() +
                                 absl::Milliseconds(1));
  }
  EXPECT_TRUE(done);
}

INSTANTIATE_TEST_SUITE_P(AllHarnesses, ServerTest,
                         ::testing::ValuesIn(testing::AllHarnesses()),
                         testing::HarnessTestName);

}  // namespace
}  // namespace wirecheck

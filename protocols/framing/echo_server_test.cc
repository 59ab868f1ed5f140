// The framed echo service's behaviour, for every variant on every harness,
// including under fault plans between client and server (sliced streams,
// half-close in each direction, reset mid-frame): on the fakes the simulated
// path carries the faults, on loopback a fault proxy does
// (Harness::ThroughFaults).
#include "protocols/framing/echo_server.h"

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "fakes/harness.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "protocols/common/status_matchers.h"
#include "protocols/framing/codec.h"
#include "protocols/framing/codec_test_util.h"
#include "protocols/framing/samples.h"
#include "protocols/transport/stream_util.h"

namespace wirecheck::framing {
namespace {

using ::testing::AllOf;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::wirecheck::testing::Harness;
using ::wirecheck::testing::HarnessFactory;
using ::wirecheck::testing::IsOkAndHolds;

using Param = std::tuple<HarnessFactory, Variant>;

std::string ParamName(const ::testing::TestParamInfo<Param>& info) {
  return absl::StrCat(std::get<0>(info.param).name, "_",
                      VariantName(std::get<1>(info.param)));
}

class EchoServerTest : public ::testing::TestWithParam<Param> {
 protected:
  void SetUp() override {
    harness_ = std::get<0>(GetParam()).make();
    variant_ = std::get<1>(GetParam());
  }
  void TearDown() override {
    harness_->StopServers();
    server_.reset();
  }

  std::map<Transport, SocketAddress> Start(EchoOptions options = {}) {
    ServerOptions server_options;
    server_options.log = [this](absl::string_view line) {
      std::lock_guard<std::mutex> lock(log_mutex_);
      log_.emplace_back(line);
    };
    server_ = std::make_unique<Server>(harness_->server_loop(),
                                       harness_->server_network(),
                                       server_options);
    absl::StatusOr<std::map<Transport, SocketAddress>> addresses =
        StartEchoServer(*server_, harness_->server_bind_address(), variant_,
                        options);
    EXPECT_OK(addresses);
    harness_->StartServers();
    return addresses.value_or(std::map<Transport, SocketAddress>{});
  }

  SocketAddress StartTcp(EchoOptions options = {}) {
    return Start(options)[Transport::kTcp];
  }

  // Starts the TCP echo server behind the faults of `plan` and returns where
  // clients connect.
  SocketAddress StartTcpThroughFaults(absl::string_view plan) {
    ServerOptions server_options;
    server_options.log = [this](absl::string_view line) {
      std::lock_guard<std::mutex> lock(log_mutex_);
      log_.emplace_back(line);
    };
    server_ = std::make_unique<Server>(harness_->server_loop(),
                                       harness_->server_network(),
                                       server_options);
    absl::StatusOr<std::map<Transport, SocketAddress>> addresses =
        StartEchoServer(*server_, harness_->server_bind_address(), variant_);
    EXPECT_OK(addresses);
    absl::StatusOr<SocketAddress> through = harness_->ThroughFaults(
        Transport::kTcp, (*addresses)[Transport::kTcp], plan);
    EXPECT_OK(through);
    harness_->StartServers();
    return through.value_or(SocketAddress());
  }

  // Three frames of 100 letters each: valid in every variant.
  std::vector<std::string> ThreePayloads() {
    return {std::string(100, 'a'), std::string(100, 'b'),
            std::string(100, 'c')};
  }

  std::unique_ptr<Stream> Connect(const SocketAddress& address) {
    absl::StatusOr<std::unique_ptr<Stream>> stream =
        harness_->client_network().Connect(address, Soon());
    EXPECT_OK(stream);
    return stream.ok() ? *std::move(stream) : nullptr;
  }

  absl::Time Soon() { return harness_->clock().Now() + absl::Seconds(5); }

  // The frames carrying `payloads`, concatenated.
  std::string Frames(const std::vector<std::string>& payloads) {
    std::unique_ptr<Encoder> encoder = MakeEncoder(variant_, {.seed = 9});
    std::string stream;
    for (const std::string& payload : payloads) {
      EXPECT_OK(encoder->Encode(payload, stream));
    }
    return stream;
  }

  std::string Frame(absl::string_view payload) {
    return Frames({std::string(payload)});
  }

  // Sends a frame and expects its echo: the connection is being served.
  void ExpectServed(Stream& stream) {
    const std::string frame = Frame("still here");
    ASSERT_OK(WriteAll(stream, frame, Soon()));
    EXPECT_THAT(ReadExactly(stream, frame.size(), Soon()), IsOkAndHolds(frame));
  }

  size_t OpenConnections() {
    size_t count = 0;
    harness_->RunOnServerLoop([&] { count = server_->open_connections(); });
    return count;
  }

  // Waits (on the harness clock) until the server has `count` connections.
  void AwaitOpenConnections(size_t count) {
    for (int i = 0; i < 1000 && OpenConnections() != count; ++i) {
      harness_->clock().SleepUntil(harness_->clock().Now() +
                                   absl::Milliseconds(1));
    }
    EXPECT_EQ(OpenConnections(), count);
  }

  std::vector<std::string> Log() {
    std::lock_guard<std::mutex> lock(log_mutex_);
    return log_;
  }

  std::unique_ptr<Harness> harness_;
  Variant variant_ = Variant::kRaw;
  std::unique_ptr<Server> server_;
  std::mutex log_mutex_;
  std::vector<std::string> log_;
};

TEST_P(EchoServerTest, EchoesEveryFrameByteForByte) {
  const SocketAddress address = StartTcp();
  std::unique_ptr<Stream> client = Connect(address);
  std::mt19937_64 random(1);
  const std::string stream = Frames({
      "hello", variant_ == Variant::kRaw ? "x" : "",
      RandomPayload(variant_, 1000, random),
      RandomPayload(variant_, 20000, random)});
  ASSERT_OK(WriteAll(*client, stream, Soon()));
  EXPECT_THAT(ReadExactly(*client, stream.size(), Soon()), IsOkAndHolds(stream));
}

TEST_P(EchoServerTest, FramesSentOneByteAtATimeAreEchoed) {
  const SocketAddress address = StartTcp();
  std::unique_ptr<Stream> client = Connect(address);
  const std::string stream = Frames({"one", "two\\=\x01", "three"});
  for (char byte : stream) {
    ASSERT_OK(WriteAll(*client, absl::string_view(&byte, 1), Soon()));
  }
  EXPECT_THAT(ReadExactly(*client, stream.size(), Soon()), IsOkAndHolds(stream));
}

TEST_P(EchoServerTest, EchoesEachFrameAsSoonAsItIsComplete) {
  if (variant_ == Variant::kRaw) GTEST_SKIP() << "raw has no frames";
  const SocketAddress address = StartTcp();
  std::unique_ptr<Stream> client = Connect(address);
  const std::string first = Frame("first");
  const std::string second = Frame("second");
  const size_t half = second.size() / 2;
  ASSERT_OK(WriteAll(*client, first + second.substr(0, half), Soon()));
  EXPECT_THAT(ReadExactly(*client, first.size(), Soon()), IsOkAndHolds(first));
  ASSERT_OK(WriteAll(*client, second.substr(half), Soon()));
  EXPECT_THAT(ReadExactly(*client, second.size(), Soon()),
              IsOkAndHolds(second));
}

TEST_P(EchoServerTest, ClientHalfCloseStillGetsFullEcho) {
  const SocketAddress address = StartTcp();
  std::unique_ptr<Stream> client = Connect(address);
  std::vector<std::string> payloads;
  for (int i = 0; i < 300; ++i) payloads.push_back(absl::StrCat("frame ", i));
  const std::string stream = Frames(payloads);
  ASSERT_OK(WriteAll(*client, stream, Soon()));
  ASSERT_OK(client->Shutdown(ShutdownMode::kWrite));
  StreamCapture echo = ReadToEnd(*client, 1 << 20, Soon());
  EXPECT_EQ(echo.bytes, stream);
  EXPECT_TRUE(echo.eof) << echo.error;
}

TEST_P(EchoServerTest, PartialFrameAtEndOfInputIsLoggedAndDropped) {
  if (variant_ == Variant::kRaw) GTEST_SKIP() << "raw has no frames";
  const SocketAddress address = StartTcp();
  std::unique_ptr<Stream> client = Connect(address);
  const std::string complete = Frame("complete");
  const std::string partial = Frame("partial").substr(0, 3);
  ASSERT_OK(WriteAll(*client, complete + partial, Soon()));
  ASSERT_OK(client->Shutdown(ShutdownMode::kWrite));
  StreamCapture echo = ReadToEnd(*client, 1 << 20, Soon());
  EXPECT_EQ(echo.bytes, complete);
  EXPECT_TRUE(echo.eof) << echo.error;
  AwaitOpenConnections(0);
  EXPECT_THAT(Log(), Contains(HasSubstr(absl::StrCat(
                         "partial frame at end of input: ",
                         VariantName(variant_), ": truncated frame"))));
}

TEST_P(EchoServerTest, OversizedFrameClosesOnlyThatConnection) {
  const std::optional<std::string> oversized = OversizedSample(variant_, 64);
  if (!oversized.has_value()) GTEST_SKIP() << "no oversized frame exists";
  EchoOptions options;
  options.decoder.max_frame_size = 64;
  const SocketAddress address = StartTcp(options);
  std::unique_ptr<Stream> bystander = Connect(address);
  ExpectServed(*bystander);

  std::unique_ptr<Stream> client = Connect(address);
  const std::string valid = Frame("ok");
  ASSERT_OK(WriteAll(*client, valid + *oversized, Soon()));
  StreamCapture echo = ReadToEnd(*client, 1 << 20, Soon());
  EXPECT_EQ(echo.bytes, valid);
  EXPECT_TRUE(echo.eof) << echo.error;
  EXPECT_THAT(Log(), Contains(AllOf(
                         HasSubstr(absl::StrCat("closing: ", VariantName(variant_),
                                                ": the frame at offset ",
                                                valid.size())),
                         HasSubstr("the maximum frame size is 64 bytes"))));

  ExpectServed(*bystander);
  std::unique_ptr<Stream> newcomer = Connect(address);
  ExpectServed(*newcomer);
}

TEST_P(EchoServerTest, MalformedInputClosesOnlyThatConnection) {
  const std::vector<MalformedSample> samples = MalformedSamples(variant_);
  if (samples.empty()) GTEST_SKIP() << "every input is well-formed";
  const SocketAddress address = StartTcp();
  std::unique_ptr<Stream> bystander = Connect(address);
  ExpectServed(*bystander);
  for (const MalformedSample& sample : samples) {
    SCOPED_TRACE(sample.what);
    std::unique_ptr<Stream> client = Connect(address);
    const std::string valid = Frame("ok");
    ASSERT_OK(WriteAll(*client, valid + sample.bytes, Soon()));
    StreamCapture echo = ReadToEnd(*client, 1 << 20, Soon());
    EXPECT_EQ(echo.bytes, valid);
    EXPECT_TRUE(echo.eof) << echo.error;
    ExpectServed(*bystander);
  }
  EXPECT_THAT(Log(), Contains(HasSubstr(absl::StrCat(
                         "closing: ", VariantName(variant_), ": malformed at offset"))));
}

TEST_P(EchoServerTest, ResetMidFrameDoesNotDisturbOtherConnections) {
  const SocketAddress address = StartTcp();
  std::unique_ptr<Stream> bystander = Connect(address);
  ExpectServed(*bystander);
  std::unique_ptr<Stream> client = Connect(address);
  const std::string frame = Frame("never finished");
  ASSERT_OK(WriteAll(*client, frame.substr(0, frame.size() - 1), Soon()));
  if (variant_ == Variant::kRaw) {
    ASSERT_OK(ReadExactly(*client, frame.size() - 1, Soon()).status());
  }
  AwaitOpenConnections(2);
  client->Abort();
  AwaitOpenConnections(1);
  ExpectServed(*bystander);
}

TEST_P(EchoServerTest, StreamsSlicedToSingleBytesBothWaysStillEchoEveryFrame) {
  const SocketAddress address = StartTcpThroughFaults("slice=1");
  std::unique_ptr<Stream> client = Connect(address);
  const std::string frames = Frames(ThreePayloads());
  ASSERT_OK(WriteAll(*client, frames, Soon()));
  EXPECT_THAT(ReadExactly(*client, frames.size(), Soon()), IsOkAndHolds(frames));
}

TEST_P(EchoServerTest, HalfCloseTowardTheServerMidFrameEchoesTheCompleteFrames) {
  if (variant_ == Variant::kRaw) GTEST_SKIP() << "raw has no frames";
  const std::vector<std::string> payloads = ThreePayloads();
  const std::string two = Frames({payloads[0], payloads[1]});
  const std::string three = Frames(payloads);
  // The server reads EOF halfway through the third frame.
  const size_t cut = two.size() + (three.size() - two.size()) / 2;
  const SocketAddress address =
      StartTcpThroughFaults(absl::StrCat("up:half_close_after=", cut));
  std::unique_ptr<Stream> client = Connect(address);
  ASSERT_OK(WriteAll(*client, three, Soon()));
  StreamCapture echo = ReadToEnd(*client, 1 << 20, Soon());
  EXPECT_EQ(echo.bytes, two);
  EXPECT_TRUE(echo.eof) << echo.error;
  AwaitOpenConnections(0);
  EXPECT_THAT(Log(), Contains(HasSubstr("partial frame at end of input")));
}

TEST_P(EchoServerTest, HalfCloseTowardTheClientEndsTheEchoesItSees) {
  const std::vector<std::string> payloads = ThreePayloads();
  const std::string first = Frame(payloads[0]);
  const SocketAddress address = StartTcpThroughFaults(
      absl::StrCat("down:half_close_after=", first.size()));
  std::unique_ptr<Stream> client = Connect(address);
  ASSERT_OK(WriteAll(*client, Frames(payloads), Soon()));
  StreamCapture echo = ReadToEnd(*client, 1 << 20, Soon());
  EXPECT_EQ(echo.bytes, first);
  EXPECT_TRUE(echo.eof) << echo.error;
}

TEST_P(EchoServerTest, ResetMidFrameReachesBothEndsAndTheServerRecovers) {
  const std::vector<std::string> payloads = ThreePayloads();
  const std::string first = Frame(payloads[0]);
  // Both ends are reset halfway through the second frame.
  const SocketAddress address = StartTcpThroughFaults(
      absl::StrCat("up:reset_after=", first.size() + 50));
  std::unique_ptr<Stream> client = Connect(address);
  ASSERT_OK(WriteAll(*client, Frames({payloads[0], payloads[1]}), Soon()));
  StreamCapture echo = ReadToEnd(*client, 1 << 20, Soon());
  EXPECT_TRUE(IsConnectionReset(echo.error)) << echo.error;
  EXPECT_FALSE(echo.eof);
  AwaitOpenConnections(0);
  // A later connection (through the same faults) is served up to the cut.
  std::unique_ptr<Stream> next = Connect(address);
  ExpectServed(*next);
}

TEST_P(EchoServerTest, RawEchoesBytesAsTheyArrive) {
  if (variant_ != Variant::kRaw) GTEST_SKIP() << "raw only";
  const SocketAddress address = StartTcp();
  std::unique_ptr<Stream> client = Connect(address);
  for (const std::string& piece : {std::string("abc"), std::string("\r\n"),
                                   std::string(1, '\0')}) {
    ASSERT_OK(WriteAll(*client, piece, Soon()));
    EXPECT_THAT(ReadExactly(*client, piece.size(), Soon()),
                IsOkAndHolds(piece));
  }
}

TEST_P(EchoServerTest, RawAnswersEachDatagramWholeFromTheServerAddress) {
  if (variant_ != Variant::kRaw) GTEST_SKIP() << "raw only";
  const std::map<Transport, SocketAddress> addresses = Start();
  ASSERT_EQ(addresses.count(Transport::kUdp), 1u);
  const SocketAddress server = addresses.at(Transport::kUdp);
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<DatagramSocket> client,
                       harness_->client_network().OpenDatagram(
                           SocketAddress::Any(harness_->family(), 0), {}));
  std::mt19937_64 random(2);
  std::string buffer(65536, '\0');
  for (size_t size : {size_t{0}, size_t{1}, size_t{1472}, size_t{65507}}) {
    SCOPED_TRACE(size);
    const std::string datagram = RandomPayload(variant_, size, random);
    ASSERT_OK(client->SendTo(datagram, server));
    ASSERT_OK_AND_ASSIGN(ReceivedDatagram reply,
                         client->ReceiveFrom(absl::MakeSpan(buffer), Soon()));
    EXPECT_EQ(reply.from, server);
    EXPECT_FALSE(reply.truncated());
    EXPECT_EQ(absl::string_view(buffer.data(), reply.size), datagram);
  }
}

TEST_P(EchoServerTest, OnlyRawServesUdp) {
  EXPECT_EQ(Start().count(Transport::kUdp),
            variant_ == Variant::kRaw ? 1u : 0u);
}

class MockConnection : public Connection {
 public:
  MOCK_METHOD(void, Send, (absl::string_view data), (override));
  MOCK_METHOD(void, Finish, (), (override));
  MOCK_METHOD(void, Abort, (), (override));
  MOCK_METHOD(void, Log, (absl::string_view message), (override));
  MOCK_METHOD(const SocketAddress&, peer_address, (), (const, override));
  MOCK_METHOD(const SocketAddress&, local_address, (), (const, override));
  MOCK_METHOD(EventLoop&, loop, (), (override));
  MOCK_METHOD(size_t, pending_output, (), (const, override));
};

// The server reads into the session's ReadBuffer(); bytes handed over from
// anywhere else are still echoed exactly, frames spanning both kinds of
// delivery included.
TEST(EchoSessionTest, EchoesFramesWhereverTheirBytesWereRead) {
  std::unique_ptr<StreamSession> session = MakeEchoSession(Variant::kLine);
  ::testing::StrictMock<MockConnection> connection;
  {
    ::testing::InSequence in_order;
    EXPECT_CALL(connection, Send(absl::string_view("hello\n")));
    EXPECT_CALL(connection, Send(absl::string_view("world\nagain\n")));
  }
  session->OnData(connection, "hel");
  session->OnData(connection, "lo\nwo");
  const std::string rest = "rld\nagain\n";
  const absl::Span<char> room = session->ReadBuffer(64);
  ASSERT_GE(room.size(), rest.size());
  std::copy(rest.begin(), rest.end(), room.begin());
  session->OnData(connection, absl::string_view(room.data(), rest.size()));
}

INSTANTIATE_TEST_SUITE_P(
    AllHarnessesAndVariants, EchoServerTest,
    ::testing::Combine(::testing::ValuesIn(::wirecheck::testing::AllHarnesses()),
                       ::testing::ValuesIn(AllVariants().begin(),
                                           AllVariants().end())),
    ParamName);

}  // namespace
}  // namespace wirecheck::framing

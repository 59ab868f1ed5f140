#include "conformance/testing/greeting/greeting_suite.h"

#include <memory>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "conformance/check_util.h"
#include "protocols/common/status_macros.h"
#include "protocols/transport/stream_util.h"

namespace wirecheck::testing {
namespace {

using ::wirecheck::conformance::CaseContext;
using ::wirecheck::conformance::ConnectToTarget;
using ::wirecheck::conformance::DatagramCapture;
using ::wirecheck::conformance::DescribeBytes;
using ::wirecheck::conformance::DescribeCapture;
using ::wirecheck::conformance::DescribeFailure;
using ::wirecheck::conformance::DurationOption;
using ::wirecheck::conformance::Finding;
using ::wirecheck::conformance::HarnessError;
using ::wirecheck::conformance::Info;
using ::wirecheck::conformance::Level;
using ::wirecheck::conformance::OpenDatagramToTarget;
using ::wirecheck::conformance::Pass;
using ::wirecheck::conformance::ReceiveDatagram;
using ::wirecheck::conformance::Suite;
using ::wirecheck::conformance::Violation;

// Reads are bounded: more than this is already a failure.
constexpr size_t kMaxReply = 64;

const std::string& Greeting() {
  static const auto* const greeting = new std::string(kGreeting);
  return *greeting;
}

Finding NoConnection(const absl::Status& status) {
  return Violation("a connection", DescribeFailure(status));
}

Finding CheckTcpGreeting(CaseContext& context) {
  absl::StatusOr<std::unique_ptr<Stream>> stream = ConnectToTarget(context);
  if (!stream.ok()) return NoConnection(stream.status());
  const StreamCapture reply = ReadToEnd(**stream, kMaxReply, context.deadline);
  if (reply.bytes == Greeting() && !reply.limit_reached) {
    return Pass(DescribeCapture(reply));
  }
  return Violation("exactly 5 bytes \"hello\"", DescribeCapture(reply));
}

Finding CheckTcpClose(CaseContext& context) {
  absl::StatusOr<std::unique_ptr<Stream>> stream = ConnectToTarget(context);
  if (!stream.ok()) return NoConnection(stream.status());
  const StreamCapture reply = ReadToEnd(**stream, kMaxReply, context.deadline);
  if (reply.eof) return Pass(DescribeCapture(reply));
  return Violation("EOF after the greeting", DescribeCapture(reply));
}

Finding CheckTcpPrompt(CaseContext& context) {
  absl::StatusOr<absl::Duration> within =
      DurationOption(context, "greet_within");
  if (!within.ok()) return HarnessError(within.status());
  const std::string expected =
      absl::StrCat("the greeting within ", absl::FormatDuration(*within));
  absl::StatusOr<std::unique_ptr<Stream>> stream = ConnectToTarget(context);
  if (!stream.ok()) return NoConnection(stream.status());
  const absl::Time connected = context.clock.Now();
  char first;
  absl::StatusOr<size_t> n =
      (*stream)->Read(absl::MakeSpan(&first, 1), context.deadline);
  const absl::Duration waited = context.clock.Now() - connected;
  if (!n.ok()) return Violation(expected, DescribeFailure(n.status()));
  if (*n == 0) return Violation(expected, "EOF without a greeting");
  const std::string observed =
      absl::StrCat("first byte after ", absl::FormatDuration(waited));
  if (waited > *within) return Violation(expected, observed);
  return Pass(observed);
}

Finding CheckTcpClientFirst(CaseContext& context) {
  absl::StatusOr<std::unique_ptr<Stream>> stream = ConnectToTarget(context);
  if (!stream.ok()) return NoConnection(stream.status());
  const std::string request = "who's there?\n";
  if (absl::Status status = WriteAll(**stream, request, context.deadline);
      !status.ok()) {
    return Info(absl::StrCat("sending ", request.size(),
                             " bytes first failed: ", DescribeFailure(status)));
  }
  context.notes.Note("sent 13 bytes before reading: the spec leaves open what "
                     "the server does with them");
  const StreamCapture reply = ReadToEnd(**stream, kMaxReply, context.deadline);
  return Info(absl::StrCat("after the client spoke first: ",
                           DescribeCapture(reply)));
}

// Sends `request` and waits for one answer. `sent` is when it went out.
absl::StatusOr<DatagramCapture> Ask(CaseContext& context,
                                    absl::string_view request,
                                    absl::Time* sent) {
  ASSIGN_OR_RETURN(std::unique_ptr<DatagramSocket> socket,
                   OpenDatagramToTarget(context));
  *sent = context.clock.Now();
  RETURN_IF_ERROR(socket->SendTo(request, context.target));
  return ReceiveDatagram(*socket, kMaxReply, context.deadline);
}

std::string DescribeDatagram(const DatagramCapture& reply) {
  std::string out = absl::StrCat("a datagram of ", DescribeBytes(reply.bytes));
  if (reply.truncated()) {
    absl::StrAppend(&out, " (", reply.wire_size, " bytes in all)");
  }
  return out;
}

Finding CheckUdpGreeting(CaseContext& context) {
  absl::Time sent;
  absl::StatusOr<DatagramCapture> reply = Ask(context, "hi", &sent);
  const std::string expected = "one datagram of exactly 5 bytes \"hello\"";
  if (!reply.ok()) return Violation(expected, DescribeFailure(reply.status()));
  if (reply->bytes == Greeting() && !reply->truncated()) {
    return Pass(DescribeDatagram(*reply));
  }
  return Violation(expected, DescribeDatagram(*reply));
}

Finding CheckUdpPrompt(CaseContext& context) {
  absl::StatusOr<absl::Duration> within =
      DurationOption(context, "greet_within");
  if (!within.ok()) return HarnessError(within.status());
  const std::string expected =
      absl::StrCat("an answer within ", absl::FormatDuration(*within));
  absl::Time sent;
  absl::StatusOr<DatagramCapture> reply = Ask(context, "hi", &sent);
  if (!reply.ok()) return Violation(expected, DescribeFailure(reply.status()));
  const absl::Duration waited = context.clock.Now() - sent;
  const std::string observed =
      absl::StrCat("answer after ", absl::FormatDuration(waited));
  if (waited > *within) return Violation(expected, observed);
  return Pass(observed);
}

Finding CheckUdpEmpty(CaseContext& context) {
  absl::Time sent;
  absl::StatusOr<DatagramCapture> reply = Ask(context, "", &sent);
  const std::string expected = "\"hello\" in answer to an empty datagram";
  if (!reply.ok()) return Violation(expected, DescribeFailure(reply.status()));
  if (reply->bytes == Greeting()) return Pass(DescribeDatagram(*reply));
  return Violation(expected, DescribeDatagram(*reply));
}

Finding Probe(CaseContext& context, Transport transport) {
  if (transport == Transport::kTcp) {
    // Something listens if the connection is accepted, even if it is reset
    // at once (which can beat the end of the handshake): the cases judge
    // what it does then.
    absl::StatusOr<std::unique_ptr<Stream>> stream = ConnectToTarget(context);
    if (IsConnectionReset(stream.status())) return Pass("connection reset");
    if (!stream.ok()) return NoConnection(stream.status());
    return Pass("accepted a connection");
  }
  absl::Time sent;
  absl::StatusOr<DatagramCapture> reply = Ask(context, "hi", &sent);
  if (!reply.ok()) {
    return Violation("an answer to a datagram", DescribeFailure(reply.status()));
  }
  return Pass(DescribeDatagram(*reply));
}

class GreetingSession : public StreamSession {
 public:
  void OnOpen(Connection& connection) override {
    connection.Send(kGreeting);
    connection.Finish();
  }
  void OnData(Connection& connection, absl::string_view data) override {}
};

class GreetingDatagramService : public DatagramService {
 public:
  void OnDatagram(DatagramSocket& socket, const ReceivedDatagram& datagram,
                  absl::string_view payload) override {
    // A reply that cannot go out (buffer full) is a lost datagram, as UDP
    // allows.
    socket.SendTo(kGreeting, datagram.from).IgnoreError();
  }
};

}  // namespace

Suite GreetingSuite() {
  Suite suite;
  suite.name = "greeting";
  suite.description = "The test-only greeting protocol: \"hello\" over TCP and UDP";
  suite.spec_path = "conformance/testing/greeting/SPEC.md";
  suite.default_port = kGreetingDefaultPort;
  suite.transports = {Transport::kTcp, Transport::kUdp};
  suite.default_options = {{"greet_within", "1s"}};
  suite.probe = Probe;
  suite.cases = {
      {.id = "greeting/tcp-greeting",
       .requirements = {"GREET-1"},
       .level = Level::kMust,
       .transport = Transport::kTcp,
       .description = "Sends exactly \"hello\" on a new connection",
       .check = CheckTcpGreeting},
      {.id = "greeting/tcp-close",
       .requirements = {"GREET-2"},
       .level = Level::kMust,
       .transport = Transport::kTcp,
       .description = "Closes the connection after the greeting",
       .check = CheckTcpClose},
      {.id = "greeting/tcp-prompt",
       .requirements = {"GREET-3"},
       .level = Level::kShould,
       .transport = Transport::kTcp,
       .description = "Greets within greet_within of the connection",
       .check = CheckTcpPrompt},
      {.id = "greeting/tcp-client-first",
       .requirements = {"GREET-5"},
       .level = Level::kMay,
       .transport = Transport::kTcp,
       .description = "What the server does when the client speaks first",
       .check = CheckTcpClientFirst},
      {.id = "greeting/udp-greeting",
       .requirements = {"GREET-4"},
       .level = Level::kMust,
       .transport = Transport::kUdp,
       .description = "Answers a datagram with exactly \"hello\"",
       .check = CheckUdpGreeting},
      {.id = "greeting/udp-prompt",
       .requirements = {"GREET-3"},
       .level = Level::kShould,
       .transport = Transport::kUdp,
       .description = "Answers within greet_within of the request",
       .check = CheckUdpPrompt},
      {.id = "greeting/udp-empty",
       .requirements = {"GREET-6"},
       .level = Level::kMay,
       .transport = Transport::kUdp,
       .description = "Answers an empty datagram",
       .check = CheckUdpEmpty},
  };
  suite.start_reference = StartGreetingReference;
  return suite;
}

absl::StatusOr<std::map<Transport, SocketAddress>> StartGreetingReference(
    Server& server, const SocketAddress& bind) {
  // Stateless, so one instance serves every server in the process.
  static auto* const service = new GreetingDatagramService();
  ASSIGN_OR_RETURN(const SocketAddress tcp,
                   server.ServeStream(bind, [] {
                     return std::make_unique<GreetingSession>();
                   }));
  absl::StatusOr<SocketAddress> udp =
      server.ServeDatagrams(bind.WithPort(tcp.port()), *service);
  if (!udp.ok()) udp = server.ServeDatagrams(bind, *service);
  if (!udp.ok()) return udp.status();
  return std::map<Transport, SocketAddress>{{Transport::kTcp, tcp},
                                            {Transport::kUdp, *udp}};
}

}  // namespace wirecheck::testing

#include "conformance/time/time_suite.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "protocols/time/time_codec.h"
#include "protocols/time/time_server.h"
#include "protocols/transport/stream_util.h"

namespace wirecheck::conformance {
namespace {

using timeproto::DaytimeText;

// Enough to see an over-long reply; a server streaming forever is cut here.
constexpr size_t kMaxReply = 1024;
constexpr size_t kMaxDatagram = 65536;
// Requests a UDP case sends before concluding there is no answer.
constexpr int kUdpAttempts = 3;
constexpr int kConcurrentConnections = 50;

std::string DescribeBytes(absl::string_view bytes) {
  if (bytes.empty()) return "no bytes";
  const absl::string_view shown = bytes.substr(0, 16);
  return absl::StrCat(bytes.size(), " byte", bytes.size() == 1 ? "" : "s",
                      " (", absl::BytesToHexString(shown),
                      bytes.size() > shown.size() ? "..." : "", ")");
}

// "4 bytes (e95b2f0e), then a clean close" and the like.
std::string Describe(const StreamCapture& capture) {
  std::string ending;
  if (capture.eof) {
    ending = "then a clean close";
  } else if (capture.limit_reached) {
    ending = absl::StrCat("and still sending after ", kMaxReply, " bytes");
  } else if (IsConnectionReset(capture.error)) {
    ending = "then a reset";
  } else if (capture.error.code() == absl::StatusCode::kDeadlineExceeded) {
    ending = "and the connection still open at the case's deadline";
  } else {
    ending = absl::StrCat("then an error: ", capture.error.message());
  }
  return absl::StrCat(DescribeBytes(capture.bytes), ", ", ending);
}

absl::Duration Skew(const CaseContext& context) {
  absl::Duration skew = absl::Seconds(5);
  if (auto it = context.options.find("skew"); it != context.options.end()) {
    absl::ParseDuration(it->second, &skew);
  }
  return skew;
}

// Connects to the target, optionally sends `first` and/or half-closes,
// then reads the reply until EOF, kMaxReply bytes or the deadline.
absl::StatusOr<StreamCapture> Exchange(CaseContext& context,
                                       absl::string_view first = "",
                                       bool half_close = false) {
  absl::StatusOr<std::unique_ptr<Stream>> stream =
      context.network.Connect(context.target, context.deadline);
  if (!stream.ok()) {
    // A server that accepts and resets at once can beat connect() to it:
    // what the client saw is still "no bytes, then a reset".
    if (IsConnectionReset(stream.status())) {
      StreamCapture capture;
      capture.error = stream.status();
      return capture;
    }
    return stream.status();
  }
  if (!first.empty()) {
    if (absl::Status sent = WriteAll(**stream, first, context.deadline);
        !sent.ok()) {
      return sent;
    }
  }
  if (half_close) {
    if (absl::Status shut = (*stream)->Shutdown(ShutdownMode::kWrite);
        !shut.ok()) {
      return shut;
    }
  }
  return ReadToEnd(**stream, kMaxReply, context.deadline);
}

// Checks that `bytes` hold the current time within the skew. The local
// reference is the wall clock now: the reply was just read.
Finding CheckValue(CaseContext& context, absl::string_view bytes) {
  if (bytes.size() < 4) {
    return Violation("a four-byte time value", DescribeBytes(bytes));
  }
  const absl::StatusOr<uint32_t> value = timeproto::DecodeTimeReply(bytes.substr(0, 4));
  const absl::Time local = context.clock.WallNow();
  const absl::Time server = timeproto::FromRfc868(*value, local);
  const absl::Duration offset = server - local;
  const std::string observed = absl::StrFormat(
      "value %u = %s, %+.1f s from this machine's clock", *value,
      absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", server, absl::UTCTimeZone()),
      absl::ToDoubleSeconds(offset));
  // One extra second: the value is truncated to whole seconds.
  if (absl::AbsDuration(offset) > Skew(context) + absl::Seconds(1)) {
    return Violation(absl::StrCat("the current time within ",
                                  absl::FormatDuration(Skew(context)),
                                  " (option skew)"),
                     observed);
  }
  return Pass(observed);
}

struct DatagramReply {
  std::string payload;
  SocketAddress from;
  size_t wire_size = 0;
};

// Sends `request` from an unconnected socket up to kUdpAttempts times within
// the deadline and returns the first datagram that comes back from anyone,
// or DEADLINE_EXCEEDED.
absl::StatusOr<DatagramReply> AskUdp(CaseContext& context,
                                     absl::string_view request) {
  absl::StatusOr<std::unique_ptr<DatagramSocket>> socket =
      context.network.OpenDatagram(
          SocketAddress::Any(context.target.family(), 0), {});
  if (!socket.ok()) return socket.status();
  const absl::Duration budget = context.deadline - context.clock.Now();
  std::string buffer(kMaxDatagram, '\0');
  for (int attempt = 1; attempt <= kUdpAttempts; ++attempt) {
    if (absl::Status sent = (*socket)->SendTo(request, context.target);
        !sent.ok()) {
      return sent;
    }
    const absl::Time wait_until =
        attempt == kUdpAttempts
            ? context.deadline
            : std::min(context.deadline,
                       context.clock.Now() + budget / kUdpAttempts);
    absl::StatusOr<ReceivedDatagram> datagram =
        (*socket)->ReceiveFrom(absl::MakeSpan(buffer), wait_until);
    if (datagram.ok()) {
      context.notes.Note(absl::StrCat("answered on attempt ", attempt));
      return DatagramReply{buffer.substr(0, datagram->size), datagram->from,
                           datagram->wire_size};
    }
    if (datagram.status().code() != absl::StatusCode::kDeadlineExceeded) {
      return datagram.status();
    }
  }
  return absl::DeadlineExceededError(absl::StrCat(
      "no datagram came back after ", kUdpAttempts, " requests"));
}

Finding NoExchange(const absl::Status& status) {
  // Refused or silent where the probe found the transport working: that is
  // the target's failure to answer, not the harness's.
  return Violation("an answer", status.ToString());
}

// --- Time over TCP ---------------------------------------------------------

Finding TcpFourBytes(CaseContext& context) {
  absl::StatusOr<StreamCapture> capture = Exchange(context);
  if (!capture.ok()) return NoExchange(capture.status());
  if (capture->bytes.size() == 4) return Pass(Describe(*capture));
  return Violation("exactly 4 bytes", Describe(*capture));
}

Finding TcpClosesAfterSending(CaseContext& context) {
  absl::StatusOr<StreamCapture> capture = Exchange(context);
  if (!capture.ok()) return NoExchange(capture.status());
  if (capture->eof && capture->bytes.size() == 4) return Pass(Describe(*capture));
  return Violation("4 bytes, then a clean close", Describe(*capture));
}

Finding TcpSendsWithoutClientData(CaseContext& context) {
  absl::StatusOr<StreamCapture> capture = Exchange(context);
  if (!capture.ok()) return NoExchange(capture.status());
  if (!capture->bytes.empty()) return Pass(Describe(*capture));
  return Violation("the time, sent while the client sends nothing",
                   Describe(*capture));
}

Finding TcpValueWithinSkew(CaseContext& context) {
  absl::StatusOr<StreamCapture> capture = Exchange(context);
  if (!capture.ok()) return NoExchange(capture.status());
  return CheckValue(context, capture->bytes);
}

Finding TcpHalfCloseAtOnce(CaseContext& context) {
  absl::StatusOr<StreamCapture> capture = Exchange(context, "", true);
  if (!capture.ok()) return NoExchange(capture.status());
  if (capture->eof && capture->bytes.size() == 4) return Pass(Describe(*capture));
  return Violation(
      "4 bytes, then a clean close, although the client half-closed at once",
      Describe(*capture));
}

Finding TcpClientSendsDataFirst(CaseContext& context) {
  absl::StatusOr<StreamCapture> capture =
      Exchange(context, "what time is it?\r\n");
  if (!capture.ok()) return NoExchange(capture.status());
  if (capture->eof && capture->bytes.size() == 4) return Pass(Describe(*capture));
  return Violation(
      "4 bytes, then a clean close, although the client sent data first",
      Describe(*capture));
}

Finding TcpConcurrentConnections(CaseContext& context) {
  std::vector<std::unique_ptr<Stream>> streams;
  for (int i = 0; i < kConcurrentConnections; ++i) {
    absl::StatusOr<std::unique_ptr<Stream>> stream =
        context.network.Connect(context.target, context.deadline);
    if (!stream.ok()) {
      return Violation(
          absl::StrCat(kConcurrentConnections, " simultaneous connections"),
          absl::StrCat("connection ", i + 1, " failed: ", stream.status().ToString()));
    }
    streams.push_back(*std::move(stream));
  }
  int answered = 0;
  std::string first_failure;
  for (size_t i = 0; i < streams.size(); ++i) {
    const StreamCapture capture = ReadToEnd(*streams[i], kMaxReply, context.deadline);
    if (capture.bytes.size() == 4) {
      ++answered;
    } else if (first_failure.empty()) {
      first_failure = absl::StrCat("; connection ", i + 1, " got ", Describe(capture));
    }
  }
  const std::string observed = absl::StrCat(answered, " of ", kConcurrentConnections,
                                            " connections got 4 bytes", first_failure);
  if (answered == kConcurrentConnections) return Pass(observed);
  return Violation(absl::StrCat("all ", kConcurrentConnections,
                                " simultaneous connections get the time"),
                   observed);
}

// --- Time over UDP ---------------------------------------------------------

Finding UdpEmptyDatagram(CaseContext& context) {
  absl::StatusOr<DatagramReply> reply = AskUdp(context, "");
  if (!reply.ok()) return NoExchange(reply.status());
  if (reply->wire_size != 4) {
    return Violation("a 4-byte datagram",
                     absl::StrCat("a datagram of ", DescribeBytes(reply->payload)));
  }
  return CheckValue(context, reply->payload);
}

Finding UdpReplyAddress(CaseContext& context) {
  absl::StatusOr<DatagramReply> reply = AskUdp(context, "");
  if (!reply.ok()) return NoExchange(reply.status());
  if (reply->from == context.target) {
    return Pass(absl::StrCat("answered from ", reply->from.ToString()));
  }
  return Violation(absl::StrCat("an answer from ", context.target.ToString()),
                   absl::StrCat("an answer from ", reply->from.ToString()));
}

Finding UdpNonEmptyDatagram(CaseContext& context) {
  absl::StatusOr<DatagramReply> reply = AskUdp(context, "time please");
  if (reply.ok()) {
    return Info(absl::StrCat("an 11-byte request was answered with ",
                             DescribeBytes(reply->payload)));
  }
  if (reply.status().code() == absl::StatusCode::kDeadlineExceeded) {
    return Info("a non-empty request was not answered (allowed)");
  }
  return HarnessError(reply.status());
}

// --- Daytime ---------------------------------------------------------------

Finding DaytimeTextThenClose(CaseContext& context) {
  absl::StatusOr<StreamCapture> capture = Exchange(context);
  if (!capture.ok()) return NoExchange(capture.status());
  if (capture->eof && !capture->bytes.empty()) return Pass(Describe(*capture));
  return Violation("the date and time as text, then a clean close",
                   Describe(*capture));
}

Finding DaytimeSendsWithoutClientData(CaseContext& context) {
  absl::StatusOr<StreamCapture> capture = Exchange(context);
  if (!capture.ok()) return NoExchange(capture.status());
  if (!capture->bytes.empty()) return Pass(Describe(*capture));
  return Violation("text, sent while the client sends nothing",
                   Describe(*capture));
}

Finding DaytimeOnePrintableLine(CaseContext& context) {
  absl::StatusOr<StreamCapture> capture = Exchange(context);
  if (!capture.ok()) return NoExchange(capture.status());
  absl::StatusOr<DaytimeText> text = timeproto::ParseDaytime(capture->bytes);
  if (text.ok()) return Pass(absl::StrCat("\"", text->line, "\""));
  return Violation(
      "one line of printable ASCII ended by CR LF or LF, at most 512 bytes",
      std::string(text.status().message()));
}

Finding DaytimeUdpAnswer(CaseContext& context) {
  absl::StatusOr<DatagramReply> reply = AskUdp(context, "");
  if (!reply.ok()) return NoExchange(reply.status());
  if (reply->payload.empty()) {
    return Violation("a datagram holding the date and time",
                     "an empty datagram");
  }
  if (reply->from != context.target) {
    return Violation(absl::StrCat("an answer from ", context.target.ToString()),
                     absl::StrCat("an answer from ", reply->from.ToString()));
  }
  return Pass(absl::StrCat("a datagram of ", DescribeBytes(reply->payload)));
}

Finding DaytimeFormat(CaseContext& context) {
  absl::StatusOr<StreamCapture> capture = Exchange(context);
  if (!capture.ok()) return NoExchange(capture.status());
  absl::StatusOr<DaytimeText> text = timeproto::ParseDaytime(capture->bytes);
  if (!text.ok()) {
    return Violation("text in a recognisable format",
                     std::string(text.status().message()));
  }
  if (text->format == timeproto::DaytimeFormat::kUnknown) {
    return Violation("the reference format, RFC 3339 or ctime",
                     absl::StrCat("\"", text->line, "\""));
  }
  std::string observed = absl::StrCat(
      DaytimeFormatName(text->format), " format: \"", text->line, "\"");
  if (text->time.has_value()) {
    absl::StrAppend(&observed, absl::StrFormat(
        ", %+.1f s from this machine's clock",
        absl::ToDoubleSeconds(*text->time - context.clock.WallNow())));
  }
  return Pass(observed);
}

// --- Probes ------------------------------------------------------------------

// TCP: something accepts connections. UDP: some datagram comes back.
Finding Probe(CaseContext& context, Transport transport) {
  if (transport == Transport::kTcp) {
    absl::StatusOr<std::unique_ptr<Stream>> stream =
        context.network.Connect(context.target, context.deadline);
    if (!stream.ok()) return Unsupported(stream.status().ToString());
    (*stream)->Close();
    return Pass("accepted a TCP connection");
  }
  absl::StatusOr<DatagramReply> reply = AskUdp(context, "");
  if (!reply.ok()) return Unsupported(reply.status().ToString());
  return Pass(absl::StrCat("answered a UDP datagram from ", reply->from.ToString()));
}

absl::StatusOr<std::map<Transport, SocketAddress>> StartReference(
    timeproto::Service service, Server& server, const SocketAddress& bind) {
  // The server's own clock: real in `check --all`, simulated in tests.
  return timeproto::ServeTime(server, server.loop().clock(),
                              {.service = service}, bind);
}

}  // namespace

Suite TimeSuite() {
  Suite suite;
  suite.name = "time";
  suite.description = "RFC 868 Time over TCP and UDP";
  suite.spec_path = "protocols/time/SPEC.md";
  suite.default_port = 37;
  suite.transports = {Transport::kTcp, Transport::kUdp};
  suite.default_options = {{"skew", "5s"}};
  suite.probe = Probe;
  suite.start_reference = [](Server& server, const SocketAddress& bind) {
    return StartReference(timeproto::Service::kTime, server, bind);
  };
  const Transport tcp = Transport::kTcp;
  const Transport udp = Transport::kUdp;
  suite.cases = {
      MakeCase("time/tcp-four-bytes", {"TIME-1"}, Level::kMust, tcp,
               "Over TCP the server sends exactly four bytes", TcpFourBytes),
      MakeCase("time/tcp-closes-after-sending", {"TIME-2"}, Level::kMust, tcp,
               "Over TCP the server closes cleanly after the four bytes",
               TcpClosesAfterSending),
      MakeCase("time/tcp-sends-without-client-data", {"TIME-3"}, Level::kMust,
               tcp, "Over TCP the server sends without waiting for client data",
               TcpSendsWithoutClientData),
      MakeCase("time/tcp-value-within-skew", {"TIME-4"}, Level::kMust, tcp,
               "The TCP value is the current time within the skew (option skew)",
               TcpValueWithinSkew),
      MakeCase("time/tcp-client-half-closes-at-once", {"TIME-5"}, Level::kShould,
               tcp, "A client that half-closes at once still gets the time",
               TcpHalfCloseAtOnce),
      MakeCase("time/tcp-client-sends-data-first", {"TIME-6"}, Level::kShould,
               tcp, "A client that sends data first still gets the time and a clean close",
               TcpClientSendsDataFirst),
      MakeCase("time/tcp-concurrent-connections", {"TIME-7"}, Level::kShould, tcp,
               "50 simultaneous connections each get the time (50 trials, all must pass)",
               TcpConcurrentConnections, /*exclusive=*/true),
      MakeCase("time/udp-empty-datagram", {"TIME-8", "TIME-4"}, Level::kMust, udp,
               "An empty datagram is answered with the four-byte time within the skew",
               UdpEmptyDatagram),
      MakeCase("time/udp-reply-address", {"TIME-9"}, Level::kMust, udp,
               "The answer comes from the address and port the request went to",
               UdpReplyAddress),
      MakeCase("time/udp-non-empty-datagram", {"TIME-10"}, Level::kMay, udp,
               "Whether a non-empty datagram is answered (the RFC leaves it open)",
               UdpNonEmptyDatagram),
  };
  return suite;
}

Suite DaytimeSuite() {
  Suite suite;
  suite.name = "daytime";
  suite.description = "RFC 867 Daytime over TCP and UDP";
  suite.spec_path = "protocols/time/SPEC.md";
  suite.default_port = 13;
  suite.transports = {Transport::kTcp, Transport::kUdp};
  suite.probe = Probe;
  suite.start_reference = [](Server& server, const SocketAddress& bind) {
    return StartReference(timeproto::Service::kDaytime, server, bind);
  };
  const Transport tcp = Transport::kTcp;
  suite.cases = {
      MakeCase("daytime/tcp-text-then-close", {"DAYTIME-1"}, Level::kMust, tcp,
               "Over TCP the server sends text, then closes cleanly",
               DaytimeTextThenClose),
      MakeCase("daytime/tcp-sends-without-client-data", {"DAYTIME-2"},
               Level::kMust, tcp,
               "Over TCP the server sends without waiting for client data",
               DaytimeSendsWithoutClientData),
      MakeCase("daytime/tcp-one-printable-line", {"DAYTIME-3"}, Level::kShould,
               tcp, "The text is one line of printable ASCII, at most 512 bytes",
               DaytimeOnePrintableLine),
      MakeCase("daytime/udp-answer", {"DAYTIME-4"}, Level::kMust,
               Transport::kUdp, "A datagram is answered with the text",
               DaytimeUdpAnswer),
      MakeCase("daytime/format", {"DAYTIME-5"}, Level::kMay, tcp,
               "The text is in a recognisable format (reported)", DaytimeFormat),
  };
  return suite;
}

namespace {
const bool registered_time = RegisterSuite(TimeSuite());
const bool registered_daytime = RegisterSuite(DaytimeSuite());
}  // namespace

}  // namespace wirecheck::conformance

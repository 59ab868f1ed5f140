#include "conformance/framing/framing_suites.h"

#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "protocols/framing/codec.h"
#include "protocols/framing/echo_server.h"
#include "protocols/framing/samples.h"
#include "protocols/transport/stream_util.h"

namespace wirecheck::conformance {
namespace {

using framing::Variant;

constexpr absl::string_view kSpecPath = "protocols/framing/SPEC.md";
// RFC 862's port, for raw targets given without one.
constexpr uint16_t kEchoPort = 7;
// The largest UDP payload over IPv4: 65,535 - 20 (IP) - 8 (UDP).
constexpr size_t kLargestDatagram = 65507;
// Room for a sentinel server choosing longer delimiters than ours.
constexpr size_t kReplySlack = 4096;

struct Settings {
  size_t max_frame_size = framing::kDefaultMaxFrameSize;
  absl::Duration pause = absl::Milliseconds(5);
  absl::Duration close_timeout = absl::Seconds(3);
};

absl::StatusOr<Settings> ReadSettings(
    const std::map<std::string, std::string>& options) {
  Settings settings;
  if (auto it = options.find("max_frame_size"); it != options.end()) {
    if (!absl::SimpleAtoi(it->second, &settings.max_frame_size) ||
        settings.max_frame_size > framing::kMaxMaxFrameSize) {
      return absl::InvalidArgumentError(absl::StrCat(
          "option max_frame_size=", it->second, ": not a size in bytes"));
    }
  }
  for (auto [name, value] : {std::make_pair("pause", &settings.pause),
                             std::make_pair("close_timeout",
                                            &settings.close_timeout)}) {
    auto it = options.find(name);
    if (it == options.end()) continue;
    if (!absl::ParseDuration(it->second, value) || *value < absl::ZeroDuration()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "option ", name, "=", it->second, ": not a duration like 5ms"));
    }
  }
  return settings;
}

// "5 bytes \"hello\"", abbreviated for long byte strings.
std::string Show(absl::string_view bytes) {
  constexpr size_t kShown = 40;
  std::string shown = absl::CHexEscape(bytes.substr(0, kShown));
  return absl::StrCat(bytes.size(), " bytes \"", shown,
                      bytes.size() > kShown ? "...\"" : "\"");
}

absl::Time Within(const CaseContext& context, absl::Duration duration) {
  return std::min(context.deadline, context.clock.Now() + duration);
}

// What the target sent back on one connection.
struct Reply {
  std::vector<std::string> payloads;
  size_t bytes = 0;
  // The reply is not a valid stream of the variant (or ended inside a
  // frame).
  absl::Status decode_error;
  bool eof = false;
  // Reading failed: DEADLINE_EXCEEDED (nothing more came in time), ABORTED
  // (reset), ...
  absl::Status read_error;
  bool limit_reached = false;
};

// Reads and decodes the reply until `frames` frames have arrived (or, with
// `until_eof`, until end of stream), a read or decode error, `max_bytes`, or
// `deadline`.
Reply ReadReply(Stream& stream, Variant variant, const Settings& settings,
                size_t frames, bool until_eof, size_t max_bytes,
                absl::Time deadline) {
  Reply reply;
  std::unique_ptr<framing::Decoder> decoder = framing::MakeDecoder(
      variant, {.max_frame_size = settings.max_frame_size});
  std::string chunk(16384, '\0');
  while (until_eof || reply.payloads.size() < frames) {
    if (reply.bytes >= max_bytes) {
      reply.limit_reached = true;
      break;
    }
    const size_t want = std::min(chunk.size(), max_bytes - reply.bytes);
    absl::StatusOr<size_t> n =
        stream.Read(absl::MakeSpan(chunk.data(), want), deadline);
    if (!n.ok()) {
      reply.read_error = n.status();
      break;
    }
    if (*n == 0) {
      reply.eof = true;
      reply.decode_error = decoder->Finish();
      break;
    }
    reply.bytes += *n;
    reply.decode_error = decoder->Feed(
        absl::string_view(chunk.data(), *n), [&](const framing::Frame& frame) {
          reply.payloads.emplace_back(frame.payload);
        });
    if (!reply.decode_error.ok()) break;
  }
  return reply;
}

// Why the reply is not exactly the echo of `sent` (followed by end of
// stream when `expect_eof`), or nullopt if it is.
std::optional<std::string> EchoProblem(Variant variant,
                                       const std::vector<std::string>& sent,
                                       const Reply& reply, bool expect_eof) {
  const size_t got = reply.payloads.size();
  for (size_t i = 0; i < std::min(got, sent.size()); ++i) {
    if (reply.payloads[i] != sent[i]) {
      return absl::StrCat("echo ", i + 1, " of ", sent.size(), " differs: sent ",
                          Show(sent[i]), ", got ", Show(reply.payloads[i]));
    }
  }
  if (got > sent.size()) {
    return absl::StrCat(got - sent.size(), " frame(s) more than the ",
                        sent.size(), " sent; the first extra one is ",
                        Show(reply.payloads[sent.size()]));
  }
  if (!reply.decode_error.ok()) {
    return absl::StrCat("after ", got, " good echo(es) the reply is not valid ",
                        framing::VariantName(variant), ": ",
                        reply.decode_error.message());
  }
  const auto ending = [&]() -> std::string {
    if (reply.limit_reached) return "the byte limit for the reply was reached";
    if (reply.eof) return "the server closed the connection";
    if (IsConnectionReset(reply.read_error)) return "the connection was reset";
    if (reply.read_error.code() == absl::StatusCode::kDeadlineExceeded) {
      return "nothing more arrived in time";
    }
    return absl::StrCat("reading failed: ", reply.read_error.message());
  };
  if (got < sent.size()) {
    return absl::StrCat("only ", got, " of ", sent.size(), " echoes arrived (",
                        reply.bytes, " bytes), then ", ending());
  }
  if (expect_eof && !reply.eof) {
    return absl::StrCat("all ", sent.size(),
                        " echoes arrived but no end of stream followed: ",
                        ending());
  }
  return std::nullopt;
}

size_t EncodedSize(const std::vector<std::string>& payloads) {
  size_t size = 0;
  for (const std::string& payload : payloads) size += payload.size() + 160;
  return size + kReplySlack;
}

// A connection to the target with the variant's encoder.
class Peer {
 public:
  Peer(CaseContext& context, Variant variant, const Settings& settings)
      : context_(context),
        variant_(variant),
        settings_(settings),
        encoder_(framing::MakeEncoder(variant, {.seed = context.random()})) {}

  absl::Status Connect() {
    absl::StatusOr<std::unique_ptr<Stream>> stream =
        context_.network.Connect(context_.target, context_.deadline);
    if (!stream.ok()) return stream.status();
    stream_ = *std::move(stream);
    return absl::OkStatus();
  }

  // The frames carrying `payloads`, concatenated.
  absl::StatusOr<std::string> Encode(const std::vector<std::string>& payloads) {
    std::string stream;
    for (const std::string& payload : payloads) {
      absl::Status status = encoder_->Encode(payload, stream);
      if (!status.ok()) return status;
    }
    return stream;
  }

  absl::Status Write(absl::string_view bytes) {
    return WriteAll(*stream_, bytes, context_.deadline);
  }

  Reply Read(size_t frames, size_t max_bytes, absl::Time deadline) {
    return ReadReply(*stream_, variant_, settings_, frames, false, max_bytes,
                     deadline);
  }

  Reply ReadToEof(size_t max_bytes, absl::Time deadline) {
    return ReadReply(*stream_, variant_, settings_, 0, true, max_bytes,
                     deadline);
  }

  // Sends `payloads` and expects exactly their echoes; nullopt if so.
  std::optional<std::string> RoundTrip(const std::vector<std::string>& payloads) {
    absl::StatusOr<std::string> frames = Encode(payloads);
    if (!frames.ok()) return absl::StrCat("encoding: ", frames.status().message());
    if (absl::Status status = Write(*frames); !status.ok()) {
      return absl::StrCat("sending: ", status.message());
    }
    const Reply reply = Read(payloads.size(), EncodedSize(payloads),
                             Within(context_, settings_.close_timeout));
    return EchoProblem(variant_, payloads, reply, false);
  }

  Stream& stream() { return *stream_; }

 private:
  CaseContext& context_;
  const Variant variant_;
  const Settings settings_;
  std::unique_ptr<framing::Encoder> encoder_;
  std::unique_ptr<Stream> stream_;
};

// A short payload with the bytes the variant treats specially, minus those
// it cannot carry.
std::string TrickyPayload(Variant variant) {
  std::string payload("a\\b\nc\0d\re=f:g,", 14);
  std::string allowed;
  for (char byte : payload) {
    if ((variant == Variant::kLine && byte == '\n') ||
        (variant == Variant::kCrlf && (byte == '\n' || byte == '\r')) ||
        (variant == Variant::kNul && byte == '\0')) {
      continue;
    }
    allowed.push_back(byte);
  }
  return allowed;
}

using Check = std::function<Finding(CaseContext&, const Settings&)>;

Case MakeCase(Variant variant, std::string name,
              std::vector<std::string> requirements, Level level,
              Transport transport, std::string description, Check check) {
  Case c;
  c.id = absl::StrCat("framing:", framing::VariantName(variant), "/", name);
  c.requirements = std::move(requirements);
  c.level = level;
  c.transport = transport;
  c.description = std::move(description);
  c.check = [check = std::move(check)](CaseContext& context) {
    absl::StatusOr<Settings> settings = ReadSettings(context.options);
    if (!settings.ok()) return HarnessError(settings.status());
    return check(context, *settings);
  };
  return c;
}

// Connects a Peer, or returns the finding for a failed connect.
std::optional<Finding> ConnectOrFinding(Peer& peer) {
  absl::Status status = peer.Connect();
  if (status.ok()) return std::nullopt;
  return Violation("a TCP connection", absl::StrCat("connect: ", status.message()));
}

Finding CheckEmptyFrame(Variant variant, CaseContext& context,
                        const Settings& settings) {
  Peer peer(context, variant, settings);
  if (auto failed = ConnectOrFinding(peer)) return *failed;
  if (auto problem = peer.RoundTrip({"", "after the empty frame", ""})) {
    return Violation("echoes of an empty frame, a 21-byte frame and another "
                     "empty frame",
                     *problem);
  }
  return Pass("empty frames echoed");
}

Finding CheckMaxSizeFrame(Variant variant, CaseContext& context,
                          const Settings& settings) {
  const size_t size = framing::LargestPayload(variant, settings.max_frame_size);
  const std::string payload =
      framing::RandomPayload(variant, size, context.random);
  Peer peer(context, variant, settings);
  if (auto failed = ConnectOrFinding(peer)) return *failed;
  context.notes.Note(absl::StrCat("sending one frame with a ", size,
                                  "-byte payload"));
  absl::StatusOr<std::string> frame = peer.Encode({payload});
  if (!frame.ok()) return HarnessError(frame.status());
  if (absl::Status status = peer.Write(*frame); !status.ok()) {
    return Violation(absl::StrCat("a ", size, "-byte frame accepted"),
                     absl::StrCat("sending it failed: ", status.message()));
  }
  const Reply reply =
      peer.Read(1, frame->size() + kReplySlack, context.deadline);
  if (auto problem = EchoProblem(variant, {payload}, reply, false)) {
    return Violation(absl::StrCat("the echo of a frame with a ", size,
                                  "-byte payload (the maximum)"),
                     *problem);
  }
  return Pass(absl::StrCat(size, "-byte payload echoed intact"));
}

Finding CheckSplitAtEveryByte(Variant variant, CaseContext& context,
                              const Settings& settings) {
  Peer peer(context, variant, settings);
  if (auto failed = ConnectOrFinding(peer)) return *failed;
  const std::string payload = TrickyPayload(variant);
  for (size_t at = 1;; ++at) {
    absl::StatusOr<std::string> frame = peer.Encode({payload});
    if (!frame.ok()) return HarnessError(frame.status());
    if (at >= frame->size()) break;
    absl::Status status = peer.Write(frame->substr(0, at));
    if (status.ok()) {
      context.clock.SleepUntil(Within(context, settings.pause));
      status = peer.Write(frame->substr(at));
    }
    if (!status.ok()) {
      return Violation("each frame echoed however it is split",
                       absl::StrCat("sending the frame split after byte ", at,
                                    " failed: ", status.message()));
    }
    const Reply reply = peer.Read(1, frame->size() + kReplySlack,
                                  Within(context, settings.close_timeout));
    if (auto problem = EchoProblem(variant, {payload}, reply, false)) {
      return Violation(
          absl::StrCat("the echo of ", Show(*frame), " sent in two writes"),
          absl::StrCat("split after byte ", at, ": ", *problem));
    }
  }
  return Pass("a frame split at each byte boundary was echoed each time");
}

std::vector<std::string> ManyPayloads(Variant variant, std::mt19937_64& random) {
  std::vector<std::string> payloads;
  for (size_t size : {0, 1, 2, 3, 253, 254, 255, 256}) {
    payloads.push_back(framing::RandomPayload(variant, size, random));
  }
  while (payloads.size() < 200) {
    payloads.push_back(framing::RandomPayload(variant, random() % 40, random));
  }
  return payloads;
}

Finding CheckManyFramesOneSegment(Variant variant, CaseContext& context,
                                  const Settings& settings) {
  Peer peer(context, variant, settings);
  if (auto failed = ConnectOrFinding(peer)) return *failed;
  const std::vector<std::string> payloads =
      ManyPayloads(variant, context.random);
  if (auto problem = peer.RoundTrip(payloads)) {
    return Violation(absl::StrCat("echoes of ", payloads.size(),
                                  " frames sent in one write"),
                     *problem);
  }
  return Pass(absl::StrCat(payloads.size(), " frames in one write echoed"));
}

Finding CheckInterleavedSlowWrites(Variant variant, CaseContext& context,
                                   const Settings& settings) {
  Peer peers[2] = {Peer(context, variant, settings),
                   Peer(context, variant, settings)};
  for (Peer& peer : peers) {
    if (auto failed = ConnectOrFinding(peer)) return *failed;
  }
  for (int round = 0; round < 3; ++round) {
    std::string frames[2];
    std::string payloads[2];
    for (int p = 0; p < 2; ++p) {
      payloads[p] = absl::StrCat("connection ", p, " frame ", round, " ",
                                 TrickyPayload(variant));
      absl::StatusOr<std::string> frame = peers[p].Encode({payloads[p]});
      if (!frame.ok()) return HarnessError(frame.status());
      frames[p] = *frame;
    }
    // Three pieces each, alternating between the connections; each frame's
    // echo must arrive before anything more is sent on its connection.
    for (int piece = 0; piece < 3; ++piece) {
      for (int p = 0; p < 2; ++p) {
        const size_t size = frames[p].size();
        const size_t begin = size * piece / 3;
        const size_t end = size * (piece + 1) / 3;
        if (absl::Status status =
                peers[p].Write(frames[p].substr(begin, end - begin));
            !status.ok()) {
          return Violation("echoes of frames written slowly in pieces",
                           absl::StrCat("sending on connection ", p + 1,
                                        " failed: ", status.message()));
        }
        context.clock.SleepUntil(Within(context, settings.pause));
        if (piece < 2) continue;
        const Reply reply = peers[p].Read(
            1, size + kReplySlack, Within(context, settings.close_timeout));
        if (auto problem = EchoProblem(variant, {payloads[p]}, reply, false)) {
          return Violation(
              absl::StrCat("each frame's echo as soon as its last byte is sent, "
                           "within ",
                           absl::FormatDuration(settings.close_timeout),
                           ", without further input"),
              absl::StrCat("connection ", p + 1, ", frame ", round + 1, ": ",
                           *problem));
        }
      }
    }
  }
  return Pass("frames written slowly on two connections were echoed at once");
}

Finding CheckHalfClose(Variant variant, CaseContext& context,
                       const Settings& settings) {
  Peer peer(context, variant, settings);
  if (auto failed = ConnectOrFinding(peer)) return *failed;
  const std::vector<std::string> payloads =
      ManyPayloads(variant, context.random);
  absl::StatusOr<std::string> frames = peer.Encode(payloads);
  if (!frames.ok()) return HarnessError(frames.status());
  absl::Status status = peer.Write(*frames);
  if (status.ok()) status = peer.stream().Shutdown(ShutdownMode::kWrite);
  if (!status.ok()) return HarnessError(status);
  const Reply reply = peer.ReadToEof(EncodedSize(payloads),
                                     Within(context, settings.close_timeout));
  if (auto problem = EchoProblem(variant, payloads, reply, true)) {
    return Violation(absl::StrCat("after the client's half-close, echoes of all ",
                                  payloads.size(), " frames, then end of stream"),
                     *problem);
  }
  return Pass("all echoes, then end of stream");
}

Finding CheckPartialFrameAtEof(Variant variant, CaseContext& context,
                               const Settings& settings) {
  Peer peer(context, variant, settings);
  if (auto failed = ConnectOrFinding(peer)) return *failed;
  const std::vector<std::string> payloads = {"complete one", "complete two"};
  absl::StatusOr<std::string> frames = peer.Encode(payloads);
  absl::StatusOr<std::string> partial = peer.Encode({"never completed"});
  if (!frames.ok() || !partial.ok()) {
    return HarnessError(frames.ok() ? partial.status() : frames.status());
  }
  const std::string cut = partial->substr(0, partial->size() / 2);
  absl::Status status = peer.Write(*frames + cut);
  if (status.ok()) status = peer.stream().Shutdown(ShutdownMode::kWrite);
  if (!status.ok()) return HarnessError(status);
  const Reply reply = peer.ReadToEof(EncodedSize(payloads) + partial->size(),
                                     Within(context, settings.close_timeout));
  if (auto problem = EchoProblem(variant, payloads, reply, true)) {
    return Violation(
        absl::StrCat("echoes of the 2 complete frames, nothing of the partial "
                     "third (", cut.size(), " of its ", partial->size(),
                     " bytes), then end of stream"),
        *problem);
  }
  return Pass("complete frames echoed, partial frame dropped, connection closed");
}

// Checks that a connection opened before trouble on another one, and a new
// one, are still served (FRAME-10); nullopt if so.
std::optional<std::string> OthersStillServed(Variant variant,
                                             CaseContext& context,
                                             const Settings& settings,
                                             Peer& bystander) {
  if (auto problem = bystander.RoundTrip({"bystander after"})) {
    return absl::StrCat("a connection opened earlier is no longer served: ",
                        *problem);
  }
  Peer newcomer(context, variant, settings);
  if (absl::Status status = newcomer.Connect(); !status.ok()) {
    return absl::StrCat("a new connection failed: ", status.message());
  }
  if (auto problem = newcomer.RoundTrip({"newcomer"})) {
    return absl::StrCat("a new connection is not served: ", *problem);
  }
  return std::nullopt;
}

Finding CheckOversized(Variant variant, CaseContext& context,
                       const Settings& settings) {
  const std::optional<std::string> oversized =
      framing::OversizedSample(variant, settings.max_frame_size);
  if (!oversized.has_value()) {
    return Unsupported(absl::StrCat(framing::VariantName(variant),
                                    " cannot express a frame over max_frame_size=",
                                    settings.max_frame_size));
  }
  Peer bystander(context, variant, settings);
  Peer peer(context, variant, settings);
  for (Peer* p : {&bystander, &peer}) {
    if (auto failed = ConnectOrFinding(*p)) return *failed;
  }
  if (auto problem = bystander.RoundTrip({"bystander before"})) {
    return Violation("echo of an ordinary frame", *problem);
  }
  if (auto problem = peer.RoundTrip({"before"})) {
    return Violation("echo of an ordinary frame", *problem);
  }
  context.notes.Note(absl::StrCat("sending an oversized frame: ",
                                  Show(*oversized)));
  // The server may close before taking everything: a failed write is fine.
  const absl::Status sent = WriteAll(peer.stream(), *oversized,
                                     Within(context, settings.close_timeout));
  if (!sent.ok()) context.notes.Note(absl::StrCat("sending: ", sent.message()));
  const StreamCapture capture =
      ReadToEnd(peer.stream(), oversized->size() + kReplySlack,
                Within(context, settings.close_timeout));
  const std::string expected = absl::StrCat(
      "the connection closed within ",
      absl::FormatDuration(settings.close_timeout),
      " of a frame over max_frame_size=", settings.max_frame_size,
      " (", Show(*oversized), "), with nothing echoed");
  if (!capture.bytes.empty()) {
    return Violation(expected, absl::StrCat("the server sent ",
                                            Show(capture.bytes)));
  }
  if (!capture.eof && !IsConnectionReset(capture.error)) {
    return Violation(expected,
                     absl::StrCat("the connection stayed open (",
                                  capture.error.message(),
                                  "): the server may be waiting for the rest "
                                  "of the frame"));
  }
  if (auto problem = OthersStillServed(variant, context, settings, bystander)) {
    return Violation("other connections unaffected by the oversized frame",
                     *problem);
  }
  return Pass(capture.eof ? "closed (end of stream); others still served"
                          : "closed (reset); others still served");
}

Finding CheckMalformed(Variant variant, CaseContext& context,
                       const Settings& settings) {
  Peer bystander(context, variant, settings);
  if (auto failed = ConnectOrFinding(bystander)) return *failed;
  if (auto problem = bystander.RoundTrip({"bystander before"})) {
    return Violation("echo of an ordinary frame", *problem);
  }
  for (const framing::MalformedSample& sample :
       framing::MalformedSamples(variant)) {
    Peer peer(context, variant, settings);
    if (auto failed = ConnectOrFinding(peer)) return *failed;
    absl::StatusOr<std::string> before = peer.Encode({"before"});
    if (!before.ok()) return HarnessError(before.status());
    context.notes.Note(absl::StrCat("malformed (", sample.what,
                                    ") after a valid frame: ",
                                    Show(sample.bytes)));
    // One write: the valid frame's echo is due even though the error
    // follows it at once.
    const absl::Status sent = peer.Write(*before + sample.bytes);
    if (!sent.ok()) context.notes.Note(absl::StrCat("sending: ", sent.message()));
    const Reply reply = peer.ReadToEof(before->size() + sample.bytes.size() +
                                           kReplySlack,
                                       Within(context, settings.close_timeout));
    if (auto problem = EchoProblem(variant, {"before"}, reply, true)) {
      return Violation(
          absl::StrCat("the echo of the valid frame, then the connection "
                       "closed, for malformed input (",
                       sample.what, ": ", Show(sample.bytes), ")"),
          *problem);
    }
  }
  if (auto problem = OthersStillServed(variant, context, settings, bystander)) {
    return Violation("other connections unaffected by malformed input",
                     *problem);
  }
  return Pass("each malformed stream closed its connection only");
}

Finding CheckTrickyDelimiters(CaseContext& context, const Settings& settings) {
  struct Example {
    std::string sentinel;
    std::string payload;
  };
  const std::vector<Example> examples = {
      {"ab", "xa"},  // the payload ends with the delimiter's first byte
      {"E", ""},
      {"-_", "_-x-"},
      {std::string(64, 'A'), std::string(63, 'A') + "B"},
      {"_", "payload with spaces\nand LF"},
  };
  for (const Example& example : examples) {
    Peer peer(context, Variant::kSentinel, settings);
    if (auto failed = ConnectOrFinding(peer)) return *failed;
    absl::StatusOr<std::string> frame = framing::EncodeFrame(
        Variant::kSentinel, example.payload, {.sentinel = example.sentinel});
    if (!frame.ok()) return HarnessError(frame.status());
    const absl::Status sent = peer.Write(*frame);
    if (!sent.ok()) return HarnessError(sent);
    const Reply reply = peer.Read(1, frame->size() + kReplySlack,
                                  Within(context, settings.close_timeout));
    if (auto problem =
            EchoProblem(Variant::kSentinel, {example.payload}, reply, false)) {
      return Violation(absl::StrCat("the echo of ", Show(*frame)), *problem);
    }
  }
  return Pass("frames whose payloads resemble their delimiters were echoed");
}

// --- raw (RFC 862) ---

std::string AllByteValues(size_t size) {
  std::string bytes(size, '\0');
  for (size_t i = 0; i < size; ++i) bytes[i] = static_cast<char>(i * 7 + i / 256);
  return bytes;
}

absl::StatusOr<std::unique_ptr<Stream>> ConnectRaw(CaseContext& context) {
  return context.network.Connect(context.target, context.deadline);
}

Finding CheckRawTcpEcho(CaseContext& context, const Settings& settings) {
  absl::StatusOr<std::unique_ptr<Stream>> stream = ConnectRaw(context);
  if (!stream.ok()) return Violation("a TCP connection", std::string(stream.status().message()));
  const std::string data = AllByteValues(16384);
  if (absl::Status status = WriteAll(**stream, data, context.deadline);
      !status.ok()) {
    return Violation("every byte echoed", absl::StrCat("sending: ", status.message()));
  }
  absl::StatusOr<std::string> echo = ReadExactly(
      **stream, data.size(), Within(context, settings.close_timeout));
  if (!echo.ok()) {
    return Violation(absl::StrCat("the ", data.size(), " bytes sent, echoed"),
                     std::string(echo.status().message()));
  }
  if (*echo != data) {
    const size_t at = std::mismatch(echo->begin(), echo->end(), data.begin()).first -
                      echo->begin();
    return Violation(absl::StrCat("the ", data.size(), " bytes sent, echoed"),
                     absl::StrCat("the echo differs from byte ", at, ": ",
                                  Show(echo->substr(at))));
  }
  return Pass(absl::StrCat(data.size(), " bytes of every value echoed"));
}

Finding CheckRawInterleavedSlowWrites(CaseContext& context,
                                      const Settings& settings) {
  std::unique_ptr<Stream> streams[2];
  for (auto& stream : streams) {
    absl::StatusOr<std::unique_ptr<Stream>> connected = ConnectRaw(context);
    if (!connected.ok()) return Violation("a TCP connection", std::string(connected.status().message()));
    stream = *std::move(connected);
  }
  for (int round = 0; round < 8; ++round) {
    for (int p = 0; p < 2; ++p) {
      const std::string piece = absl::StrCat("c", p, "r", round, ";");
      if (absl::Status status = WriteAll(*streams[p], piece, context.deadline);
          !status.ok()) {
        return Violation("the connection kept open and echoing",
                         absl::StrCat("connection ", p + 1, ", write ",
                                      round + 1, ": ", status.message()));
      }
      absl::StatusOr<std::string> echo = ReadExactly(
          *streams[p], piece.size(), Within(context, settings.close_timeout));
      if (!echo.ok() || *echo != piece) {
        return Violation(
            absl::StrCat("each write echoed at once, for as long as the client "
                         "keeps the connection"),
            absl::StrCat("connection ", p + 1, ", write ", round + 1, " (",
                         Show(piece), "): ",
                         echo.ok() ? absl::StrCat("got ", Show(*echo))
                                   : std::string(echo.status().message())));
      }
      context.clock.SleepUntil(Within(context, settings.pause));
    }
  }
  return Pass("16 slow writes on two connections echoed at once");
}

Finding CheckRawHalfClose(CaseContext& context, const Settings& settings) {
  absl::StatusOr<std::unique_ptr<Stream>> stream = ConnectRaw(context);
  if (!stream.ok()) return Violation("a TCP connection", std::string(stream.status().message()));
  const std::string data = AllByteValues(65536);
  absl::Status status = WriteAll(**stream, data, context.deadline);
  if (status.ok()) status = (*stream)->Shutdown(ShutdownMode::kWrite);
  if (!status.ok()) return HarnessError(status);
  const StreamCapture capture = ReadToEnd(
      **stream, data.size() + kReplySlack, Within(context, settings.close_timeout));
  const std::string expected = absl::StrCat(
      "after the client's half-close, the ", data.size(),
      " bytes sent, echoed, then end of stream");
  if (capture.bytes != data) {
    return Violation(expected, absl::StrCat("got ", Show(capture.bytes)));
  }
  if (!capture.eof) {
    return Violation(expected,
                     absl::StrCat("the echo was complete but no end of stream "
                                  "followed: ",
                                  capture.error.ok() ? "byte limit reached"
                                                     : capture.error.message()));
  }
  return Pass("all bytes echoed, then end of stream");
}

absl::StatusOr<std::unique_ptr<DatagramSocket>> OpenDatagram(
    CaseContext& context) {
  return context.network.OpenDatagram(
      SocketAddress::Any(context.target.family(), 0), {});
}

// Sends `datagram` and waits for one reply from anywhere; returns its
// bytes, or nullopt with `why` set when none came.
std::optional<std::string> Exchange(CaseContext& context, DatagramSocket& socket,
                                    absl::string_view datagram,
                                    absl::Duration wait, SocketAddress* from,
                                    std::string* why) {
  if (absl::Status status = socket.SendTo(datagram, context.target);
      !status.ok()) {
    *why = absl::StrCat("sending: ", status.message());
    return std::nullopt;
  }
  std::string buffer(65536, '\0');
  absl::StatusOr<ReceivedDatagram> reply =
      socket.ReceiveFrom(absl::MakeSpan(buffer), Within(context, wait));
  if (!reply.ok()) {
    *why = reply.status().code() == absl::StatusCode::kDeadlineExceeded
               ? absl::StrCat("no answer within ", absl::FormatDuration(wait))
               : std::string(reply.status().message());
    return std::nullopt;
  }
  *from = reply->from;
  buffer.resize(reply->size);
  return buffer;
}

Finding CheckUdpEcho(CaseContext& context, const Settings& settings) {
  absl::StatusOr<std::unique_ptr<DatagramSocket>> socket = OpenDatagram(context);
  if (!socket.ok()) return HarnessError(socket.status());
  for (size_t size : {1, 100, 1024, 1472}) {
    const std::string datagram = AllByteValues(size);
    SocketAddress from;
    std::string why;
    std::optional<std::string> reply = Exchange(
        context, **socket, datagram, settings.close_timeout, &from, &why);
    const std::string expected = absl::StrCat(
        "one datagram with the same ", size, " bytes, from ",
        context.target.ToString());
    if (!reply.has_value()) return Violation(expected, why);
    if (*reply != datagram) {
      return Violation(expected, absl::StrCat("got ", Show(*reply)));
    }
    if (from != context.target) {
      return Violation(expected, absl::StrCat("the answer came from ",
                                              from.ToString()));
    }
  }
  return Pass("datagrams of 1, 100, 1024 and 1472 bytes echoed");
}

Finding CheckUdpEmptyDatagram(CaseContext& context, const Settings& settings) {
  absl::StatusOr<std::unique_ptr<DatagramSocket>> socket = OpenDatagram(context);
  if (!socket.ok()) return HarnessError(socket.status());
  SocketAddress from;
  std::string why;
  std::optional<std::string> reply =
      Exchange(context, **socket, "", settings.close_timeout, &from, &why);
  if (!reply.has_value()) return Violation("an empty datagram back", why);
  if (!reply->empty()) {
    return Violation("an empty datagram back", absl::StrCat("got ", Show(*reply)));
  }
  return Pass("empty datagram answered with an empty datagram");
}

Finding CheckUdpLargestDatagram(CaseContext& context, const Settings& settings) {
  absl::StatusOr<std::unique_ptr<DatagramSocket>> socket = OpenDatagram(context);
  if (!socket.ok()) return HarnessError(socket.status());
  const std::string datagram = AllByteValues(kLargestDatagram);
  SocketAddress from;
  std::string why;
  std::optional<std::string> reply = Exchange(
      context, **socket, datagram, settings.close_timeout, &from, &why);
  if (!reply.has_value()) {
    return Info(absl::StrCat("a ", kLargestDatagram, "-byte datagram: ", why));
  }
  if (*reply != datagram) {
    return Info(absl::StrCat("a ", kLargestDatagram,
                             "-byte datagram was answered with ",
                             Show(*reply)));
  }
  return Info(absl::StrCat("a ", kLargestDatagram,
                           "-byte datagram was echoed intact"));
}

Finding Probe(Variant variant, CaseContext& context, Transport transport) {
  const std::string payload = "wirecheck probe";
  absl::StatusOr<Settings> settings = ReadSettings(context.options);
  if (!settings.ok()) return HarnessError(settings.status());
  if (transport == Transport::kUdp) {
    if (variant != Variant::kRaw) return Unsupported("framed echo is TCP only");
    absl::StatusOr<std::unique_ptr<DatagramSocket>> socket =
        OpenDatagram(context);
    if (!socket.ok()) return HarnessError(socket.status());
    SocketAddress from;
    std::string why;
    std::optional<std::string> reply = Exchange(
        context, **socket, payload, context.deadline - context.clock.Now(),
        &from, &why);
    if (!reply.has_value()) return Unsupported(why);
    if (*reply != payload) {
      return Violation(Show(payload), absl::StrCat("got ", Show(*reply)));
    }
    return Pass("UDP echo answered");
  }
  // Over TCP an accepted connection is an answer: the cases judge the rest.
  // The probe still tries one echo, to say in the report what it saw.
  if (variant == Variant::kRaw) {
    absl::StatusOr<std::unique_ptr<Stream>> stream = ConnectRaw(context);
    if (!stream.ok()) {
      return Unsupported(absl::StrCat("connect: ", stream.status().message()));
    }
    absl::Status sent = WriteAll(**stream, payload, context.deadline);
    absl::StatusOr<std::string> echo =
        sent.ok() ? ReadExactly(**stream, payload.size(),
                                Within(context, settings->close_timeout))
                  : absl::StatusOr<std::string>(sent);
    if (!echo.ok() || *echo != payload) {
      return Pass(absl::StrCat(
          "connection accepted, but the probe was not echoed: ",
          echo.ok() ? absl::StrCat("got ", Show(*echo))
                    : std::string(echo.status().message())));
    }
    return Pass("echoed the probe");
  }
  Peer peer(context, variant, *settings);
  if (absl::Status status = peer.Connect(); !status.ok()) {
    return Unsupported(absl::StrCat("connect: ", status.message()));
  }
  if (auto problem = peer.RoundTrip({payload})) {
    return Pass(absl::StrCat(
        "connection accepted, but the probe frame was not echoed: ", *problem));
  }
  return Pass("echoed one frame");
}

std::vector<Case> FramedCases(Variant variant) {
  const std::string prefix = FramingRequirementPrefix(variant);
  const std::string format = prefix + "-1";
  const auto tcp = [&](std::string name, std::vector<std::string> requirements,
                       std::string description,
                       Finding (*check)(Variant, CaseContext&, const Settings&)) {
    return MakeCase(variant, std::move(name), std::move(requirements),
                    Level::kMust, Transport::kTcp, std::move(description),
                    [variant, check](CaseContext& context,
                                     const Settings& settings) {
                      return check(variant, context, settings);
                    });
  };
  std::vector<Case> cases = {
      tcp("empty-frame", {format, "FRAME-1", "FRAME-4"},
          "Frames with empty payloads are echoed like any other",
          CheckEmptyFrame),
      tcp("max-size-frame", {format, "FRAME-1", "FRAME-5"},
          "A frame with the largest payload (max_frame_size) is echoed intact",
          CheckMaxSizeFrame),
      tcp("split-at-every-byte", {format, "FRAME-3"},
          "A frame sent in two writes, split after each of its bytes in turn, "
          "is echoed each time",
          CheckSplitAtEveryByte),
      tcp("many-frames-one-segment", {format, "FRAME-1", "FRAME-3"},
          "200 frames sent in one write are all echoed, in order",
          CheckManyFramesOneSegment),
      tcp("interleaved-slow-writes", {"FRAME-1", "FRAME-2", "FRAME-3"},
          "Frames written in slow pieces, alternating between two "
          "connections, are each echoed as soon as complete",
          CheckInterleavedSlowWrites),
      tcp("half-close", {"FRAME-6"},
          "After the client half-closes, every echo arrives, then end of "
          "stream",
          CheckHalfClose),
      tcp("partial-frame-at-eof", {"FRAME-7"},
          "Input ending inside a frame: earlier frames are echoed, the "
          "partial one is not, and the connection closes",
          CheckPartialFrameAtEof),
  };
  if (framing::OversizedSample(variant, framing::kDefaultMaxFrameSize)) {
    cases.push_back(tcp("oversized", {"FRAME-8", "FRAME-10"},
                        "A frame over max_frame_size makes the server close "
                        "that connection at once, echoing none of it; others "
                        "are still served",
                        CheckOversized));
  }
  if (!framing::MalformedSamples(variant).empty()) {
    cases.push_back(tcp("malformed", {prefix + "-2", "FRAME-9", "FRAME-10"},
                        "Malformed input: the frames before it are echoed, "
                        "then that connection closes; others are still served",
                        CheckMalformed));
  }
  // Cases that move a maximum-size frame, pause between writes or may wait
  // out close_timeout several times need more than the run's default.
  const std::map<std::string, absl::Duration> longer = {
      {"max-size-frame", absl::Seconds(10)},
      {"split-at-every-byte", absl::Seconds(10)},
      {"interleaved-slow-writes", absl::Seconds(10)},
      {"oversized", absl::Seconds(15)},
      {"malformed", absl::Seconds(20)},
  };
  for (Case& c : cases) {
    auto it = longer.find(c.id.substr(c.id.find('/') + 1));
    if (it != longer.end()) c.timeout = it->second;
  }
  if (variant == Variant::kSentinel) {
    cases.push_back(MakeCase(
        variant, "tricky-delimiters", {format}, Level::kMust, Transport::kTcp,
        "Frames whose payloads end with or repeat parts of their delimiter, "
        "and 64-byte delimiters, are echoed intact",
        [](CaseContext& context, const Settings& settings) {
          return CheckTrickyDelimiters(context, settings);
        }));
  }
  return cases;
}

std::vector<Case> RawCases() {
  const auto raw = [](std::string name, std::vector<std::string> requirements,
                      Level level, Transport transport,
                      std::string description, Check check) {
    return MakeCase(Variant::kRaw, std::move(name), std::move(requirements),
                    level, transport, std::move(description), std::move(check));
  };
  return {
      raw("tcp-echo", {"FRAME-RAW-1"}, Level::kMust, Transport::kTcp,
          "16 KiB of every byte value are echoed exactly", CheckRawTcpEcho),
      raw("interleaved-slow-writes", {"FRAME-RAW-1", "FRAME-RAW-2"},
          Level::kMust, Transport::kTcp,
          "Slow writes alternating between two connections are each echoed "
          "at once; the connections stay open",
          CheckRawInterleavedSlowWrites),
      raw("half-close", {"FRAME-6", "FRAME-RAW-1"}, Level::kMust,
          Transport::kTcp,
          "After the client half-closes, all 64 KiB sent are echoed, then end "
          "of stream",
          CheckRawHalfClose),
      raw("udp-echo", {"FRAME-RAW-3"}, Level::kMust, Transport::kUdp,
          "Datagrams of 1 to 1472 bytes are each answered with the same data "
          "from the target's address",
          CheckUdpEcho),
      raw("udp-empty-datagram", {"FRAME-RAW-4"}, Level::kShould,
          Transport::kUdp, "An empty datagram is answered with an empty one",
          CheckUdpEmptyDatagram),
      raw("udp-largest-datagram", {"FRAME-RAW-5"}, Level::kMay,
          Transport::kUdp,
          "A 65,507-byte datagram (the IPv4 maximum) is echoed whole "
          "(reported as INFO)",
          CheckUdpLargestDatagram),
  };
}

const bool registered = [] {
  for (Variant variant : framing::AllVariants()) {
    RegisterSuite(FramingSuite(variant));
  }
  return true;
}();

}  // namespace

std::string FramingRequirementPrefix(Variant variant) {
  switch (variant) {
    case Variant::kEscaped:
      return "FRAME-ESC";
    case Variant::kBase64:
      return "FRAME-B64";
    case Variant::kSentinel:
      return "FRAME-SEN";
    case Variant::kDecimal8:
      return "FRAME-DEC8";
    case Variant::kU16be:
      return "FRAME-U16";
    case Variant::kU32be:
      return "FRAME-U32";
    case Variant::kNetstring:
      return "FRAME-NET";
    case Variant::kVarint:
      return "FRAME-VAR";
    default:
      return absl::StrCat("FRAME-",
                          absl::AsciiStrToUpper(framing::VariantName(variant)));
  }
}

Suite FramingSuite(Variant variant) {
  Suite suite;
  suite.name = absl::StrCat("framing:", framing::VariantName(variant));
  suite.spec_path = std::string(kSpecPath);
  suite.default_options = {
      {"max_frame_size", absl::StrCat(framing::kDefaultMaxFrameSize)},
      {"pause", "5ms"},
      {"close_timeout", "3s"},
  };
  if (variant == Variant::kRaw) {
    suite.description = "Echo Protocol (RFC 862) over TCP and UDP";
    suite.default_port = kEchoPort;
    suite.transports = {Transport::kTcp, Transport::kUdp};
    suite.cases = RawCases();
  } else {
    suite.description = absl::StrCat("Framed echo server, ",
                                     framing::VariantName(variant),
                                     " framing, over TCP");
    suite.transports = {Transport::kTcp};
    suite.cases = FramedCases(variant);
  }
  suite.probe = [variant](CaseContext& context, Transport transport) {
    return Probe(variant, context, transport);
  };
  suite.start_reference = [variant](Server& server, const SocketAddress& bind) {
    return framing::StartEchoServer(server, bind, variant);
  };
  return suite;
}

}  // namespace wirecheck::conformance

// The framing commands: `serve echo` (the framed echo service, RFC 862 echo
// for raw), `frame encode` and `frame decode` (stdin to stdout).
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "protocols/framing/codec.h"
#include "protocols/framing/echo_server.h"
#include "tools/cli/command.h"
#include "tools/cli/serve_util.h"

ABSL_FLAG(std::string, serve_echo_framing, "raw",
          "The framing: line, crlf, nul, escaped, base64, sentinel,\n"
          "decimal8, u16be, u32be, netstring, varint, cobs, or raw\n"
          "(RFC 862 echo, TCP and UDP).");
ABSL_FLAG(std::string, serve_echo_listen, "",
          "Where to listen: ADDR:PORT, [IPv6]:PORT, HOST:PORT or a bare\n"
          "PORT (all addresses). Port 0 picks a free port.");
ABSL_FLAG(size_t, serve_echo_max_frame_size,
          wirecheck::framing::kDefaultMaxFrameSize,
          "The largest payload accepted, in bytes; a larger frame\n"
          "closes its connection.");

ABSL_FLAG(std::string, frame_framing, "line", "The framing (see serve echo).");
ABSL_FLAG(std::string, frame_format, "raw",
          "raw (the payloads' bytes, back to back), hex (one line per\n"
          "frame) or json (one object per line: offset, length, hex).");
ABSL_FLAG(size_t, frame_max_frame_size,
          wirecheck::framing::kDefaultMaxFrameSize,
          "The largest payload accepted, in bytes.");
ABSL_FLAG(std::string, frame_sentinel, "",
          "For sentinel framing: the delimiter to use (default: a\n"
          "random one).");
ABSL_FLAG(uint64_t, frame_seed, 0,
          "For sentinel framing: seeds the random delimiter.");

namespace wirecheck::cli {
namespace {

// Parses --framing, printing the error for `command`.
bool ParseFraming(const std::string& command, const std::string& name,
                  std::ostream& err, framing::Variant* variant) {
  absl::StatusOr<framing::Variant> parsed = framing::ParseVariant(name);
  if (!parsed.ok()) {
    err << "wirecheck " << command << ": --framing: " << parsed.status().message()
        << "\n";
    return false;
  }
  *variant = *parsed;
  return true;
}

int RunServeEcho(const Invocation& invocation) {
  const std::string name = "serve echo";
  if (!invocation.args.empty()) {
    *invocation.err << "wirecheck serve echo: unexpected argument \""
                    << invocation.args[0] << "\"\n";
    return kExitUsage;
  }
  framing::Variant variant;
  if (!ParseFraming(name, absl::GetFlag(FLAGS_serve_echo_framing),
                    *invocation.err, &variant)) {
    return kExitUsage;
  }
  const std::string listen = absl::GetFlag(FLAGS_serve_echo_listen);
  if (listen.empty()) {
    *invocation.err << "wirecheck serve echo: --listen ADDR:PORT is required\n";
    return kExitUsage;
  }
  absl::StatusOr<std::vector<SocketAddress>> addresses =
      ParseListenAddresses(listen);
  if (!addresses.ok()) {
    *invocation.err << "wirecheck serve echo: " << addresses.status().message()
                    << "\n";
    return kExitUsage;
  }
  framing::EchoOptions options;
  options.decoder.max_frame_size =
      absl::GetFlag(FLAGS_serve_echo_max_frame_size);
  std::ostream& out = *invocation.out;
  return ServeUntilSignalled(
      name, ServerOptionsFromFlags(),
      [&](Server& server, EventLoop&, std::ostream& out) -> absl::Status {
        for (const SocketAddress& address : *addresses) {
          absl::StatusOr<std::map<Transport, SocketAddress>> bound =
              framing::StartEchoServer(server, address, variant, options);
          if (!bound.ok()) return bound.status();
          for (const auto& [transport, where] : *bound) {
            out << "listening on " << TransportName(transport) << "://"
                << where.ToString() << " ("
                << framing::VariantName(variant) << " echo)\n";
          }
        }
        return absl::OkStatus();
      },
      out, *invocation.err);
}

std::string ReadAllOfStdin() {
  std::string data;
  char buffer[65536];
  while (std::cin.read(buffer, sizeof(buffer)) || std::cin.gcount() > 0) {
    data.append(buffer, static_cast<size_t>(std::cin.gcount()));
  }
  return data;
}

int RunFrameEncode(const Invocation& invocation) {
  framing::Variant variant;
  if (!ParseFraming("frame encode", absl::GetFlag(FLAGS_frame_framing),
                    *invocation.err, &variant)) {
    return kExitUsage;
  }
  framing::EncoderOptions options;
  options.sentinel = absl::GetFlag(FLAGS_frame_sentinel);
  options.seed = absl::GetFlag(FLAGS_frame_seed);
  absl::StatusOr<std::string> frame =
      framing::EncodeFrame(variant, ReadAllOfStdin(), options);
  if (!frame.ok()) {
    *invocation.err << "wirecheck frame encode: " << frame.status().message()
                    << "\n";
    return kExitCheckFailed;
  }
  invocation.out->write(frame->data(), frame->size());
  invocation.out->flush();
  return kExitSuccess;
}

int RunFrameDecode(const Invocation& invocation) {
  framing::Variant variant;
  if (!ParseFraming("frame decode", absl::GetFlag(FLAGS_frame_framing),
                    *invocation.err, &variant)) {
    return kExitUsage;
  }
  const std::string format = absl::GetFlag(FLAGS_frame_format);
  if (format != "raw" && format != "hex" && format != "json") {
    *invocation.err << "wirecheck frame decode: --format must be raw, hex or "
                       "json, not \""
                    << format << "\"\n";
    return kExitUsage;
  }
  std::unique_ptr<framing::Decoder> decoder = framing::MakeDecoder(
      variant, {.max_frame_size = absl::GetFlag(FLAGS_frame_max_frame_size)});
  std::ostream& out = *invocation.out;
  const auto print = [&](const framing::Frame& frame) {
    if (format == "raw") {
      out.write(frame.payload.data(), frame.payload.size());
    } else if (format == "hex") {
      out << absl::BytesToHexString(frame.payload) << "\n";
    } else {
      out << "{\"offset\":" << frame.offset
          << ",\"length\":" << frame.payload.size() << ",\"hex\":\""
          << absl::BytesToHexString(frame.payload) << "\"}\n";
    }
  };
  // Streams: frames are printed as they are decoded, so memory stays
  // within the maximum frame size whatever the input's length. stdin is
  // read straight into the decoder, which then copies no frame that spans
  // reads (line, crlf, nul, length-prefixed).
  absl::Status status;
  while (status.ok()) {
    const absl::Span<char> room = decoder->ReceiveBuffer(64 * 1024);
    if (!std::cin.read(room.data(), room.size()) && std::cin.gcount() == 0) {
      break;
    }
    status = decoder->Received(static_cast<size_t>(std::cin.gcount()), print);
  }
  if (status.ok()) status = decoder->Finish();
  out.flush();
  if (!status.ok()) {
    *invocation.err << "wirecheck frame decode: " << status.message() << "\n";
    return kExitCheckFailed;
  }
  return kExitSuccess;
}

const bool registered_serve_echo = RegisterCommand({
    .name = "serve echo",
    .summary = "Run a framed echo server (RFC 862 echo with --framing=raw)",
    .usage = "wirecheck serve echo [--framing=VARIANT] --listen ADDR:PORT",
    .help =
        "Echoes every complete frame back, byte for byte, as soon as it has\n"
        "arrived (protocols/framing/SPEC.md). TCP for every framing; raw also\n"
        "serves UDP, answering each datagram with the same data. When a\n"
        "client half-closes, the echoes still due are sent, then the\n"
        "connection closes. A partial frame at end of input, an oversized or\n"
        "a malformed frame is logged and closes that connection only.\n"
        "Prints where it listens; runs until SIGINT or SIGTERM.",
    .flag_prefix = "serve_echo_",
    .flags = WithServeFlags({"framing", "listen", "max_frame_size"}),
    .run = RunServeEcho,
});

const bool registered_frame_encode = RegisterCommand({
    .name = "frame encode",
    .summary = "Frame stdin as one message",
    .usage = "wirecheck frame encode --framing=VARIANT < payload > frame",
    .help = "Reads all of stdin as one payload and writes one frame carrying "
            "it.\nExits 1 if the framing cannot carry the payload (an LF for "
            "line, more\nthan 65,535 bytes for u16be, ...).",
    .flag_prefix = "frame_",
    .flags = {"framing", "sentinel", "seed"},
    .run = RunFrameEncode,
});

const bool registered_frame_decode = RegisterCommand({
    .name = "frame decode",
    .summary = "Decode a stream of frames from stdin",
    .usage = "wirecheck frame decode --framing=VARIANT [--format=raw|hex|json] "
             "< stream",
    .help = "Writes each payload as it is decoded. On malformed, oversized or "
            "truncated\ninput it writes the frames before the error, then the "
            "error with its\nstream offset on stderr, and exits 1.",
    .flag_prefix = "frame_",
    .flags = {"framing", "format", "max_frame_size"},
    .run = RunFrameDecode,
});

}  // namespace
}  // namespace wirecheck::cli

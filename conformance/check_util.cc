#include "conformance/check_util.h"

#include <algorithm>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "protocols/common/status_macros.h"

namespace wirecheck::conformance {

absl::StatusOr<std::unique_ptr<Stream>> ConnectToTarget(CaseContext& context) {
  return context.network.Connect(context.target, context.deadline);
}

absl::StatusOr<std::unique_ptr<DatagramSocket>> OpenDatagramToTarget(
    CaseContext& context) {
  ASSIGN_OR_RETURN(
      std::unique_ptr<DatagramSocket> socket,
      context.network.OpenDatagram(
          SocketAddress::Any(context.target.family(), 0), DatagramOptions{}));
  RETURN_IF_ERROR(socket->Connect(context.target));
  return socket;
}

DelimitedCapture ReadUntil(Stream& stream, absl::string_view delimiter,
                           size_t max_bytes, absl::Time deadline) {
  DelimitedCapture capture;
  char chunk[4096];
  while (capture.bytes.size() < max_bytes) {
    const size_t want = std::min(sizeof(chunk), max_bytes - capture.bytes.size());
    absl::StatusOr<size_t> n = stream.Read(absl::MakeSpan(chunk, want), deadline);
    if (!n.ok()) {
      capture.error = n.status();
      return capture;
    }
    if (*n == 0) {
      capture.eof = true;
      return capture;
    }
    // The delimiter may straddle the previous chunk.
    const size_t search_from =
        capture.bytes.size() >= delimiter.size()
            ? capture.bytes.size() - delimiter.size() + 1
            : 0;
    capture.bytes.append(chunk, *n);
    const size_t at = delimiter.empty()
                          ? 0
                          : capture.bytes.find(delimiter.data(), search_from,
                                               delimiter.size());
    if (at != std::string::npos) {
      const size_t end = at + delimiter.size();
      capture.rest = capture.bytes.substr(end);
      capture.bytes.resize(end);
      capture.found = true;
      return capture;
    }
  }
  capture.limit_reached = true;
  return capture;
}

absl::StatusOr<DatagramCapture> ReceiveDatagram(DatagramSocket& socket,
                                                size_t max_bytes,
                                                absl::Time deadline) {
  DatagramCapture capture;
  capture.bytes.resize(max_bytes);
  ASSIGN_OR_RETURN(const ReceivedDatagram datagram,
                   socket.ReceiveFrom(absl::MakeSpan(capture.bytes), deadline));
  capture.bytes.resize(datagram.size);
  capture.from = datagram.from;
  capture.wire_size = datagram.wire_size;
  return capture;
}

absl::Time Within(CaseContext& context, absl::Duration wait) {
  return std::min(context.deadline, context.clock.Now() + wait);
}

absl::StatusOr<absl::Duration> DurationOption(const CaseContext& context,
                                              absl::string_view key) {
  const auto it = context.options.find(std::string(key));
  if (it == context.options.end()) {
    return absl::InvalidArgumentError(
        absl::StrCat("option ", key, " is not set"));
  }
  absl::Duration duration;
  if (!absl::ParseDuration(it->second, &duration) ||
      duration < absl::ZeroDuration()) {
    return absl::InvalidArgumentError(
        absl::StrCat("option ", key, "=", it->second,
                     " is not a duration (e.g. 1s, 250ms)"));
  }
  return duration;
}

std::string DescribeBytes(absl::string_view bytes, size_t max_shown) {
  std::string out = absl::StrCat(bytes.size(), bytes.size() == 1 ? " byte" : " bytes");
  if (bytes.empty()) return out;
  const absl::string_view shown = bytes.substr(0, max_shown);
  out += ":";
  bool printable = true;
  for (char c : shown) {
    absl::StrAppend(&out, absl::StrFormat(" %02x", static_cast<unsigned char>(c)));
    printable = printable && c >= 0x20 && c < 0x7f;
  }
  if (shown.size() < bytes.size()) out += " ...";
  if (printable) absl::StrAppend(&out, " \"", shown, "\"");
  return out;
}

std::string DescribeCapture(const StreamCapture& capture) {
  std::string out = DescribeBytes(capture.bytes);
  if (capture.eof) return absl::StrCat(out, ", then EOF");
  if (capture.limit_reached) {
    return absl::StrCat(out, " and more (stopped reading after ",
                        capture.bytes.size(), " bytes)");
  }
  if (IsConnectionReset(capture.error)) {
    return absl::StrCat(out, ", then the target reset the connection");
  }
  if (capture.error.code() == absl::StatusCode::kDeadlineExceeded) {
    return absl::StrCat(out, ", then nothing more until the deadline "
                             "(connection still open)");
  }
  return absl::StrCat(out, ", then ", DescribeFailure(capture.error));
}

std::string DescribeFailure(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kAborted:
      return absl::StrCat("connection reset by the target (", status.message(),
                          ")");
    case absl::StatusCode::kDeadlineExceeded:
      return absl::StrCat("no answer by the deadline (", status.message(), ")");
    case absl::StatusCode::kUnavailable:
      return absl::StrCat("unreachable or refused (", status.message(), ")");
    default:
      break;
  }
  return status.ToString();
}

}  // namespace wirecheck::conformance

// Helpers for writing conformance checks against targets that are not
// trusted: every read here is bounded in bytes and in time, and the
// describers turn what a target did into the one-line "observed" text of a
// Finding.
//
//   Finding CheckGreeting(CaseContext& context) {
//     absl::StatusOr<std::unique_ptr<Stream>> stream = ConnectToTarget(context);
//     if (!stream.ok()) return Violation("a connection", DescribeFailure(stream.status()));
//     const StreamCapture reply = ReadToEnd(**stream, 64, context.deadline);
//     if (reply.bytes != "hello" || !reply.eof) {
//       return Violation("\"hello\", then EOF", DescribeCapture(reply));
//     }
//     return Pass(DescribeCapture(reply));
//   }
//
// ReadToEnd, ReadExactly and WriteAll (protocols/transport/stream_util.h)
// are bounded too; the context's network also ends every wait at the case's
// deadline, whatever deadline a check passes.
#ifndef WIRECHECK_CONFORMANCE_CHECK_UTIL_H_
#define WIRECHECK_CONFORMANCE_CHECK_UTIL_H_

#include <cstddef>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "conformance/case.h"
#include "protocols/transport/network.h"
#include "protocols/transport/stream_util.h"

namespace wirecheck::conformance {

// Connects a stream to context.target, waiting until context.deadline.
// Errors: those of Network::Connect.
absl::StatusOr<std::unique_ptr<Stream>> ConnectToTarget(CaseContext& context);

// Opens a datagram socket on an ephemeral port of the target's family and
// connects it to context.target, so ICMP errors (nothing listening) are
// reported. Errors: those of Network::OpenDatagram and Connect.
absl::StatusOr<std::unique_ptr<DatagramSocket>> OpenDatagramToTarget(
    CaseContext& context);

// What ReadUntil() saw.
struct DelimitedCapture {
  // Everything read up to and including the delimiter (all of it when the
  // delimiter did not come).
  std::string bytes;
  // Bytes that arrived in the same read after the delimiter.
  std::string rest;
  bool found = false;
  // The stream ended (EOF) before the delimiter.
  bool eof = false;
  // `max_bytes` were read without the delimiter.
  bool limit_reached = false;
  // DEADLINE_EXCEEDED, ABORTED (reset) or another error; OK otherwise.
  absl::Status error;
};

// Reads until `delimiter` has arrived, the stream ends, `max_bytes` have been
// read, an error, or `deadline`. Memory stays within `max_bytes` plus one
// read's overshoot (at most 4 KiB).
DelimitedCapture ReadUntil(Stream& stream, absl::string_view delimiter,
                           size_t max_bytes, absl::Time deadline);

// One datagram, as ReceiveDatagram() returns it.
struct DatagramCapture {
  std::string bytes;
  SocketAddress from;
  // Its real length: larger than bytes.size() when it was cut to max_bytes.
  size_t wire_size = 0;
  bool truncated() const { return wire_size > bytes.size(); }
};

// Receives one datagram of which at most `max_bytes` are kept, waiting until
// `deadline`. Errors: those of DatagramSocket::ReceiveFrom.
absl::StatusOr<DatagramCapture> ReceiveDatagram(DatagramSocket& socket,
                                                size_t max_bytes,
                                                absl::Time deadline);

// The earlier of context.deadline and `wait` from now: for a check that waits
// a bounded time for something, then goes on.
absl::Time Within(CaseContext& context, absl::Duration wait);

// The option `key` as a duration ("1s", "250ms"). Errors: INVALID_ARGUMENT
// naming the option when it is missing or malformed.
absl::StatusOr<absl::Duration> DurationOption(const CaseContext& context,
                                              absl::string_view key);

// `bytes` for a finding: `5 bytes: 68 65 6c 6c 6f "hello"`, showing at most
// `max_shown` bytes followed by "...". "0 bytes" when empty.
std::string DescribeBytes(absl::string_view bytes, size_t max_shown = 16);

// A stream capture for a finding: the bytes, then how reading ended:
// "then EOF", "then the target reset the connection", "then nothing more
// until the deadline", "and more (stopped reading after N bytes)".
std::string DescribeCapture(const StreamCapture& capture);

// An error for a finding, in the target's terms: "unreachable or refused
// (...)", "connection reset by the target (...)", "no answer by the deadline
// (...)", or the status itself for anything else.
std::string DescribeFailure(const absl::Status& status);

}  // namespace wirecheck::conformance

#endif  // WIRECHECK_CONFORMANCE_CHECK_UTIL_H_

#include "protocols/time/time_client.h"

#include <algorithm>
#include <memory>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "protocols/common/status_macros.h"
#include "protocols/transport/stream_util.h"

namespace wirecheck::timeproto {
namespace {

// Large enough to see any over-long answer, small enough for a hostile
// server that streams forever.
constexpr size_t kMaxAnswerBytes = kMaxDaytimeBytes + 64;

absl::Status Interpret(bool daytime, Answer& answer) {
  if (daytime) {
    ASSIGN_OR_RETURN(answer.daytime, ParseDaytime(answer.raw));
    answer.server_time = answer.daytime.time;
  } else {
    ASSIGN_OR_RETURN(answer.value, DecodeTimeReply(answer.raw));
    answer.server_time = FromRfc868(answer.value, answer.local_time);
  }
  if (answer.server_time.has_value()) {
    answer.offset = *answer.server_time - answer.local_time;
  }
  return absl::OkStatus();
}

absl::StatusOr<Answer> QueryTcp(Network& network, const SocketAddress& server,
                                bool daytime, const QueryOptions& options) {
  Clock& clock = network.clock();
  Answer answer;
  answer.server = server;
  answer.transport = Transport::kTcp;
  const absl::Time start = clock.Now();
  const absl::Time wall_start = clock.WallNow();
  ASSIGN_OR_RETURN(std::unique_ptr<Stream> stream,
                   network.Connect(server, start + options.timeout));
  const size_t complete = daytime ? 1 : 4;
  absl::Time deadline = clock.Now() + options.timeout;
  bool eof = false;
  char buffer[kMaxAnswerBytes];
  while (answer.raw.size() < kMaxAnswerBytes) {
    absl::StatusOr<size_t> n = stream->Read(
        absl::MakeSpan(buffer, kMaxAnswerBytes - answer.raw.size()), deadline);
    if (!n.ok()) {
      if (n.status().code() != absl::StatusCode::kDeadlineExceeded) {
        return n.status();
      }
      if (answer.raw.size() < complete) {
        return answer.raw.empty()
                   ? absl::DeadlineExceededError(absl::StrCat(
                         "read ", server.ToString(), ": connected, but no data within ",
                         absl::FormatDuration(options.timeout)))
                   : absl::InvalidArgumentError(absl::StrCat(
                         "short reply: ", answer.raw.size(), " bytes (",
                         absl::BytesToHexString(answer.raw),
                         ") and then nothing for ",
                         absl::FormatDuration(options.timeout)));
      }
      answer.warnings.push_back(absl::StrCat(
          "the server kept the connection open ",
          absl::FormatDuration(options.close_grace), " after its reply"));
      break;
    }
    if (*n == 0) {
      eof = true;
      break;
    }
    if (answer.raw.empty()) {
      answer.round_trip = clock.Now() - start;
    }
    answer.raw.append(buffer, *n);
    if (answer.raw.size() >= complete) {
      deadline = std::min(deadline, clock.Now() + options.close_grace);
    }
  }
  if (eof && answer.raw.empty()) {
    return absl::FailedPreconditionError(absl::StrCat(
        server.ToString(),
        " closed the connection without sending anything (RFC 868/867: a "
        "server that cannot tell the time does this)"));
  }
  answer.local_time = wall_start + answer.round_trip / 2;
  RETURN_IF_ERROR(Interpret(daytime, answer));
  return answer;
}

absl::StatusOr<Answer> QueryUdp(Network& network, const SocketAddress& server,
                                bool daytime, const QueryOptions& options) {
  Clock& clock = network.clock();
  Answer answer;
  answer.server = server;
  answer.transport = Transport::kUdp;
  ASSIGN_OR_RETURN(
      std::unique_ptr<DatagramSocket> socket,
      network.OpenDatagram(SocketAddress::Any(server.family(), 0), {}));
  // Connected, so a closed port is reported (ICMP) instead of silence.
  RETURN_IF_ERROR(socket->Connect(server));
  const int attempts = std::max(1, options.udp_attempts);
  char buffer[kMaxAnswerBytes];
  for (answer.attempts = 1; answer.attempts <= attempts; ++answer.attempts) {
    const absl::Time sent = clock.Now();
    const absl::Time wall_sent = clock.WallNow();
    RETURN_IF_ERROR(socket->SendTo("", server));
    absl::StatusOr<ReceivedDatagram> datagram =
        socket->ReceiveFrom(absl::MakeSpan(buffer), sent + options.timeout);
    if (!datagram.ok()) {
      if (datagram.status().code() == absl::StatusCode::kDeadlineExceeded) {
        continue;
      }
      return datagram.status();
    }
    answer.round_trip = clock.Now() - sent;
    answer.local_time = wall_sent + answer.round_trip / 2;
    answer.raw.assign(buffer, datagram->size);
    if (datagram->truncated()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "long reply: a ", datagram->wire_size, "-byte datagram"));
    }
    RETURN_IF_ERROR(Interpret(daytime, answer));
    return answer;
  }
  return absl::DeadlineExceededError(absl::StrCat(
      "no answer from ", server.ToString(), " over UDP after ", attempts,
      " request", attempts == 1 ? "" : "s", ", ",
      absl::FormatDuration(options.timeout), " each"));
}

}  // namespace

absl::StatusOr<Answer> Query(Network& network, const SocketAddress& server,
                             Transport transport, bool daytime,
                             const QueryOptions& options) {
  return transport == Transport::kTcp
             ? QueryTcp(network, server, daytime, options)
             : QueryUdp(network, server, daytime, options);
}

bool IsNoAnswer(const absl::Status& status) {
  return status.code() == absl::StatusCode::kUnavailable ||
         status.code() == absl::StatusCode::kDeadlineExceeded ||
         status.code() == absl::StatusCode::kNotFound;
}

}  // namespace wirecheck::timeproto

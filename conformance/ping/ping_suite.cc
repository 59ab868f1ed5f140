#include "conformance/ping/ping_suite.h"

#include <algorithm>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "protocols/ping/ping_message.h"
#include "protocols/ping/ping_server.h"

namespace wirecheck::conformance {
namespace {

using ping::CompareEcho;
using ping::EchoMatch;
using ping::EncodePing;

// A lossy server (SPEC PING-6 allows one) must not fail the MUST cases, so
// every exchange is retried: with 30% loss, a ping lost kRounds times in a
// row has probability 0.3^8 < 7e-5.
constexpr int kRounds = 8;
constexpr int kBackToBack = 20;
constexpr int kClients = 5;
constexpr int kLossProbes = 100;
constexpr size_t kBuffer = 65536;

// One socket's exchanges with the target.
class Prober {
 public:
  static absl::StatusOr<std::unique_ptr<Prober>> Open(CaseContext& context) {
    absl::StatusOr<std::unique_ptr<DatagramSocket>> socket =
        context.network.OpenDatagram(
            SocketAddress::Any(context.target.family(), 0), {});
    if (!socket.ok()) return socket.status();
    return std::unique_ptr<Prober>(new Prober(context, *std::move(socket)));
  }

  absl::Status Send(absl::string_view payload) {
    return socket_->SendTo(payload, context_.target);
  }

  // The next datagram by `until`, or DEADLINE_EXCEEDED.
  absl::StatusOr<std::pair<ReceivedDatagram, std::string>> Receive(
      absl::Time until) {
    absl::StatusOr<ReceivedDatagram> datagram =
        socket_->ReceiveFrom(absl::MakeSpan(buffer_), until);
    if (!datagram.ok()) return datagram.status();
    return std::make_pair(*datagram, buffer_.substr(0, datagram->size));
  }

  // Sends `payload` up to kRounds times, each time waiting a share of the
  // time left, until a datagram comes back; returns it.
  absl::StatusOr<std::pair<ReceivedDatagram, std::string>> Ask(
      absl::string_view payload) {
    // A late answer to an earlier ping of this prober (another sequence
    // number) is not this ping's answer: skip it rather than judge by it.
    const absl::StatusOr<ping::PingMessage> asked = ping::ParsePing(payload);
    for (int round = 0; round < kRounds; ++round) {
      if (absl::Status sent = Send(payload); !sent.ok()) return sent;
      const absl::Time until = RoundDeadline(round);
      absl::StatusOr<std::pair<ReceivedDatagram, std::string>> reply;
      for (;;) {
        reply = Receive(until);
        if (!reply.ok() || !asked.ok()) break;
        const absl::StatusOr<ping::PingMessage> answer =
            ping::ParsePing(reply->second);
        if (!answer.ok() || answer->sequence == asked->sequence) break;
      }
      if (reply.ok() ||
          reply.status().code() != absl::StatusCode::kDeadlineExceeded) {
        return reply;
      }
    }
    return absl::DeadlineExceededError(
        absl::StrCat("no answer after ", kRounds, " tries"));
  }

  // Of the time left, this round's share.
  absl::Time RoundDeadline(int round) const {
    const absl::Duration left = context_.deadline - context_.clock.Now();
    return round + 1 == kRounds ? context_.deadline
                                : context_.clock.Now() + left / (kRounds - round);
  }

  SocketAddress local_address() const { return socket_->local_address(); }

 private:
  Prober(CaseContext& context, std::unique_ptr<DatagramSocket> socket)
      : context_(context), socket_(std::move(socket)), buffer_(kBuffer, '\0') {}

  CaseContext& context_;
  std::unique_ptr<DatagramSocket> socket_;
  std::string buffer_;
};

std::string Shown(absl::string_view payload) {
  return absl::StrCat("\"", absl::CHexEscape(payload.substr(0, 48)),
                      payload.size() > 48 ? "..." : "", "\" (", payload.size(),
                      " bytes)");
}

std::string MakePing(CaseContext& context, uint32_t sequence, size_t size) {
  return *EncodePing(sequence, context.clock.WallNow(), size);
}

Finding NoAnswer(const absl::Status& status) {
  return Violation("an answer", status.ToString());
}

Finding ReplyToSender(CaseContext& context) {
  absl::StatusOr<std::unique_ptr<Prober>> prober = Prober::Open(context);
  if (!prober.ok()) return HarnessError(prober.status());
  auto reply = (*prober)->Ask(MakePing(context, 1, 0));
  if (!reply.ok()) return NoAnswer(reply.status());
  if (reply->first.from != context.target) {
    return Violation(absl::StrCat("an answer from ", context.target.ToString()),
                     absl::StrCat("an answer from ", reply->first.from.ToString()));
  }
  return Pass(absl::StrCat("answered from ", reply->first.from.ToString(),
                           " to ", (*prober)->local_address().ToString()));
}

Finding PayloadEchoed(CaseContext& context) {
  absl::StatusOr<std::unique_ptr<Prober>> prober = Prober::Open(context);
  if (!prober.ok()) return HarnessError(prober.status());
  const std::string sent = MakePing(context, 1, 200);
  auto reply = (*prober)->Ask(sent);
  if (!reply.ok()) return NoAnswer(reply.status());
  switch (CompareEcho(sent, reply->second)) {
    case EchoMatch::kExact:
      return Pass("echoed exactly");
    case EchoMatch::kUppercased:
      return Pass("echoed upper-cased");
    case EchoMatch::kDifferent:
      break;
  }
  return Violation(absl::StrCat("the ping echoed exactly or upper-cased: ",
                                Shown(sent)),
                   Shown(reply->second));
}

Finding NoAmplification(CaseContext& context) {
  absl::StatusOr<std::unique_ptr<Prober>> prober = Prober::Open(context);
  if (!prober.ok()) return HarnessError(prober.status());
  const std::vector<std::string> requests = {
      MakePing(context, 1, 0), MakePing(context, 2, 100),
      MakePing(context, 3, 1400), "x", ""};
  std::string observed;
  int answered = 0;
  for (const std::string& request : requests) {
    auto reply = (*prober)->Ask(request);
    if (!reply.ok()) continue;  // malformed requests need no answer
    ++answered;
    if (reply->first.wire_size > request.size()) {
      return Violation(
          "no answer larger than its request",
          absl::StrCat("a ", request.size(), "-byte request drew a ",
                       reply->first.wire_size, "-byte answer"));
    }
    absl::StrAppend(&observed, observed.empty() ? "" : ", ", request.size(),
                    "->", reply->first.wire_size);
  }
  if (answered == 0) return NoAnswer(absl::DeadlineExceededError("silence"));
  return Pass(absl::StrCat("request->answer bytes: ", observed));
}

Finding BackToBack(CaseContext& context) {
  absl::StatusOr<std::unique_ptr<Prober>> prober = Prober::Open(context);
  if (!prober.ok()) return HarnessError(prober.status());
  std::map<uint32_t, std::string> waiting;
  for (uint32_t sequence = 1; sequence <= kBackToBack; ++sequence) {
    waiting[sequence] = MakePing(context, sequence, 0);
  }
  for (int round = 0; round < kRounds && !waiting.empty(); ++round) {
    for (const auto& [sequence, text] : waiting) {
      if (absl::Status sent = (*prober)->Send(text); !sent.ok()) {
        return HarnessError(sent);
      }
    }
    const absl::Time until = (*prober)->RoundDeadline(round);
    while (!waiting.empty()) {
      auto reply = (*prober)->Receive(until);
      if (!reply.ok()) break;
      absl::StatusOr<ping::PingMessage> message = ping::ParsePing(reply->second);
      if (message.ok()) waiting.erase(message->sequence);
    }
  }
  const std::string observed =
      absl::StrCat(kBackToBack - waiting.size(), " of ", kBackToBack,
                   " back-to-back pings answered within ", kRounds, " rounds");
  if (waiting.empty()) return Pass(observed);
  return Violation(absl::StrCat("every one of ", kBackToBack,
                                " back-to-back pings answered"),
                   observed);
}

Finding ConcurrentClients(CaseContext& context) {
  std::vector<std::unique_ptr<Prober>> probers;
  for (int i = 0; i < kClients; ++i) {
    absl::StatusOr<std::unique_ptr<Prober>> prober = Prober::Open(context);
    if (!prober.ok()) return HarnessError(prober.status());
    probers.push_back(*std::move(prober));
  }
  // Each client's ping carries its index as the sequence, so a misdirected
  // answer is told from a lost one.
  std::set<int> answered;
  for (int round = 0; round < kRounds && answered.size() < probers.size();
       ++round) {
    for (int i = 0; i < kClients; ++i) {
      if (answered.count(i) == 0) {
        if (absl::Status sent = probers[i]->Send(MakePing(context, i + 1, 0));
            !sent.ok()) {
          return HarnessError(sent);
        }
      }
    }
    // Waiting on each client in turn is enough: answers for the others
    // queue in their sockets meanwhile, and once `until` has passed the
    // remaining receives only collect what is queued.
    const absl::Time until = probers[0]->RoundDeadline(round);
    for (int i = 0; i < kClients; ++i) {
      while (answered.count(i) == 0) {
        auto reply = probers[i]->Receive(until);
        if (!reply.ok()) break;
        absl::StatusOr<ping::PingMessage> message = ping::ParsePing(reply->second);
        if (message.ok() && message->sequence != static_cast<uint32_t>(i + 1)) {
          return Violation(
              absl::StrCat("each client gets its own answers"),
              absl::StrCat("client ", i + 1, " got client ", message->sequence,
                           "'s answer"));
        }
        answered.insert(i);
      }
    }
  }
  const std::string observed = absl::StrCat(answered.size(), " of ", kClients,
                                            " simultaneous clients answered");
  if (static_cast<int>(answered.size()) == kClients) return Pass(observed);
  return Violation(absl::StrCat("all ", kClients, " clients answered"), observed);
}

Finding LargestPayload(CaseContext& context) {
  absl::StatusOr<std::unique_ptr<Prober>> prober = Prober::Open(context);
  if (!prober.ok()) return HarnessError(prober.status());
  const size_t largest =
      context.target.family() == AddressFamily::kIPv4 ? 65507 : 65527;
  size_t best = 0;
  std::string first_failure;
  uint32_t sequence = 0;
  for (size_t size : {size_t{512}, size_t{1472}, size_t{8192}, size_t{32768},
                      largest}) {
    // Each size its own sequence number, so a retried ping's second answer
    // is not taken for the next size's.
    const std::string sent = MakePing(context, ++sequence, size);
    auto reply = (*prober)->Ask(sent);
    if (reply.ok() && reply->second.size() == sent.size() &&
        CompareEcho(sent, reply->second) != EchoMatch::kDifferent) {
      best = size;
    } else if (first_failure.empty()) {
      first_failure = reply.ok()
                          ? absl::StrCat("; a ", size, "-byte ping drew ",
                                         reply->first.wire_size, " bytes")
                          : absl::StrCat("; a ", size, "-byte ping: ",
                                         reply.status().message());
    }
  }
  const std::string observed = absl::StrCat(
      "largest ping answered whole: ", best, " bytes", first_failure);
  if (best == largest) return Pass(observed);
  return Violation(absl::StrCat(largest, "-byte pings answered whole"), observed);
}

Finding LossMeasured(CaseContext& context) {
  absl::StatusOr<std::unique_ptr<Prober>> prober = Prober::Open(context);
  if (!prober.ok()) return HarnessError(prober.status());
  const absl::Duration budget = context.deadline - context.clock.Now();
  const absl::Duration spacing = budget / (2 * kLossProbes);
  std::set<uint32_t> answered;
  for (uint32_t sequence = 1; sequence <= kLossProbes; ++sequence) {
    if (absl::Status sent = (*prober)->Send(MakePing(context, sequence, 0));
        !sent.ok()) {
      return HarnessError(sent);
    }
    const absl::Time next = context.clock.Now() + spacing;
    for (auto reply = (*prober)->Receive(next); reply.ok();
         reply = (*prober)->Receive(next)) {
      absl::StatusOr<ping::PingMessage> message = ping::ParsePing(reply->second);
      if (message.ok()) answered.insert(message->sequence);
    }
  }
  // Stragglers, for the rest of the budget.
  for (auto reply = (*prober)->Receive(context.deadline); reply.ok();
       reply = (*prober)->Receive(context.deadline)) {
    absl::StatusOr<ping::PingMessage> message = ping::ParsePing(reply->second);
    if (message.ok()) answered.insert(message->sequence);
    if (answered.size() == kLossProbes) break;
  }
  return Info(absl::StrFormat(
      "%d of %d probes answered: %g%% loss (%d trials, one every %s)",
      answered.size(), kLossProbes,
      100.0 * (kLossProbes - answered.size()) / kLossProbes, kLossProbes,
      absl::FormatDuration(spacing)));
}

Finding SurvivesMalformed(CaseContext& context) {
  absl::StatusOr<std::unique_ptr<Prober>> prober = Prober::Open(context);
  if (!prober.ok()) return HarnessError(prober.status());
  for (absl::string_view junk :
       {absl::string_view(""), absl::string_view("Pong"),
        absl::string_view("\x00\xff\x80\x01", 4),
        absl::string_view("Ping 99999999999999999999 x")}) {
    if (absl::Status sent = (*prober)->Send(junk); !sent.ok()) {
      return HarnessError(sent);
    }
  }
  // Drain whatever the junk drew, then a real ping must still be answered.
  const absl::Time settle =
      std::min(context.deadline,
               context.clock.Now() + (context.deadline - context.clock.Now()) / 4);
  while ((*prober)->Receive(settle).ok()) {
  }
  const std::string sent = MakePing(context, 7, 0);
  for (int round = 0; round < kRounds; ++round) {
    if (absl::Status s = (*prober)->Send(sent); !s.ok()) return HarnessError(s);
    const absl::Time until = (*prober)->RoundDeadline(round);
    for (auto reply = (*prober)->Receive(until); reply.ok();
         reply = (*prober)->Receive(until)) {
      if (CompareEcho(sent, reply->second) != EchoMatch::kDifferent) {
        return Pass("answered a ping after four malformed datagrams");
      }
    }
  }
  return Violation("pings still answered after malformed datagrams",
                   "no answer to a ping sent after four malformed datagrams");
}

Finding Probe(CaseContext& context, Transport) {
  absl::StatusOr<std::unique_ptr<Prober>> prober = Prober::Open(context);
  if (!prober.ok()) return HarnessError(prober.status());
  auto reply = (*prober)->Ask(MakePing(context, 1, 0));
  if (!reply.ok()) return Unsupported(reply.status().ToString());
  return Pass(absl::StrCat("answered from ", reply->first.from.ToString()));
}

}  // namespace

Suite PingSuite() {
  Suite suite;
  suite.name = "ping";
  suite.description = "UDP ping echo server";
  suite.spec_path = "protocols/ping/SPEC.md";
  suite.default_port = 12000;
  suite.transports = {Transport::kUdp};
  suite.probe = Probe;
  suite.start_reference = [](Server& server, const SocketAddress& bind)
      -> absl::StatusOr<std::map<Transport, SocketAddress>> {
    absl::StatusOr<SocketAddress> bound =
        ping::ServePing(server, {.uppercase = true}, bind);
    if (!bound.ok()) return bound.status();
    return std::map<Transport, SocketAddress>{{Transport::kUdp, *bound}};
  };
  suite.cases = {
      MakeCase("ping/reply-to-sender", {"PING-1"}, Level::kMust,
               Transport::kUdp,
               "Each ping is answered from the target to the sender's port",
               ReplyToSender),
      MakeCase("ping/payload-echoed", {"PING-2"}, Level::kMust, Transport::kUdp,
               "The answer is the ping, exactly or upper-cased (which is "
               "reported)",
               PayloadEchoed),
      MakeCase("ping/no-amplification", {"PING-3"}, Level::kMust,
               Transport::kUdp,
               "No answer is larger than its request (pings of 24-1400 bytes "
               "and malformed ones)",
               NoAmplification),
      MakeCase("ping/back-to-back", {"PING-4"}, Level::kMust, Transport::kUdp,
               "20 pings sent at once are all answered (retried up to 8 "
               "rounds for lossy servers)",
               BackToBack),
      MakeCase("ping/concurrent-clients", {"PING-4"}, Level::kMust,
               Transport::kUdp,
               "5 clients at once each get their own answers (retried up to 8 "
               "rounds)",
               ConcurrentClients),
      MakeCase("ping/largest-payload", {"PING-5"}, Level::kShould,
               Transport::kUdp,
               "Pings up to the largest UDP datagram are answered whole "
               "(largest reported)",
               LargestPayload),
      MakeCase("ping/loss-measured", {"PING-6"}, Level::kMay, Transport::kUdp,
               "Loss over 100 probes spread over the case's timeout (reported)",
               LossMeasured, /*exclusive=*/true),
      MakeCase("ping/survives-malformed", {"PING-7"}, Level::kShould,
               Transport::kUdp,
               "Pings are still answered after malformed datagrams",
               SurvivesMalformed),
  };
  return suite;
}

namespace {
const bool registered = RegisterSuite(PingSuite());
}  // namespace

}  // namespace wirecheck::conformance

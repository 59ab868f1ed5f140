#include "conformance/discovery/discovery_suite.h"

#include <algorithm>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "protocols/discovery/discovery_message.h"
#include "protocols/discovery/responder.h"

namespace wirecheck::conformance {
namespace {

using discovery::DecodeMessage;
using discovery::EncodeMessage;
using discovery::kMaxMessageBytes;
using discovery::Message;
using discovery::MessageType;

// A responder answers within 120 ms (DISC-8) plus the round trip; a case
// waits this long for "no more answers".
constexpr absl::Duration kQuiet = absl::Milliseconds(300);
constexpr int kDelaySamples = 10;
constexpr int kFlood = 60;

struct Heard {
  std::string payload;
  SocketAddress from;
  size_t wire_size = 0;
  absl::Duration after;  // since the request was sent
};

class Client {
 public:
  static absl::StatusOr<std::unique_ptr<Client>> Open(CaseContext& context) {
    absl::StatusOr<std::unique_ptr<DatagramSocket>> socket =
        context.network.OpenDatagram(
            SocketAddress::Any(context.target.family(), 0), {});
    if (!socket.ok()) return socket.status();
    return std::unique_ptr<Client>(new Client(context, *std::move(socket)));
  }

  std::string NewNonce() {
    return absl::StrFormat("%016x", context_.random());
  }

  absl::Status Query(const std::string& nonce, const std::string& service,
                     std::vector<std::string> known = {}) {
    Message query;
    query.nonce = nonce;
    query.service = service;
    query.known = std::move(known);
    return Send(*EncodeMessage(query));
  }

  absl::Status Send(absl::string_view payload) {
    sent_ = context_.clock.Now();
    return socket_->SendTo(payload, context_.target);
  }

  // Everything that arrives until `quiet` passes without a datagram, or
  // the case's deadline.
  std::vector<Heard> Collect(absl::Duration quiet = kQuiet) {
    std::vector<Heard> heard;
    std::string buffer(65536, '\0');
    while (true) {
      const absl::Time until =
          std::min(context_.deadline, context_.clock.Now() + quiet);
      absl::StatusOr<ReceivedDatagram> datagram =
          socket_->ReceiveFrom(absl::MakeSpan(buffer), until);
      if (!datagram.ok()) break;
      heard.push_back({buffer.substr(0, datagram->size), datagram->from,
                       datagram->wire_size, context_.clock.Now() - sent_});
    }
    return heard;
  }

 private:
  Client(CaseContext& context, std::unique_ptr<DatagramSocket> socket)
      : context_(context), socket_(std::move(socket)) {}

  CaseContext& context_;
  std::unique_ptr<DatagramSocket> socket_;
  absl::Time sent_;
};

// The replies among `heard` that carry `nonce`.
std::vector<Message> RepliesFor(const std::vector<Heard>& heard,
                                const std::string& nonce) {
  std::vector<Message> replies;
  for (const Heard& h : heard) {
    absl::StatusOr<Message> message = DecodeMessage(h.payload);
    if (message.ok() && message->type == MessageType::kReply &&
        message->nonce == nonce) {
      replies.push_back(*message);
    }
  }
  return replies;
}

std::string Show(absl::string_view payload) {
  return absl::StrCat("\"", absl::CHexEscape(payload.substr(0, 80)),
                      payload.size() > 80 ? "..." : "", "\"");
}

// Asks for every service and returns the replies (one try).
absl::StatusOr<std::vector<Message>> Survey(Client& client) {
  const std::string nonce = client.NewNonce();
  if (absl::Status sent = client.Query(nonce, "*"); !sent.ok()) return sent;
  return RepliesFor(client.Collect(), nonce);
}

Finding AnswersUnicastQuery(CaseContext& context) {
  absl::StatusOr<std::unique_ptr<Client>> client = Client::Open(context);
  if (!client.ok()) return HarnessError(client.status());
  absl::StatusOr<std::vector<Message>> replies = Survey(**client);
  if (!replies.ok()) return HarnessError(replies.status());
  if (replies->empty()) {
    return Violation("a REPLY to a unicast query for \"*\"", "no REPLY");
  }
  std::vector<std::string> names;
  for (const Message& m : *replies) names.push_back(absl::StrCat(m.service, "/", m.instance));
  return Pass(absl::StrCat(replies->size(), " REPLY: ", absl::StrJoin(names, ", ")));
}

Finding WellFormedReplies(CaseContext& context) {
  absl::StatusOr<std::unique_ptr<Client>> client = Client::Open(context);
  if (!client.ok()) return HarnessError(client.status());
  const std::string nonce = (*client)->NewNonce();
  if (absl::Status s = (*client)->Query(nonce, "*"); !s.ok()) return HarnessError(s);
  const std::vector<Heard> heard = (*client)->Collect();
  if (heard.empty()) return Violation("a well-formed REPLY", "no answer");
  for (const Heard& h : heard) {
    absl::StatusOr<Message> message = DecodeMessage(h.payload);
    if (!message.ok()) {
      return Violation("well-formed WCD/1 messages",
                       absl::StrCat(Show(h.payload), ": ", message.status().message()));
    }
  }
  return Pass(absl::StrCat(heard.size(), " well-formed answer(s)"));
}

Finding IgnoresMalformed(CaseContext& context) {
  absl::StatusOr<std::unique_ptr<Client>> client = Client::Open(context);
  if (!client.ok()) return HarnessError(client.status());
  for (absl::string_view junk :
       {absl::string_view("WCD/1 QUERY\nnonce=xyz\nservice=*\n"),
        absl::string_view("WCD/1 QUERY\nservice=*\n"),
        absl::string_view("WCD/2 QUERY\nnonce=0000000000000001\nservice=*\n"),
        absl::string_view("\x00\xff", 2), absl::string_view("")}) {
    if (absl::Status s = (*client)->Send(junk); !s.ok()) return HarnessError(s);
  }
  const std::vector<Heard> heard = (*client)->Collect();
  if (heard.empty()) return Pass("five malformed queries drew no answer");
  return Violation("no answer to malformed datagrams",
                   absl::StrCat(heard.size(), " answer(s), first ",
                                Show(heard[0].payload)));
}

Finding ReplySizeBound(CaseContext& context) {
  absl::StatusOr<std::unique_ptr<Client>> client = Client::Open(context);
  if (!client.ok()) return HarnessError(client.status());
  const std::string nonce = (*client)->NewNonce();
  if (absl::Status s = (*client)->Query(nonce, "*"); !s.ok()) return HarnessError(s);
  if (absl::Status s = (*client)->Send("Hello"); !s.ok()) return HarnessError(s);
  const std::vector<Heard> heard = (*client)->Collect();
  if (heard.empty()) return Violation("answers to measure", "no answer");
  size_t largest = 0;
  for (const Heard& h : heard) largest = std::max(largest, h.wire_size);
  const std::string observed =
      absl::StrCat(heard.size(), " answer(s), the largest ", largest, " bytes");
  if (largest > kMaxMessageBytes) {
    return Violation(absl::StrCat("no datagram above ", kMaxMessageBytes, " bytes"),
                     observed);
  }
  return Pass(observed);
}

Finding OneReplyPerInstanceToQuerier(CaseContext& context) {
  absl::StatusOr<std::unique_ptr<Client>> client = Client::Open(context);
  if (!client.ok()) return HarnessError(client.status());
  absl::StatusOr<std::vector<Message>> replies = Survey(**client);
  if (!replies.ok()) return HarnessError(replies.status());
  if (replies->empty()) return Violation("one REPLY per instance", "no REPLY");
  std::map<std::string, int> per_instance;
  for (const Message& m : *replies) ++per_instance[absl::StrCat(m.service, "/", m.instance)];
  for (const auto& [instance, count] : per_instance) {
    if (count != 1) {
      return Violation("one REPLY per instance for one query",
                       absl::StrCat(count, " REPLY for ", instance));
    }
  }
  return Pass(absl::StrCat(per_instance.size(),
                           " instance(s), one REPLY each, to the querier's port"));
}

Finding EchoesNonceAndFields(CaseContext& context) {
  absl::StatusOr<std::unique_ptr<Client>> client = Client::Open(context);
  if (!client.ok()) return HarnessError(client.status());
  const std::string nonce = (*client)->NewNonce();
  if (absl::Status s = (*client)->Query(nonce, "*"); !s.ok()) return HarnessError(s);
  const std::vector<Heard> heard = (*client)->Collect();
  int replies = 0;
  for (const Heard& h : heard) {
    absl::StatusOr<Message> message = DecodeMessage(h.payload);
    if (!message.ok() || message->type != MessageType::kReply) continue;
    ++replies;
    if (message->nonce != nonce) {
      return Violation(absl::StrCat("nonce=", nonce),
                       absl::StrCat("nonce=", message->nonce));
    }
  }
  if (replies == 0) return Violation("a REPLY carrying the nonce", "no REPLY");
  return Pass(absl::StrCat(replies, " REPLY carried nonce ", nonce,
                           " with service, instance and port"));
}

Finding ServiceFilter(CaseContext& context) {
  absl::StatusOr<std::unique_ptr<Client>> client = Client::Open(context);
  if (!client.ok()) return HarnessError(client.status());
  const std::string service =
      absl::StrFormat("wirecheck-absent-%08x", context.random() & 0xffffffff);
  const std::string nonce = (*client)->NewNonce();
  if (absl::Status s = (*client)->Query(nonce, service); !s.ok()) return HarnessError(s);
  const std::vector<Message> replies = RepliesFor((*client)->Collect(), nonce);
  if (replies.empty()) return Pass(absl::StrCat("no REPLY for service ", service));
  return Violation(absl::StrCat("no REPLY for service ", service),
                   absl::StrCat(replies.size(), " REPLY, first for ",
                                replies[0].service, "/", replies[0].instance));
}

Finding ReplyDelayWindow(CaseContext& context) {
  absl::StatusOr<std::unique_ptr<Client>> client = Client::Open(context);
  if (!client.ok()) return HarnessError(client.status());
  absl::StatusOr<std::vector<Message>> survey = Survey(**client);
  if (!survey.ok()) return HarnessError(survey.status());
  if (survey->empty()) return Violation("replies to time", "no REPLY");
  const std::string service = survey->front().service;
  const std::string instance = survey->front().instance;
  std::vector<absl::Duration> delays;
  for (int i = 0; i < kDelaySamples; ++i) {
    const std::string nonce = (*client)->NewNonce();
    if (absl::Status s = (*client)->Query(nonce, service); !s.ok()) return HarnessError(s);
    for (const Heard& h : (*client)->Collect()) {
      absl::StatusOr<Message> message = DecodeMessage(h.payload);
      if (message.ok() && message->nonce == nonce && message->instance == instance) {
        delays.push_back(h.after);
        break;
      }
    }
  }
  if (delays.size() < kDelaySamples / 2) {
    return Violation("replies to time", absl::StrCat(delays.size(), " of ",
                                                     kDelaySamples, " answered"));
  }
  const auto [min, max] = std::minmax_element(delays.begin(), delays.end());
  const std::string observed = absl::StrFormat(
      "%d delays from %.1f to %.1f ms (%d queries; pass: all 20-170 ms and a "
      "spread of at least 5 ms)",
      delays.size(), absl::ToDoubleMilliseconds(*min),
      absl::ToDoubleMilliseconds(*max), kDelaySamples);
  if (*min < absl::Milliseconds(20) || *max > absl::Milliseconds(170) ||
      *max - *min < absl::Milliseconds(5)) {
    return Violation("random delays within 20-120 ms (+50 ms for the round trip)",
                     observed);
  }
  return Pass(observed);
}

Finding KnownAnswerSuppression(CaseContext& context) {
  absl::StatusOr<std::unique_ptr<Client>> client = Client::Open(context);
  if (!client.ok()) return HarnessError(client.status());
  absl::StatusOr<std::vector<Message>> survey = Survey(**client);
  if (!survey.ok()) return HarnessError(survey.status());
  if (survey->empty()) return Violation("instances to list as known", "no REPLY");
  const std::string service = survey->front().service;
  std::vector<std::string> known;
  for (const Message& m : *survey) {
    if (m.service == service) known.push_back(m.instance);
  }
  const std::string nonce = (*client)->NewNonce();
  if (absl::Status s = (*client)->Query(nonce, service, known); !s.ok()) {
    return HarnessError(s);
  }
  const std::vector<Message> replies = RepliesFor((*client)->Collect(), nonce);
  if (replies.empty()) {
    return Pass(absl::StrCat("no REPLY when all ", known.size(),
                             " instance(s) of ", service, " were listed known"));
  }
  return Violation("no REPLY for instances listed as known",
                   absl::StrCat("REPLY for known instance ", replies[0].instance));
}

Finding PendingReplySuppression(CaseContext& context) {
  absl::StatusOr<std::unique_ptr<Client>> client = Client::Open(context);
  if (!client.ok()) return HarnessError(client.status());
  const std::string nonce = (*client)->NewNonce();
  for (int copy = 0; copy < 2; ++copy) {
    if (absl::Status s = (*client)->Query(nonce, "*"); !s.ok()) return HarnessError(s);
  }
  const std::vector<Message> replies = RepliesFor((*client)->Collect(), nonce);
  if (replies.empty()) return Violation("a REPLY", "no REPLY");
  std::map<std::string, int> per_instance;
  for (const Message& m : replies) ++per_instance[absl::StrCat(m.service, "/", m.instance)];
  for (const auto& [instance, count] : per_instance) {
    if (count > 1) {
      return Violation("one REPLY per instance for two copies of a query",
                       absl::StrCat(count, " REPLY for ", instance));
    }
  }
  return Pass(absl::StrCat("two copies of one query drew one REPLY for each of ",
                           per_instance.size(), " instance(s)"));
}

Finding RateLimit(CaseContext& context) {
  absl::StatusOr<std::unique_ptr<Client>> client = Client::Open(context);
  if (!client.ok()) return HarnessError(client.status());
  const absl::Time start = context.clock.Now();
  for (int i = 0; i < kFlood; ++i) {
    if (absl::Status s = (*client)->Query((*client)->NewNonce(), "*"); !s.ok()) {
      return HarnessError(s);
    }
  }
  const std::vector<Heard> heard = (*client)->Collect();
  const absl::Duration span = context.clock.Now() - start;
  const double allowed = 20 + 10 * absl::ToDoubleSeconds(span) + 1;
  const std::string observed = absl::StrFormat(
      "%d answers to %d queries over %.2f s (pass: at most %.0f = 20 + 10/s)",
      heard.size(), kFlood, absl::ToDoubleSeconds(span), allowed);
  // Let the target's allowance for this source refill before other cases.
  context.clock.SleepUntil(std::min(context.deadline,
                                    context.clock.Now() + absl::Seconds(2)));
  if (heard.empty()) return Violation("some answers", observed);
  if (heard.size() > allowed) {
    return Violation("at most 20 answers at once and 10 per second to one source",
                     observed);
  }
  return Pass(observed);
}

Finding IgnoresNonQueries(CaseContext& context) {
  absl::StatusOr<std::unique_ptr<Client>> client = Client::Open(context);
  if (!client.ok()) return HarnessError(client.status());
  for (MessageType type :
       {MessageType::kReply, MessageType::kAnnounce, MessageType::kGoodbye}) {
    Message message;
    message.type = type;
    message.nonce = type == MessageType::kReply ? (*client)->NewNonce() : "";
    message.service = "wirecheck";
    message.instance = "checker";
    message.port = 9;
    message.ttl = type == MessageType::kAnnounce ? absl::Seconds(60)
                                                 : absl::ZeroDuration();
    if (absl::Status s = (*client)->Send(*EncodeMessage(message)); !s.ok()) {
      return HarnessError(s);
    }
  }
  const std::vector<Heard> heard = (*client)->Collect();
  if (heard.empty()) return Pass("REPLY, ANNOUNCE and GOODBYE drew no answer");
  return Violation("no answer to messages that are not queries",
                   absl::StrCat(heard.size(), " answer(s), first ",
                                Show(heard[0].payload)));
}

Finding LegacyHello(CaseContext& context) {
  absl::StatusOr<std::unique_ptr<Client>> client = Client::Open(context);
  if (!client.ok()) return HarnessError(client.status());
  if (absl::Status s = (*client)->Send("Hello"); !s.ok()) return HarnessError(s);
  const std::vector<Heard> heard = (*client)->Collect();
  for (const Heard& h : heard) {
    if (h.payload == discovery::kLegacyAnswer) {
      return Pass(absl::StrFormat("\"I am here\" after %.1f ms",
                                  absl::ToDoubleMilliseconds(h.after)));
    }
  }
  return Violation("\"I am here\"",
                   heard.empty() ? "no answer" : Show(heard[0].payload));
}

Finding Probe(CaseContext& context, Transport) {
  absl::StatusOr<std::unique_ptr<Client>> client = Client::Open(context);
  if (!client.ok()) return HarnessError(client.status());
  for (int attempt = 0; attempt < 3; ++attempt) {
    if (absl::Status s = (*client)->Query((*client)->NewNonce(), "*"); !s.ok()) {
      return Unsupported(s.ToString());
    }
    if (absl::Status s = (*client)->Send("Hello"); !s.ok()) {
      return Unsupported(s.ToString());
    }
    const std::vector<Heard> heard = (*client)->Collect();
    if (!heard.empty()) {
      return Pass(absl::StrCat("answered from ", heard[0].from.ToString()));
    }
  }
  return Unsupported("no answer to three queries");
}

}  // namespace

Suite DiscoverySuite() {
  Suite suite;
  suite.name = "discovery";
  suite.description = "WCD/1 service discovery responder";
  suite.spec_path = "protocols/discovery/SPEC.md";
  suite.default_port = discovery::kDiscoveryPort;
  suite.transports = {Transport::kUdp};
  suite.probe = Probe;
  suite.start_reference = [](Server& server, const SocketAddress& bind)
      -> absl::StatusOr<std::map<Transport, SocketAddress>> {
    discovery::ResponderOptions options;
    options.records = {{"echo", "wirecheck reference", 7, {{"framing", "raw"}}},
                       {"time", "wirecheck reference", 37, {}}};
    // Announcements go only to the reference responder's own address.
    options.announce_to = {bind};
    absl::StatusOr<discovery::StartedResponder> started =
        discovery::StartResponder(server, server.network(), options, {bind});
    if (!started.ok()) return started.status();
    return std::map<Transport, SocketAddress>{
        {Transport::kUdp, started->addresses.front()}};
  };
  suite.cases = {
      MakeCase("discovery/answers-unicast-query", {"DISC-1"}, Level::kMust,
               Transport::kUdp, "A query sent by unicast is answered",
               AnswersUnicastQuery),
      MakeCase("discovery/well-formed-replies", {"DISC-3"}, Level::kMust,
               Transport::kUdp, "Every answer is a well-formed WCD/1 message",
               WellFormedReplies),
      MakeCase("discovery/ignores-malformed", {"DISC-3"}, Level::kMust,
               Transport::kUdp, "Malformed queries draw no answer",
               IgnoresMalformed),
      MakeCase("discovery/reply-size-bound", {"DISC-4"}, Level::kMust,
               Transport::kUdp, "No answer is larger than 1200 bytes",
               ReplySizeBound),
      MakeCase("discovery/one-reply-per-instance", {"DISC-5"}, Level::kMust,
               Transport::kUdp,
               "One REPLY per matching instance, sent to the querier's port",
               OneReplyPerInstanceToQuerier),
      MakeCase("discovery/echoes-nonce", {"DISC-6"}, Level::kMust,
               Transport::kUdp,
               "A REPLY carries the query's nonce and the instance's fields",
               EchoesNonceAndFields),
      MakeCase(
          "discovery/service-filter", {"DISC-7"}, Level::kMust, Transport::kUdp,
          "A query for a service not offered draws no REPLY", ServiceFilter),
      MakeCase("discovery/reply-delay-window", {"DISC-8"}, Level::kShould,
               Transport::kUdp,
               "Replies come 20-120 ms after the query, at random (10 queries)",
               ReplyDelayWindow),
      MakeCase("discovery/known-answer-suppression", {"DISC-9"}, Level::kShould,
               Transport::kUdp,
               "Instances listed as known are not answered for",
               KnownAnswerSuppression),
      MakeCase("discovery/pending-reply-suppression", {"DISC-9"},
               Level::kShould, Transport::kUdp,
               "Two copies of one query draw one REPLY per instance",
               PendingReplySuppression),
      MakeCase("discovery/rate-limit", {"DISC-10"}, Level::kMust,
               Transport::kUdp,
               "60 queries at once draw at most 20 answers plus 10 per second",
               RateLimit),
      MakeCase(
          "discovery/ignores-non-queries", {"DISC-11"}, Level::kMust,
          Transport::kUdp,
          "REPLY, ANNOUNCE and GOODBYE sent to the responder draw no answer",
          IgnoresNonQueries),
      MakeCase("discovery/legacy-hello", {"DISC-14"}, Level::kMust,
               Transport::kUdp, "\"Hello\" is answered with \"I am here\"",
               LegacyHello),
  };
  for (Case& c : suite.cases) {
    // All cases share the target's per-source allowance (DISC-10), so they
    // run one at a time.
    c.exclusive = true;
    if (c.id == "discovery/rate-limit") c.timeout = absl::Seconds(5);
    if (c.id == "discovery/reply-delay-window") c.timeout = absl::Seconds(6);
  }
  return suite;
}

namespace {
const bool registered = RegisterSuite(DiscoverySuite());
}  // namespace

}  // namespace wirecheck::conformance

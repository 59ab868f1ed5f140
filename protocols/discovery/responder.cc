#include "protocols/discovery/responder.h"

#include <algorithm>
#include <memory>

#include "absl/strings/str_cat.h"
#include "protocols/common/status_macros.h"

namespace wirecheck::discovery {
namespace {

// A responder remembers at most this many sources; beyond it, forgetting
// the stalest only ever lets a source send a little more, never floods.
constexpr size_t kMaxBuckets = 4096;

SocketAddress SourceKey(const SocketAddress& from) { return from.WithPort(0); }

}  // namespace

absl::StatusOr<std::unique_ptr<Responder>> Responder::Create(
    EventLoop& loop, ResponderOptions options) {
  for (const ServiceRecord& record : options.records) {
    Message reply;
    reply.type = MessageType::kReply;
    reply.nonce = "0000000000000000";
    reply.service = record.service;
    reply.instance = record.instance;
    reply.port = record.port;
    reply.attributes = record.attributes;
    RETURN_IF_ERROR(EncodeMessage(reply).status());
  }
  if (options.min_reply_delay > options.max_reply_delay) {
    return absl::InvalidArgumentError("reply delay window is empty");
  }
  return std::unique_ptr<Responder>(new Responder(loop, std::move(options)));
}

Responder::Responder(EventLoop& loop, ResponderOptions options)
    : loop_(loop), options_(std::move(options)), random_(options_.seed) {}

Responder::~Responder() {
  for (EventLoop::TimerId id : timers_) loop_.CancelTimer(id);
  loop_.CancelTimer(announce_timer_);
}

absl::Status Responder::OnBound(DatagramSocket& socket) {
  const SocketAddress local = socket.local_address();
  if (local.family() == AddressFamily::kIPv4) {
    RETURN_IF_ERROR(socket.EnableBroadcast());
  } else {
    const absl::StatusOr<SocketAddress> group =
        SocketAddress::FromIp(kMulticastGroup, 0);
    for (uint32_t index : options_.multicast_interfaces) {
      RETURN_IF_ERROR(socket.JoinMulticastGroup(*group, index));
    }
  }
  sockets_.push_back(&socket);
  if (sockets_.size() == 1 && !options_.announce_to.empty() &&
      options_.initial_announcements > 0) {
    // After the current callback, so every family's socket is bound first.
    announce_timer_ = loop_.AddTimer(loop_.clock().Now(), [this] {
      announce_timer_ = 0;
      ScheduleAnnouncement(0);
    });
  }
  return absl::OkStatus();
}

void Responder::ScheduleAnnouncement(int sent) {
  Announce(MessageType::kAnnounce);
  ++sent;
  const absl::Duration wait = sent < options_.initial_announcements
                                  ? options_.initial_spacing
                                  : options_.announce_interval;
  announce_timer_ = loop_.AddTimer(loop_.clock().Now() + wait, [this, sent] {
    announce_timer_ = 0;
    ScheduleAnnouncement(sent);
  });
}

void Responder::Announce(MessageType type) {
  for (const ServiceRecord& record : options_.records) {
    Message message;
    message.type = type;
    message.service = record.service;
    message.instance = record.instance;
    message.port = record.port;
    if (type == MessageType::kAnnounce) {
      message.ttl = 3 * absl::Seconds(absl::ToInt64Seconds(
                            options_.announce_interval));
      message.attributes = record.attributes;
    }
    absl::StatusOr<std::string> text = EncodeMessage(message);
    if (!text.ok()) continue;  // checked in Create
    for (const SocketAddress& to : options_.announce_to) {
      for (DatagramSocket* socket : sockets_) {
        if (socket->local_address().family() != to.family()) continue;
        // Port 0: the port the responder itself listens on.
        const SocketAddress destination =
            to.port() != 0 ? to : to.WithPort(socket->local_address().port());
        if (socket->SendTo(*text, destination).ok()) {
          ++(type == MessageType::kAnnounce ? stats_.announcements
                                            : stats_.goodbyes);
        }
      }
    }
  }
}

void Responder::OnShutdown(DatagramSocket& socket) {
  loop_.CancelTimer(announce_timer_);
  announce_timer_ = 0;
  // Goodbyes go out on the first socket's shutdown, while all are open.
  if (!sockets_.empty() && sockets_.front() == &socket) {
    Announce(MessageType::kGoodbye);
  }
  sockets_.erase(std::remove(sockets_.begin(), sockets_.end(), &socket),
                 sockets_.end());
}

bool Responder::Allow(const SocketAddress& source) {
  const absl::Time now = loop_.clock().Now();
  const SocketAddress key = SourceKey(source);
  auto it = buckets_.find(key);
  if (it == buckets_.end()) {
    if (buckets_.size() >= kMaxBuckets) {
      auto stalest = std::min_element(
          buckets_.begin(), buckets_.end(), [](const auto& a, const auto& b) {
            return a.second.updated < b.second.updated;
          });
      buckets_.erase(stalest);
    }
    it = buckets_.emplace(key, Bucket{static_cast<double>(options_.rate_burst), now})
             .first;
  }
  Bucket& bucket = it->second;
  bucket.tokens = std::min<double>(
      options_.rate_burst,
      bucket.tokens +
          absl::ToDoubleSeconds(now - bucket.updated) * options_.rate_per_second);
  bucket.updated = now;
  if (bucket.tokens < 1) {
    ++stats_.rate_limited;
    return false;
  }
  bucket.tokens -= 1;
  return true;
}

absl::Duration Responder::NextDelay() {
  // 53 random bits as a double in [0, 1): the same on every platform.
  const double unit = static_cast<double>(random_() >> 11) * 0x1.0p-53;
  return options_.min_reply_delay +
         (options_.max_reply_delay - options_.min_reply_delay) * unit;
}

void Responder::OnDatagram(DatagramSocket& socket,
                           const ReceivedDatagram& datagram,
                           absl::string_view payload) {
  if (IsLegacyHello(payload)) {
    if (options_.legacy && Allow(datagram.from) &&
        socket.SendTo(kLegacyAnswer, datagram.from).ok()) {
      ++stats_.legacy_answers;
    }
    return;
  }
  absl::StatusOr<Message> message = DecodeMessage(payload);
  if (!message.ok()) {
    ++stats_.malformed;
    return;
  }
  if (message->type != MessageType::kQuery) {
    ++stats_.ignored;
    return;
  }
  ++stats_.queries;
  for (const ServiceRecord& record : options_.records) {
    if (message->service != "*" && message->service != record.service) continue;
    if (std::find(message->known.begin(), message->known.end(),
                  record.instance) != message->known.end()) {
      ++stats_.suppressed_known;
      continue;
    }
    auto key = std::make_tuple(datagram.from, message->nonce, record.instance);
    if (!pending_.insert(key).second) {
      ++stats_.suppressed_pending;
      continue;
    }
    Message reply;
    reply.type = MessageType::kReply;
    reply.nonce = message->nonce;
    reply.service = record.service;
    reply.instance = record.instance;
    reply.port = record.port;
    reply.attributes = record.attributes;
    std::string text = *EncodeMessage(reply);  // checked in Create
    auto timer = std::make_shared<EventLoop::TimerId>(0);
    *timer = loop_.AddTimer(
        loop_.clock().Now() + NextDelay(),
        [this, &socket, key, text = std::move(text), timer] {
          timers_.erase(*timer);
          pending_.erase(key);
          const SocketAddress& to = std::get<0>(key);
          if (Allow(to) && socket.SendTo(text, to).ok()) ++stats_.replies;
        });
    timers_.insert(*timer);
  }
}

absl::StatusOr<StartedResponder> StartResponder(
    Server& server, Network& network, ResponderOptions options,
    const std::vector<SocketAddress>& bind) {
  std::vector<SocketAddress> addresses = bind;
  if (addresses.empty()) {
    addresses = {SocketAddress::Any(AddressFamily::kIPv4, kDiscoveryPort),
                 SocketAddress::Any(AddressFamily::kIPv6, kDiscoveryPort)};
  }
  if (options.announce_to.empty()) {
    // Deployment defaults: join and announce on every multicast-capable
    // interface, and announce to the limited broadcast address.
    ASSIGN_OR_RETURN(std::vector<NetworkInterface> interfaces,
                     network.Interfaces());
    // Port 0 in an announcement address means the port each socket gets.
    const uint16_t port = addresses.front().port();
    options.announce_to.push_back(
        *SocketAddress::FromIp("255.255.255.255", port));
    for (const NetworkInterface& interface : interfaces) {
      if (!interface.up || !interface.supports_multicast) continue;
      options.multicast_interfaces.push_back(interface.index);
      options.announce_to.push_back(*SocketAddress::FromIp(
          absl::StrCat(kMulticastGroup, "%", interface.index), port));
    }
  }
  ASSIGN_OR_RETURN(std::unique_ptr<Responder> owned,
                   Responder::Create(server.loop(), std::move(options)));
  Responder* responder = owned.get();
  StartedResponder started{responder, {}};
  DatagramOptions datagram_options;
  datagram_options.reuse_address = true;
  bool first = true;
  for (const SocketAddress& address : addresses) {
    SocketAddress bound;
    if (first) {
      ASSIGN_OR_RETURN(bound, server.ServeDatagrams(address, std::move(owned),
                                                    datagram_options));
      first = false;
    } else {
      ASSIGN_OR_RETURN(bound, server.ServeDatagrams(address, *responder,
                                                    datagram_options));
    }
    started.addresses.push_back(bound);
  }
  return started;
}

}  // namespace wirecheck::discovery

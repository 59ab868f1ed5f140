#include "tools/proxy/udp_proxy.h"

#include <algorithm>
#include <optional>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "fakes/datagram_fault_engine.h"
#include "fakes/seeded_random.h"
#include "protocols/common/status_macros.h"
#include "tools/proxy/idle_timer.h"

namespace wirecheck::proxy {
namespace {

using fakes::DatagramFaultEngine;
using fakes::Direction;

// Larger than any UDP payload (65,527 bytes over IPv6), so nothing is cut
// by the proxy itself.
constexpr size_t kDatagramBuffer = 65536;
// Datagrams handled per readiness callback, so one busy socket cannot starve
// the others.
constexpr int kMaxDatagramsPerEvent = 64;

bool WouldBlock(const absl::Status& status) {
  return status.code() == absl::StatusCode::kDeadlineExceeded;
}

}  // namespace

// One client: its upstream socket and an engine per direction.
class UdpProxy::Client {
 public:
  Client(UdpProxy& proxy, Front& front, SocketAddress address,
         std::unique_ptr<DatagramSocket> upstream)
      : proxy_(proxy),
        front_(front),
        address_(address),
        upstream_(std::move(upstream)),
        idle_(
            proxy_.loop_, proxy_.options_.idle_timeout,
            // Datagrams still delayed for this client keep it.
            [this] { return !timers_.empty(); },
            [this](absl::Duration idle) { Expire(idle); }) {
    const std::string path = absl::StrCat(address_.ToString(), "->",
                                          proxy_.options_.upstream.ToString());
    for (const Direction direction : {Direction::kUp, Direction::kDown}) {
      const int d = static_cast<int>(direction);
      engines_[d] = std::make_unique<DatagramFaultEngine>(
          proxy_.plan_.datagram(direction),
          EngineSeed(proxy_.options_.seed, direction), proxy_.loop_.clock(),
          proxy_.options_.fault_log,
          absl::StrCat(path, " ", fakes::DirectionName(direction)));
    }
  }

  ~Client() {
    proxy_.loop_.Unwatch(*upstream_);
    for (EventLoop::TimerId id : timers_) proxy_.loop_.CancelTimer(id);
  }

  absl::Status Start() {
    RETURN_IF_ERROR(proxy_.loop_.Watch(
        *upstream_, kReadable, [this](uint32_t) { UpstreamReady(); }));
    Log(absl::StrCat("new client, relayed to ",
                     proxy_.options_.upstream.ToString(), " from ",
                     upstream_->local_address().ToString()));
    return absl::OkStatus();
  }

  // A datagram from the client.
  void FromClient(absl::string_view payload) {
    Touch();
    Deliver(Direction::kUp, engine(Direction::kUp).Process(payload));
  }

  std::pair<const Front*, SocketAddress> key() const {
    return {&front_, address_};
  }

 private:
  DatagramFaultEngine& engine(Direction direction) {
    return *engines_[static_cast<int>(direction)];
  }

  void Log(absl::string_view message) {
    proxy_.Log(absl::StrCat("udp ", address_.ToString(), ": ", message));
  }

  void UpstreamReady() {
    std::string& buffer = proxy_.buffer_;
    for (int i = 0; i < kMaxDatagramsPerEvent; ++i) {
      absl::StatusOr<ReceivedDatagram> datagram = upstream_->ReceiveFrom(
          absl::MakeSpan(buffer.data(), buffer.size()), absl::InfinitePast());
      if (!datagram.ok()) {
        if (WouldBlock(datagram.status())) return;
        // An ICMP error for an earlier datagram: reported once, and read
        // past (the socket stays usable).
        ReportUpstreamError(datagram.status());
        continue;
      }
      Touch();
      Deliver(Direction::kDown,
              engine(Direction::kDown)
                  .Process(absl::string_view(buffer.data(), datagram->size)));
    }
  }

  // Sends what is due now and schedules the rest (delays, held datagrams).
  void Deliver(Direction direction,
               std::vector<DatagramFaultEngine::Delivery> deliveries) {
    const absl::Time now = proxy_.loop_.clock().Now();
    for (DatagramFaultEngine::Delivery& delivery : deliveries) {
      if (delivery.at <= now) {
        Send(direction, delivery.payload);
        continue;
      }
      size_t& queued = queued_bytes_[static_cast<int>(direction)];
      if (queued + delivery.payload.size() >
          proxy_.options_.max_buffered_bytes) {
        if (!reported_full_) {
          reported_full_ = true;
          Log(absl::StrCat("more than ", proxy_.options_.max_buffered_bytes,
                           " bytes waiting for delivery: dropping datagram ",
                           fakes::DirectionName(direction), " #",
                           delivery.index, " (and later ones, unlogged)"));
        }
        continue;
      }
      queued += delivery.payload.size();
      Schedule(delivery.at, [this, direction,
                             payload = std::move(delivery.payload)] {
        queued_bytes_[static_cast<int>(direction)] -= payload.size();
        Send(direction, payload);
      });
    }
    const int d = static_cast<int>(direction);
    if (std::optional<absl::Time> release = engine(direction).next_release();
        release.has_value() && *release != scheduled_release_[d]) {
      scheduled_release_[d] = *release;
      Schedule(*release, [this, direction] {
        Deliver(direction, engine(direction).ReleaseExpired());
      });
    }
  }

  void Send(Direction direction, absl::string_view payload) {
    // UDP: a datagram the socket cannot take now is a lost datagram.
    if (direction == Direction::kUp) {
      const absl::Status sent =
          upstream_->SendTo(payload, proxy_.options_.upstream);
      if (sent.code() == absl::StatusCode::kUnavailable) {
        ReportUpstreamError(sent);
      }
      return;
    }
    front_.socket->SendTo(payload, address_).IgnoreError();
  }

  void ReportUpstreamError(const absl::Status& status) {
    if (reported_upstream_error_) return;
    reported_upstream_error_ = true;
    Log(absl::StrCat("upstream ", proxy_.options_.upstream.ToString(), ": ",
                     status.message(), " (reported once per client)"));
  }

  void Schedule(absl::Time when, std::function<void()> task) {
    auto id = std::make_shared<EventLoop::TimerId>();
    *id = proxy_.loop_.AddTimer(when, [this, id, task = std::move(task)] {
      timers_.erase(*id);
      task();
    });
    timers_.insert(*id);
  }

  void Touch() { idle_.Touch(); }

  void Expire(absl::Duration idle) {
    Log(absl::StrCat("expired after ", absl::FormatDuration(idle),
                     " idle; closing upstream socket ",
                     upstream_->local_address().ToString()));
    // It is deleted after this callback; nothing more reaches it meanwhile.
    proxy_.loop_.Unwatch(*upstream_);
    proxy_.Expire(this);
  }

  UdpProxy& proxy_;
  Front& front_;
  const SocketAddress address_;
  std::unique_ptr<DatagramSocket> upstream_;
  std::unique_ptr<DatagramFaultEngine> engines_[2];
  absl::Time scheduled_release_[2] = {absl::InfinitePast(),
                                      absl::InfinitePast()};
  std::set<EventLoop::TimerId> timers_;
  // Per direction: bytes of datagrams waiting for their delivery time.
  size_t queued_bytes_[2] = {0, 0};
  bool reported_upstream_error_ = false;
  bool reported_full_ = false;
  // Last: its callbacks use the members above.
  IdleTimer idle_;
};

uint64_t UdpProxy::EngineSeed(uint64_t seed, Direction direction) {
  return fakes::MixSeed(seed,
                        absl::StrCat("proxy ", fakes::DirectionName(direction)));
}

absl::StatusOr<std::unique_ptr<UdpProxy>> UdpProxy::Create(
    EventLoop& loop, Network& network, ProxyOptions options) {
  ASSIGN_OR_RETURN(fakes::FaultPlan plan, fakes::ParseFaultPlan(options.faults));
  RETURN_IF_ERROR(fakes::CheckDatagramFaultsOnly(plan));
  if (!options.upstream.is_specified()) {
    return absl::InvalidArgumentError("udp proxy: no upstream address");
  }
  return std::unique_ptr<UdpProxy>(
      new UdpProxy(loop, network, std::move(options), std::move(plan)));
}

UdpProxy::UdpProxy(EventLoop& loop, Network& network, ProxyOptions options,
                   fakes::FaultPlan plan)
    : loop_(loop),
      network_(network),
      options_(std::move(options)),
      plan_(std::move(plan)),
      buffer_(kDatagramBuffer, '\0') {}

UdpProxy::~UdpProxy() {
  for (auto& front : fronts_) loop_.Unwatch(*front->socket);
  clients_.clear();
  expired_.clear();
  loop_.CancelTimer(reap_timer_);
}

void UdpProxy::Log(absl::string_view line) const {
  if (options_.log) options_.log(line);
}

absl::StatusOr<SocketAddress> UdpProxy::Listen(const SocketAddress& address) {
  auto front = std::make_unique<Front>();
  ASSIGN_OR_RETURN(front->socket,
                   network_.OpenDatagram(address, DatagramOptions()));
  Front* raw = front.get();
  RETURN_IF_ERROR(loop_.Watch(*raw->socket, kReadable,
                              [this, raw](uint32_t) { FrontReady(*raw); }));
  const SocketAddress bound = raw->socket->local_address();
  fronts_.push_back(std::move(front));
  return bound;
}

void UdpProxy::FrontReady(Front& front) {
  for (int i = 0; i < kMaxDatagramsPerEvent; ++i) {
    absl::StatusOr<ReceivedDatagram> datagram = front.socket->ReceiveFrom(
        absl::MakeSpan(buffer_.data(), buffer_.size()), absl::InfinitePast());
    if (!datagram.ok()) {
      if (WouldBlock(datagram.status())) return;
      continue;  // an error about some earlier send; it concerns that client
    }
    Client* client = FindOrAddClient(front, datagram->from);
    if (client == nullptr) continue;
    client->FromClient(absl::string_view(buffer_.data(), datagram->size));
  }
}

UdpProxy::Client* UdpProxy::FindOrAddClient(Front& front,
                                            const SocketAddress& from) {
  const auto key = std::make_pair(static_cast<const Front*>(&front), from);
  if (const auto it = clients_.find(key); it != clients_.end()) {
    return it->second.get();
  }
  if (clients_.size() >= options_.max_clients) {
    ++stats_.rejected;
    const absl::Time now = loop_.clock().Now();
    if (now - last_reject_log_ >= absl::Seconds(1)) {
      last_reject_log_ = now;
      Log(absl::StrCat("client limit (", options_.max_clients,
                       ") reached: dropping datagrams from ", from.ToString()));
    }
    return nullptr;
  }
  absl::StatusOr<std::unique_ptr<DatagramSocket>> upstream =
      network_.OpenDatagram(SocketAddress::Any(options_.upstream.family(), 0),
                            DatagramOptions());
  absl::Status status = upstream.status();
  if (status.ok()) status = (*upstream)->Connect(options_.upstream);
  std::unique_ptr<Client> client;
  if (status.ok()) {
    client = std::make_unique<Client>(*this, front, from, *std::move(upstream));
    status = client->Start();
  }
  if (!status.ok()) {
    Log(absl::StrCat("udp ", from.ToString(),
                     ": cannot open a socket toward the upstream (",
                     status.ToString(), "); dropping its datagram"));
    return nullptr;
  }
  ++stats_.clients;
  Client* raw = client.get();
  clients_.emplace(key, std::move(client));
  return raw;
}

void UdpProxy::Expire(Client* client) {
  const auto it = clients_.find(client->key());
  if (it == clients_.end()) return;
  ++stats_.expired;
  expired_.push_back(std::move(it->second));
  clients_.erase(it);
  if (reap_timer_ == 0) {
    reap_timer_ = loop_.AddTimer(loop_.clock().Now(), [this] {
      reap_timer_ = 0;
      expired_.clear();
    });
  }
}

void UdpProxy::Shutdown(absl::Duration grace, std::function<void()> done) {
  for (auto& front : fronts_) {
    loop_.Unwatch(*front->socket);
    front->socket->Close();
  }
  clients_.clear();
  done();
}

}  // namespace wirecheck::proxy

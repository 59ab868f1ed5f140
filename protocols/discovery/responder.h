// The discovery responder (SPEC DISC-1..14): answers queries for its
// services after a random delay, suppresses known and pending answers,
// limits what it sends to each source, announces its services and says
// goodbye, and answers the legacy "Hello".
#ifndef WIRECHECK_PROTOCOLS_DISCOVERY_RESPONDER_H_
#define WIRECHECK_PROTOCOLS_DISCOVERY_RESPONDER_H_

#include <cstdint>
#include <map>
#include <random>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "protocols/discovery/discovery_message.h"
#include "protocols/transport/address.h"
#include "protocols/transport/event_loop.h"
#include "protocols/transport/network.h"
#include "protocols/transport/server.h"

namespace wirecheck::discovery {

// One instance of a service this responder offers.
struct ServiceRecord {
  std::string service;
  std::string instance;
  uint16_t port = 0;
  std::vector<std::pair<std::string, std::string>> attributes;
};

struct ResponderOptions {
  std::vector<ServiceRecord> records;
  // Replies wait a random time, uniform in this window (DISC-8).
  absl::Duration min_reply_delay = absl::Milliseconds(20);
  absl::Duration max_reply_delay = absl::Milliseconds(120);
  // Per source address: a burst, then a steady rate (DISC-10).
  int rate_burst = 20;
  double rate_per_second = 10;
  // Answer "Hello" with "I am here" (DISC-14).
  bool legacy = true;
  // Where ANNOUNCE and GOODBYE go (broadcast or multicast, with the port;
  // port 0 means the responder's own port); empty for none. Each is sent on
  // the socket of its family.
  std::vector<SocketAddress> announce_to;
  int initial_announcements = 3;
  absl::Duration initial_spacing = absl::Seconds(1);
  absl::Duration announce_interval = absl::Seconds(60);
  // IPv6 sockets join ff02::c8df on these interfaces (indices).
  std::vector<uint32_t> multicast_interfaces;
  // Seeds the reply delays, so a simulated run replays exactly.
  uint64_t seed = 0;
};

struct ResponderStats {
  uint64_t queries = 0;
  uint64_t replies = 0;
  uint64_t legacy_answers = 0;
  uint64_t suppressed_known = 0;
  uint64_t suppressed_pending = 0;
  uint64_t rate_limited = 0;
  uint64_t malformed = 0;
  uint64_t ignored = 0;  // well-formed but not a QUERY (own announcements)
  uint64_t announcements = 0;
  uint64_t goodbyes = 0;
};

// A DatagramService answering discovery on every socket it is bound to (one
// per address family). Serve it with Server::ServeDatagrams (with
// DatagramOptions::reuse_address so responders share the port); it must
// outlive the server, and the loop must be the server's.
class Responder : public DatagramService {
 public:
  // Errors: INVALID_ARGUMENT when a record does not fit the grammar or a
  // reply for it would exceed kMaxMessageBytes.
  static absl::StatusOr<std::unique_ptr<Responder>> Create(
      EventLoop& loop, ResponderOptions options);
  ~Responder() override;

  absl::Status OnBound(DatagramSocket& socket) override;
  void OnDatagram(DatagramSocket& socket, const ReceivedDatagram& datagram,
                  absl::string_view payload) override;
  void OnShutdown(DatagramSocket& socket) override;

  const ResponderStats& stats() const { return stats_; }

 private:
  struct Bucket {
    double tokens;
    absl::Time updated;
  };

  Responder(EventLoop& loop, ResponderOptions options);
  // Takes one token from `source`'s bucket; false when it is empty.
  bool Allow(const SocketAddress& source);
  absl::Duration NextDelay();
  void Announce(MessageType type);
  void ScheduleAnnouncement(int sent);

  EventLoop& loop_;
  const ResponderOptions options_;
  std::mt19937_64 random_;
  std::vector<DatagramSocket*> sockets_;
  std::map<SocketAddress, Bucket> buckets_;
  // (source, nonce, instance) of replies waiting for their delay.
  std::set<std::tuple<SocketAddress, std::string, std::string>> pending_;
  std::set<EventLoop::TimerId> timers_;
  EventLoop::TimerId announce_timer_ = 0;
  ResponderStats stats_;
};

// Starts a responder on `server`, listening at `bind` (default 0.0.0.0:51423
// and [::]:51423) with the port shared. When options.announce_to is empty,
// the IPv6 socket joins ff02::c8df on every multicast-capable interface and
// announcements go to 255.255.255.255 and to ff02::c8df on those
// interfaces; otherwise the options are used as given (tests and checkers
// control their addressing). Returns the responder (owned by the server)
// and where it listens. Errors: those of Responder::Create,
// Network::Interfaces and Server::ServeDatagrams.
struct StartedResponder {
  Responder* responder;
  std::vector<SocketAddress> addresses;
};
absl::StatusOr<StartedResponder> StartResponder(
    Server& server, Network& network, ResponderOptions options,
    const std::vector<SocketAddress>& bind);

}  // namespace wirecheck::discovery

#endif  // WIRECHECK_PROTOCOLS_DISCOVERY_RESPONDER_H_

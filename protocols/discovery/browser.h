// The discovery browser (SPEC DISC-BROWSER-1, 2): queries by broadcast or
// multicast, repeats the query with what it already knows, and lists each
// responding instance once. Also listens for announcements.
#ifndef WIRECHECK_PROTOCOLS_DISCOVERY_BROWSER_H_
#define WIRECHECK_PROTOCOLS_DISCOVERY_BROWSER_H_

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "protocols/discovery/discovery_message.h"
#include "protocols/transport/address.h"
#include "protocols/transport/network.h"

namespace wirecheck::discovery {

struct BrowseOptions {
  // A service type, or "*".
  std::string service = "*";
  // Where queries go, with the port: broadcast, multicast (with a scope) or
  // unicast addresses, all of one family.
  std::vector<SocketAddress> destinations;
  // Replies are collected until this long after the first query.
  absl::Duration timeout = absl::Seconds(2);
  // When the query is (re)sent, from the start (DISC-BROWSER-1).
  std::vector<absl::Duration> schedule = {absl::ZeroDuration(),
                                          absl::Milliseconds(250),
                                          absl::Milliseconds(750)};
  // Send the legacy "Hello" and collect "I am here" instead.
  bool legacy = false;
  // Chooses the nonce, so a simulated run replays exactly.
  uint64_t seed = 0;
};

// One instance found.
struct FoundInstance {
  std::string service;
  std::string instance;
  // The responder's address (as its reply came from) and the service's port.
  SocketAddress responder;
  uint16_t port = 0;
  std::vector<std::pair<std::string, std::string>> attributes;
  // Since the first query.
  absl::Duration first_reply;
  // Replies heard for it, repeats included.
  int replies = 0;
};

struct BrowseResult {
  std::string nonce;
  int queries_sent = 0;
  int replies = 0;
  // Replies for instances already listed.
  int duplicates = 0;
  // Datagrams that were not a REPLY with our nonce.
  int ignored = 0;
  std::vector<FoundInstance> instances;
};

// Runs one browse on `network`, calling `on_found` for each new instance as
// it is found. In legacy mode an instance is a responder address, named
// "I am here". Errors: INVALID_ARGUMENT for a bad service or mixed or no
// destinations; socket errors.
absl::StatusOr<BrowseResult> Browse(
    Network& network, const BrowseOptions& options,
    const std::function<void(const FoundInstance&)>& on_found = nullptr);

// An ANNOUNCE or GOODBYE heard while listening.
struct Announcement {
  Message message;
  SocketAddress from;
  absl::Duration at;  // since listening began
};

// Listens on `address` (port 51423, shared with any responders there;
// IPv6 joins ff02::c8df on `multicast_interfaces`) for `duration`, calling
// `on_announcement` for each ANNOUNCE or GOODBYE. Returns how many were
// heard.
absl::StatusOr<int> ListenForAnnouncements(
    Network& network, const SocketAddress& address,
    const std::vector<uint32_t>& multicast_interfaces, absl::Duration duration,
    const std::function<void(const Announcement&)>& on_announcement);

}  // namespace wirecheck::discovery

#endif  // WIRECHECK_PROTOCOLS_DISCOVERY_BROWSER_H_

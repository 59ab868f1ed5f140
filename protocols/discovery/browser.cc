#include "protocols/discovery/browser.h"

#include <algorithm>
#include <memory>
#include <random>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "protocols/common/status_macros.h"

namespace wirecheck::discovery {
namespace {

std::string MakeNonce(uint64_t seed) {
  std::mt19937_64 random(seed);
  return absl::StrFormat("%016x", random());
}

// The query with as many known instances as fit in one datagram.
std::string QueryText(const Message& base,
                      const std::vector<FoundInstance>& found) {
  Message query = base;
  std::string text = *EncodeMessage(query);
  for (const FoundInstance& instance : found) {
    if (std::find(query.known.begin(), query.known.end(), instance.instance) !=
        query.known.end()) {
      continue;
    }
    query.known.push_back(instance.instance);
    absl::StatusOr<std::string> bigger = EncodeMessage(query);
    if (!bigger.ok()) break;
    text = *std::move(bigger);
  }
  return text;
}

}  // namespace

absl::StatusOr<BrowseResult> Browse(
    Network& network, const BrowseOptions& options,
    const std::function<void(const FoundInstance&)>& on_found) {
  if (options.destinations.empty()) {
    return absl::InvalidArgumentError("browse: no destination to query");
  }
  const AddressFamily family = options.destinations.front().family();
  for (const SocketAddress& destination : options.destinations) {
    if (destination.family() != family) {
      return absl::InvalidArgumentError(
          "browse: destinations must all be IPv4 or all IPv6");
    }
  }
  RETURN_IF_ERROR(ValidateService(options.service, /*allow_wildcard=*/true));
  Clock& clock = network.clock();
  ASSIGN_OR_RETURN(std::unique_ptr<DatagramSocket> socket,
                   network.OpenDatagram(SocketAddress::Any(family, 0), {}));
  if (family == AddressFamily::kIPv4) RETURN_IF_ERROR(socket->EnableBroadcast());

  BrowseResult result;
  result.nonce = MakeNonce(options.seed);
  Message query;
  query.type = MessageType::kQuery;
  query.nonce = result.nonce;
  query.service = options.service;

  const absl::Time start = clock.Now();
  const absl::Time end = start + options.timeout;
  std::vector<absl::Duration> schedule = options.schedule;
  std::sort(schedule.begin(), schedule.end());
  size_t next_query = 0;
  std::string buffer(kMaxMessageBytes + 1, '\0');
  while (true) {
    const absl::Time now = clock.Now();
    while (next_query < schedule.size() && start + schedule[next_query] <= now &&
           start + schedule[next_query] < end) {
      const std::string text = options.legacy ? std::string(kLegacyHello)
                                              : QueryText(query, result.instances);
      for (const SocketAddress& destination : options.destinations) {
        // A destination that is unreachable right now is not fatal: the
        // others (and later repeats) may still find responders.
        if (socket->SendTo(text, destination).ok()) ++result.queries_sent;
      }
      ++next_query;
    }
    if (now >= end) break;
    absl::Time wake = end;
    if (next_query < schedule.size()) {
      wake = std::min(wake, start + schedule[next_query]);
    }
    absl::StatusOr<ReceivedDatagram> datagram =
        socket->ReceiveFrom(absl::MakeSpan(buffer), wake);
    if (!datagram.ok()) {
      if (datagram.status().code() == absl::StatusCode::kDeadlineExceeded ||
          datagram.status().code() == absl::StatusCode::kUnavailable) {
        continue;
      }
      return datagram.status();
    }
    const absl::string_view payload(buffer.data(), datagram->size);
    FoundInstance candidate;
    candidate.responder = datagram->from;
    candidate.first_reply = clock.Now() - start;
    if (options.legacy) {
      if (payload != kLegacyAnswer) {
        ++result.ignored;
        continue;
      }
      candidate.instance = std::string(kLegacyAnswer);
    } else {
      absl::StatusOr<Message> reply =
          datagram->truncated() ? absl::InvalidArgumentError("truncated")
                                : DecodeMessage(payload);
      if (!reply.ok() || reply->type != MessageType::kReply ||
          reply->nonce != result.nonce ||
          (options.service != "*" && reply->service != options.service)) {
        ++result.ignored;
        continue;
      }
      candidate.service = reply->service;
      candidate.instance = reply->instance;
      candidate.port = reply->port;
      candidate.attributes = reply->attributes;
    }
    ++result.replies;
    const auto same = [&](const FoundInstance& found) {
      return std::tie(found.service, found.instance, found.responder,
                      found.port) ==
             std::tie(candidate.service, candidate.instance,
                      candidate.responder, candidate.port);
    };
    auto it = std::find_if(result.instances.begin(), result.instances.end(), same);
    if (it != result.instances.end()) {
      ++it->replies;
      ++result.duplicates;
      continue;
    }
    candidate.replies = 1;
    result.instances.push_back(candidate);
    if (on_found) on_found(candidate);
  }
  return result;
}

absl::StatusOr<int> ListenForAnnouncements(
    Network& network, const SocketAddress& address,
    const std::vector<uint32_t>& multicast_interfaces, absl::Duration duration,
    const std::function<void(const Announcement&)>& on_announcement) {
  Clock& clock = network.clock();
  DatagramOptions datagram_options;
  datagram_options.reuse_address = true;
  ASSIGN_OR_RETURN(std::unique_ptr<DatagramSocket> socket,
                   network.OpenDatagram(address, datagram_options));
  if (address.family() == AddressFamily::kIPv6) {
    ASSIGN_OR_RETURN(const SocketAddress group,
                     SocketAddress::FromIp(kMulticastGroup, 0));
    for (uint32_t index : multicast_interfaces) {
      RETURN_IF_ERROR(socket->JoinMulticastGroup(group, index));
    }
  }
  const absl::Time start = clock.Now();
  const absl::Time end = start + duration;
  std::string buffer(kMaxMessageBytes + 1, '\0');
  int heard = 0;
  while (clock.Now() < end) {
    absl::StatusOr<ReceivedDatagram> datagram =
        socket->ReceiveFrom(absl::MakeSpan(buffer), end);
    if (!datagram.ok()) {
      if (datagram.status().code() == absl::StatusCode::kDeadlineExceeded) break;
      return datagram.status();
    }
    absl::StatusOr<Message> message =
        DecodeMessage(absl::string_view(buffer.data(), datagram->size));
    if (!message.ok() || (message->type != MessageType::kAnnounce &&
                          message->type != MessageType::kGoodbye)) {
      continue;
    }
    ++heard;
    if (on_announcement) {
      on_announcement({*message, datagram->from, clock.Now() - start});
    }
  }
  return heard;
}

}  // namespace wirecheck::discovery

// WCD/1 discovery messages and the legacy Hello exchange (SPEC.md).
#ifndef WIRECHECK_PROTOCOLS_DISCOVERY_DISCOVERY_MESSAGE_H_
#define WIRECHECK_PROTOCOLS_DISCOVERY_DISCOVERY_MESSAGE_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace wirecheck::discovery {

inline constexpr uint16_t kDiscoveryPort = 51423;
// ff02::c8df: link-local, c8df = 51423.
inline constexpr absl::string_view kMulticastGroup = "ff02::c8df";
// The largest datagram anyone sends (SPEC DISC-4).
inline constexpr size_t kMaxMessageBytes = 1200;
inline constexpr absl::string_view kLegacyHello = "Hello";
inline constexpr absl::string_view kLegacyAnswer = "I am here";

enum class MessageType { kQuery, kReply, kAnnounce, kGoodbye };

// "QUERY", "REPLY", "ANNOUNCE" or "GOODBYE".
absl::string_view MessageTypeName(MessageType type);

struct Message {
  MessageType type = MessageType::kQuery;
  // QUERY, REPLY: 16 lower-case hex digits.
  std::string nonce;
  // A service type, or "*" (QUERY only) for every service.
  std::string service;
  // REPLY, ANNOUNCE, GOODBYE.
  std::string instance;
  uint16_t port = 0;
  // ANNOUNCE: whole seconds.
  absl::Duration ttl;
  // QUERY: instances the browser already knows.
  std::vector<std::string> known;
  // REPLY, ANNOUNCE: "attr.<name>" fields, in order.
  std::vector<std::pair<std::string, std::string>> attributes;

  friend bool operator==(const Message& a, const Message& b);
};

// Encodes `message`. Errors: INVALID_ARGUMENT naming the field that breaks
// the grammar, a field its type does not allow, or a size above
// kMaxMessageBytes.
absl::StatusOr<std::string> EncodeMessage(const Message& message);

// Decodes one datagram strictly. Errors: INVALID_ARGUMENT naming the line
// and what is wrong with it.
absl::StatusOr<Message> DecodeMessage(absl::string_view datagram);

// True for "Hello", "Hello\n" and "Hello\r\n".
bool IsLegacyHello(absl::string_view datagram);

// Checks a value against the grammar of `service` (allow_wildcard: "*"),
// `instance`, and attribute names. Errors: INVALID_ARGUMENT saying why.
absl::Status ValidateService(absl::string_view service, bool allow_wildcard);
absl::Status ValidateInstance(absl::string_view instance);
absl::Status ValidateAttributeName(absl::string_view name);

}  // namespace wirecheck::discovery

#endif  // WIRECHECK_PROTOCOLS_DISCOVERY_DISCOVERY_MESSAGE_H_

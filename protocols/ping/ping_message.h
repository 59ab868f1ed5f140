// The UDP ping message, "Ping <sequence> <time>[ <padding>]" (SPEC.md).
#ifndef WIRECHECK_PROTOCOLS_PING_PING_MESSAGE_H_
#define WIRECHECK_PROTOCOLS_PING_PING_MESSAGE_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace wirecheck::ping {

// The largest datagram a ping may be (the largest IPv6 UDP payload).
inline constexpr size_t kMaxPingBytes = 65527;

struct PingMessage {
  uint32_t sequence = 0;
  // Whole microseconds since the Unix epoch.
  absl::Time sent;
  // Bytes after the time field, without the separating space.
  size_t padding = 0;
};

// Formats ping `sequence` sent at `sent` (truncated to microseconds), padded
// to `size` bytes when `size` exceeds the unpadded length. Errors:
// INVALID_ARGUMENT for sequence 0, or a size above kMaxPingBytes.
absl::StatusOr<std::string> EncodePing(uint32_t sequence, absl::Time sent,
                                       size_t size = 0);

// The unpadded length of a ping with this sequence and time.
size_t UnpaddedPingSize(uint32_t sequence, absl::Time sent);

// Parses a ping or its (possibly upper-cased) echo strictly. Errors:
// INVALID_ARGUMENT naming what is wrong and the byte offset.
absl::StatusOr<PingMessage> ParsePing(absl::string_view text);

// How an echo relates to the ping that was sent.
enum class EchoMatch {
  kExact,       // byte for byte
  kUppercased,  // every letter upper-cased, nothing else changed
  kDifferent,   // anything else: corrupted
};
EchoMatch CompareEcho(absl::string_view sent, absl::string_view echoed);

}  // namespace wirecheck::ping

#endif  // WIRECHECK_PROTOCOLS_PING_PING_MESSAGE_H_

// Ping messages and their echoes come from untrusted peers. Parsing must
// never crash, and whatever parses must be re-encoded to the same bytes
// (modulo the upper-casing an echo may have).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/string_view.h"
#include "protocols/ping/ping_message.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace p = wirecheck::ping;
  const absl::string_view text(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<p::PingMessage> message = p::ParsePing(text);
  if (!message.ok()) return 0;
  const size_t unpadded = p::UnpaddedPingSize(message->sequence, message->sent);
  const size_t expected_size =
      unpadded + (message->padding > 0 ? message->padding + 1 : 0);
  absl::StatusOr<std::string> again = p::EncodePing(
      message->sequence, message->sent, message->padding > 0 ? expected_size : 0);
  if (!again.ok()) std::abort();
  // The time field may have more leading digits than the encoder writes
  // ("0001.000000"); only compare when the lengths agree.
  if (again->size() == text.size() &&
      absl::AsciiStrToLower(*again) != absl::AsciiStrToLower(text) &&
      message->padding == 0) {
    std::abort();
  }
  if (p::CompareEcho(text, text) != p::EchoMatch::kExact) std::abort();
  return 0;
}

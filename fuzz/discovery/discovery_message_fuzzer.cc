// Discovery datagrams arrive from anyone on the link. Decoding must never
// crash, whatever decodes must re-encode to exactly the same bytes (the
// grammar has one spelling per message), and nothing decodes above the
// size bound.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "absl/strings/string_view.h"
#include "protocols/discovery/discovery_message.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace d = wirecheck::discovery;
  const absl::string_view datagram(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<d::Message> message = d::DecodeMessage(datagram);
  if (!message.ok()) return 0;
  if (size > d::kMaxMessageBytes) std::abort();
  absl::StatusOr<std::string> again = d::EncodeMessage(*message);
  if (!again.ok()) std::abort();
  absl::StatusOr<d::Message> reparsed = d::DecodeMessage(*again);
  if (!reparsed.ok() || !(*reparsed == *message)) std::abort();
  return 0;
}

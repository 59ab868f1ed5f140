// Daytime text comes from an untrusted server: parsing must never crash, and
// what it accepts must be one printable line within the size limit.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "absl/strings/string_view.h"
#include "protocols/time/time_codec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace tp = wirecheck::timeproto;
  const absl::string_view text(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<tp::DaytimeText> parsed = tp::ParseDaytime(text);
  if (!parsed.ok()) return 0;
  if (text.size() > tp::kMaxDaytimeBytes || parsed->line.empty()) std::abort();
  for (char c : parsed->line) {
    if (c < 0x20 || c > 0x7e) std::abort();
  }
  if (parsed->format == tp::DaytimeFormat::kReference &&
      (!parsed->time.has_value() ||
       tp::ParseDaytime(tp::FormatDaytime(*parsed->time))->line !=
           parsed->line)) {
    std::abort();
  }
  return 0;
}

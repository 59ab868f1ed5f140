// A time reply comes from an untrusted server. Decoding must never crash,
// must accept exactly the four-byte replies, and every accepted value must
// survive the era rule from any reference clock.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "protocols/time/time_codec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace tp = wirecheck::timeproto;
  const absl::string_view reply(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<uint32_t> value = tp::DecodeTimeReply(reply);
  if (value.ok() != (size == 4)) std::abort();
  if (!value.ok()) return 0;
  // The reference clock: any instant from 1800 to 2300, taken from the value.
  const absl::Time reference =
      tp::Rfc868Epoch() + absl::Seconds(static_cast<int64_t>(*value) * 3 -
                                        int64_t{3} * 1000000000);
  const absl::Time decoded = tp::FromRfc868(*value, reference);
  if (tp::ToRfc868(decoded) != *value) std::abort();
  if (absl::AbsDuration(decoded - reference) > absl::Seconds(int64_t{1} << 31)) {
    std::abort();
  }
  if (tp::EncodeTimeReply(decoded) != reply) std::abort();
  return 0;
}

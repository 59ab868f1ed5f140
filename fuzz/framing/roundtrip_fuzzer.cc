// Round trip: the first byte picks the variant, the next eight seed the
// sentinel encoder, the rest is a payload. Whatever an encoder accepts must
// decode back to the payload however the frame is cut; what it refuses must
// be something the variant cannot carry.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "protocols/framing/codec.h"
#include "protocols/framing/codec_test_util.h"

namespace {

using wirecheck::framing::Variant;

bool Carriable(Variant variant, absl::string_view payload) {
  switch (variant) {
    case Variant::kLine:
      return payload.find('\n') == payload.npos;
    case Variant::kCrlf:
      return payload.find_first_of("\r\n") == payload.npos;
    case Variant::kNul:
      return payload.find('\0') == payload.npos;
    default:
      return payload.size() <= wirecheck::framing::FormatMaxPayload(variant);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 9) return 0;
  const auto variants = wirecheck::framing::AllVariants();
  const Variant variant = variants[data[0] % variants.size()];
  uint64_t seed;
  std::memcpy(&seed, data + 1, sizeof(seed));
  const absl::string_view payload(reinterpret_cast<const char*>(data) + 9,
                                  size - 9);
  std::unique_ptr<wirecheck::framing::Encoder> encoder =
      wirecheck::framing::MakeEncoder(variant, {.seed = seed});
  std::string stream;
  const absl::Status encoded = encoder->Encode(payload, stream);
  if (!encoded.ok()) {
    if (Carriable(variant, payload)) std::abort();
    return 0;
  }
  if (!Carriable(variant, payload)) std::abort();
  // Two frames: the second must decode as cleanly as the first.
  if (!encoder->Encode(payload, stream).ok()) std::abort();
  const std::vector<std::vector<size_t>> cuttings = {
      {stream.size()},
      std::vector<size_t>(stream.size(), 1),
      {stream.size() / 3, stream.size() / 3},
  };
  for (const std::vector<size_t>& sizes : cuttings) {
    const wirecheck::framing::testing::Decoded decoded =
        wirecheck::framing::testing::DecodeInPieces(
            variant, {.max_frame_size = size}, stream, sizes);
    if (!decoded.status.ok()) std::abort();
    if (variant == Variant::kRaw) {
      if (absl::StrJoin(decoded.payloads, "") != absl::StrCat(payload, payload)) {
        std::abort();
      }
      continue;
    }
    if (decoded.payloads.size() != 2 || decoded.payloads[0] != payload ||
        decoded.payloads[1] != payload) {
      std::abort();
    }
  }
  return 0;
}

#include "fuzz/framing/decoder_fuzz.h"

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/strings/str_join.h"
#include "protocols/framing/codec.h"
#include "protocols/framing/codec_test_util.h"

namespace wirecheck::framing {
namespace {

using testing::Decoded;
using testing::DecodeInPieces;

[[noreturn]] void Fail(const char* what, const Decoded& a, const Decoded& b) {
  std::fprintf(stderr, "%s\n", what);
  std::fprintf(stderr, "first:  %s\n", testing::Printable(
                                          absl::StrJoin(a.payloads, "|")).c_str());
  std::fprintf(stderr, "        %s @%llu\n", a.status.ToString().c_str(),
               static_cast<unsigned long long>(a.error_offset));
  std::fprintf(stderr, "second: %s\n", testing::Printable(
                                           absl::StrJoin(b.payloads, "|")).c_str());
  std::fprintf(stderr, "        %s @%llu\n", b.status.ToString().c_str(),
               static_cast<unsigned long long>(b.error_offset));
  std::abort();
}

[[noreturn]] void Fail(const char* what) {
  std::fprintf(stderr, "%s\n", what);
  std::abort();
}

// Piece sizes from the input itself, so the fuzzer explores cuttings too.
std::vector<size_t> PiecesFrom(absl::string_view input) {
  std::vector<size_t> sizes;
  for (size_t i = 0, left = input.size(); left > 0; ++i) {
    const size_t piece = std::min<size_t>(
        left, 1 + static_cast<unsigned char>(input[i % input.size()]) % 23);
    sizes.push_back(piece);
    left -= piece;
  }
  return sizes;
}

void CheckInvariants(Variant variant, const DecoderOptions& options,
                     absl::string_view input, const Decoded& decoded) {
  uint64_t next = 0;
  for (size_t i = 0; i < decoded.payloads.size(); ++i) {
    if (decoded.offsets[i] != next) Fail("frames are not contiguous");
    next += decoded.wire_sizes[i];
    if (variant != Variant::kRaw &&
        decoded.payloads[i].size() > options.max_frame_size) {
      Fail("a payload is larger than the maximum frame size");
    }
  }
  if (next > input.size()) Fail("frames extend past the input");
  if (decoded.error_offset > input.size()) Fail("error offset past the input");
  const absl::StatusCode code = decoded.status.code();
  if (code != absl::StatusCode::kOk &&
      code != absl::StatusCode::kInvalidArgument &&
      code != absl::StatusCode::kResourceExhausted &&
      code != absl::StatusCode::kDataLoss) {
    Fail("unexpected status code");
  }
  if (variant == Variant::kRaw) return;
  // Each decoded frame, re-encoded, decodes to the same payload; strict
  // variants re-encode to exactly the bytes they were decoded from.
  for (size_t i = 0; i < decoded.payloads.size(); ++i) {
    const absl::string_view wire =
        input.substr(decoded.offsets[i], decoded.wire_sizes[i]);
    EncoderOptions encoder_options;
    if (variant == Variant::kSentinel) {
      encoder_options.sentinel = std::string(wire.substr(0, wire.find('\n')));
    }
    absl::StatusOr<std::string> frame =
        EncodeFrame(variant, decoded.payloads[i], encoder_options);
    if (!frame.ok()) Fail("a decoded payload does not re-encode");
    if (variant != Variant::kCobs && *frame != wire) {
      Fail("re-encoding a decoded frame gives different bytes");
    }
    const DecodedStream again = DecodeAll(variant, *frame, options);
    if (!again.status.ok() || again.payloads.size() != 1 ||
        again.payloads[0] != decoded.payloads[i]) {
      Fail("a re-encoded frame does not decode to its payload");
    }
  }
}

}  // namespace

int FuzzDecoder(absl::string_view variant_name, const uint8_t* data,
                size_t size) {
  const Variant variant = ParseVariant(variant_name).value();
  const absl::string_view input(reinterpret_cast<const char*>(data), size);
  for (size_t max : {size_t{37}, kDefaultMaxFrameSize}) {
    const DecoderOptions options{.max_frame_size = max};
    const Decoded whole = DecodeInPieces(variant, options, input, {size});
    CheckInvariants(variant, options, input, whole);
    const Decoded bytewise = DecodeInPieces(
        variant, options, input, std::vector<size_t>(size, 1));
    const Decoded pieces =
        DecodeInPieces(variant, options, input, PiecesFrom(input));
    if (variant == Variant::kRaw) {
      if (absl::StrJoin(bytewise.payloads, "") != input ||
          absl::StrJoin(pieces.payloads, "") != input) {
        Fail("raw lost or changed bytes");
      }
      continue;
    }
    if (!(bytewise == whole)) Fail("bytewise differs from whole", whole, bytewise);
    if (!(pieces == whole)) Fail("pieces differ from whole", whole, pieces);
  }
  return 0;
}

}  // namespace wirecheck::framing

// Differential: the streaming decoders against one-shot reference decoders
// written here straight from SPEC.md (line, nul, crlf, decimal8, u16be,
// u32be, netstring, varint), and the length-prefixed encodings against each other.
//
// Input: byte 0 picks the variant, byte 1 the maximum frame size; the rest
// is the stream. The streaming decoder, fed whole and a byte at a time, must
// give exactly the reference's frames (payloads, offsets, sizes) and its
// error kind at its offset. Then the decoded payloads, re-encoded as u32be
// and as varint, must decode back to the same payloads in both.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "protocols/framing/codec.h"
#include "protocols/framing/codec_test_util.h"

namespace {

using wirecheck::framing::Variant;
using wirecheck::framing::testing::Decoded;
using wirecheck::framing::testing::DecodeInPieces;
using wirecheck::framing::testing::Printable;

constexpr Variant kReferenced[] = {
    Variant::kLine,  Variant::kNul,       Variant::kCrlf,  Variant::kDecimal8,
    Variant::kU16be, Variant::kU32be, Variant::kNetstring, Variant::kVarint};
constexpr size_t kMaxFrameSizes[] = {0, 1, 4, 37, 300, 65535,
                                     wirecheck::framing::kDefaultMaxFrameSize};

// What a one-shot decode found: the frames, then at most one error.
struct Reference {
  std::vector<std::string> payloads;
  std::vector<uint64_t> offsets;
  std::vector<uint64_t> wire_sizes;
  absl::StatusCode code = absl::StatusCode::kOk;
  uint64_t error_offset = 0;
};

// The outcome of decoding the frame at `start`: a payload and the frame's
// end, or an error kind and offset. kOk with end 0: the stream ended cleanly.
struct Step {
  absl::StatusCode code = absl::StatusCode::kOk;
  uint64_t at = 0;
  uint64_t payload_start = 0;
  uint64_t payload_size = 0;
  uint64_t end = 0;
  size_t trailer = 0;  // bytes after the payload (LF, ',')
};

Step Malformed(uint64_t at) { return {absl::StatusCode::kInvalidArgument, at}; }
Step Oversized(uint64_t start) {
  return {absl::StatusCode::kResourceExhausted, start};
}
Step Truncated(uint64_t start) { return {absl::StatusCode::kDataLoss, start}; }

// The payload of `length` bytes at `payload_start`, then `trailer`.
Step Payload(absl::string_view s, uint64_t start, uint64_t payload_start,
             uint64_t length, absl::string_view trailer) {
  if (s.size() - payload_start < length) return Truncated(start);
  const uint64_t after = payload_start + length;
  for (size_t i = 0; i < trailer.size(); ++i) {
    if (after + i >= s.size()) return Truncated(start);
    if (s[after + i] != trailer[i]) return Malformed(after + i);
  }
  return {absl::StatusCode::kOk, 0, payload_start, length,
          after + trailer.size(), trailer.size()};
}

// SPEC.md, "line" and "nul": payload, terminator; oversized when the byte
// at payload index M is not the terminator.
Step Terminated(absl::string_view s, uint64_t p, uint64_t max,
                char terminator) {
  const size_t end = s.find(terminator, p);
  const uint64_t length = end == s.npos ? s.size() - p : end - p;
  if (length > max) return Oversized(p);
  if (end == s.npos) return Truncated(p);
  return {absl::StatusCode::kOk, 0, p, length, end + 1, 1};
}

// SPEC.md, "crlf": payload, CR, LF; the first CR or LF must be that CR
// (FRAME-CRLF-2); oversized when the byte at payload index M is neither.
Step Crlf(absl::string_view s, uint64_t p, uint64_t max) {
  const size_t first = s.find_first_of("\r\n", p);
  const uint64_t length = first == s.npos ? s.size() - p : first - p;
  if (length > max) return Oversized(p);
  if (first == s.npos) return Truncated(p);
  if (s[first] == '\n') return Malformed(first);
  if (first + 1 == s.size()) return Truncated(p);
  if (s[first + 1] != '\n') return Malformed(first);  // at the bare CR
  return {absl::StatusCode::kOk, 0, p, length, first + 2, 2};
}

// SPEC.md, "decimal8": 8 digits (malformed at a non-digit), oversized at
// the 8th digit.
Step Decimal8(absl::string_view s, uint64_t p, uint64_t max) {
  uint64_t length = 0;
  for (uint64_t i = 0; i < 8; ++i) {
    if (p + i >= s.size()) return Truncated(p);
    const char c = s[p + i];
    if (c < '0' || c > '9') return Malformed(p + i);
    length = length * 10 + static_cast<uint64_t>(c - '0');
  }
  if (length > max) return Oversized(p);
  return Payload(s, p, p + 8, length, "");
}

// SPEC.md, "u16be" and "u32be": the length is complete at its last byte.
Step BigEndian(absl::string_view s, uint64_t p, uint64_t max, size_t bytes) {
  if (s.size() - p < bytes) return Truncated(p);
  uint64_t length = 0;
  for (size_t i = 0; i < bytes; ++i) {
    length = (length << 8) | static_cast<unsigned char>(s[p + i]);
  }
  if (length > max) return Oversized(p);
  return Payload(s, p, p + bytes, length, "");
}

// SPEC.md, "netstring": FRAME-NET-1 and -2; oversized at the digit that
// makes the length exceed M.
Step Netstring(absl::string_view s, uint64_t p, uint64_t max) {
  uint64_t length = 0;
  uint64_t i = p;
  for (;; ++i) {
    if (i >= s.size()) return Truncated(p);
    const char c = s[i];
    if (c == ':' && i > p) break;
    if (c < '0' || c > '9') return Malformed(i);
    if (i == p + 1 && s[p] == '0') return Malformed(i);  // leading zero
    length = length * 10 + static_cast<uint64_t>(c - '0');
    if (length > max) return Oversized(p);
  }
  return Payload(s, p, i + 1, length, ",");
}

// SPEC.md, "varint": shortest-form LEB128 of at most 64 bits; oversized at
// its last byte.
Step Varint(absl::string_view s, uint64_t p, uint64_t max) {
  uint64_t length = 0;
  for (uint64_t i = 0;; ++i) {
    if (p + i >= s.size()) return Truncated(p);
    const unsigned char b = static_cast<unsigned char>(s[p + i]);
    if (i == 9 && b > 0x01) return Malformed(p + i);
    if (b == 0 && i > 0) return Malformed(p + i);
    length |= static_cast<uint64_t>(b & 0x7f) << (7 * i);
    if ((b & 0x80) == 0) {
      if (length > max) return Oversized(p);
      return Payload(s, p, p + i + 1, length, "");
    }
  }
}

Reference DecodeReference(Variant variant, absl::string_view s, uint64_t max) {
  Reference out;
  for (uint64_t p = 0; p < s.size();) {
    Step step;
    switch (variant) {
      case Variant::kLine:
        step = Terminated(s, p, max, '\n');
        break;
      case Variant::kNul:
        step = Terminated(s, p, max, '\0');
        break;
      case Variant::kCrlf:
        step = Crlf(s, p, max);
        break;
      case Variant::kDecimal8:
        step = Decimal8(s, p, max);
        break;
      case Variant::kU16be:
        step = BigEndian(s, p, max, 2);
        break;
      case Variant::kU32be:
        step = BigEndian(s, p, max, 4);
        break;
      case Variant::kNetstring:
        step = Netstring(s, p, max);
        break;
      default:
        step = Varint(s, p, max);
        break;
    }
    if (step.code != absl::StatusCode::kOk) {
      out.code = step.code;
      out.error_offset = step.at;
      return out;
    }
    out.payloads.emplace_back(s.substr(step.payload_start, step.payload_size));
    out.offsets.push_back(p);
    out.wire_sizes.push_back(step.end - p);
    p = step.end;
  }
  return out;
}

[[noreturn]] void Fail(Variant variant, const char* what,
                       const Reference& reference, const Decoded& decoded) {
  std::fprintf(stderr, "differential_fuzzer: %s: %s\n",
               std::string(wirecheck::framing::VariantName(variant)).c_str(),
               what);
  std::fprintf(stderr, "  reference: %zu frames: %s\n  %s @%llu\n",
               reference.payloads.size(),
               Printable(absl::StrJoin(reference.payloads, "|")).c_str(),
               absl::StatusCodeToString(reference.code).c_str(),
               static_cast<unsigned long long>(reference.error_offset));
  std::fprintf(stderr, "  decoder:   %zu frames: %s\n  %s @%llu\n",
               decoded.payloads.size(),
               Printable(absl::StrJoin(decoded.payloads, "|")).c_str(),
               decoded.status.ToString().c_str(),
               static_cast<unsigned long long>(decoded.error_offset));
  std::abort();
}

void Compare(Variant variant, const Reference& reference,
             const Decoded& decoded) {
  if (reference.payloads != decoded.payloads ||
      reference.offsets != decoded.offsets ||
      reference.wire_sizes != decoded.wire_sizes) {
    Fail(variant, "the decoder's frames differ from the reference's",
         reference, decoded);
  }
  if (reference.code != decoded.status.code() ||
      (reference.code != absl::StatusCode::kOk &&
       reference.error_offset != decoded.error_offset)) {
    Fail(variant, "the decoder's error differs from the reference's",
         reference, decoded);
  }
}

// The payloads re-encoded as `variant` decode back to themselves.
void ReEncode(Variant from, Variant variant,
              const std::vector<std::string>& payloads) {
  std::string stream;
  for (const std::string& payload : payloads) {
    absl::StatusOr<std::string> frame =
        wirecheck::framing::EncodeFrame(variant, payload);
    if (!frame.ok()) {
      std::fprintf(stderr, "differential_fuzzer: %s refuses a payload %s "
                   "decoded: %s\n",
                   std::string(wirecheck::framing::VariantName(variant)).c_str(),
                   std::string(wirecheck::framing::VariantName(from)).c_str(),
                   frame.status().ToString().c_str());
      std::abort();
    }
    stream += *frame;
  }
  const Decoded decoded = DecodeInPieces(variant, {}, stream, {stream.size()});
  if (!decoded.status.ok() || decoded.payloads != payloads) {
    Fail(variant, "re-encoded payloads do not decode to themselves",
         Reference{payloads}, decoded);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const Variant variant = kReferenced[data[0] % std::size(kReferenced)];
  const size_t max = kMaxFrameSizes[data[1] % std::size(kMaxFrameSizes)];
  const absl::string_view stream(reinterpret_cast<const char*>(data) + 2,
                                 size - 2);
  const Reference reference = DecodeReference(variant, stream, max);
  const wirecheck::framing::DecoderOptions options{.max_frame_size = max};
  Compare(variant, reference,
          DecodeInPieces(variant, options, stream, {stream.size()}));
  Compare(variant, reference,
          DecodeInPieces(variant, options, stream,
                         std::vector<size_t>(stream.size(), 1)));
  // Payloads under the default maximum fit both length encodings (u32be
  // carries up to 4 GiB).
  ReEncode(variant, Variant::kU32be, reference.payloads);
  ReEncode(variant, Variant::kVarint, reference.payloads);
  return 0;
}

// base64: one line of RFC 4648 base64 (standard alphabet, padded) per frame.
//
// abseil's Base64Unescape does the decoding, but it is lenient: it skips
// whitespace, accepts missing padding and ignores non-zero pad bits ("QR=="
// decodes like "QQ=="). This decoder validates each line strictly first, as
// its bytes arrive, so an error is reported at the offending byte however the
// stream is chunked, and only canonical text reaches abseil.
#include <cstring>
#include <memory>
#include <string>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "protocols/framing/codec.h"
#include "protocols/framing/codec_internal.h"

namespace wirecheck::framing::internal {
namespace {

constexpr unsigned char kNotBase64 = 0xFF;
constexpr unsigned char kPad = 0xFE;

struct Alphabet {
  unsigned char value[256];
  constexpr Alphabet() : value() {
    for (int i = 0; i < 256; ++i) value[i] = kNotBase64;
    const char* digits =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (int i = 0; i < 64; ++i) {
      value[static_cast<unsigned char>(digits[i])] = static_cast<unsigned char>(i);
    }
    value[static_cast<unsigned char>('=')] = kPad;
  }
};
constexpr Alphabet kAlphabet;

unsigned char ValueOf(char byte) {
  return kAlphabet.value[static_cast<unsigned char>(byte)];
}

// True when all of p[0, 16) are base64 alphabet characters (not '='):
// A-Z, a-z, 0-9, '+' or '/'. Bytes from 0x80 up are negative as signed
// chars and fail every range.
inline bool AllBase64(const char* p) {
#ifdef __SSE2__
  const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  const auto in = [&x](char low, char high) {
    return _mm_and_si128(_mm_cmpgt_epi8(x, _mm_set1_epi8(low - 1)),
                         _mm_cmplt_epi8(x, _mm_set1_epi8(high + 1)));
  };
  const __m128i valid = _mm_or_si128(
      _mm_or_si128(in('A', 'Z'), in('a', 'z')),
      _mm_or_si128(in('0', '9'),
                   _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('+')),
                                _mm_cmpeq_epi8(x, _mm_set1_epi8('/')))));
  return _mm_movemask_epi8(valid) == 0xFFFF;
#else
  for (int i = 0; i < 16; ++i) {
    if (ValueOf(p[i]) >= 64) return false;
  }
  return true;
#endif
}

class Base64Decoder : public Decoder {
 public:
  explicit Base64Decoder(const DecoderOptions& options)
      : Decoder(Variant::kBase64, options),
        max_chars_(4 * ((max_frame_size() + 2) / 3)) {}

 private:
  absl::Status Consume(absl::string_view data, FrameSink sink) override {
    const char* const p = data.data();
    const size_t n = data.size();
    size_t pos = 0;
    while (pos < n) {
      const char* lf =
          static_cast<const char*>(std::memchr(p + pos, '\n', n - pos));
      const size_t segment_end = lf != nullptr ? lf - p : n;
      if (absl::Status status = Validate(p, pos, segment_end); !status.ok()) {
        return status;
      }
      const absl::string_view text(p + pos, segment_end - pos);
      if (lf == nullptr) {
        pending_.append(text.data(), text.size());
        return absl::OkStatus();
      }
      if (chars_ % 4 != 0) {
        return Malformed(offset() + segment_end,
                         absl::StrCat("the line has ", chars_,
                                      " characters, not a multiple of 4"));
      }
      const size_t decoded = chars_ / 4 * 3 - pads_;
      if (decoded > max_frame_size()) {
        return Oversized(absl::StrCat("decodes to ", decoded, " bytes"));
      }
      bool decoded_ok;
      if (pending_.empty()) {
        decoded_ok = absl::Base64Unescape(text, &payload_);
      } else {
        pending_.append(text.data(), text.size());
        decoded_ok = absl::Base64Unescape(pending_, &payload_);
        ReleaseIfLarge(pending_);
      }
      if (!decoded_ok) {
        // Unreachable: the text was validated strictly above.
        return Malformed(frame_start(), "abseil rejected validated base64");
      }
      Deliver(sink, payload_, offset() + segment_end + 1);
      ReleaseIfLarge(payload_);
      chars_ = 0;
      pads_ = 0;
      pos = segment_end + 1;
    }
    return absl::OkStatus();
  }

  // Checks p[begin, end), the next characters of the current line (no LF).
  absl::Status Validate(const char* p, size_t begin, size_t end) {
    size_t i = begin;
    while (i < end) {
      // The bulk: alphabet characters before any padding.
      if (pads_ == 0) {
        const size_t limit =
            i + std::min<size_t>(end - i, max_chars_ - chars_);
        const size_t start = i;
        while (limit - i >= 16 && AllBase64(p + i)) i += 16;
        while (i < limit && ValueOf(p[i]) < 64) ++i;
        chars_ += i - start;
        if (i > start) {
          last_value_ = ValueOf(p[i - 1]);
          last_offset_ = offset() + i - 1;
        }
        if (i == end) break;
      }
      if (chars_ == max_chars_) {
        return Oversized(absl::StrCat("has more than ", max_chars_,
                                      " base64 characters before its LF"));
      }
      const unsigned char value = ValueOf(p[i]);
      if (value == kNotBase64) {
        return Malformed(offset() + i,
                         absl::StrCat(ByteName(p[i]),
                                      " is not a base64 character"));
      }
      if (value != kPad) {
        return Malformed(offset() + i, "data after padding");
      }
      const size_t position = chars_ % 4;
      if (pads_ == 0 && position == 2) {
        if ((last_value_ & 0x0F) != 0) return NonZeroPadBits();
      } else if (pads_ == 0 && position == 3) {
        if ((last_value_ & 0x03) != 0) return NonZeroPadBits();
      } else if (!(pads_ == 1 && position == 3)) {
        return Malformed(offset() + i, "misplaced '='");
      }
      ++pads_;
      ++chars_;
      ++i;
    }
    return absl::OkStatus();
  }

  absl::Status NonZeroPadBits() {
    return Malformed(last_offset_,
                     "non-zero pad bits before '=' (non-canonical base64)");
  }

  // The most base64 characters a line may have: 4 * ceil(max / 3).
  const size_t max_chars_;
  // The current line: characters and '=' seen so far.
  size_t chars_ = 0;
  size_t pads_ = 0;
  // The last data character's value and offset, for the pad-bits check.
  unsigned char last_value_ = 0;
  uint64_t last_offset_ = 0;
  // The line's characters when it spans Feed() calls.
  std::string pending_;
  std::string payload_;
};

}  // namespace

std::unique_ptr<Decoder> MakeBase64Decoder(const DecoderOptions& options) {
  return std::make_unique<Base64Decoder>(options);
}

}  // namespace wirecheck::framing::internal

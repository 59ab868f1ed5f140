// Shared by the codec's implementation files; not part of its API.
#ifndef WIRECHECK_PROTOCOLS_FRAMING_CODEC_INTERNAL_H_
#define WIRECHECK_PROTOCOLS_FRAMING_CODEC_INTERNAL_H_

#include <cstddef>
#include <cstdint>
#include <cstring>

#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include <memory>
#include <string>

#include "absl/strings/string_view.h"
#include "protocols/framing/codec.h"

namespace wirecheck::framing::internal {

// How many of `available` bytes to examine when at most `room` more payload
// bytes are allowed: all of them, or room + 1 (enough to see the byte that
// would break the limit). Never overflows.
inline size_t Window(size_t available, size_t room) {
  return available <= room ? available : room + 1;
}

// How much buffer memory a decoder keeps between frames; what a larger frame
// needed is released when it has been delivered.
inline constexpr size_t kKeepCapacity = 256 * 1024;

// Keeps a buffer's memory from outliving one huge frame.
inline void ReleaseIfLarge(std::string& buffer) {
  if (buffer.capacity() > kKeepCapacity) {
    std::string().swap(buffer);
  } else {
    buffer.clear();
  }
}

// A growable byte buffer for decoded payloads. Unlike std::string it does
// not zero-fill the room it hands out, so a decoder can write straight into
// it. Not copyable.
class PayloadBuffer {
 public:
  PayloadBuffer() = default;
  PayloadBuffer(const PayloadBuffer&) = delete;
  PayloadBuffer& operator=(const PayloadBuffer&) = delete;

  // Room for `count` more bytes after size(), uninitialised; valid until
  // the next call. Commit() then says how many were written.
  char* Reserve(size_t count) {
    if (capacity_ - size_ < count) Grow(count);
    return data_.get() + size_;
  }
  void Commit(size_t count) { size_ += count; }
  void Append(const char* data, size_t count) {
    if (count == 0) return;
    std::memcpy(Reserve(count), data, count);
    size_ += count;
  }
  void PushBack(char byte) { *Reserve(1) = byte; ++size_; }

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  absl::string_view view() const { return absl::string_view(data_.get(), size_); }
  // Empties the buffer, releasing its memory if a huge frame grew it.
  void Clear();

 private:
  void Grow(size_t count);

  std::unique_ptr<char[]> data_;
  size_t size_ = 0;
  size_t capacity_ = 0;
};

// Copies bytes from `from` to `to` until one equals `a` or `b`, or `count`
// bytes; returns how many were copied (the stop byte's index, or count).
// `to[0, count)` may be written beyond the returned length. 16 bytes at a
// time with SSE2, which every x86-64 has; a plain loop elsewhere.
inline size_t CopyUntilEither(const char* from, size_t count, char a, char b,
                              char* to) {
  size_t i = 0;
#ifdef __SSE2__
  if (count >= 16) {
    const __m128i va = _mm_set1_epi8(a);
    const __m128i vb = _mm_set1_epi8(b);
    const auto hits_at = [&](size_t at, __m128i& chunk) {
      chunk = _mm_loadu_si128(reinterpret_cast<const __m128i*>(from + at));
      return static_cast<unsigned>(_mm_movemask_epi8(_mm_or_si128(
          _mm_cmpeq_epi8(chunk, va), _mm_cmpeq_epi8(chunk, vb))));
    };
    __m128i chunk;
    for (; count - i >= 16; i += 16) {
      const unsigned hits = hits_at(i, chunk);
      // Storing all 16 bytes stays within to[0, count).
      _mm_storeu_si128(reinterpret_cast<__m128i*>(to + i), chunk);
      if (hits != 0) return i + __builtin_ctz(hits);
    }
    if (i < count) {
      // The last 16 bytes, overlapping ones already checked.
      const size_t last = count - 16;
      const unsigned hits = hits_at(last, chunk) & ~((1u << (i - last)) - 1);
      _mm_storeu_si128(reinterpret_cast<__m128i*>(to + last), chunk);
      return hits != 0 ? last + __builtin_ctz(hits) : count;
    }
    return count;
  }
#endif
  for (; i < count && from[i] != a && from[i] != b; ++i) to[i] = from[i];
  return i;
}

// The index of the first byte equal to `a` or `b` in from[0, count), or
// count.
inline size_t FindEither(const char* from, size_t count, char a, char b) {
  size_t i = 0;
#ifdef __SSE2__
  const __m128i va = _mm_set1_epi8(a);
  const __m128i vb = _mm_set1_epi8(b);
  for (; count - i >= 16; i += 16) {
    const __m128i chunk =
        _mm_loadu_si128(reinterpret_cast<const __m128i*>(from + i));
    const int hits = _mm_movemask_epi8(_mm_or_si128(
        _mm_cmpeq_epi8(chunk, va), _mm_cmpeq_epi8(chunk, vb)));
    if (hits != 0) return i + __builtin_ctz(static_cast<unsigned>(hits));
  }
#endif
  while (i < count && from[i] != a && from[i] != b) ++i;
  return i;
}

// "0x0a", for error messages.
std::string ByteName(char byte);

// The error for an encoder that cannot carry a payload.
absl::Status CannotCarry(Variant variant, absl::string_view why);

// Decoders for one family each (options already clamped).
std::unique_ptr<Decoder> MakeTerminatedDecoder(Variant variant,
                                               const DecoderOptions& options);
std::unique_ptr<Decoder> MakeCrlfDecoder(const DecoderOptions& options);
std::unique_ptr<Decoder> MakeEscapedDecoder(const DecoderOptions& options);
std::unique_ptr<Decoder> MakeBase64Decoder(const DecoderOptions& options);
std::unique_ptr<Decoder> MakeSentinelDecoder(const DecoderOptions& options);
std::unique_ptr<Decoder> MakeLengthPrefixedDecoder(
    Variant variant, const DecoderOptions& options);
std::unique_ptr<Decoder> MakeCobsDecoder(const DecoderOptions& options);

std::unique_ptr<Encoder> MakeDelimitedEncoder(Variant variant);
std::unique_ptr<Encoder> MakeSentinelEncoder(const EncoderOptions& options);
std::unique_ptr<Encoder> MakeLengthPrefixedEncoder(Variant variant);
std::unique_ptr<Encoder> MakeCobsEncoder();

}  // namespace wirecheck::framing::internal

#endif  // WIRECHECK_PROTOCOLS_FRAMING_CODEC_INTERNAL_H_

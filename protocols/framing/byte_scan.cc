#include "protocols/framing/byte_scan.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>

#include "absl/strings/string_view.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif
#if defined(__x86_64__)
#include <immintrin.h>
#define WIRECHECK_AVX512 1
// The AVX-512 versions are compiled for these features only; they run only
// where Avx512Enabled() found them.
#define WIRECHECK_TARGET_AVX512                             \
  __attribute__((                                           \
      target("avx512f,avx512bw,avx512vbmi2,bmi,bmi2,lzcnt," \
             "popcnt")))
#endif

namespace wirecheck::framing::internal {
namespace {

bool DetectAvx512() {
#ifdef WIRECHECK_AVX512
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512bw") &&
         __builtin_cpu_supports("avx512vbmi2");
#else
  return false;
#endif
}

// A plain global rather than a function-local static: every scan reads it,
// and on 64-byte frames the static's guard check and the call around it
// held crlf at 0.45 of memchr's speed instead of 0.54.
bool avx512_enabled = DetectAvx512();

size_t FindEitherPortable(const char* from, size_t count, char a, char b) {
  size_t i = 0;
#ifdef __SSE2__
  const __m128i va = _mm_set1_epi8(a);
  const __m128i vb = _mm_set1_epi8(b);
  for (; count - i >= 16; i += 16) {
    const __m128i chunk =
        _mm_loadu_si128(reinterpret_cast<const __m128i*>(from + i));
    const int hits = _mm_movemask_epi8(
        _mm_or_si128(_mm_cmpeq_epi8(chunk, va), _mm_cmpeq_epi8(chunk, vb)));
    if (hits != 0) return i + __builtin_ctz(static_cast<unsigned>(hits));
  }
#endif
  while (i < count && from[i] != a && from[i] != b) ++i;
  return i;
}

size_t CopyUntilEitherPortable(const char* from, size_t count, char a, char b,
                               char* to) {
  size_t i = 0;
#ifdef __SSE2__
  if (count >= 16) {
    const __m128i va = _mm_set1_epi8(a);
    const __m128i vb = _mm_set1_epi8(b);
    const auto hits_at = [&](size_t at, __m128i& chunk) {
      chunk = _mm_loadu_si128(reinterpret_cast<const __m128i*>(from + at));
      return static_cast<unsigned>(_mm_movemask_epi8(
          _mm_or_si128(_mm_cmpeq_epi8(chunk, va), _mm_cmpeq_epi8(chunk, vb))));
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

// A table, as the portable header check looks up every byte.
constexpr std::array<bool, 256> kSentinelBytes = [] {
  std::array<bool, 256> table{};
  for (int byte = 0; byte < 256; ++byte) {
    table[byte] = (byte >= 'A' && byte <= 'Z') ||
                  (byte >= 'a' && byte <= 'z') ||
                  (byte >= '0' && byte <= '9') || byte == '_' || byte == '-';
  }
  return table;
}();

size_t FindSubstringPortable(const char* haystack, size_t size,
                             const char* needle, size_t needle_size) {
  const size_t at = absl::string_view(haystack, size)
                        .find(absl::string_view(needle, needle_size));
  return at == absl::string_view::npos ? size : at;
}

// SentinelFrame::delimiter for the header at from[0, count), byte by byte.
size_t SentinelHeaderLengthPortable(const char* from, size_t count) {
  const char* lf = static_cast<const char*>(
      std::memchr(from, '\n', std::min(count, kMaxSentinel + 1)));
  if (lf == nullptr || lf == from) return 0;
  return std::all_of(from, lf,
                     [](char byte) {
                       return kSentinelBytes[static_cast<unsigned char>(byte)];
                     })
             ? lf - from
             : 0;
}

SentinelFrame FindSentinelFramePortable(const char* from, size_t count,
                                        size_t max_payload) {
  const size_t length = SentinelHeaderLengthPortable(from, count);
  if (length == 0) return {};
  const size_t size = std::min(count - length - 1, max_payload + length);
  const size_t at =
      FindSubstringPortable(from + length + 1, size, from, length);
  return {length, at == size ? SentinelFrame::kAbsent : at};
}

#ifdef WIRECHECK_AVX512

// The first `count` (0 to 64) lanes.
WIRECHECK_TARGET_AVX512 inline __mmask64 Lanes(size_t count) {
  return _bzhi_u64(~uint64_t{0}, static_cast<unsigned>(count));
}

WIRECHECK_TARGET_AVX512 inline __mmask64 EitherMask(__m512i chunk, __m512i a,
                                                    __m512i b) {
  return _mm512_cmpeq_epi8_mask(chunk, a) | _mm512_cmpeq_epi8_mask(chunk, b);
}

WIRECHECK_TARGET_AVX512 size_t FindEitherAvx512(const char* from, size_t count,
                                                char a, char b) {
  const __m512i va = _mm512_set1_epi8(a);
  const __m512i vb = _mm512_set1_epi8(b);
  size_t i = 0;
  // Two chunks per step keep two loads in flight, as memchr does.
  for (; count - i >= 128; i += 128) {
    const __mmask64 first = EitherMask(_mm512_loadu_si512(from + i), va, vb);
    const __mmask64 second =
        EitherMask(_mm512_loadu_si512(from + i + 64), va, vb);
    if ((first | second) != 0) {
      return first != 0 ? i + _tzcnt_u64(first) : i + 64 + _tzcnt_u64(second);
    }
  }
  for (; i < count; i += 64) {
    const __mmask64 live = Lanes(count - i < 64 ? count - i : 64);
    const __mmask64 hits =
        EitherMask(_mm512_maskz_loadu_epi8(live, from + i), va, vb) & live;
    if (hits != 0) return i + _tzcnt_u64(hits);
  }
  return count;
}

WIRECHECK_TARGET_AVX512 size_t CopyUntilEitherAvx512(const char* from,
                                                     size_t count, char a,
                                                     char b, char* to) {
  const __m512i va = _mm512_set1_epi8(a);
  const __m512i vb = _mm512_set1_epi8(b);
  size_t i = 0;
  for (; count - i >= 64; i += 64) {
    const __m512i chunk = _mm512_loadu_si512(from + i);
    _mm512_storeu_si512(to + i, chunk);
    const __mmask64 hits = EitherMask(chunk, va, vb);
    if (hits != 0) return i + _tzcnt_u64(hits);
  }
  if (i == count) return count;
  const __mmask64 live = Lanes(count - i);
  const __m512i chunk = _mm512_maskz_loadu_epi8(live, from + i);
  _mm512_mask_storeu_epi8(to + i, live, chunk);
  const __mmask64 hits = EitherMask(chunk, va, vb) & live;
  return hits != 0 ? i + _tzcnt_u64(hits) : count;
}

// The starting points from[0, 64) whose byte matches the needle's first
// byte and whose byte needle_size - 1 further on matches its last one;
// from[0, needle_size + 63) must be readable.
WIRECHECK_TARGET_AVX512 inline uint64_t WholeChunkCandidates(const char* from,
                                                             size_t needle_size,
                                                             __m512i first,
                                                             __m512i last) {
  return _mm512_mask_cmpeq_epi8_mask(
      _mm512_cmpeq_epi8_mask(_mm512_loadu_si512(from), first),
      _mm512_loadu_si512(from + needle_size - 1), last);
}

// The needle to confirm candidates against.
struct Needle {
  const char* bytes;
  size_t size;
  // Short needles (up to 64 bytes): the needle in its lanes.
  __mmask64 lanes;
  __m512i vector;
};

// The first of `candidates` (starting points at + lane) where the haystack
// holds the needle, or `none`. A short needle is compared in one masked
// compare, a longer one with memcmp.
template <bool kShortNeedle>
WIRECHECK_TARGET_AVX512 inline size_t Confirm(uint64_t candidates,
                                              const char* haystack, size_t at,
                                              const Needle& needle,
                                              size_t none) {
  for (; candidates != 0; candidates &= candidates - 1) {
    const size_t start = at + _tzcnt_u64(candidates);
    const bool equal =
        kShortNeedle
            ? _mm512_mask_cmpneq_epi8_mask(
                  needle.lanes,
                  _mm512_maskz_loadu_epi8(needle.lanes, haystack + start),
                  needle.vector) == 0
            : std::memcmp(haystack + start, needle.bytes, needle.size) == 0;
    if (equal) return start;
  }
  return none;
}

// The first occurrence of `needle` in haystack[0, size), or size; the
// needle is no longer than `size`, and `first` and `last` hold its first
// and last bytes in every lane.
template <bool kShortNeedle>
WIRECHECK_TARGET_AVX512 __attribute__((always_inline)) inline size_t
SearchChunks(const char* haystack, size_t size, const Needle& needle,
             __m512i first, __m512i last) {
  const size_t needle_size = needle.size;
  const size_t starts = size - needle_size + 1;
  size_t i = 0;
  // Two chunks per step, as in FindEitherAvx512: a sentinel just past 64
  // payload bytes is then found in one step, not two dependent ones.
  for (; starts - i >= 128; i += 128) {
    const uint64_t low =
        WholeChunkCandidates(haystack + i, needle_size, first, last);
    const uint64_t high =
        WholeChunkCandidates(haystack + i + 64, needle_size, first, last);
    if ((low | high) == 0) continue;
    if (const size_t at = Confirm<kShortNeedle>(low, haystack, i, needle, size);
        at != size) {
      return at;
    }
    if (const size_t at =
            Confirm<kShortNeedle>(high, haystack, i + 64, needle, size);
        at != size) {
      return at;
    }
  }
  for (; i < starts; i += 64) {
    uint64_t candidates;
    if (starts - i >= 64) {
      candidates = WholeChunkCandidates(haystack + i, needle_size, first, last);
    } else {
      const __mmask64 live = Lanes(starts - i);
      const __m512i heads = _mm512_maskz_loadu_epi8(live, haystack + i);
      const __m512i tails =
          _mm512_maskz_loadu_epi8(live, haystack + i + needle_size - 1);
      candidates = _mm512_mask_cmpeq_epi8_mask(
          _mm512_mask_cmpeq_epi8_mask(live, heads, first), tails, last);
    }
    if (const size_t at =
            Confirm<kShortNeedle>(candidates, haystack, i, needle, size);
        at != size) {
      return at;
    }
  }
  return size;
}

// FindSubstringAvx512's search. Short and long needles each get their own
// function, so that the short one makes no call and keeps its vectors in
// registers: a memcmp call per frame, and the spills around it, held
// sentinel at about 0.4 of memchr's speed on 64-byte frames instead of
// about 0.48.
template <bool kShortNeedle>
WIRECHECK_TARGET_AVX512 __attribute__((noinline)) size_t
FindSubstringAvx512Loop(const char* haystack, size_t size,
                        const char* needle_bytes, size_t needle_size) {
  const __mmask64 lanes = Lanes(kShortNeedle ? needle_size : 0);
  const Needle needle{needle_bytes, needle_size, lanes,
                      _mm512_maskz_loadu_epi8(lanes, needle_bytes)};
  return SearchChunks<kShortNeedle>(
      haystack, size, needle, _mm512_set1_epi8(needle_bytes[0]),
      _mm512_set1_epi8(needle_bytes[needle_size - 1]));
}

WIRECHECK_TARGET_AVX512 size_t FindSubstringAvx512(const char* haystack,
                                                   size_t size,
                                                   const char* needle,
                                                   size_t needle_size) {
  if (needle_size > size) return size;
  return needle_size <= 64 ? FindSubstringAvx512Loop<true>(haystack, size,
                                                           needle, needle_size)
                           : FindSubstringAvx512Loop<false>(
                                 haystack, size, needle, needle_size);
}

// SentinelFrame::delimiter for the header at from[0, count), whose first
// 64 bytes (as far as count reaches, zeros after) are `chunk`.
WIRECHECK_TARGET_AVX512 inline size_t HeaderLength(__m512i chunk,
                                                   const char* from,
                                                   size_t count) {
  const __mmask64 lfs = _mm512_cmpeq_epi8_mask(chunk, _mm512_set1_epi8('\n'));
  size_t length;
  if (lfs != 0) {
    length = _tzcnt_u64(lfs);
  } else if (count > kMaxSentinel && from[kMaxSentinel] == '\n') {
    length = kMaxSentinel;
  } else {
    return 0;
  }
  // Setting bit 5 folds A-Z onto a-z and nothing else onto them.
  const __m512i folded = _mm512_or_si512(chunk, _mm512_set1_epi8(0x20));
  const __mmask64 letters = _mm512_cmple_epu8_mask(
      _mm512_sub_epi8(folded, _mm512_set1_epi8('a')), _mm512_set1_epi8(25));
  const __mmask64 digits = _mm512_cmple_epu8_mask(
      _mm512_sub_epi8(chunk, _mm512_set1_epi8('0')), _mm512_set1_epi8(9));
  const __mmask64 allowed =
      letters | digits | _mm512_cmpeq_epi8_mask(chunk, _mm512_set1_epi8('_')) |
      _mm512_cmpeq_epi8_mask(chunk, _mm512_set1_epi8('-'));
  return (Lanes(length) & ~allowed) == 0 ? length : 0;
}

WIRECHECK_TARGET_AVX512 __attribute__((noinline)) SentinelFrame
FindSentinelFrameAvx512(const char* from, size_t count, size_t max_payload) {
  const __m512i chunk = _mm512_maskz_loadu_epi8(
      Lanes(count < kMaxSentinel ? count : kMaxSentinel), from);
  const size_t length = HeaderLength(chunk, from, count);
  if (length == 0) return {};
  const size_t size = std::min(count - length - 1, max_payload + length);
  if (size < length) return {length, SentinelFrame::kAbsent};
  // The delimiter is already in `chunk`: no second load.
  const __mmask64 lanes = Lanes(length);
  const Needle needle{from, length, lanes, _mm512_maskz_mov_epi8(lanes, chunk)};
  const size_t at =
      SearchChunks<true>(from + length + 1, size, needle,
                         _mm512_broadcastb_epi8(_mm512_castsi512_si128(chunk)),
                         _mm512_set1_epi8(from[length - 1]));
  return {length, at == size ? SentinelFrame::kAbsent : at};
}

// The bytes that backslashes escape in a 64-byte chunk that starts outside
// an escape: in each run of backslashes every second one, from the run's
// second, and after a run of odd length the byte that follows it. The
// carry trick is simdjson's (Langdale and Lemire, "Parsing Gigabytes of
// JSON per Second", 2019): adding a run's start to the run carries out of
// its last backslash, and the parity of where runs start says which bytes
// are escaped.
WIRECHECK_TARGET_AVX512 inline uint64_t EscapedBytes(uint64_t backslashes) {
  constexpr uint64_t kEvenBits = 0x5555555555555555;
  const uint64_t follows_backslash = backslashes << 1;
  const uint64_t odd_starts = backslashes & ~kEvenBits & ~follows_backslash;
  const uint64_t even_runs_carried = odd_starts + backslashes;
  return (kEvenBits ^ (even_runs_carried << 1)) & follows_backslash;
}

// One chunk of UnescapeRunAvx512: decodes the first `live` lanes of `chunk`
// (all 64, or the input's last bytes) up to what stops the run onto `to`,
// which has room for 64. Returns the lanes consumed, 64 when nothing
// stopped it, and adds to `produced`.
WIRECHECK_TARGET_AVX512 inline unsigned UnescapeChunk(__m512i chunk,
                                                      __mmask64 live, char* to,
                                                      size_t& produced) {
  const __m512i lf = _mm512_set1_epi8('\n');
  const uint64_t lfs = _mm512_mask_cmpeq_epi8_mask(live, chunk, lf);
  const uint64_t backslashes =
      _mm512_mask_cmpeq_epi8_mask(live, chunk, _mm512_set1_epi8('\\'));
  const uint64_t ns =
      _mm512_mask_cmpeq_epi8_mask(live, chunk, _mm512_set1_epi8('n'));
  const uint64_t escaped = EscapedBytes(backslashes);
  const uint64_t escapes = backslashes & ~escaped;
  // An escaped byte that is neither a backslash nor 'n' (an LF, a lane
  // past the input) stops the run at its escape's backslash; so does a
  // backslash in the last lane, whose partner is in the next chunk.
  const uint64_t bad_partners = escaped & ~(backslashes | ns);
  const uint64_t stops = lfs | (bad_partners >> 1) |
                         (escapes & (uint64_t{1} << 63)) | ~uint64_t{live};
  const unsigned taken =
      stops == 0 ? 64 : static_cast<unsigned>(_tzcnt_u64(stops));
  const uint64_t kept = Lanes(taken) & ~escapes;
  const __m512i decoded = _mm512_mask_mov_epi8(chunk, escaped & ns, lf);
  _mm512_storeu_si512(to, _mm512_maskz_compress_epi8(kept, decoded));
  produced += _mm_popcnt_u64(kept);
  return taken;
}

WIRECHECK_TARGET_AVX512 BulkProgress UnescapeRunAvx512(const char* from,
                                                       size_t count, char* to,
                                                       size_t room) {
  BulkProgress progress;
  // Whole chunks advance by a constant while nothing stops them, so the
  // next load does not wait for this one's data.
  while (count - progress.consumed >= 64 && room - progress.produced >= 64) {
    const unsigned taken =
        UnescapeChunk(_mm512_loadu_si512(from + progress.consumed),
                      ~__mmask64{0}, to + progress.produced, progress.produced);
    if (taken < 64) {
      progress.consumed += taken;
      if (taken == 0) return progress;
      continue;
    }
    progress.consumed += 64;
  }
  if (progress.consumed < count && room - progress.produced >= 64) {
    const __mmask64 live = Lanes(count - progress.consumed);
    progress.consumed +=
        UnescapeChunk(_mm512_maskz_loadu_epi8(live, from + progress.consumed),
                      live, to + progress.produced, progress.produced);
  }
  return progress;
}

// Whether the backslash in lane 63 of a chunk starts an escape, from the
// chunk's backslashes and whether lane 0 was escaped by the chunk before
// (`carry`). A run of backslashes that does not begin the chunk begins
// outside an escape, so a run of odd length ending the chunk leaves an
// escape open; a chunk of backslashes passes the carry on. Unlike
// EscapedBytes this is one step, so the carry does not chain the chunks'
// escape computations.
WIRECHECK_TARGET_AVX512 inline uint64_t EscapeCarry(uint64_t backslashes,
                                                    uint64_t carry) {
  const uint64_t trailing = _lzcnt_u64(~backslashes);
  return trailing == 64 ? carry : trailing & 1;
}

// Where DecodeShortEscapedFramesAvx512 is. The input is decoded 64 bytes
// at a time, whatever the frames' bounds: each chunk's kept bytes go to
// scratch[out], and each LF there ends a frame whose payload is what was
// kept since the previous one.
struct ShortFramesRun {
  size_t pos = 0;
  size_t out = 0;
  // Where the frame being decoded began, in the input and in scratch.
  size_t frame_in = 0;
  size_t frame_out = 0;
  // Whether the previous chunk ended with a backslash starting an escape.
  uint64_t carry = 0;
  size_t decoded = 0;
};

// One chunk of DecodeShortEscapedFramesAvx512, its first `live` lanes
// input. Returns whether the run goes on to the next chunk.
WIRECHECK_TARGET_AVX512 __attribute__((always_inline)) inline bool
DecodeShortEscapedChunk(const char* from, __m512i chunk, __mmask64 live,
                        size_t max_payload, char* scratch, ShortFrame* frames,
                        size_t capacity, ShortFramesRun& run) {
  const __m512i lf = _mm512_set1_epi8('\n');
  const uint64_t lfs = _mm512_mask_cmpeq_epi8_mask(live, chunk, lf);
  const uint64_t backslashes =
      _mm512_mask_cmpeq_epi8_mask(live, chunk, _mm512_set1_epi8('\\'));
  const uint64_t ns = _mm512_cmpeq_epi8_mask(chunk, _mm512_set1_epi8('n'));
  const uint64_t escaped = EscapedBytes(backslashes & ~run.carry) | run.carry;
  const uint64_t escapes = backslashes & ~escaped;
  // An escaped byte that is neither a backslash nor an 'n' (an LF, a lane
  // past the input) stops the run, before the frame it is in.
  const uint64_t stops =
      (escaped & ~(backslashes | ns)) | ~static_cast<uint64_t>(live);
  const uint64_t kept = ~(escapes | lfs);
  _mm512_storeu_si512(scratch + run.out,
                      _mm512_maskz_compress_epi8(
                          kept, _mm512_mask_mov_epi8(chunk, escaped & ns, lf)));
  for (uint64_t ends = lfs & (stops - 1) & ~stops; ends != 0;
       ends = _blsr_u64(ends)) {
    const unsigned lane = static_cast<unsigned>(_tzcnt_u64(ends));
    const size_t end = run.pos + lane + 1;
    const size_t out_end = run.out + _mm_popcnt_u64(_bzhi_u64(kept, lane));
    if (end - run.frame_in > kShortFrame ||
        out_end - run.frame_out > max_payload) {
      return false;
    }
    // A frame without escapes decodes to its input without the LF, and is
    // delivered in place.
    const size_t size = out_end - run.frame_out;
    const char* const payload = size == end - run.frame_in - 1
                                    ? from + run.frame_in
                                    : scratch + run.frame_out;
    frames[run.decoded++] = {payload, static_cast<uint32_t>(end),
                             static_cast<uint32_t>(size)};
    if (run.decoded == capacity) return false;
    run.frame_in = end;
    run.frame_out = out_end;
  }
  if (stops != 0) return false;
  run.out += _mm_popcnt_u64(kept);
  run.carry = EscapeCarry(backslashes, run.carry);
  run.pos += 64;
  return run.pos - run.frame_in < kShortFrame;
}

WIRECHECK_TARGET_AVX512 size_t DecodeShortEscapedFramesAvx512(
    const char* from, size_t count, size_t max_payload, char* scratch,
    ShortFrame* frames, size_t capacity) {
  ShortFramesRun run;
  // Whole chunks take no masks, which the compiler then leaves out.
  while (count - run.pos >= 64) {
    if (!DecodeShortEscapedChunk(from, _mm512_loadu_si512(from + run.pos),
                                 ~__mmask64{0}, max_payload, scratch, frames,
                                 capacity, run)) {
      return run.decoded;
    }
  }
  if (run.pos < count) {
    const __mmask64 live = Lanes(count - run.pos);
    DecodeShortEscapedChunk(from, _mm512_maskz_loadu_epi8(live, from + run.pos),
                            live, max_payload, scratch, frames, capacity, run);
  }
  return run.decoded;
}

// One frame of DecodeShortCobsFramesAvx512: the codes and data at
// from[start, zero), which the 0x00 at from[zero] ends. Returns whether it
// decoded it into `frame`, its payload in place or in scratch[0, 128).
WIRECHECK_TARGET_AVX512 __attribute__((always_inline)) inline bool
DecodeShortCobsFrame(const unsigned char* from, size_t start, size_t zero,
                     size_t max_payload, char* scratch, ShortFrame& frame) {
  const size_t length = zero - start;
  if (length == 0 || length - 1 > max_payload) return false;
  size_t code = from[start];
  if (code == length) {
    // One block: the payload is its data.
    frame = {reinterpret_cast<const char*>(from + start + 1),
             static_cast<uint32_t>(zero + 1),
             static_cast<uint32_t>(length - 1)};
    return true;
  }
  // Several blocks, each code after the first standing for a 0x00 (no code
  // here is 0xFF, which would reach past kShortFrame); the codes must lead
  // to the frame's end.
  if (length + 1 > kShortFrame) return false;
  unsigned __int128 zeros = 0;
  while (code < length) {
    zeros |= static_cast<unsigned __int128>(1) << (code - 1);
    code += from[start + code];
  }
  if (code != length) return false;
  const size_t size = length - 1;
  const __mmask64 lanes0 = Lanes(size < 64 ? size : 64);
  const __mmask64 lanes1 = Lanes(size < 64 ? 0 : size - 64);
  const __m512i zero_bytes = _mm512_setzero_si512();
  _mm512_storeu_si512(
      scratch,
      _mm512_mask_mov_epi8(_mm512_maskz_loadu_epi8(lanes0, from + start + 1),
                           static_cast<uint64_t>(zeros), zero_bytes));
  _mm512_storeu_si512(
      scratch + 64,
      _mm512_mask_mov_epi8(_mm512_maskz_loadu_epi8(lanes1, from + start + 65),
                           static_cast<uint64_t>(zeros >> 64), zero_bytes));
  frame = {scratch, static_cast<uint32_t>(zero + 1),
           static_cast<uint32_t>(size)};
  return true;
}

WIRECHECK_TARGET_AVX512 size_t DecodeShortCobsFramesAvx512(
    const unsigned char* from, size_t count, size_t max_payload, char* scratch,
    ShortFrame* frames, size_t capacity) {
  const __m512i zero = _mm512_setzero_si512();
  size_t decoded = 0;
  size_t frame_start = 0;
  // The 0x00s that end frames are found 64 bytes at a time, whatever the
  // frames' bounds, so the next load does not wait for this frame's end.
  for (size_t pos = 0; pos < count; pos += 64) {
    const __mmask64 live = Lanes(count - pos < 64 ? count - pos : 64);
    const __m512i chunk = _mm512_maskz_loadu_epi8(live, from + pos);
    for (uint64_t ends = _mm512_mask_cmpeq_epi8_mask(live, chunk, zero);
         ends != 0; ends = _blsr_u64(ends)) {
      const size_t end = pos + _tzcnt_u64(ends);
      if (!DecodeShortCobsFrame(from, frame_start, end, max_payload,
                                scratch + decoded * kShortFrame,
                                frames[decoded])) {
        return decoded;
      }
      frame_start = end + 1;
      if (++decoded == capacity) return decoded;
    }
    // A frame of one block has its 0x00 within 256 bytes.
    if (pos + 64 - frame_start >= 256) return decoded;
  }
  return decoded;
}

WIRECHECK_TARGET_AVX512 BulkProgress
CobsBlocksRunAvx512(const unsigned char* from, size_t count, char* to,
                    size_t room, bool& zero_pending, unsigned char& last_code) {
  const __m512i zero = _mm512_setzero_si512();
  BulkProgress progress;
  // Copies: the output bytes could alias the references.
  bool pending = zero_pending;
  unsigned char last = last_code;
  // A block is at most 255 bytes: the code and up to 254 data bytes, read
  // as four masked chunks, so no block length is branched on.
  while (progress.consumed < count) {
    const unsigned code = from[progress.consumed];
    if (code == 0 || count - progress.consumed < code ||
        room - progress.produced < code) {
      break;
    }
    const unsigned char* const data = from + progress.consumed + 1;
    const size_t length = code - 1;
    const __mmask64 lanes0 = Lanes(length > 64 ? 64 : length);
    const __mmask64 lanes1 = Lanes(length > 128  ? 64
                                   : length > 64 ? length - 64
                                                 : 0);
    const __mmask64 lanes2 = Lanes(length > 192   ? 64
                                   : length > 128 ? length - 128
                                                  : 0);
    const __mmask64 lanes3 = Lanes(length > 192 ? length - 192 : 0);
    const __m512i chunk0 = _mm512_maskz_loadu_epi8(lanes0, data);
    const __m512i chunk1 = _mm512_maskz_loadu_epi8(lanes1, data + 64);
    const __m512i chunk2 = _mm512_maskz_loadu_epi8(lanes2, data + 128);
    const __m512i chunk3 = _mm512_maskz_loadu_epi8(lanes3, data + 192);
    if ((_mm512_mask_cmpeq_epi8_mask(lanes0, chunk0, zero) |
         _mm512_mask_cmpeq_epi8_mask(lanes1, chunk1, zero) |
         _mm512_mask_cmpeq_epi8_mask(lanes2, chunk2, zero) |
         _mm512_mask_cmpeq_epi8_mask(lanes3, chunk3, zero)) != 0) {
      break;
    }
    // The previous block's 0x00 is written either way and kept only when
    // pending; all four chunks are stored whole (zeros past the block's
    // end), into the slack the caller provides, as masked stores are slow.
    char* out = to + progress.produced;
    *out = 0;
    out += pending;
    _mm512_storeu_si512(out, chunk0);
    _mm512_storeu_si512(out + 64, chunk1);
    _mm512_storeu_si512(out + 128, chunk2);
    _mm512_storeu_si512(out + 192, chunk3);
    progress.produced += pending + length;
    progress.consumed += code;
    pending = code != 0xFF;
    last = static_cast<unsigned char>(code);
  }
  zero_pending = pending;
  last_code = last;
  return progress;
}

#endif  // WIRECHECK_AVX512

}  // namespace

bool Avx512Enabled() { return avx512_enabled; }

bool IsSentinelByte(char byte) {
  return kSentinelBytes[static_cast<unsigned char>(byte)];
}

void SetAvx512ForTesting(bool enabled) {
  avx512_enabled = enabled && DetectAvx512();
}

size_t FindEither(const char* from, size_t count, char a, char b) {
#ifdef WIRECHECK_AVX512
  if (avx512_enabled) return FindEitherAvx512(from, count, a, b);
#endif
  return FindEitherPortable(from, count, a, b);
}

size_t CopyUntilEither(const char* from, size_t count, char a, char b,
                       char* to) {
#ifdef WIRECHECK_AVX512
  if (avx512_enabled) return CopyUntilEitherAvx512(from, count, a, b, to);
#endif
  return CopyUntilEitherPortable(from, count, a, b, to);
}

size_t FindSubstring(const char* haystack, size_t size, const char* needle,
                     size_t needle_size) {
#ifdef WIRECHECK_AVX512
  if (avx512_enabled) {
    return FindSubstringAvx512(haystack, size, needle, needle_size);
  }
#endif
  return FindSubstringPortable(haystack, size, needle, needle_size);
}

SentinelFrame FindSentinelFrame(const char* from, size_t count,
                                size_t max_payload) {
#ifdef WIRECHECK_AVX512
  if (avx512_enabled) return FindSentinelFrameAvx512(from, count, max_payload);
#endif
  return FindSentinelFramePortable(from, count, max_payload);
}

BulkProgress UnescapeRun(const char* from, size_t count, char* to,
                         size_t room) {
#ifdef WIRECHECK_AVX512
  if (avx512_enabled) return UnescapeRunAvx512(from, count, to, room);
#endif
  return {};
}

size_t DecodeShortEscapedFrames(const char* from, size_t count,
                                size_t max_payload, char* scratch,
                                ShortFrame* frames, size_t capacity) {
#ifdef WIRECHECK_AVX512
  if (avx512_enabled) {
    return DecodeShortEscapedFramesAvx512(from, count, max_payload, scratch,
                                          frames, capacity);
  }
#endif
  return 0;
}

size_t DecodeShortCobsFrames(const unsigned char* from, size_t count,
                             size_t max_payload, char* scratch,
                             ShortFrame* frames, size_t capacity) {
#ifdef WIRECHECK_AVX512
  if (avx512_enabled) {
    return DecodeShortCobsFramesAvx512(from, count, max_payload, scratch,
                                       frames, capacity);
  }
#endif
  return 0;
}

BulkProgress CobsBlocksRun(const unsigned char* from, size_t count, char* to,
                           size_t room, bool& zero_pending,
                           unsigned char& last_code) {
#ifdef WIRECHECK_AVX512
  if (avx512_enabled) {
    return CobsBlocksRunAvx512(from, count, to, room, zero_pending, last_code);
  }
#endif
  return {};
}

}  // namespace wirecheck::framing::internal

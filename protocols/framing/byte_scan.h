// The byte loops under the framing decoders: scanning for delimiters,
// copying up to them, finding `sentinel` frames, unescaping `escaped`
// payloads and copying `cobs` blocks. Each has a portable version (16
// bytes at a time with SSE2 on x86-64, a plain loop elsewhere) and an
// AVX-512 version (64 bytes at a time, escapes removed with VBMI2's byte
// compress) chosen at run time on CPUs that have AVX-512BW and
// AVX-512VBMI2, as glibc's memchr does. Both give the same results for
// every input; byte_scan_test, the codec tests and the framing
// `chunking_fuzzer` check that.
#ifndef WIRECHECK_PROTOCOLS_FRAMING_BYTE_SCAN_H_
#define WIRECHECK_PROTOCOLS_FRAMING_BYTE_SCAN_H_

#include <cstddef>
#include <cstdint>

namespace wirecheck::framing::internal {

// True when the AVX-512 versions run: the CPU (and OS) support them and
// tests have not turned them off.
bool Avx512Enabled();

// For tests comparing the two versions: false makes every function here run
// its portable version; true restores the CPU's choice. Not thread-safe:
// call it while no decoder runs.
void SetAvx512ForTesting(bool enabled);

// The index of the first byte equal to `a` or `b` in from[0, count), or
// count.
size_t FindEither(const char* from, size_t count, char a, char b);

// Copies bytes from `from` to `to` until one equals `a` or `b`, or `count`
// bytes; returns how many were copied (the stop byte's index, or count).
// `to[0, count)` may be written beyond the returned length.
size_t CopyUntilEither(const char* from, size_t count, char a, char b,
                       char* to);

// The index of the first occurrence of needle[0, needle_size) in
// haystack[0, size), or size when there is none. needle_size must be at
// least 1. The AVX-512 version tests 64 starting points at a time by the
// needle's first and last bytes (Wojciech Mula's "SIMD-friendly
// algorithms for substring searching"), so random data rarely gets a
// compare.
size_t FindSubstring(const char* haystack, size_t size, const char* needle,
                     size_t needle_size);

// sentinel: the longest delimiter, in bytes.
inline constexpr size_t kMaxSentinel = 64;

// sentinel: whether `byte` may be part of a delimiter ([A-Za-z0-9_-]).
bool IsSentinelByte(char byte);

// sentinel: where a frame that starts at from[0, count) ends, when it is
// all there.
struct SentinelFrame {
  static constexpr size_t kAbsent = ~size_t{0};
  // The delimiter's length: k when from[k] is an LF, 1 <= k <= 64 and
  // every byte before it is in [A-Za-z0-9_-]; 0 for an invalid or
  // incomplete header, which the caller then parses byte by byte to report.
  size_t delimiter = 0;
  // Where the delimiter first occurs again after the header's LF, within
  // `max_payload` bytes, relative to the payload's start: the payload's
  // length. kAbsent when it does not occur in from[0, count) that early.
  size_t payload = kAbsent;
};
SentinelFrame FindSentinelFrame(const char* from, size_t count,
                                size_t max_payload);

// What a bulk loop consumed from its input and produced into its output.
struct BulkProgress {
  size_t consumed = 0;
  size_t produced = 0;
};

// escaped: decodes from[0, count), which starts outside an escape, onto
// `to` ("\\" becomes a backslash, "\n" a newline) while every byte is
// plain or part of a complete valid escape, and while `room` (the bytes
// `to` may take) leaves room for 64 more. Stops before the first LF, before
// the backslash of an escape that is invalid or incomplete in `from`, or
// earlier: the caller decodes on from `consumed` (the stop is never inside
// an escape) and reports what stopped it. Only the AVX-512 version does any
// work; the portable one consumes nothing, leaving all to the caller.
BulkProgress UnescapeRun(const char* from, size_t count, char* to, size_t room);

// escaped and cobs: the longest frame, its terminator included, that
// DecodeShortEscapedFrames decodes, and DecodeShortCobsFrames when it has
// several blocks.
inline constexpr size_t kShortFrame = 128;

// How many bytes of scratch DecodeShortEscapedFrames and
// DecodeShortCobsFrames need to decode up to `capacity` frames.
constexpr size_t ShortFramesScratch(size_t capacity) {
  return capacity * kShortFrame + 64;
}

// A frame that DecodeShortEscapedFrames or DecodeShortCobsFrames decoded.
struct ShortFrame {
  // The payload: in the input when nothing was rewritten, else in the
  // caller's scratch.
  const char* payload = nullptr;
  // Where the frame ends (just past its LF), from the start of the input.
  uint32_t end = 0;
  uint32_t size = 0;
};

// escaped: decodes frames from the start of from[0, count), up to
// `capacity` of them into frames[0, capacity), while each is all there
// within kShortFrame bytes, well formed and at most `max_payload` bytes
// long. Returns how many it decoded; the caller decodes on after them,
// reporting any error. `scratch` must have ShortFramesScratch(capacity)
// bytes. The input is decoded in one pass of 64 bytes at a time across
// frame bounds, where the general path makes a scan, a copy and an
// unescape call for each frame. The portable version decodes none.
size_t DecodeShortEscapedFrames(const char* from, size_t count,
                                size_t max_payload, char* scratch,
                                ShortFrame* frames, size_t capacity);

// cobs: decodes frames from the start of from[0, count), up to `capacity`
// of them into frames[0, capacity), while each is all there, well formed,
// at most `max_payload` bytes long and either one block (delivered in
// place) or within kShortFrame bytes (each code after the first becomes a
// 0x00, in scratch). Returns how many it decoded; the caller decodes on
// after them, reporting any error. `scratch` must have
// ShortFramesScratch(capacity) bytes. The frames' 0x00s are found 64 bytes
// at a time across frame bounds, where the general path makes a scan per
// frame. The portable version decodes none.
size_t DecodeShortCobsFrames(const unsigned char* from, size_t count,
                             size_t max_payload, char* scratch,
                             ShortFrame* frames, size_t capacity);

// How many bytes past `room` CobsBlocksRun's output may need.
inline constexpr size_t kCobsRunSlack = 257;

// cobs: decodes whole blocks from from[0, count), which starts at a code
// byte, onto `to` (at most `room` bytes, but `to` must have room +
// kCobsRunSlack writable ones), while each block is complete in
// `from`, its data has no 0x00 and its output fits. `zero_pending` says
// whether the previous block of the frame (if any) stands for its data and a
// 0x00, written when the next block starts; it is updated, and so is
// `last_code` when a block is consumed. Stops at a 0x00 code byte (the
// frame's end) or earlier; the caller decodes on from `consumed` and
// reports what stopped it. As with UnescapeRun, only the AVX-512 version
// does any work.
BulkProgress CobsBlocksRun(const unsigned char* from, size_t count, char* to,
                           size_t room, bool& zero_pending,
                           unsigned char& last_code);

}  // namespace wirecheck::framing::internal

#endif  // WIRECHECK_PROTOCOLS_FRAMING_BYTE_SCAN_H_

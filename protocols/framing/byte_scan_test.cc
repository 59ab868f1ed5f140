// Each AVX-512 loop against its portable twin on inputs built around what
// stops it: runs of backslashes of every length at every lane, escapes
// split by the end of the input, LFs, zero bytes in every COBS block
// position, and outputs that run out of room. On a CPU without AVX-512 both
// sides run the portable code and the expectations still hold.
#include "protocols/framing/byte_scan.h"

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/string_view.h"
#include "gtest/gtest.h"

namespace wirecheck::framing::internal {
namespace {

struct Found {
  size_t index;
  std::string copied;
  bool operator==(const Found& other) const {
    return index == other.index && copied == other.copied;
  }
};

Found CopyUntil(const std::string& input, char a, char b) {
  std::string out(input.size(), '?');
  const size_t index =
      CopyUntilEither(input.data(), input.size(), a, b, out.data());
  return {index, out.substr(0, index)};
}

class Versions {
 public:
  template <typename F>
  static auto Both(F&& run) {
    SetAvx512ForTesting(true);
    auto fast = run();
    SetAvx512ForTesting(false);
    auto portable = run();
    SetAvx512ForTesting(true);
    return std::make_pair(fast, portable);
  }
};

TEST(ByteScanTest, FindAndCopyStopAtTheFirstOfEitherByteAtEveryPosition) {
  for (size_t size : {0, 1, 15, 16, 17, 63, 64, 65, 127, 128, 129, 300}) {
    for (size_t at = 0; at <= size; ++at) {
      std::string input(size, 'x');
      if (at < size) input[at] = (at % 2) ? '\n' : '\\';
      if (at + 1 < size) input[at + 1] = '\n';
      const auto [fast, portable] = Versions::Both([&] {
        return std::make_pair(
            FindEither(input.data(), input.size(), '\n', '\\'),
            CopyUntil(input, '\n', '\\'));
      });
      EXPECT_EQ(fast.first, at) << "size " << size;
      EXPECT_EQ(fast.first, portable.first);
      EXPECT_EQ(fast.second, portable.second);
      EXPECT_EQ(fast.second.copied, input.substr(0, at));
    }
  }
}

TEST(ByteScanTest, FindSubstringFindsTheFirstOccurrenceForShortAndLongNeedles) {
  std::mt19937 random(7);
  // 64 is the longest needle compared in one vector, 65 the shortest that
  // takes the memcmp path.
  for (size_t needle_size : {1, 2, 8, 63, 64, 65, 100}) {
    std::string needle(needle_size, 'n');
    for (char& c : needle) c = static_cast<char>('a' + random() % 26);
    // Up to 300 bytes, so that long needles too are found in both halves
    // of a two-chunk step.
    for (size_t size : {needle_size - 1, needle_size, needle_size + 1,
                        size_t{64}, size_t{65}, size_t{200}, size_t{300}}) {
      for (size_t at = 0; at + needle_size <= size; ++at) {
        // The needle with its last byte changed just before the real one,
        // so first-and-last candidates that fail the full compare occur.
        std::string haystack(size, '.');
        haystack.replace(at, needle_size, needle);
        if (at >= needle_size && needle_size > 1) {
          std::string decoy = needle;
          decoy[needle_size / 2] ^= 1;
          haystack.replace(at - needle_size, needle_size, decoy);
        }
        const auto [fast, portable] = Versions::Both([&] {
          return FindSubstring(haystack.data(), size, needle.data(),
                               needle_size);
        });
        EXPECT_EQ(fast, haystack.find(needle)) << needle_size << "/" << size;
        EXPECT_EQ(fast, portable);
      }
      const std::string absent(size, '.');
      EXPECT_EQ(FindSubstring(absent.data(), size, needle.data(), needle_size),
                size);
    }
  }
}

size_t HeaderLength(const std::string& input) {
  return FindSentinelFrame(input.data(), input.size(), 1 << 20).delimiter;
}

TEST(ByteScanTest, SentinelFrameHeaderMustBeValidAndComplete) {
  const std::string longest(kMaxSentinel, 'Z');
  const struct {
    std::string input;
    size_t length;
  } cases[] = {
      {"abc\npayload", 3},
      {"A-z_09\n", 6},
      {longest + "\n", kMaxSentinel},
      {longest + "Z\n", 0},  // 65 bytes: too long
      {"\npayload", 0},      // empty
      {"ab", 0},             // no LF yet
      {longest, 0},          // 64 bytes, LF not yet seen
      {"ab.c\n", 0},         // '.' is not allowed
      {"ab c\n", 0},
      {"ab\x80\n", 0},
      {"ab@[`{\n", 0},  // the neighbours of the letter ranges
      {"ab/:\n", 0},    // the neighbours of the digits
  };
  for (const auto& c : cases) {
    const auto [fast, portable] =
        Versions::Both([&] { return HeaderLength(c.input); });
    EXPECT_EQ(fast, c.length) << c.input;
    EXPECT_EQ(portable, c.length) << c.input;
  }
  // Every byte value in every position of an 8-byte delimiter.
  for (int byte = 0; byte < 256; ++byte) {
    for (size_t at = 0; at < 8; ++at) {
      std::string input = "abcdefgh\n";
      input[at] = static_cast<char>(byte);
      const bool allowed =
          absl::ascii_isalnum(static_cast<unsigned char>(byte)) ||
          byte == '_' || byte == '-';
      EXPECT_EQ(IsSentinelByte(static_cast<char>(byte)), allowed) << byte;
      const auto [fast, portable] =
          Versions::Both([&] { return HeaderLength(input); });
      EXPECT_EQ(fast, portable) << byte << "@" << at;
      if (byte != '\n') EXPECT_EQ(fast, allowed ? 8u : 0u) << byte;
    }
  }
}

TEST(ByteScanTest, SentinelFrameEndsAtTheDelimitersFirstReturnWithinTheLimit) {
  std::mt19937 random(11);
  for (size_t delimiter : {1, 2, 8, 63, 64}) {
    std::string sentinel(delimiter, 'd');
    for (char& c : sentinel) c = static_cast<char>('a' + random() % 26);
    for (size_t payload : {0, 1, 63, 64, 65, 127, 128, 129, 300}) {
      // The payload holds the delimiter's first and last bytes, and the
      // delimiter with one byte changed, so that candidates fail.
      std::string body(payload, '.');
      for (size_t i = 0; i < payload; i += 7) body[i] = sentinel[0];
      for (size_t i = 3; i < payload; i += 11) body[i] = sentinel.back();
      if (payload >= delimiter && delimiter > 1) {
        std::string decoy = sentinel;
        decoy[delimiter / 2] ^= 1;
        body.replace(payload - delimiter, delimiter, decoy);
      }
      const std::string frame = sentinel + "\n" + body + sentinel + "tail";
      const size_t whole = frame.size() - 4;
      // All of it, exactly up to the closing delimiter, one byte short.
      for (size_t cut : {frame.size(), whole, whole - 1}) {
        for (size_t max_payload : {payload + 1, payload, payload - 1}) {
          if (max_payload > payload + 1) continue;  // payload - 1 wrapped
          const auto [fast, portable] = Versions::Both([&] {
            const SentinelFrame found =
                FindSentinelFrame(frame.data(), cut, max_payload);
            return std::make_pair(found.delimiter, found.payload);
          });
          // The reference: the first return of the delimiter within what
          // is here and ending by the limit.
          const size_t region =
              std::min(cut - delimiter - 1, max_payload + delimiter);
          const size_t at = absl::string_view(frame)
                                .substr(delimiter + 1, region)
                                .find(sentinel);
          const size_t expected =
              at == absl::string_view::npos ? SentinelFrame::kAbsent : at;
          EXPECT_EQ(fast.first, delimiter);
          EXPECT_EQ(fast.second, expected)
              << delimiter << "/" << payload << " cut " << cut << " max "
              << max_payload;
          EXPECT_EQ(fast, portable);
          if (cut >= whole && max_payload >= payload) {
            EXPECT_LE(fast.second, payload);
          } else if (delimiter >= 8) {
            EXPECT_EQ(fast.second, SentinelFrame::kAbsent);
          }
        }
      }
    }
  }
}

// The reference: what the escaped decoder's byte-at-a-time loop would do,
// stopping where UnescapeRun's contract says it may stop at the latest.
std::string ReferenceUnescape(const std::string& input, size_t& stop) {
  std::string out;
  size_t i = 0;
  while (i < input.size() && input[i] != '\n') {
    if (input[i] != '\\') {
      out.push_back(input[i++]);
      continue;
    }
    if (i + 1 == input.size() ||
        (input[i + 1] != '\\' && input[i + 1] != 'n')) {
      break;
    }
    out.push_back(input[i + 1] == 'n' ? '\n' : '\\');
    i += 2;
  }
  stop = i;
  return out;
}

// Decodes as the escaped decoder does: UnescapeRun, then one plain byte or
// escape by hand, until the reference's stop.
std::string UnescapeWithRuns(const std::string& input, size_t& consumed) {
  std::string out(input.size() + 64, '?');
  size_t in = 0;
  size_t produced = 0;
  while (true) {
    const BulkProgress run =
        UnescapeRun(input.data() + in, input.size() - in, out.data() + produced,
                    out.size() - produced);
    in += run.consumed;
    produced += run.produced;
    if (in == input.size() || input[in] == '\n') break;
    if (input[in] != '\\') {
      out[produced++] = input[in++];
      continue;
    }
    if (in + 1 == input.size() ||
        (input[in + 1] != '\\' && input[in + 1] != 'n')) {
      break;
    }
    out[produced++] = input[in + 1] == 'n' ? '\n' : '\\';
    in += 2;
  }
  consumed = in;
  return out.substr(0, produced);
}

TEST(ByteScanTest, UnescapeRunMatchesTheByteLoopOnBackslashRunsAtEveryLane) {
  for (size_t run = 1; run <= 6; ++run) {
    for (size_t at = 0; at < 140; ++at) {
      for (const char after : {'n', 'x', '\n', '\\'}) {
        std::string input(at, 'a');
        input.append(run, '\\');
        input.push_back(after);
        input.append(70, 'b');
        for (size_t cut : {input.size(), at + run, at + run + 1, at + 1}) {
          const std::string piece = input.substr(0, cut);
          size_t want_stop = 0;
          const std::string want = ReferenceUnescape(piece, want_stop);
          size_t stop = 0;
          EXPECT_EQ(UnescapeWithRuns(piece, stop), want)
              << "run " << run << " at " << at << " after " << int{after}
              << " cut " << cut;
          EXPECT_EQ(stop, want_stop);
        }
      }
    }
  }
}

// Up to `max_size` bytes of 'q', one in `one_in` of them replaced by a
// backslash (mostly), an 'n', an 'x' or an LF: runs of backslashes, valid
// and invalid escapes, and frame ends.
std::string EscapeHeavyText(std::mt19937_64& random, size_t max_size,
                            int one_in) {
  const char alphabet[] = {'\\', '\\', '\\', 'n', 'x', '\n'};
  std::string text(random() % max_size, 'q');
  for (char& byte : text) {
    if (random() % one_in == 0) byte = alphabet[random() % 6];
  }
  return text;
}

TEST(ByteScanTest, UnescapeRunMatchesTheByteLoopOnRandomEscapeHeavyText) {
  std::mt19937_64 random(3);
  for (int trial = 0; trial < 2000; ++trial) {
    const std::string input = EscapeHeavyText(random, 300, 8);
    size_t want_stop = 0;
    const std::string want = ReferenceUnescape(input, want_stop);
    size_t stop = 0;
    ASSERT_EQ(UnescapeWithRuns(input, stop), want) << "trial " << trial;
    ASSERT_EQ(stop, want_stop) << "trial " << trial;
  }
}

// A frame as DecodeShortEscapedFrames reports it.
struct DecodedFrame {
  std::string payload;
  size_t end = 0;
  bool operator==(const DecodedFrame& other) const {
    return payload == other.payload && end == other.end;
  }
};

// What DecodeShortEscapedFrames must decode from `input`: frame after
// frame while each has its LF within kShortFrame bytes of its start,
// every escape before it is valid and the payload fits, up to `capacity`.
std::vector<DecodedFrame> ReferenceShortFrames(const std::string& input,
                                               size_t max_payload,
                                               size_t capacity) {
  std::vector<DecodedFrame> frames;
  size_t start = 0;
  while (frames.size() < capacity) {
    size_t stop = 0;
    const std::string rest = input.substr(start);
    std::string payload = ReferenceUnescape(rest, stop);
    if (stop == rest.size() || rest[stop] != '\n' || stop >= kShortFrame ||
        payload.size() > max_payload) {
      break;
    }
    start += stop + 1;
    frames.push_back({std::move(payload), start});
  }
  return frames;
}

void ExpectShortEscapedFrames(const std::string& input, size_t max_payload,
                              size_t capacity) {
  std::vector<char> scratch(ShortFramesScratch(capacity));
  std::vector<ShortFrame> frames(capacity);
  const size_t decoded =
      DecodeShortEscapedFrames(input.data(), input.size(), max_payload,
                               scratch.data(), frames.data(), capacity);
  if (!Avx512Enabled()) {
    EXPECT_EQ(decoded, 0u);
    return;
  }
  std::vector<DecodedFrame> got;
  for (size_t i = 0; i < decoded; ++i) {
    got.push_back(
        {std::string(frames[i].payload, frames[i].size), frames[i].end});
    // Without escapes it is delivered in place.
    const size_t start = i == 0 ? 0 : frames[i - 1].end;
    if (frames[i].size + 1 == frames[i].end - start) {
      EXPECT_EQ(frames[i].payload, input.data() + start);
    }
  }
  EXPECT_EQ(got, ReferenceShortFrames(input, max_payload, capacity))
      << absl::CEscape(input) << " max_payload " << max_payload << " capacity "
      << capacity;
}

TEST(ByteScanTest, ShortEscapedFramesDecodeBackslashRunsAtEveryLane) {
  for (size_t run = 1; run <= 4; ++run) {
    for (size_t at = 0; at < 132; ++at) {
      for (const char after : {'n', 'x', '\n', '\\'}) {
        for (size_t lf_after : {0, 1, 40, 200}) {
          std::string input(at, 'a');
          input.append(run, '\\');
          input.push_back(after);
          input.append(lf_after, 'b');
          input.append("\nnext\n");
          ExpectShortEscapedFrames(input, 1 << 20, 4);
          ExpectShortEscapedFrames(input.substr(0, input.size() - 6), 1 << 20,
                                   4);
          // The same after a first frame, so the run crosses a frame bound
          // and a chunk bound at every lane.
          ExpectShortEscapedFrames("\\\\x\n" + input, 1 << 20, 4);
        }
      }
    }
  }
}

TEST(ByteScanTest, ShortEscapedFramesStopAtTheFirstLongFrame) {
  for (size_t length = 120; length <= 136; ++length) {
    // Frames of `length` bytes with their LF, after two short ones.
    std::string long_frame(length - 1, 'q');
    long_frame.push_back('\n');
    const std::string input = "a\nb\\n\n" + long_frame + "c\n";
    ExpectShortEscapedFrames(input, 1 << 20, 16);
  }
}

TEST(ByteScanTest, ShortEscapedFramesStopAtCapacityAndAtMaxPayload) {
  std::string input;
  for (int i = 0; i < 40; ++i) input += std::string(i, 'z') + "\\n\n";
  for (size_t capacity : {1, 2, 7, 16, 64}) {
    for (size_t max_payload : {0, 5, 30, 1 << 20}) {
      ExpectShortEscapedFrames(input, max_payload, capacity);
    }
  }
}

// Frames of 0 to 150 payload bytes from backslashes, LFs, 'n' and 'q',
// escaped as an encoder would; now and then one byte of the stream is
// overwritten, making an invalid escape, a bare backslash at a frame's end
// or an early LF.
std::string RandomEscapedStream(std::mt19937_64& random) {
  const char alphabet[] = {'\\', '\n', 'n', 'q', 'q', 'q', 'q', 'q'};
  std::string stream;
  const int frames = random() % 30;
  for (int frame = 0; frame < frames; ++frame) {
    const size_t size = random() % 151;
    for (size_t i = 0; i < size; ++i) {
      const char byte = alphabet[random() % 8];
      if (byte == '\\')
        stream += "\\\\";
      else if (byte == '\n')
        stream += "\\n";
      else
        stream.push_back(byte);
    }
    stream.push_back('\n');
  }
  if (!stream.empty() && random() % 2 == 0) {
    stream[random() % stream.size()] = "x\\\n"[random() % 3];
  }
  return stream;
}

TEST(ByteScanTest, ShortEscapedFramesMatchTheByteLoopOnRandomStreams) {
  std::mt19937_64 random(5);
  for (int trial = 0; trial < 5000; ++trial) {
    const std::string input = RandomEscapedStream(random);
    ExpectShortEscapedFrames(input, random() % 2 ? 1 << 20 : random() % 100,
                             1 + random() % 20);
  }
}

TEST(ByteScanTest, UnescapeRunLeavesTheLast64BytesOfRoomToTheCaller) {
  const std::string input(1000, 'z');
  std::string out(1000, '?');
  const BulkProgress run =
      UnescapeRun(input.data(), input.size(), out.data(), 200);
  // 64 bytes at a time while 64 fit: three chunks.
  EXPECT_EQ(run.produced, Avx512Enabled() ? 192u : 0u);
  EXPECT_EQ(run.consumed, run.produced);
  EXPECT_EQ(out.substr(0, run.produced), input.substr(0, run.produced));
  EXPECT_EQ(out.substr(200), std::string(800, '?'));
}

// COBS blocks for `data` (no 0x00 in it) of the given code sizes.
std::string Blocks(const std::vector<unsigned char>& codes) {
  std::string encoded;
  unsigned char fill = 1;
  for (unsigned char code : codes) {
    encoded.push_back(static_cast<char>(code));
    for (unsigned i = 1; i < code; ++i) {
      encoded.push_back(static_cast<char>(fill));
      fill = fill == 0xFF ? 1 : fill + 1;
    }
  }
  return encoded;
}

TEST(ByteScanTest, CobsBlocksRunDecodesWholeBlocksAndStopsAtTheFrameEnd) {
  if (!Avx512Enabled()) GTEST_SKIP() << "no AVX-512: the run does nothing";
  const std::string encoded = Blocks({3, 0xFF, 1, 70}) + std::string(1, '\0');
  std::string out(512 + kCobsRunSlack, '?');
  bool zero_pending = false;
  unsigned char last_code = 0;
  const BulkProgress run = CobsBlocksRun(
      reinterpret_cast<const unsigned char*>(encoded.data()), encoded.size(),
      out.data(), out.size() - kCobsRunSlack, zero_pending, last_code);
  EXPECT_EQ(run.consumed, encoded.size() - 1);
  // 2 data + 0x00, 254 data (no 0x00), nothing + 0x00, 69 data.
  std::string want = encoded.substr(1, 2) + std::string(1, '\0') +
                     encoded.substr(4, 254) + std::string(1, '\0') +
                     encoded.substr(260, 69);
  EXPECT_EQ(out.substr(0, run.produced), want);
  EXPECT_TRUE(zero_pending);
  EXPECT_EQ(last_code, 70);
}

TEST(ByteScanTest, CobsBlocksRunStopsBeforeAnIncompleteOrBrokenBlock) {
  if (!Avx512Enabled()) GTEST_SKIP() << "no AVX-512: the run does nothing";
  for (size_t at = 1; at < 200; ++at) {
    std::string encoded = Blocks({0xFF, 200});
    // A 0x00 in the second block's data, or the input cut inside it.
    std::string broken = encoded;
    broken[255 + at] = '\0';
    const std::string cut = encoded.substr(0, 255 + at);
    for (const std::string& input : {broken, cut}) {
      std::string out(512 + kCobsRunSlack, '?');
      bool zero_pending = false;
      unsigned char last_code = 0;
      const BulkProgress run = CobsBlocksRun(
          reinterpret_cast<const unsigned char*>(input.data()), input.size(),
          out.data(), out.size() - kCobsRunSlack, zero_pending, last_code);
      EXPECT_EQ(run.consumed, 255u) << "at " << at;
      EXPECT_EQ(run.produced, 254u);
      EXPECT_FALSE(zero_pending);
      EXPECT_EQ(last_code, 0xFF);
    }
  }
}

TEST(ByteScanTest, CobsBlocksRunNeedsRoomForTheWholeBlock) {
  if (!Avx512Enabled()) GTEST_SKIP() << "no AVX-512: the run does nothing";
  const std::string encoded = Blocks({10, 10});
  std::string out(19 + kCobsRunSlack, '?');
  bool zero_pending = true;
  unsigned char last_code = 0;
  const BulkProgress run =
      CobsBlocksRun(reinterpret_cast<const unsigned char*>(encoded.data()),
                    encoded.size(), out.data(), 19, zero_pending, last_code);
  // The first block needs 10 (its 0x00 before it, 9 data); the second 10
  // more, beyond 19.
  EXPECT_EQ(run.consumed, 10u);
  EXPECT_EQ(run.produced, 10u);
  EXPECT_EQ(out[0], '\0');
  EXPECT_EQ(out.substr(1, 9), encoded.substr(1, 9));
}

// What DecodeShortCobsFrames must decode from `input`: frame after frame,
// decoded block by block, while each is all there with its 0x00, well
// formed, has at most `max_payload` bytes and is either one block or
// within kShortFrame bytes, up to `capacity`.
std::vector<DecodedFrame> ReferenceShortCobsFrames(const std::string& input,
                                                   size_t max_payload,
                                                   size_t capacity) {
  std::vector<DecodedFrame> frames;
  size_t start = 0;
  while (frames.size() < capacity) {
    const size_t end = input.find('\0', start);
    if (end == std::string::npos || end == start) break;
    const bool one_block =
        static_cast<unsigned char>(input[start]) == end - start;
    if (!one_block && end - start + 1 > kShortFrame) break;
    std::string payload;
    size_t at = start;
    while (at < end) {
      const unsigned code = static_cast<unsigned char>(input[at]);
      if (at + code > end) break;
      payload += input.substr(at + 1, code - 1);
      at += code;
      if (at < end && code < 0xFF) payload.push_back('\0');
    }
    if (at != end || payload.size() > max_payload) break;
    start = end + 1;
    frames.push_back({std::move(payload), start});
  }
  return frames;
}

void ExpectShortCobsFrames(const std::string& input, size_t max_payload,
                           size_t capacity) {
  std::vector<char> scratch(ShortFramesScratch(capacity));
  std::vector<ShortFrame> frames(capacity);
  const size_t decoded = DecodeShortCobsFrames(
      reinterpret_cast<const unsigned char*>(input.data()), input.size(),
      max_payload, scratch.data(), frames.data(), capacity);
  if (!Avx512Enabled()) {
    EXPECT_EQ(decoded, 0u);
    return;
  }
  std::vector<DecodedFrame> got;
  for (size_t i = 0; i < decoded; ++i) {
    got.push_back(
        {std::string(frames[i].payload, frames[i].size), frames[i].end});
    // A frame of one block is delivered in place.
    const size_t start = i == 0 ? 0 : frames[i - 1].end;
    if (static_cast<unsigned char>(input[start]) == frames[i].end - start - 1) {
      EXPECT_EQ(frames[i].payload, input.data() + start + 1);
    }
  }
  EXPECT_EQ(got, ReferenceShortCobsFrames(input, max_payload, capacity))
      << absl::CEscape(input) << " max_payload " << max_payload << " capacity "
      << capacity;
}

TEST(ByteScanTest, ShortCobsFramesDecodeBlocksOfEverySize) {
  for (unsigned first = 1; first <= 255; ++first) {
    for (unsigned second : {0, 1, 2, 63, 64, 65, 127}) {
      std::vector<unsigned char> codes = {static_cast<unsigned char>(first)};
      if (second > 0) codes.push_back(static_cast<unsigned char>(second));
      const std::string frame = Blocks(codes) + std::string(1, '\0');
      // After a short frame, so frames start at every lane too.
      for (const std::string& input :
           {frame + frame, std::string("\x02z\0", 3) + frame + frame}) {
        ExpectShortCobsFrames(input, 1 << 20, 4);
        ExpectShortCobsFrames(input.substr(0, input.size() - 1), 1 << 20, 4);
      }
    }
  }
}

TEST(ByteScanTest, ShortCobsFramesStopAtBrokenLongAndEmptyFrames) {
  const std::string good = Blocks({3, 5}) + std::string(1, '\0');
  const std::string cases[] = {
      // A code past the frame's end, an empty frame, a code of 0xFF in a
      // short frame, a frame of 129 bytes.
      good + Blocks({3, 9}).substr(0, 6) + std::string(1, '\0'),
      good + std::string(1, '\0') + good,
      good + Blocks({0xFF}).substr(0, 60) + std::string(1, '\0'),
      good + Blocks({100, 28}) + std::string(1, '\0'),
  };
  for (const std::string& input : cases) {
    ExpectShortCobsFrames(input, 1 << 20, 16);
  }
}

TEST(ByteScanTest, ShortCobsFramesStopAtCapacityAndAtMaxPayload) {
  std::string input;
  for (unsigned i = 1; i < 60; ++i) {
    input += Blocks({static_cast<unsigned char>(i), 2}) + std::string(1, '\0');
  }
  for (size_t capacity : {1, 2, 7, 16, 64}) {
    for (size_t max_payload : {0, 1, 5, 30, 1 << 20}) {
      ExpectShortCobsFrames(input, max_payload, capacity);
    }
  }
}

TEST(ByteScanTest, ShortCobsFramesMatchTheBlockDecoderOnRandomStreams) {
  std::mt19937_64 random(7);
  for (int trial = 0; trial < 5000; ++trial) {
    std::string input;
    const int frames = random() % 20;
    for (int frame = 0; frame < frames; ++frame) {
      std::vector<unsigned char> codes(1 + random() % 4);
      for (unsigned char& code : codes) {
        code = static_cast<unsigned char>(1 +
                                          random() % (random() % 8 ? 40 : 255));
      }
      input += Blocks(codes) + std::string(1, '\0');
    }
    if (!input.empty() && random() % 2 == 0) {
      input[random() % input.size()] = random() % 2 ? '\0' : '\x07';
    }
    ExpectShortCobsFrames(input, random() % 2 ? 1 << 20 : random() % 100,
                          1 + random() % 20);
  }
}

TEST(ByteScanTest, PortableVersionsLeaveBulkWorkToTheCaller) {
  SetAvx512ForTesting(false);
  const std::string input(200, 'x');
  std::string out(300, '?');
  bool zero_pending = false;
  unsigned char last_code = 0;
  EXPECT_EQ(
      UnescapeRun(input.data(), input.size(), out.data(), out.size()).consumed,
      0u);
  EXPECT_EQ(CobsBlocksRun(reinterpret_cast<const unsigned char*>("\x03"
                                                                 "ab\0"),
                          4, out.data(), out.size() - kCobsRunSlack,
                          zero_pending, last_code)
                .consumed,
            0u);
  char scratch[ShortFramesScratch(1)];
  ShortFrame frame;
  EXPECT_EQ(DecodeShortEscapedFrames("a\\nb\n", 5, 100, scratch, &frame, 1),
            0u);
  EXPECT_EQ(
      DecodeShortCobsFrames(reinterpret_cast<const unsigned char*>("\x03"
                                                                   "ab\0"),
                            4, 100, scratch, &frame, 1),
      0u);
  EXPECT_FALSE(Avx512Enabled());
  SetAvx512ForTesting(true);
}

}  // namespace
}  // namespace wirecheck::framing::internal

// Chunking invariance, for every variant: a stream fed to the streaming
// decoder in two different cuttings, both derived from the input (empty
// Feed() calls included), gives the same frames at the same offsets and the
// same error at the same offset, and so does the second cutting received in
// place (Decoder::ReceiveBuffer); and after an error every further Feed()
// and Finish() returns that error and delivers nothing (errors are sticky).
// The stream fed whole, where the AVX-512 bulk loops run, must decode alike
// with them and with the portable loops (protocols/framing/byte_scan.h).
//
// Input: byte 0 picks the variant, byte 1 the maximum frame size, bytes 2-9
// seed the second cutting; the rest is the stream, whose own bytes give the
// first cutting.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "protocols/framing/byte_scan.h"
#include "protocols/framing/codec.h"
#include "protocols/framing/codec_test_util.h"

namespace {

using wirecheck::framing::Decoder;
using wirecheck::framing::DecoderOptions;
using wirecheck::framing::Frame;
using wirecheck::framing::Variant;
using wirecheck::framing::testing::Decoded;
using wirecheck::framing::testing::Printable;

constexpr size_t kMaxFrameSizes[] = {0, 1, 3, 37, 300,
                                     wirecheck::framing::kDefaultMaxFrameSize};

[[noreturn]] void Fail(Variant variant, const char* what, const Decoded& a,
                       const Decoded& b) {
  std::fprintf(stderr, "chunking_fuzzer: %s: %s\n",
               std::string(wirecheck::framing::VariantName(variant)).c_str(),
               what);
  for (const Decoded* d : {&a, &b}) {
    std::fprintf(stderr, "  %zu frames: %s\n  %s @%llu\n", d->payloads.size(),
                 Printable(absl::StrJoin(d->payloads, "|")).c_str(),
                 d->status.ToString().c_str(),
                 static_cast<unsigned long long>(d->error_offset));
  }
  std::abort();
}

// Feeds `stream` in pieces of the given sizes (zero: an empty Feed()); the
// last piece takes the rest. After an error, feeds the rest anyway and calls
// Finish(), which must both repeat the error and deliver nothing. With
// `in_place`, each piece is written into Decoder::ReceiveBuffer() and given
// to Received() instead, or, every second one at a frame boundary, to
// ReceivedElsewhere().
Decoded Feed(Variant variant, const DecoderOptions& options,
             absl::string_view stream, const std::vector<size_t>& sizes,
             bool in_place = false) {
  Decoded decoded;
  std::unique_ptr<Decoder> decoder =
      wirecheck::framing::MakeDecoder(variant, options);
  bool failed = false;
  const auto sink = [&](const Frame& frame) {
    if (failed) {
      std::fprintf(stderr, "chunking_fuzzer: a frame after the error\n");
      std::abort();
    }
    decoded.payloads.emplace_back(frame.payload);
    decoded.offsets.push_back(frame.offset);
    decoded.wire_sizes.push_back(frame.wire_size);
  };
  size_t pos = 0;
  for (size_t i = 0; i <= sizes.size(); ++i) {
    const size_t size = i < sizes.size()
                            ? std::min(sizes[i], stream.size() - pos)
                            : stream.size() - pos;
    const absl::string_view piece = stream.substr(pos, size);
    absl::Status status;
    if (in_place && i % 2 == 1 && decoder->pending().empty()) {
      status = decoder->ReceivedElsewhere(piece, sink);
    } else if (in_place) {
      const absl::Span<char> room = decoder->ReceiveBuffer(size);
      std::copy(piece.begin(), piece.end(), room.begin());
      status = decoder->Received(size, sink);
    } else {
      status = decoder->Feed(piece, sink);
    }
    pos += size;
    if (failed) {
      if (status != decoded.status) {
        std::fprintf(stderr, "chunking_fuzzer: an error is not sticky\n");
        std::abort();
      }
    } else if (!status.ok()) {
      failed = true;
      decoded.status = status;
    }
  }
  const absl::Status finish = decoder->Finish();
  if (failed && finish != decoded.status) {
    std::fprintf(stderr, "chunking_fuzzer: Finish() lost the error\n");
    std::abort();
  }
  decoded.status = finish;
  decoded.error_offset = decoder->error_offset();
  return decoded;
}

// Piece sizes 0-15 from the stream's own bytes.
std::vector<size_t> FromStream(absl::string_view stream) {
  std::vector<size_t> sizes;
  for (unsigned char c : stream) sizes.push_back(c & 0x0f);
  return sizes;
}

// Piece sizes 0-63 from a seeded generator (splitmix64).
std::vector<size_t> FromSeed(uint64_t seed, size_t stream_size) {
  std::vector<size_t> sizes;
  for (size_t total = 0; total < stream_size;) {
    seed += 0x9e3779b97f4a7c15;
    uint64_t z = seed;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9;
    z = (z ^ (z >> 27)) * 0x94d049bb133111eb;
    z ^= z >> 31;
    sizes.push_back(z % 64);
    total += sizes.back();
  }
  return sizes;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 10) return 0;
  const auto variants = wirecheck::framing::AllVariants();
  const Variant variant = variants[data[0] % variants.size()];
  const DecoderOptions options{
      .max_frame_size = kMaxFrameSizes[data[1] % std::size(kMaxFrameSizes)]};
  uint64_t seed;
  std::memcpy(&seed, data + 2, sizeof(seed));
  const absl::string_view stream(reinterpret_cast<const char*>(data) + 10,
                                 size - 10);
  const Decoded first = Feed(variant, options, stream, FromStream(stream));
  const Decoded second =
      Feed(variant, options, stream, FromSeed(seed, stream.size()));
  const Decoded received =
      Feed(variant, options, stream, FromSeed(seed, stream.size()),
           /*in_place=*/true);
  if (!(received == second)) {
    Fail(variant, "receiving in place and Feed() differ", second, received);
  }
  const Decoded whole = Feed(variant, options, stream, {});
  wirecheck::framing::internal::SetAvx512ForTesting(false);
  const Decoded portable = Feed(variant, options, stream, {});
  wirecheck::framing::internal::SetAvx512ForTesting(true);
  if (!(whole == portable)) {
    Fail(variant, "the AVX-512 and portable loops differ", whole, portable);
  }
  if (variant == Variant::kRaw) {
    // Raw frames are whatever each read brought: only the bytes must agree.
    if (absl::StrJoin(first.payloads, "") != absl::StrJoin(second.payloads, "") ||
        first.status != second.status) {
      Fail(variant, "raw lost or changed bytes", first, second);
    }
    return 0;
  }
  if (first.payloads != second.payloads || first.offsets != second.offsets ||
      first.wire_sizes != second.wire_sizes) {
    Fail(variant, "the two cuttings give different frames", first, second);
  }
  if (first.status != second.status ||
      first.error_offset != second.error_offset) {
    Fail(variant, "the two cuttings end with different errors", first, second);
  }
  if (!(first == whole)) {
    Fail(variant, "pieces and the whole stream differ", first, whole);
  }
  return 0;
}

// Decode throughput of every framing variant at 64 B, 1 KiB and 64 KiB
// payloads, each next to a baseline measured in the same run on the same
// buffer: memchr for the delimited variants (a scan for the byte that ends
// each frame), memcpy for the length-prefixed ones (a copy of the buffer),
// absl::Base64Unescape for base64 (each line unescaped, lines found
// beforehand). The `ratio` counter is decode throughput / baseline
// throughput; goals: delimited >= 0.5, length-prefixed >= 0.8 at 64 KiB.
// `copy_ratio` is decode throughput / memcpy throughput for every variant,
// the bound for decoders that must copy or rewrite every payload byte.
//
// Each size runs twice: "whole" feeds the 4 MiB buffer in one Feed() (the
// zero-copy path), "reads64k" in 64 KiB pieces, as a reader with a buffer
// of its own would (frames spanning reads are copied once). For line, crlf
// and nul a third run, "received64k", receives the 64 KiB pieces as the
// echo server does: into the decoder's buffer while a frame is pending
// (Decoder::ReceiveBuffer), else into its own (ReceivedElsewhere), so that
// spanning frames are not copied. Each piece is copied into place first,
// untimed, as recv() would; as that leaves it in cache, the memchr
// baseline of this run scans each piece likewise just after copying it
// into a 64 KiB buffer.
//
//   tools/bazel run -c opt //protocols/framing:framing_benchmark
#include <algorithm>
#include <chrono>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "benchmark/benchmark.h"
#include "protocols/framing/codec.h"
#include "protocols/framing/samples.h"

namespace wirecheck::framing {
namespace {

constexpr size_t kBufferSize = 4 << 20;
constexpr size_t kReadSize = 64 * 1024;

enum class Baseline { kMemchr, kMemcpy, kBase64Unescape };

Baseline BaselineFor(Variant variant) {
  if (variant == Variant::kBase64) return Baseline::kBase64Unescape;
  return IsDelimited(variant) ? Baseline::kMemchr : Baseline::kMemcpy;
}

const char* BaselineName(Baseline baseline) {
  switch (baseline) {
    case Baseline::kMemchr:
      return "memchr";
    case Baseline::kMemcpy:
      return "memcpy";
    case Baseline::kBase64Unescape:
      break;
  }
  return "absl::Base64Unescape";
}

// The byte a memchr scan looks for: what ends (or, for sentinel, what ends
// the header of) each frame.
char ScanByte(Variant variant) {
  return variant == Variant::kNul || variant == Variant::kCobs ? '\0' : '\n';
}

struct Fixture {
  std::string buffer;
  // base64: where each line's text starts and ends.
  std::vector<std::pair<size_t, size_t>> lines;
  size_t frames = 0;
};

Fixture MakeFixture(Variant variant, size_t payload_size) {
  Fixture fixture;
  std::mt19937_64 random(payload_size);
  std::unique_ptr<Encoder> encoder = MakeEncoder(variant, {.seed = 1});
  while (fixture.buffer.size() < kBufferSize) {
    const size_t start = fixture.buffer.size();
    // u16be's "64 KiB" payloads are 65,535 bytes, its largest.
    const size_t size = static_cast<size_t>(
        std::min<uint64_t>(payload_size, FormatMaxPayload(variant)));
    if (!encoder->Encode(RandomPayload(variant, size, random),
                         fixture.buffer)
             .ok()) {
      std::abort();
    }
    fixture.lines.emplace_back(start, fixture.buffer.size() - 1);
    ++fixture.frames;
  }
  return fixture;
}

enum class Mode { kWhole, kReads, kReceived };

using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration<double>(to - from).count();
}

size_t Decode(Variant variant, absl::string_view buffer, size_t piece) {
  DecoderOptions options;
  options.max_frame_size = 1 << 20;
  std::unique_ptr<Decoder> decoder = MakeDecoder(variant, options);
  size_t bytes = 0;
  const auto sink = [&](const Frame& frame) {
    benchmark::DoNotOptimize(frame.payload.data());
    bytes += frame.payload.size();
  };
  for (size_t pos = 0; pos < buffer.size(); pos += piece) {
    if (!decoder->Feed(buffer.substr(pos, piece), sink).ok()) std::abort();
  }
  if (!decoder->Finish().ok()) std::abort();
  return bytes;
}

// The memchr baseline: one call per occurrence of `byte` in `bytes`.
size_t CountByte(absl::string_view bytes, char byte) {
  size_t found = 0;
  const char* p = bytes.data();
  const char* const end = p + bytes.size();
  while (const void* hit = std::memchr(p, byte, end - p)) {
    ++found;
    p = static_cast<const char*>(hit) + 1;
  }
  return found;
}

// Decodes `buffer` received in pieces as the echo server reads: into the
// decoder's buffer while a frame is pending, else into `scratch`. Returns
// the seconds spent decoding alone.
double DecodeReceived(Variant variant, absl::string_view buffer, size_t piece,
                      std::string& scratch) {
  std::unique_ptr<Decoder> decoder = MakeDecoder(variant);
  const auto sink = [&](const Frame& frame) {
    benchmark::DoNotOptimize(frame.payload.data());
  };
  double seconds = 0;
  for (size_t pos = 0; pos < buffer.size(); pos += piece) {
    const absl::string_view received = buffer.substr(pos, piece);
    const bool elsewhere = decoder->pending().empty();
    char* const into = elsewhere
                           ? scratch.data()
                           : decoder->ReceiveBuffer(received.size()).data();
    std::memcpy(into, received.data(), received.size());
    const Clock::time_point start = Clock::now();
    const absl::Status status =
        elsewhere ? decoder->ReceivedElsewhere(
                        absl::string_view(into, received.size()), sink)
                  : decoder->Received(received.size(), sink);
    seconds += Seconds(start, Clock::now());
    if (!status.ok()) std::abort();
  }
  if (!decoder->Finish().ok()) std::abort();
  return seconds;
}

// The memchr baseline for DecodeReceived: each piece copied into `scratch`
// (untimed), then scanned for `byte`. Returns the seconds spent scanning.
double MemchrReceived(char byte, absl::string_view buffer, size_t piece,
                      std::string& scratch) {
  double seconds = 0;
  size_t found = 0;
  for (size_t pos = 0; pos < buffer.size(); pos += piece) {
    const absl::string_view received = buffer.substr(pos, piece);
    std::memcpy(scratch.data(), received.data(), received.size());
    const Clock::time_point start = Clock::now();
    found +=
        CountByte(absl::string_view(scratch.data(), received.size()), byte);
    seconds += Seconds(start, Clock::now());
  }
  benchmark::DoNotOptimize(found);
  return seconds;
}

size_t RunBaseline(Baseline baseline, char byte, const Fixture& fixture,
                   std::string& scratch) {
  const std::string& buffer = fixture.buffer;
  switch (baseline) {
    case Baseline::kMemchr:
      return CountByte(buffer, byte);
    case Baseline::kMemcpy:
      std::memcpy(scratch.data(), buffer.data(), buffer.size());
      benchmark::ClobberMemory();
      return scratch.size();
    case Baseline::kBase64Unescape: {
      size_t bytes = 0;
      for (const auto& [begin, end] : fixture.lines) {
        if (!absl::Base64Unescape(
                absl::string_view(buffer).substr(begin, end - begin),
                &scratch)) {
          std::abort();
        }
        bytes += scratch.size();
      }
      return bytes;
    }
  }
  return 0;
}

void BM_Decode(benchmark::State& state, Variant variant, Mode mode) {
  const size_t payload_size = static_cast<size_t>(state.range(0));
  const Fixture fixture = MakeFixture(variant, payload_size);
  const Baseline baseline = BaselineFor(variant);
  std::string scratch(fixture.buffer.size(), '\0');
  const size_t piece = mode == Mode::kWhole ? fixture.buffer.size() : kReadSize;
  double decode_seconds = 0;
  double baseline_seconds = 0;
  double copy_seconds = 0;
  for (auto _ : state) {
    // Decode and baselines alternate, so drifting clocks and caches affect
    // all alike.
    double seconds;
    if (mode == Mode::kReceived) {
      seconds = DecodeReceived(variant, fixture.buffer, piece, scratch);
      baseline_seconds +=
          MemchrReceived(ScanByte(variant), fixture.buffer, piece, scratch);
    } else {
      const Clock::time_point start = Clock::now();
      benchmark::DoNotOptimize(Decode(variant, fixture.buffer, piece));
      const Clock::time_point decoded = Clock::now();
      benchmark::DoNotOptimize(
          RunBaseline(baseline, ScanByte(variant), fixture, scratch));
      seconds = Seconds(start, decoded);
      baseline_seconds += Seconds(decoded, Clock::now());
    }
    const Clock::time_point copying = Clock::now();
    benchmark::DoNotOptimize(
        RunBaseline(Baseline::kMemcpy, '\0', fixture, scratch));
    copy_seconds += Seconds(copying, Clock::now());
    state.SetIterationTime(seconds);
    decode_seconds += seconds;
  }
  const double bytes =
      static_cast<double>(fixture.buffer.size()) * state.iterations();
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
  state.counters["decode_GBps"] = bytes / decode_seconds / 1e9;
  state.counters["baseline_GBps"] = bytes / baseline_seconds / 1e9;
  state.counters["ratio"] = baseline_seconds / decode_seconds;
  // Against memcpy as well: decoders that must rewrite every byte (escaped,
  // cobs, frames spanning reads) cannot beat a copy.
  state.counters["copy_ratio"] = copy_seconds / decode_seconds;
  state.SetLabel(BaselineName(baseline));
}

const bool registered = [] {
  for (Variant variant : AllVariants()) {
    if (variant == Variant::kRaw) continue;  // no framing to decode
    for (Mode mode : {Mode::kWhole, Mode::kReads, Mode::kReceived}) {
      if (mode == Mode::kReceived && variant != Variant::kLine &&
          variant != Variant::kCrlf && variant != Variant::kNul) {
        continue;  // the others copy as in reads64k
      }
      benchmark::RegisterBenchmark(
          absl::StrCat("BM_Decode/", VariantName(variant), "/",
                       mode == Mode::kWhole   ? "whole"
                       : mode == Mode::kReads ? "reads64k"
                                              : "received64k")
              .c_str(),
          BM_Decode, variant, mode)
          ->Arg(64)
          ->Arg(1024)
          ->Arg(64 * 1024)
          ->UseManualTime()
          ->Unit(benchmark::kMicrosecond);
    }
  }
  return true;
}();

}  // namespace
}  // namespace wirecheck::framing

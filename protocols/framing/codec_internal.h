// Shared by the codec's implementation files; not part of its API.
#ifndef WIRECHECK_PROTOCOLS_FRAMING_CODEC_INTERNAL_H_
#define WIRECHECK_PROTOCOLS_FRAMING_CODEC_INTERNAL_H_

#include <cstddef>
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

// Keeps a buffer's memory from outliving one huge frame.
inline void ReleaseIfLarge(std::string& buffer) {
  constexpr size_t kKeepCapacity = 64 * 1024;
  if (buffer.capacity() > kKeepCapacity) {
    std::string().swap(buffer);
  } else {
    buffer.clear();
  }
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

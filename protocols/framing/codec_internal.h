// Shared by the codec's implementation files; not part of its API.
#ifndef WIRECHECK_PROTOCOLS_FRAMING_CODEC_INTERNAL_H_
#define WIRECHECK_PROTOCOLS_FRAMING_CODEC_INTERNAL_H_

#include <cstddef>
#include <cstdint>
#include <cstring>

#include <memory>
#include <string>

#include "absl/strings/string_view.h"
#include "protocols/framing/byte_scan.h"
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

// sentinel: the adjustable delimiter. A frame is D, LF, the payload, D,
// where D is 1 to 64 bytes of [A-Za-z0-9_-] and the first occurrence of D
// after the LF ends the frame.
#include <algorithm>
#include <cstring>
#include <memory>
#include <random>
#include <string>

#include "absl/strings/str_cat.h"
#include "protocols/framing/codec.h"
#include "protocols/framing/codec_internal.h"

namespace wirecheck::framing::internal {
namespace {

constexpr char kSentinelAlphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";

// With a random delimiter few positions match its first and last bytes, so
// this runs near memchr's speed; an adversarial payload costs at most 64
// compares per byte.
const char* Find(const char* haystack, size_t size, absl::string_view needle) {
  const size_t at = FindSubstring(haystack, size, needle.data(), needle.size());
  return at == size ? nullptr : haystack + at;
}

class SentinelDecoder : public Decoder {
 public:
  explicit SentinelDecoder(const DecoderOptions& options)
      : Decoder(Variant::kSentinel, options) {}

 private:
  absl::Status Consume(absl::string_view data, FrameSink sink) override {
    absl::Status status = Decode(data, sink);
    // The input goes away after this call; a delimiter in it must not.
    sentinel_.Keep();
    return status;
  }

  absl::Status Decode(absl::string_view data, FrameSink sink) {
    const char* const p = data.data();
    const size_t n = data.size();
    size_t pos = 0;
    while (pos < n) {
      if (in_header_ && sentinel_.empty()) {
        // The common case: the whole header is here and valid, and often
        // the whole frame.
        const SentinelFrame frame =
            FindSentinelFrame(p + pos, n - pos, max_frame_size());
        if (frame.delimiter > 0) {
          sentinel_.Refer(p + pos, frame.delimiter);
          in_header_ = false;
          pos += frame.delimiter + 1;
          if (frame.payload == SentinelFrame::kAbsent) {
            return AwaitClosing(data.substr(pos));
          }
          const size_t end = pos + frame.payload + frame.delimiter;
          Deliver(sink, absl::string_view(p + pos, frame.payload),
                  offset() + end);
          NextFrame();
          pos = end;
          continue;
        }
      }
      if (in_header_) {
        const char byte = p[pos];
        if (byte == '\n') {
          if (sentinel_.empty()) {
            return Malformed(offset() + pos, "empty delimiter");
          }
          in_header_ = false;
          search_from_ = 0;
        } else if (!IsSentinelByte(byte)) {
          return Malformed(
              offset() + pos,
              absl::StrCat(ByteName(byte), " is not allowed in a delimiter"));
        } else if (sentinel_.size() == kMaxSentinel) {
          return Malformed(offset() + pos, "delimiter longer than 64 bytes");
        } else {
          sentinel_.PushBack(byte);
        }
        ++pos;
        continue;
      }
      // The payload region: the closing D must start within the first
      // max + 1 bytes, so it ends within `region` bytes.
      const size_t region = max_frame_size() + sentinel_.size();
      if (buffer_.empty()) {
        const size_t look = std::min(n - pos, region);
        const char* found = Find(p + pos, look, sentinel_);
        if (found != nullptr) {
          const size_t end = (found - p) + sentinel_.size();
          Deliver(sink, absl::string_view(p + pos, found - (p + pos)),
                  offset() + end);
          NextFrame();
          pos = end;
          continue;
        }
        return AwaitClosing(data.substr(pos));
      }
      const size_t before = buffer_.size();
      const size_t take = std::min(n - pos, region - before);
      buffer_.append(p + pos, take);
      const char* found = Find(buffer_.data() + search_from_,
                               buffer_.size() - search_from_, sentinel_);
      if (found != nullptr) {
        const size_t payload_size = found - buffer_.data();
        const size_t end_in_buffer = payload_size + sentinel_.size();
        buffer_.resize(payload_size);
        pos += end_in_buffer - before;
        Deliver(sink, buffer_, offset() + pos);
        ReleaseIfLarge(buffer_);
        NextFrame();
        continue;
      }
      if (buffer_.size() == region) return TooLong();
      search_from_ = RuledOut();
      pos += take;
    }
    return absl::OkStatus();
  }

  // Keeps `rest`, the payload region so far (searched: D is not in it),
  // for the next Feed(), unless it already holds the most the frame may.
  absl::Status AwaitClosing(absl::string_view rest) {
    if (rest.size() >= max_frame_size() + sentinel_.size()) return TooLong();
    buffer_.append(rest.data(), rest.size());
    search_from_ = RuledOut();
    return absl::OkStatus();
  }

  // Where in buffer_ an occurrence of D may still start.
  size_t RuledOut() const {
    return buffer_.size() >= sentinel_.size()
               ? buffer_.size() - sentinel_.size() + 1
               : 0;
  }

  void NextFrame() {
    in_header_ = true;
    sentinel_.Clear();
  }

  absl::Status TooLong() {
    return Oversized(absl::StrCat("has no closing delimiter within ",
                                  max_frame_size(), " payload bytes"));
  }

  bool in_header_ = true;
  // The delimiter: in the input while its frame is decoded within one
  // Feed(), else up to 64 bytes kept here (no allocation, no copy for the
  // small frames whose profile showed both).
  class Sentinel {
   public:
    // Refers to data[0, size), which must outlive the frame or Keep().
    void Refer(const char* data, size_t size) { view_ = {data, size}; }
    // Copies a referred delimiter in, before its input goes away.
    void Keep() {
      if (view_.data() == bytes_) return;
      std::memmove(bytes_, view_.data(), view_.size());
      view_ = {bytes_, view_.size()};
    }
    void PushBack(char byte) {
      Keep();
      bytes_[view_.size()] = byte;
      view_ = {bytes_, view_.size() + 1};
    }
    void Clear() { view_ = {bytes_, 0}; }
    bool empty() const { return view_.empty(); }
    size_t size() const { return view_.size(); }
    operator absl::string_view() const { return view_; }

   private:
    char bytes_[kMaxSentinel];
    absl::string_view view_{bytes_, 0};
  };

  // The current frame's delimiter (complete once in_header_ is false).
  Sentinel sentinel_;
  // The payload region of a frame spanning Feed() calls.
  std::string buffer_;
  size_t search_from_ = 0;
};

class SentinelEncoder : public Encoder {
 public:
  explicit SentinelEncoder(const EncoderOptions& options)
      : fixed_(options.sentinel), random_(options.seed) {}

  absl::Status Encode(absl::string_view payload, std::string& out) override {
    if (!fixed_.empty()) {
      if (fixed_.size() > kMaxSentinel) {
        return CannotCarry(Variant::kSentinel,
                           "the delimiter is longer than 64 bytes");
      }
      for (char byte : fixed_) {
        if (!IsSentinelByte(byte)) {
          return CannotCarry(
              Variant::kSentinel,
              absl::StrCat("the delimiter contains ", ByteName(byte)));
        }
      }
      if (!EndsOnlyAtTheEnd(payload, fixed_)) {
        return CannotCarry(
            Variant::kSentinel,
            absl::StrCat("the delimiter \"", fixed_, "\" occurs in it"));
      }
      Append(payload, fixed_, out);
      return absl::OkStatus();
    }
    // 8 random characters carry 48 bits: a payload contains a given one by
    // chance with negligible probability, but an adversarial payload may
    // hold many 8-byte strings, so longer delimiters follow.
    std::string sentinel;
    for (size_t length = 8; length <= kMaxSentinel; length *= 2) {
      for (int attempt = 0; attempt < 16; ++attempt) {
        sentinel.clear();
        uint64_t bits = 0;
        for (size_t i = 0; i < length; ++i) {
          if (i % 10 == 0) bits = random_();
          sentinel.push_back(kSentinelAlphabet[bits & 63]);
          bits >>= 6;
        }
        if (EndsOnlyAtTheEnd(payload, sentinel)) {
          Append(payload, sentinel, out);
          return absl::OkStatus();
        }
      }
    }
    return CannotCarry(Variant::kSentinel,
                       "no random delimiter was absent from it");
  }

  Variant variant() const override { return Variant::kSentinel; }

 private:
  // True when the first occurrence of `sentinel` in payload + sentinel is
  // the appended one: it neither occurs in the payload nor starts in the
  // payload's tail and runs into the closing delimiter.
  static bool EndsOnlyAtTheEnd(absl::string_view payload,
                               absl::string_view sentinel) {
    if (Find(payload.data(), payload.size(), sentinel) != nullptr) return false;
    const size_t tail = std::min(payload.size(), sentinel.size() - 1);
    std::string joined(payload.substr(payload.size() - tail));
    joined.append(sentinel.data(), sentinel.size());
    return Find(joined.data(), joined.size(), sentinel) == joined.data() + tail;
  }

  static void Append(absl::string_view payload, absl::string_view sentinel,
                     std::string& out) {
    out.reserve(out.size() + payload.size() + 2 * sentinel.size() + 1);
    absl::StrAppend(&out, sentinel, "\n", payload, sentinel);
  }

  const std::string fixed_;
  std::mt19937_64 random_;
};

}  // namespace

std::unique_ptr<Decoder> MakeSentinelDecoder(const DecoderOptions& options) {
  return std::make_unique<SentinelDecoder>(options);
}

std::unique_ptr<Encoder> MakeSentinelEncoder(const EncoderOptions& options) {
  return std::make_unique<SentinelEncoder>(options);
}

}  // namespace wirecheck::framing::internal

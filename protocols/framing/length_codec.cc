// decimal8, u16be, u32be, netstring and varint: a length, then the payload
// (then ',' for netstring). The length is checked against the maximum as
// soon as it is known, before any buffer is sized for the payload.
#include <cstring>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "protocols/framing/codec.h"
#include "protocols/framing/codec_internal.h"

namespace wirecheck::framing::internal {
namespace {

bool IsDigit(char byte) { return byte >= '0' && byte <= '9'; }

class LengthPrefixedDecoder : public Decoder {
 public:
  LengthPrefixedDecoder(Variant variant, const DecoderOptions& options)
      : Decoder(variant, options) {}

 private:
  enum class State { kLength, kPayload, kComma };

  absl::Status Consume(absl::string_view data, FrameSink sink) override {
    const char* const p = data.data();
    const size_t n = data.size();
    size_t pos = 0;
    while (pos < n) {
      switch (state_) {
        case State::kLength: {
          absl::Status status = LengthByte(p[pos], offset() + pos);
          if (!status.ok()) return status;
          ++pos;
          if (state_ == State::kPayload && length_ == 0) {
            // An empty payload: the frame ends with its length (or ',').
            if (variant() == Variant::kNetstring) {
              state_ = State::kComma;
            } else {
              Deliver(sink, absl::string_view(), offset() + pos);
              StartFrame();
            }
          }
          break;
        }
        case State::kPayload: {
          const size_t want = length_ - received_;
          const bool comma = variant() == Variant::kNetstring;
          // The common case: the whole rest of the frame is here.
          if (received_ == 0 && n - pos >= want + (comma ? 1 : 0)) {
            const absl::string_view payload(p + pos, want);
            pos += want;
            if (comma) {
              if (p[pos] != ',') return MissingComma(p[pos], offset() + pos);
              ++pos;
            }
            Deliver(sink, payload, offset() + pos);
            StartFrame();
            break;
          }
          // Received in place, the payload stays where it landed; else it
          // is copied as it arrives.
          const size_t take = std::min(want, n - pos);
          if (!in_place()) {
            if (buffer_.empty()) buffer_.reserve(length_);
            buffer_.append(p + pos, take);
          }
          received_ += take;
          pos += take;
          if (received_ == length_) {
            if (comma) {
              state_ = State::kComma;
            } else {
              Deliver(sink, Payload(p + pos), offset() + pos);
              StartFrame();
            }
          }
          break;
        }
        case State::kComma:
          if (p[pos] != ',') return MissingComma(p[pos], offset() + pos);
          Deliver(sink, Payload(p + pos), offset() + pos + 1);
          ++pos;
          StartFrame();
          break;
      }
    }
    return absl::OkStatus();
  }

  // Consumes one byte of the length field at stream offset `at`.
  absl::Status LengthByte(char byte, uint64_t at) {
    const unsigned char value = static_cast<unsigned char>(byte);
    const int index = header_bytes_++;
    switch (variant()) {
      case Variant::kDecimal8:
        if (!IsDigit(byte)) {
          return Malformed(at, absl::StrCat(ByteName(byte),
                                            " in the 8-digit length"));
        }
        length_ = length_ * 10 + (value - '0');
        return index == 7 ? LengthKnown() : absl::OkStatus();
      case Variant::kU16be:
      case Variant::kU32be:
        length_ = (length_ << 8) | value;
        return index == (variant() == Variant::kU16be ? 1 : 3)
                   ? LengthKnown()
                   : absl::OkStatus();
      case Variant::kNetstring:
        if (byte == ':' && index > 0) return LengthKnown();
        if (!IsDigit(byte)) {
          return Malformed(at, absl::StrCat(ByteName(byte),
                                            index == 0 ? " where the length should start"
                                                       : " in the length"));
        }
        if (index == 1 && length_ == 0) {
          return Malformed(at, "leading zero in the length");
        }
        length_ = length_ * 10 + (value - '0');
        if (length_ > max_frame_size()) {
          return Oversized(
              absl::StrCat("announces at least ", length_, " bytes"));
        }
        return absl::OkStatus();
      default: {  // varint
        if (index == 9 && value > 1) {
          return Malformed(at, "varint longer than 64 bits");
        }
        length_ |= static_cast<uint64_t>(value & 0x7F) << (7 * index);
        if (value & 0x80) return absl::OkStatus();
        if (value == 0 && index > 0) {
          return Malformed(at, "non-minimal varint (last byte 0x00)");
        }
        return LengthKnown();
      }
    }
  }

  absl::Status LengthKnown() {
    if (length_ > max_frame_size()) {
      return Oversized(absl::StrCat("announces ", length_, " bytes"));
    }
    state_ = State::kPayload;
    return absl::OkStatus();
  }

  // The payload of a frame that spanned Feed() calls, which ends just
  // before `end`.
  absl::string_view Payload(const char* end) const {
    return in_place() ? absl::string_view(end - length_, length_)
                      : absl::string_view(buffer_);
  }

  // Gets ready for the next frame's length.
  void StartFrame() {
    state_ = State::kLength;
    header_bytes_ = 0;
    length_ = 0;
    received_ = 0;
    ReleaseIfLarge(buffer_);
  }

  absl::Status MissingComma(char byte, uint64_t at) {
    return Malformed(at, absl::StrCat("expected ',' after the payload, got ",
                                      ByteName(byte)));
  }

  State state_ = State::kLength;
  int header_bytes_ = 0;
  uint64_t length_ = 0;
  // The payload of a frame spanning Feed() calls (unless received in
  // place), and how many of its bytes have arrived.
  std::string buffer_;
  size_t received_ = 0;
};

class LengthPrefixedEncoder : public Encoder {
 public:
  explicit LengthPrefixedEncoder(Variant variant) : variant_(variant) {}

  absl::Status Encode(absl::string_view payload, std::string& out) override {
    const uint64_t size = payload.size();
    if (size > FormatMaxPayload(variant_)) {
      return CannotCarry(variant_,
                         absl::StrCat(size, " bytes is more than the ",
                                      FormatMaxPayload(variant_),
                                      " its length field can announce"));
    }
    out.reserve(out.size() + size + 12);
    switch (variant_) {
      case Variant::kDecimal8:
        absl::StrAppendFormat(&out, "%08d", size);
        break;
      case Variant::kU16be:
        out.push_back(static_cast<char>(size >> 8));
        out.push_back(static_cast<char>(size));
        break;
      case Variant::kU32be:
        for (int shift = 24; shift >= 0; shift -= 8) {
          out.push_back(static_cast<char>(size >> shift));
        }
        break;
      case Variant::kNetstring:
        absl::StrAppend(&out, size, ":");
        break;
      default: {  // varint
        uint64_t rest = size;
        while (rest >= 0x80) {
          out.push_back(static_cast<char>((rest & 0x7F) | 0x80));
          rest >>= 7;
        }
        out.push_back(static_cast<char>(rest));
        break;
      }
    }
    out.append(payload.data(), payload.size());
    if (variant_ == Variant::kNetstring) out.push_back(',');
    return absl::OkStatus();
  }

  Variant variant() const override { return variant_; }

 private:
  const Variant variant_;
};

}  // namespace

std::unique_ptr<Decoder> MakeLengthPrefixedDecoder(
    Variant variant, const DecoderOptions& options) {
  return std::make_unique<LengthPrefixedDecoder>(variant, options);
}

std::unique_ptr<Encoder> MakeLengthPrefixedEncoder(Variant variant) {
  return std::make_unique<LengthPrefixedEncoder>(variant);
}

}  // namespace wirecheck::framing::internal

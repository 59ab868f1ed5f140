#include "protocols/framing/codec.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "protocols/framing/codec_internal.h"

namespace wirecheck::framing {
namespace {

constexpr Variant kAllVariants[] = {
    Variant::kLine,     Variant::kCrlf,    Variant::kNul,
    Variant::kEscaped,  Variant::kBase64,  Variant::kSentinel,
    Variant::kDecimal8, Variant::kU16be,   Variant::kU32be,
    Variant::kNetstring, Variant::kVarint, Variant::kCobs,
    Variant::kRaw,
};

// raw: no framing. Each Feed() delivers what it was given as one frame.
class RawDecoder : public Decoder {
 public:
  explicit RawDecoder(const DecoderOptions& options)
      : Decoder(Variant::kRaw, options) {}

 private:
  absl::Status Consume(absl::string_view data, FrameSink sink) override {
    if (!data.empty()) Deliver(sink, data, offset() + data.size());
    return absl::OkStatus();
  }
};

class RawEncoder : public Encoder {
 public:
  absl::Status Encode(absl::string_view payload, std::string& out) override {
    out.append(payload.data(), payload.size());
    return absl::OkStatus();
  }
  Variant variant() const override { return Variant::kRaw; }
};

}  // namespace

namespace internal {

void PayloadBuffer::Clear() {
  size_ = 0;
  if (capacity_ > kKeepCapacity) {
    data_.reset();
    capacity_ = 0;
  }
}

void PayloadBuffer::Grow(size_t count) {
  const size_t capacity = std::max({size_ + count, 2 * capacity_, size_t{256}});
  std::unique_ptr<char[]> data(new char[capacity]);
  if (size_ > 0) std::memcpy(data.get(), data_.get(), size_);
  data_ = std::move(data);
  capacity_ = capacity;
}

std::string ByteName(char byte) {
  return absl::StrFormat("0x%02x", static_cast<unsigned char>(byte));
}

absl::Status CannotCarry(Variant variant, absl::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrCat(VariantName(variant), " cannot carry this payload: ", why));
}

}  // namespace internal

absl::Span<const Variant> AllVariants() { return kAllVariants; }

absl::string_view VariantName(Variant variant) {
  switch (variant) {
    case Variant::kLine:
      return "line";
    case Variant::kCrlf:
      return "crlf";
    case Variant::kNul:
      return "nul";
    case Variant::kEscaped:
      return "escaped";
    case Variant::kBase64:
      return "base64";
    case Variant::kSentinel:
      return "sentinel";
    case Variant::kDecimal8:
      return "decimal8";
    case Variant::kU16be:
      return "u16be";
    case Variant::kU32be:
      return "u32be";
    case Variant::kNetstring:
      return "netstring";
    case Variant::kVarint:
      return "varint";
    case Variant::kCobs:
      return "cobs";
    case Variant::kRaw:
      break;
  }
  return "raw";
}

absl::StatusOr<Variant> ParseVariant(absl::string_view name) {
  for (Variant variant : kAllVariants) {
    if (VariantName(variant) == name) return variant;
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "unknown framing \"", name, "\"; expected one of ",
      absl::StrJoin(kAllVariants, ", ", [](std::string* out, Variant v) {
        absl::StrAppend(out, VariantName(v));
      })));
}

bool IsDelimited(Variant variant) {
  switch (variant) {
    case Variant::kLine:
    case Variant::kCrlf:
    case Variant::kNul:
    case Variant::kEscaped:
    case Variant::kBase64:
    case Variant::kSentinel:
    case Variant::kCobs:
      return true;
    default:
      return false;
  }
}

uint64_t FormatMaxPayload(Variant variant) {
  switch (variant) {
    case Variant::kU16be:
      return 0xFFFF;
    case Variant::kU32be:
      return 0xFFFFFFFFu;
    case Variant::kDecimal8:
      return 99999999;
    default:
      return std::numeric_limits<uint64_t>::max();
  }
}

Decoder::Decoder(Variant variant, const DecoderOptions& options)
    : variant_(variant),
      max_frame_size_(std::min(options.max_frame_size, kMaxMaxFrameSize)) {}

absl::Status Decoder::Feed(absl::string_view data, FrameSink sink) {
  if (!error_.ok()) return error_;
  if (!in_place_ && received_end_ > pending_begin_) {
    return absl::FailedPreconditionError(absl::StrCat(
        VariantName(variant_),
        ": Feed() while a frame received in place is in progress"));
  }
  absl::Status status = Consume(data, sink);
  if (!status.ok()) {
    error_ = status;
    return status;
  }
  offset_ += data.size();
  return absl::OkStatus();
}

absl::Span<char> Decoder::ReceiveBuffer(size_t size) {
  const size_t pending = received_end_ - pending_begin_;
  // What a huge frame grew the buffer to is released once it is delivered.
  const bool shrink = pending == 0 &&
                      receive_capacity_ > internal::kKeepCapacity &&
                      receive_capacity_ > 4 * size;
  if (shrink || receive_capacity_ - received_end_ < size) {
    if (!shrink && pending + size <= receive_capacity_) {
      std::memmove(receive_.get(), receive_.get() + pending_begin_, pending);
    } else {
      // Four reads' worth at least, so that the pending frame is moved to
      // the front at most once every few reads.
      const size_t capacity =
          shrink ? 4 * size
                 : std::max({pending + size, 2 * receive_capacity_, 4 * size});
      std::unique_ptr<char[]> buffer(new char[capacity]);
      if (pending > 0) {
        std::memcpy(buffer.get(), receive_.get() + pending_begin_, pending);
      }
      receive_ = std::move(buffer);
      receive_capacity_ = capacity;
    }
    pending_begin_ = 0;
    received_end_ = pending;
  }
  room_ = size;
  return absl::MakeSpan(receive_.get() + received_end_, size);
}

absl::Status Decoder::Received(size_t count, FrameSink sink) {
  if (count > room_) {
    return absl::InvalidArgumentError(
        absl::StrCat(VariantName(variant_), ": Received(", count,
                     ") exceeds the ", room_, " bytes ReceiveBuffer() gave"));
  }
  room_ = 0;
  if (error_.ok() && offset_ - frame_start_ != received_end_ - pending_begin_) {
    return absl::FailedPreconditionError(absl::StrCat(
        VariantName(variant_),
        ": Received() while a frame given to Feed() is in progress"));
  }
  in_place_ = true;
  const absl::Status status =
      Feed(absl::string_view(receive_.get() + received_end_, count), sink);
  in_place_ = false;
  received_end_ += count;
  const size_t pending = status.ok() ? offset_ - frame_start_ : 0;
  pending_begin_ = received_end_ - pending;
  // At a frame boundary the next bytes go to the front: nothing to move.
  // The memory stays until ReceiveBuffer(), so pending() taken before this
  // call still shows the bytes of the frames it completed.
  if (pending == 0) pending_begin_ = received_end_ = 0;
  return status;
}

absl::Status Decoder::ReceivedElsewhere(absl::string_view data,
                                        FrameSink sink) {
  if (received_end_ > pending_begin_) {
    return absl::FailedPreconditionError(absl::StrCat(
        VariantName(variant_),
        ": ReceivedElsewhere() while a frame received in place is pending"));
  }
  if (error_.ok() && offset_ != frame_start_) {
    return absl::FailedPreconditionError(absl::StrCat(
        VariantName(variant_),
        ": ReceivedElsewhere() while a frame given to Feed() is in progress"));
  }
  // Nothing is pending, so `data` starts at a frame boundary and the
  // in-place decoders need no bytes before it; and no view of the buffer
  // is left, so what a huge frame grew it to can go.
  if (receive_capacity_ > internal::kKeepCapacity) {
    receive_.reset();
    receive_capacity_ = 0;
  }
  in_place_ = true;
  const absl::Status status = Feed(data, sink);
  in_place_ = false;
  if (!status.ok()) return status;
  const size_t pending = static_cast<size_t>(offset_ - frame_start_);
  if (pending > 0) {
    const absl::Span<char> room = ReceiveBuffer(pending);
    std::memcpy(room.data(), data.data() + data.size() - pending, pending);
    received_end_ += pending;
    room_ = 0;
  }
  return status;
}

absl::Status Decoder::Finish() {
  if (!error_.ok()) return error_;
  if (in_frame()) {
    error_offset_ = frame_start_;
    error_ = absl::DataLossError(absl::StrCat(
        VariantName(variant_), ": truncated frame: the stream ended at offset ",
        offset_, " inside the frame that starts at offset ", frame_start_,
        " (", offset_ - frame_start_, " bytes of it received)"));
  }
  return error_;
}

absl::Status Decoder::Malformed(uint64_t at, absl::string_view what) {
  error_offset_ = at;
  return absl::InvalidArgumentError(absl::StrCat(
      VariantName(variant_), ": malformed at offset ", at, ": ", what));
}

absl::Status Decoder::Oversized(absl::string_view what) {
  error_offset_ = frame_start_;
  return absl::ResourceExhaustedError(absl::StrCat(
      VariantName(variant_), ": the frame at offset ", frame_start_, " ", what,
      "; the maximum frame size is ", max_frame_size_, " bytes"));
}

std::unique_ptr<Decoder> MakeDecoder(Variant variant,
                                     const DecoderOptions& options) {
  switch (variant) {
    case Variant::kLine:
    case Variant::kNul:
      return internal::MakeTerminatedDecoder(variant, options);
    case Variant::kCrlf:
      return internal::MakeCrlfDecoder(options);
    case Variant::kEscaped:
      return internal::MakeEscapedDecoder(options);
    case Variant::kBase64:
      return internal::MakeBase64Decoder(options);
    case Variant::kSentinel:
      return internal::MakeSentinelDecoder(options);
    case Variant::kDecimal8:
    case Variant::kU16be:
    case Variant::kU32be:
    case Variant::kNetstring:
    case Variant::kVarint:
      return internal::MakeLengthPrefixedDecoder(variant, options);
    case Variant::kCobs:
      return internal::MakeCobsDecoder(options);
    case Variant::kRaw:
      break;
  }
  return std::make_unique<RawDecoder>(options);
}

std::unique_ptr<Encoder> MakeEncoder(Variant variant,
                                     const EncoderOptions& options) {
  switch (variant) {
    case Variant::kLine:
    case Variant::kCrlf:
    case Variant::kNul:
    case Variant::kEscaped:
    case Variant::kBase64:
      return internal::MakeDelimitedEncoder(variant);
    case Variant::kSentinel:
      return internal::MakeSentinelEncoder(options);
    case Variant::kDecimal8:
    case Variant::kU16be:
    case Variant::kU32be:
    case Variant::kNetstring:
    case Variant::kVarint:
      return internal::MakeLengthPrefixedEncoder(variant);
    case Variant::kCobs:
      return internal::MakeCobsEncoder();
    case Variant::kRaw:
      break;
  }
  return std::make_unique<RawEncoder>();
}

absl::StatusOr<std::string> EncodeFrame(Variant variant,
                                        absl::string_view payload,
                                        const EncoderOptions& options) {
  std::string frame;
  absl::Status status = MakeEncoder(variant, options)->Encode(payload, frame);
  if (!status.ok()) return status;
  return frame;
}

DecodedStream DecodeAll(Variant variant, absl::string_view stream,
                        const DecoderOptions& options) {
  DecodedStream result;
  std::unique_ptr<Decoder> decoder = MakeDecoder(variant, options);
  result.status = decoder->Feed(stream, [&](const Frame& frame) {
    result.payloads.emplace_back(frame.payload);
  });
  if (result.status.ok()) result.status = decoder->Finish();
  result.error_offset = decoder->error_offset();
  return result;
}

}  // namespace wirecheck::framing

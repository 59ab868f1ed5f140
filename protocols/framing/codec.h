// Streaming encoders and decoders for every framing variant in SPEC.md: the
// ways to carry variable-length messages over a byte stream.
//
//   std::unique_ptr<Decoder> decoder = MakeDecoder(Variant::kU32be);
//   while (reading) {
//     absl::Status status = decoder->Feed(chunk, [&](const Frame& frame) {
//       Handle(frame.payload);  // valid only during the callback
//     });
//     if (!status.ok()) ...     // malformed or oversized: stop reading
//   }
//   absl::Status end = decoder->Finish();  // DATA_LOSS if EOF cut a frame
//
// Decoders are chunking-independent: feeding a stream in any pieces (one
// byte at a time, or all at once) delivers exactly the same frames and ends
// with exactly the same error at the same stream offset. "Need more bytes"
// is not an error: Feed() keeps the partial frame and returns OK.
//
// Errors name the variant, what was wrong and the stream offset (bytes from
// the start of the stream, counting from 0):
//   INVALID_ARGUMENT    malformed input; error_offset() is the offending
//                       byte's offset;
//   RESOURCE_EXHAUSTED  a frame larger than the maximum frame size (a length
//                       prefix announcing more, or no delimiter in time);
//                       error_offset() is the frame's first byte. A length
//                       prefix is rejected as soon as it is complete, before
//                       anything is allocated;
//   DATA_LOSS           (from Finish) the stream ended inside a frame;
//                       error_offset() is that frame's first byte.
// SPEC.md states exactly which byte triggers each error.
//
// Copies: a frame that arrives within one Feed() call and needs no
// transformation (line, crlf, nul, escaped without escapes, sentinel, the
// length-prefixed variants, single-block cobs, raw) is delivered as a view
// into the caller's bytes, without copying. A frame spanning Feed() calls is
// copied once into the decoder's buffer, unless the caller receives in place
// (Decoder::ReceiveBuffer) and the variant is line, crlf, nul or
// length-prefixed; escaped, base64 and multi-block cobs payloads are decoded
// into it. Between frames a decoder keeps at most 256 KiB of buffer; what a
// larger frame needed is released once delivered.
#ifndef WIRECHECK_PROTOCOLS_FRAMING_CODEC_H_
#define WIRECHECK_PROTOCOLS_FRAMING_CODEC_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace wirecheck::framing {

// The framing variants, as named on the command line (VariantName).
enum class Variant {
  kLine,       // payload, LF
  kCrlf,       // payload, CR LF
  kNul,        // payload, 0x00
  kEscaped,    // payload with \ and LF escaped, LF
  kBase64,     // base64(payload), LF
  kSentinel,   // D, LF, payload, D
  kDecimal8,   // 8 ASCII digits, payload
  kU16be,      // 2-byte big-endian length, payload
  kU32be,      // 4-byte big-endian length, payload
  kNetstring,  // decimal length, ':', payload, ','
  kVarint,     // LEB128 length, payload
  kCobs,       // COBS(payload), 0x00
  kRaw,        // no framing: whatever arrives
};

// Every variant, in the order above.
absl::Span<const Variant> AllVariants();

// "line", "crlf", ..., "raw".
absl::string_view VariantName(Variant variant);

// The variant named `name`. Errors: INVALID_ARGUMENT listing the names.
absl::StatusOr<Variant> ParseVariant(absl::string_view name);

// True for the variants whose frames end at a delimiter (line, crlf, nul,
// escaped, base64, sentinel, cobs); false for the length-prefixed ones and
// raw.
bool IsDelimited(Variant variant);

// The largest payload the variant's format can carry at all: 65,535 for
// u16be, 2^32-1 for u32be, 99,999,999 for decimal8, unlimited (UINT64_MAX)
// otherwise.
uint64_t FormatMaxPayload(Variant variant);

// The default maximum frame size (payload bytes) of every decoder: 1 MiB.
inline constexpr size_t kDefaultMaxFrameSize = 1 << 20;
// The largest maximum frame size a decoder accepts (larger values are
// clamped to it): 1 TiB, far above anything memory allows, low enough that
// length arithmetic never overflows.
inline constexpr size_t kMaxMaxFrameSize = size_t{1} << 40;

struct DecoderOptions {
  // The largest payload accepted, in bytes (decoded bytes for escaped,
  // base64 and cobs). Larger frames are errors, detected before the
  // decoder buffers more than this (plus the delimiter's length).
  size_t max_frame_size = kDefaultMaxFrameSize;
};

// One decoded frame.
struct Frame {
  // The payload. Points into the bytes given to Feed() or into the
  // decoder's buffer: valid only during the callback.
  absl::string_view payload;
  // Stream offset of the frame's first byte.
  uint64_t offset = 0;
  // Bytes the frame occupies in the stream, header and delimiter included.
  uint64_t wire_size = 0;
};

// A streaming decoder for one variant and one stream. Not thread-safe.
class Decoder {
 public:
  using FrameSink = absl::FunctionRef<void(const Frame&)>;

  virtual ~Decoder() = default;
  Decoder(const Decoder&) = delete;
  Decoder& operator=(const Decoder&) = delete;

  // Consumes the stream's next bytes and calls `sink` for each frame they
  // complete, in order. Returns OK when every byte was consumed (a partial
  // frame is kept for the next call), or the first error; frames before the
  // error have been delivered. Errors are sticky: after one, Feed() and
  // Finish() return it again and deliver nothing.
  absl::Status Feed(absl::string_view data, FrameSink sink);

  // Declares the end of the stream. Returns OK at a frame boundary, DATA_LOSS
  // ("truncated frame ...") when the stream ended inside a frame, or the
  // earlier error.
  absl::Status Finish();

  // Receiving in place, for a caller that reads the stream itself: rather
  // than Feed() bytes it read into a buffer of its own, it reads them
  // straight into the decoder's:
  //
  //   absl::Span<char> room = decoder->ReceiveBuffer(64 * 1024);
  //   ssize_t n = read(fd, room.data(), room.size());
  //   absl::Status status = decoder->Received(n, sink);
  //
  // The decoder keeps the received bytes of the frame in progress where
  // they landed (pending()), so line, crlf, nul and the length-prefixed
  // variants deliver a frame that spans reads from there instead of
  // copying it as it arrives; the others copy or decode as with Feed().
  // Frames, errors and offsets are exactly those Feed() gives for the same
  // bytes. Use either Feed() or this on one decoder: mixing them is
  // FAILED_PRECONDITION while a frame is in progress.

  // Room for `size` more bytes, valid until Received() or the next
  // ReceiveBuffer(); it may move the bytes pending() showed. The buffer
  // holds at most the frame in progress (bounded by the maximum frame
  // size) and the room asked for.
  absl::Span<char> ReceiveBuffer(size_t size);

  // Decodes the first `count` bytes written into the room the last
  // ReceiveBuffer() gave, as Feed() would. Errors: those of Feed(), and
  // INVALID_ARGUMENT (not sticky) when `count` exceeds that room.
  absl::Status Received(size_t count, FrameSink sink);

  // Decodes `data`, which the caller received into a buffer of its own, as
  // Received() would have had it been read into ReceiveBuffer(): frames it
  // completes are delivered in place from `data`, and the bytes of a frame
  // left in progress are copied into the decoder's buffer (pending()), so
  // that the next reads can land after them. For a reader that uses its
  // own buffer between frames and the decoder's while a frame is pending.
  // Errors: those of Feed(), and FAILED_PRECONDITION (not sticky) unless
  // pending() is empty.
  absl::Status ReceivedElsewhere(absl::string_view data, FrameSink sink);

  // The received bytes of the frame in progress, from its first byte, in
  // the decoder's buffer (offset() - pending().size() is its stream
  // offset). Valid until the next ReceiveBuffer(), Received() included: the
  // bytes received after them follow them in memory, so pending() taken
  // before Received() and extended by what it consumed shows the stream
  // exactly. Empty when receiving in place is not used.
  absl::string_view pending() const {
    return absl::string_view(receive_.get() + pending_begin_,
                             received_end_ - pending_begin_);
  }

  Variant variant() const { return variant_; }
  size_t max_frame_size() const { return max_frame_size_; }
  // Bytes consumed so far: the stream offset of the next byte to feed.
  uint64_t offset() const { return offset_; }
  // True when bytes of an incomplete frame have been consumed.
  bool in_frame() const { return offset_ > frame_start_; }
  // OK, or the error that stopped decoding.
  const absl::Status& status() const { return error_; }
  // The stream offset the error names (see the file comment); 0 when OK.
  uint64_t error_offset() const { return error_offset_; }

 protected:
  Decoder(Variant variant, const DecoderOptions& options);

  // Decodes all of `data`, which starts at stream offset offset(), calling
  // Deliver() for each complete frame; returns the result of Malformed() or
  // Oversized() on the first error.
  virtual absl::Status Consume(absl::string_view data, FrameSink sink) = 0;

  // Reports the frame that ends just before stream offset `end`.
  void Deliver(FrameSink sink, absl::string_view payload, uint64_t end) {
    sink(Frame{payload, frame_start_, end - frame_start_});
    frame_start_ = end;
  }
  // The error for malformed input at stream offset `at`.
  absl::Status Malformed(uint64_t at, absl::string_view what);
  // The error for the current frame exceeding the maximum; `what` says how
  // ("announces 5000 bytes", "has no LF within ...").
  absl::Status Oversized(absl::string_view what);
  // Stream offset of the current frame's first byte.
  uint64_t frame_start() const { return frame_start_; }
  // True while Consume() decodes bytes given to Received() or
  // ReceivedElsewhere(): the current frame's bytes that earlier calls
  // consumed then lie just before `data` in memory (offset() -
  // frame_start() of them), and stay there until the frame has been
  // delivered.
  bool in_place() const { return in_place_; }

 private:
  const Variant variant_;
  const size_t max_frame_size_;
  uint64_t offset_ = 0;
  uint64_t frame_start_ = 0;
  absl::Status error_;
  uint64_t error_offset_ = 0;

  // Receiving in place: the frame in progress is at [pending_begin_,
  // received_end_) of receive_, the room last given after it.
  std::unique_ptr<char[]> receive_;
  size_t receive_capacity_ = 0;
  size_t pending_begin_ = 0;
  size_t received_end_ = 0;
  size_t room_ = 0;
  bool in_place_ = false;
};

// A decoder for `variant`.
std::unique_ptr<Decoder> MakeDecoder(Variant variant,
                                     const DecoderOptions& options = {});

struct EncoderOptions {
  // sentinel: the delimiter to use ([A-Za-z0-9_-], 1 to 64 bytes). Empty:
  // choose a random one per frame that the payload cannot end early.
  std::string sentinel;
  // sentinel: seeds the random delimiters, so a seed repeats them.
  uint64_t seed = 0;
};

// Encodes payloads as frames of one variant. Not thread-safe.
class Encoder {
 public:
  virtual ~Encoder() = default;

  // Appends one frame carrying `payload` to `out`. Errors: INVALID_ARGUMENT
  // naming the variant and why, when the variant cannot carry the payload
  // (an LF in a line payload, more bytes than the length field holds, the
  // chosen sentinel occurring in it); `out` is then unchanged.
  virtual absl::Status Encode(absl::string_view payload, std::string& out) = 0;

  virtual Variant variant() const = 0;
};

// An encoder for `variant`.
std::unique_ptr<Encoder> MakeEncoder(Variant variant,
                                     const EncoderOptions& options = {});

// One frame carrying `payload`: MakeEncoder(variant, options)->Encode().
absl::StatusOr<std::string> EncodeFrame(Variant variant,
                                        absl::string_view payload,
                                        const EncoderOptions& options = {});

// Everything a whole stream decodes to.
struct DecodedStream {
  std::vector<std::string> payloads;
  // OK, or the error (Finish() included) after the payloads.
  absl::Status status;
  uint64_t error_offset = 0;
};

// Decodes `stream` in one Feed() and a Finish().
DecodedStream DecodeAll(Variant variant, absl::string_view stream,
                        const DecoderOptions& options = {});

}  // namespace wirecheck::framing

#endif  // WIRECHECK_PROTOCOLS_FRAMING_CODEC_H_

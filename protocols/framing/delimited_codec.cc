// line, crlf, nul and escaped: frames that end at LF or 0x00. Delimiters are
// found with memchr or byte_scan.h; a frame inside one Feed() is delivered
// without copying.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "protocols/framing/codec.h"
#include "protocols/framing/codec_internal.h"

namespace wirecheck::framing::internal {
namespace {

const char* FindByte(const char* data, size_t size, char byte) {
  return static_cast<const char*>(std::memchr(data, byte, size));
}

// line (LF) and nul (0x00): every byte but the terminator is payload.
class TerminatedDecoder : public Decoder {
 public:
  TerminatedDecoder(Variant variant, const DecoderOptions& options)
      : Decoder(variant, options),
        terminator_(variant == Variant::kNul ? '\0' : '\n') {}

 private:
  absl::Status Consume(absl::string_view data, FrameSink sink) override {
    if (in_place()) return ConsumeInPlace(data, sink);
    const char* const p = data.data();
    const size_t n = data.size();
    size_t pos = 0;
    while (pos < n) {
      const size_t room = max_frame_size() - buffer_.size();
      const size_t window = Window(n - pos, room);
      // A frame that began in an earlier Feed(), or that probably continues
      // in the next one (fewer bytes are left than the last frame had), is
      // scanned and copied in one pass; others are scanned, and delivered
      // in place.
      const bool began_earlier = !buffer_.empty();
      const bool copied = began_earlier || n - pos < last_length_;
      size_t length;
      if (copied) {
        length = CopyUntilEither(p + pos, window, terminator_, terminator_,
                                 buffer_.Reserve(window));
        buffer_.Commit(std::min(length, room));
      } else {
        const char* end = FindByte(p + pos, window, terminator_);
        length = end != nullptr ? end - (p + pos) : window;
        if (length == window && window <= room) buffer_.Append(p + pos, length);
      }
      if (length == window) {
        if (window > room) return TooLong();
        return absl::OkStatus();
      }
      const absl::string_view payload =
          began_earlier ? buffer_.view() : absl::string_view(p + pos, length);
      last_length_ = payload.size();
      Deliver(sink, payload, offset() + pos + length + 1);
      if (copied) buffer_.Clear();
      pos += length + 1;
    }
    return absl::OkStatus();
  }

  // Consume() on bytes received in place: the payload begun in earlier
  // calls lies just before `data`, so nothing is copied.
  absl::Status ConsumeInPlace(absl::string_view data, FrameSink sink) {
    const char* const p = data.data();
    const size_t n = data.size();
    size_t earlier = offset() - frame_start();
    size_t pos = 0;
    while (pos < n) {
      const size_t room = max_frame_size() - earlier;
      const size_t window = Window(n - pos, room);
      const char* end = FindByte(p + pos, window, terminator_);
      if (end == nullptr) {
        if (window > room) return TooLong();
        return absl::OkStatus();
      }
      const size_t length = end - (p + pos);
      Deliver(sink, absl::string_view(p + pos - earlier, earlier + length),
              offset() + pos + length + 1);
      pos += length + 1;
      earlier = 0;
    }
    return absl::OkStatus();
  }

  absl::Status TooLong() {
    return Oversized(absl::StrCat("has no ", TerminatorName(), " within ",
                                  max_frame_size(), " payload bytes"));
  }

  absl::string_view TerminatorName() const {
    return terminator_ == '\n' ? "LF" : "0x00";
  }

  const char terminator_;
  // The payload received so far of a frame spanning Feed() calls.
  PayloadBuffer buffer_;
  // The payload size of the last frame delivered.
  size_t last_length_ = 0;
};

// crlf: payload, CR, LF; a CR or LF anywhere else is malformed. One scan
// finds the first CR or LF, which must be the frame's CR followed by LF.
class CrlfDecoder : public Decoder {
 public:
  explicit CrlfDecoder(const DecoderOptions& options)
      : Decoder(Variant::kCrlf, options) {}

 private:
  absl::Status Consume(absl::string_view data, FrameSink sink) override {
    if (in_place()) return ConsumeInPlace(data, sink);
    const char* const p = data.data();
    const size_t n = data.size();
    size_t pos = 0;
    if (cr_pending_ && n > 0) {
      // The frame's content ended with CR in an earlier Feed().
      if (p[0] != '\n') return BareCr(offset() - 1);
      cr_pending_ = false;
      DeliverBuffered(sink, offset() + 1);
      pos = 1;
    }
    while (pos < n) {
      const size_t room = max_frame_size() - buffer_.size();
      const size_t window = Window(n - pos, room);
      // As in TerminatedDecoder: a frame that began earlier or probably
      // continues in the next Feed() is scanned and copied in one pass.
      // (The two loops stay separate: one scanner class shared by both
      // made them 15-25% slower on 64-byte frames.)
      const bool began_earlier = !buffer_.empty();
      const bool copied = began_earlier || n - pos < last_length_;
      size_t length;
      if (copied) {
        length = CopyUntilEither(p + pos, window, '\r', '\n',
                                 buffer_.Reserve(window));
        buffer_.Commit(std::min(length, room));
      } else {
        length = FindEither(p + pos, window, '\r', '\n');
      }
      if (length == window) {
        if (window > room) return TooLong();
        if (!copied) buffer_.Append(p + pos, length);
        return absl::OkStatus();
      }
      const size_t at = pos + length;
      if (p[at] == '\n') return BareLf(offset() + at);
      if (at + 1 == n) {
        if (!copied) buffer_.Append(p + pos, length);
        cr_pending_ = true;
        return absl::OkStatus();
      }
      if (p[at + 1] != '\n') return BareCr(offset() + at);
      if (began_earlier) {
        DeliverBuffered(sink, offset() + at + 2);
      } else {
        last_length_ = length;
        Deliver(sink, absl::string_view(p + pos, length), offset() + at + 2);
        if (copied) buffer_.Clear();
      }
      pos = at + 2;
    }
    return absl::OkStatus();
  }

  void DeliverBuffered(FrameSink sink, uint64_t end) {
    last_length_ = buffer_.size();
    Deliver(sink, buffer_.view(), end);
    buffer_.Clear();
  }

  // Consume() on bytes received in place: the payload begun in earlier
  // calls (and its CR, when cr_pending_) lies just before `data`, so
  // nothing is copied.
  absl::Status ConsumeInPlace(absl::string_view data, FrameSink sink) {
    const char* const p = data.data();
    const size_t n = data.size();
    size_t earlier = offset() - frame_start();
    size_t pos = 0;
    if (cr_pending_ && n > 0) {
      if (p[0] != '\n') return BareCr(offset() - 1);
      cr_pending_ = false;
      Deliver(sink, absl::string_view(p - earlier, earlier - 1), offset() + 1);
      pos = 1;
      earlier = 0;
    }
    while (pos < n) {
      const size_t room = max_frame_size() - earlier;
      const size_t window = Window(n - pos, room);
      const size_t length = FindEither(p + pos, window, '\r', '\n');
      if (length == window) {
        if (window > room) return TooLong();
        return absl::OkStatus();
      }
      const size_t at = pos + length;
      if (p[at] == '\n') return BareLf(offset() + at);
      if (at + 1 == n) {
        cr_pending_ = true;
        return absl::OkStatus();
      }
      if (p[at + 1] != '\n') return BareCr(offset() + at);
      Deliver(sink, absl::string_view(p + pos - earlier, earlier + length),
              offset() + at + 2);
      pos = at + 2;
      earlier = 0;
    }
    return absl::OkStatus();
  }

  absl::Status TooLong() {
    return Oversized(absl::StrCat("has no CR LF within ", max_frame_size(),
                                  " payload bytes"));
  }

  absl::Status BareLf(uint64_t at) {
    return Malformed(at, "LF not preceded by CR (a bare LF)");
  }

  absl::Status BareCr(uint64_t at) {
    return Malformed(at, "CR not followed by LF (a bare CR)");
  }

  // The payload received so far of a frame spanning Feed() calls.
  PayloadBuffer buffer_;
  // The payload size of the last frame delivered.
  size_t last_length_ = 0;
  // The last byte consumed was the frame's CR; LF must follow.
  bool cr_pending_ = false;
};

// escaped: LF ends the frame; in the payload "\\" is a backslash and "\n"
// (backslash, 'n') a newline. Any other escape is malformed. Frames within
// 128 bytes are decoded many at a time, in one pass; for a longer one, one
// scan finds both LF and backslashes, and without escapes it is delivered
// in place.
class EscapedDecoder : public Decoder {
 public:
  explicit EscapedDecoder(const DecoderOptions& options)
      : Decoder(Variant::kEscaped, options) {}

 private:
  absl::Status Consume(absl::string_view data, FrameSink sink) override {
    const char* const p = data.data();
    const size_t n = data.size();
    size_t pos = 0;
    while (pos < n) {
      if (offset() + pos == frame_start()) {
        if (after_short_frame_) {
          ShortFrame frames[kShortFrames];
          const size_t decoded =
              DecodeShortEscapedFrames(p + pos, n - pos, max_frame_size(),
                                       scratch_, frames, kShortFrames);
          for (size_t i = 0; i < decoded; ++i) {
            Deliver(sink, absl::string_view(frames[i].payload, frames[i].size),
                    offset() + pos + frames[i].end);
          }
          if (decoded > 0) {
            pos += frames[decoded - 1].end;
            continue;
          }
        }
        // A new frame: up to its first LF or backslash it is verbatim.
        const size_t window = Window(n - pos, max_frame_size());
        const size_t k = FindEither(p + pos, window, '\n', '\\');
        if (k < window && p[pos + k] == '\n') {
          DeliverDecoded(sink, absl::string_view(p + pos, k),
                         offset() + pos + k + 1);
          pos += k + 1;
          continue;
        }
        if (k > max_frame_size()) return TooLong();
        payload_.Append(p + pos, k);
        pos += k;
        if (pos == n) return absl::OkStatus();
      }
      // In steps, so the room reserved for the output stays small however
      // large the input (the decoder is chunking-independent, so this
      // changes nothing else).
      bool complete = false;
      if (absl::Status status =
              Unescape(p, pos, std::min(n, pos + kUnescapeStep), complete);
          !status.ok()) {
        return status;
      }
      if (!complete) continue;
      DeliverDecoded(sink, payload_.view(), offset() + pos);
      payload_.Clear();
    }
    return absl::OkStatus();
  }

  // Delivers a frame that the general path decoded, noting whether it was
  // short.
  void DeliverDecoded(FrameSink sink, absl::string_view payload, uint64_t end) {
    after_short_frame_ = end - frame_start() <= kShortFrame;
    Deliver(sink, payload, end);
  }

  // Decodes from p[pos] onto payload_ up to the frame's LF (then sets
  // `complete` and moves `pos` past it) or the end of p[0, n).
  absl::Status Unescape(const char* p, size_t& pos, size_t n, bool& complete) {
    const char* q = p + pos;
    const char* const e = p + n;
    if (escape_pending_) {
      // The backslash was accepted with room for the byte it stands for.
      escape_pending_ = false;
      if (absl::Status status = ResolveEscape(*q, escape_offset_);
          !status.ok()) {
        return status;
      }
      ++q;
    }
    // Every input byte yields at most one output byte; the bulk loop may
    // write 64 bytes past what it produces.
    const size_t room = max_frame_size() - payload_.size();
    const size_t reserved = std::min<size_t>(e - q, room) + 64;
    char* const out = payload_.Reserve(reserved);
    char* o = out;
    absl::Status status;
    while (q < e) {
      const BulkProgress bulk =
          UnescapeRun(q, e - q, o, std::min(room, reserved) - (o - out));
      q += bulk.consumed;
      o += bulk.produced;
      if (q == e) break;
      const size_t left = room - (o - out);
      const size_t span = std::min<size_t>(e - q, left);
      const size_t copied = CopyUntilEither(q, span, '\n', '\\', o);
      o += copied;
      q += copied;
      if (q == e) break;
      if (*q == '\n') {
        complete = true;
        ++q;
        break;
      }
      // A byte arriving when the payload is full (an escape's backslash
      // included) makes the frame too long.
      if (copied == span && span == left) {
        status = TooLong();
        break;
      }
      if (q + 1 == e) {
        escape_pending_ = true;
        escape_offset_ = offset() + (q - p);
        ++q;
        break;
      }
      if (q[1] == '\\') {
        *o++ = '\\';
      } else if (q[1] == 'n') {
        *o++ = '\n';
      } else {
        status = InvalidEscape(q[1], offset() + (q - p));
        break;
      }
      q += 2;
    }
    payload_.Commit(o - out);
    pos = q - p;
    return status;
  }

  // Appends what backslash + `byte` stands for.
  absl::Status ResolveEscape(char byte, uint64_t backslash_offset) {
    if (byte == '\\') {
      payload_.PushBack('\\');
    } else if (byte == 'n') {
      payload_.PushBack('\n');
    } else {
      return InvalidEscape(byte, backslash_offset);
    }
    return absl::OkStatus();
  }

  absl::Status InvalidEscape(char byte, uint64_t backslash_offset) {
    if (byte == '\n') {
      return Malformed(backslash_offset, "backslash at the end of the frame");
    }
    return Malformed(backslash_offset,
                     absl::StrCat("invalid escape: backslash followed by ",
                                  ByteName(byte)));
  }

  absl::Status TooLong() {
    return Oversized(absl::StrCat("decodes to more than ", max_frame_size(),
                                  " payload bytes before its LF"));
  }

  static constexpr size_t kUnescapeStep = 64 * 1024;

  // The decoded payload of a frame that spans Feed() calls or has escapes.
  PayloadBuffer payload_;
  // How many short frames are decoded per call, and where their
  // unescaped payloads are while they are delivered.
  static constexpr size_t kShortFrames = 16;
  char scratch_[ShortFramesScratch(kShortFrames)];
  // Whether the last frame was within kShortFrame bytes. Long frames
  // usually follow long ones, and on them DecodeShortEscapedFrames would
  // decode two chunks only to give up.
  bool after_short_frame_ = true;
  // The last byte consumed was a backslash (at escape_offset_).
  bool escape_pending_ = false;
  uint64_t escape_offset_ = 0;
};

class DelimitedEncoder : public Encoder {
 public:
  explicit DelimitedEncoder(Variant variant) : variant_(variant) {}

  absl::Status Encode(absl::string_view payload, std::string& out) override {
    switch (variant_) {
      case Variant::kLine:
        if (payload.find('\n') != payload.npos) {
          return CannotCarry(variant_, "it contains LF");
        }
        absl::StrAppend(&out, payload, "\n");
        break;
      case Variant::kCrlf:
        if (payload.find_first_of("\r\n") != payload.npos) {
          return CannotCarry(variant_, "it contains CR or LF");
        }
        absl::StrAppend(&out, payload, "\r\n");
        break;
      case Variant::kNul:
        if (payload.find('\0') != payload.npos) {
          return CannotCarry(variant_, "it contains 0x00");
        }
        out.append(payload.data(), payload.size());
        out.push_back('\0');
        break;
      case Variant::kEscaped:
        out.reserve(out.size() + payload.size() + 1);
        for (char byte : payload) {
          if (byte == '\\') {
            out.append("\\\\");
          } else if (byte == '\n') {
            out.append("\\n");
          } else {
            out.push_back(byte);
          }
        }
        out.push_back('\n');
        break;
      default:  // base64
        absl::StrAppend(&out, absl::Base64Escape(payload), "\n");
        break;
    }
    return absl::OkStatus();
  }

  Variant variant() const override { return variant_; }

 private:
  const Variant variant_;
};

}  // namespace

std::unique_ptr<Decoder> MakeTerminatedDecoder(Variant variant,
                                               const DecoderOptions& options) {
  return std::make_unique<TerminatedDecoder>(variant, options);
}

std::unique_ptr<Decoder> MakeCrlfDecoder(const DecoderOptions& options) {
  return std::make_unique<CrlfDecoder>(options);
}

std::unique_ptr<Decoder> MakeEscapedDecoder(const DecoderOptions& options) {
  return std::make_unique<EscapedDecoder>(options);
}

std::unique_ptr<Encoder> MakeDelimitedEncoder(Variant variant) {
  return std::make_unique<DelimitedEncoder>(variant);
}

}  // namespace wirecheck::framing::internal

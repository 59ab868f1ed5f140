// cobs: Consistent Overhead Byte Stuffing (Cheshire and Baker, 1999), each
// frame ended by 0x00. A frame is a run of blocks: a code byte c (1 to 255),
// then c - 1 data bytes; a block with c < 255 that is not the frame's last
// stands for its data followed by one 0x00.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "protocols/framing/byte_scan.h"
#include "protocols/framing/codec.h"
#include "protocols/framing/codec_internal.h"

namespace wirecheck::framing::internal {
namespace {

class CobsDecoder : public Decoder {
 public:
  explicit CobsDecoder(const DecoderOptions& options)
      : Decoder(Variant::kCobs, options) {}

 private:
  absl::Status Consume(absl::string_view data, FrameSink sink) override {
    const unsigned char* const p =
        reinterpret_cast<const unsigned char*>(data.data());
    const size_t n = data.size();
    size_t pos = 0;
    while (pos < n) {
      if (remaining_ > 0) {
        // Data bytes: copied while checking that none is 0x00, which would
        // end the frame inside the block.
        const size_t take = std::min<size_t>(remaining_, n - pos);
        const size_t room = max_frame_size() - payload_.size();
        const size_t span = std::min(take, room);
        const char* const from = reinterpret_cast<const char*>(p + pos);
        char* const out = payload_.Reserve(span);
        const size_t i = CopyUntilEither(from, span, '\0', '\0', out);
        payload_.Commit(i);
        // The copy stopped at a 0x00, or with the payload full; then the
        // next byte decides: 0x00 is malformed, data one byte too many.
        size_t zero_at = take;
        if (i < span) {
          zero_at = i;
        } else if (take > span && from[span] == 0) {
          zero_at = span;
        }
        if (zero_at < take) {
          return Malformed(offset() + pos + zero_at,
                           absl::StrCat("0x00 inside a block that has ",
                                        remaining_ - zero_at,
                                        " more data bytes to come"));
        }
        if (take > room) return TooLong();
        remaining_ -= take;
        pos += take;
        continue;
      }
      const unsigned char code = p[pos];
      if (code == 0) {
        if (!in_block_run_) return Malformed(offset() + pos, "empty frame");
        // Long frames usually follow long ones, and on them
        // DecodeShortCobsFrames would scan 256 bytes only to give up.
        after_short_frame_ = offset() + pos + 1 - frame_start() <= 256;
        Deliver(sink, payload_.view(), offset() + pos + 1);
        payload_.Clear();
        in_block_run_ = false;
        ++pos;
        continue;
      }
      if (!in_block_run_ && after_short_frame_) {
        const size_t consumed = DeliverShortFrames(p, pos, n, sink);
        if (consumed > 0) {
          pos += consumed;
          continue;
        }
      }
      // A frame of one block, all here, delivered in place.
      if (!in_block_run_ && pos + code < n && p[pos + code] == 0 &&
          code - 1u <= max_frame_size() &&
          std::memchr(p + pos + 1, 0, code - 1) == nullptr) {
        Deliver(sink,
                absl::string_view(reinterpret_cast<const char*>(p + pos + 1),
                                  code - 1),
                offset() + pos + code + 1);
        pos += code + 1;
        after_short_frame_ = true;
        continue;
      }
      // Whole blocks in bulk where the CPU allows; what stops it (a
      // frame's end, a block split across reads, an error) is handled here.
      // Each block yields at most as many bytes as it occupies; steps keep
      // the room reserved small.
      const size_t room = std::min(
          {n - pos, max_frame_size() - payload_.size(), kBulkStep});
      bool zero_pending = in_block_run_ && last_code_ < 0xFF;
      const BulkProgress bulk =
          CobsBlocksRun(p + pos, n - pos,
                        payload_.Reserve(room + kCobsRunSlack), room,
                        zero_pending, last_code_);
      if (bulk.consumed > 0) {
        payload_.Commit(bulk.produced);
        in_block_run_ = true;
        pos += bulk.consumed;
        continue;
      }
      if (in_block_run_ && last_code_ < 0xFF) {
        // The previous block's implied 0x00.
        if (payload_.size() == max_frame_size()) return TooLong();
        payload_.PushBack('\0');
      }
      in_block_run_ = true;
      last_code_ = code;
      remaining_ = code - 1;
      ++pos;
    }
    return absl::OkStatus();
  }

  // Decodes and delivers the short frames that start at p[pos] (and end
  // before p[n]); returns the bytes they took. Out of line, so that
  // Consume()'s loop over long frames keeps its registers.
  __attribute__((noinline)) size_t DeliverShortFrames(const unsigned char* p,
                                                      size_t pos, size_t n,
                                                      FrameSink sink) {
    ShortFrame frames[kShortFrames];
    const size_t decoded = DecodeShortCobsFrames(
        p + pos, n - pos, max_frame_size(), scratch_, frames, kShortFrames);
    for (size_t i = 0; i < decoded; ++i) {
      Deliver(sink, absl::string_view(frames[i].payload, frames[i].size),
              offset() + pos + frames[i].end);
    }
    return decoded > 0 ? frames[decoded - 1].end : 0;
  }

  absl::Status TooLong() {
    return Oversized(absl::StrCat("decodes to more than ", max_frame_size(),
                                  " payload bytes"));
  }

  static constexpr size_t kBulkStep = 16 * 1024;
  static constexpr size_t kShortFrames = 16;

  // Whether the last frame had its 0x00 within 256 bytes.
  bool after_short_frame_ = true;
  // The current frame has started: at least one code byte was read.
  bool in_block_run_ = false;
  unsigned char last_code_ = 0;
  // Data bytes still to come in the current block.
  size_t remaining_ = 0;
  // The decoded payload so far.
  PayloadBuffer payload_;
  // Where short frames of several blocks are while they are delivered,
  // kShortFrames at a time.
  char scratch_[ShortFramesScratch(kShortFrames)];
};

class CobsEncoder : public Encoder {
 public:
  absl::Status Encode(absl::string_view payload, std::string& out) override {
    out.reserve(out.size() + payload.size() + payload.size() / 254 + 2);
    size_t code_at = out.size();
    out.push_back('\x01');
    unsigned char code = 1;
    for (size_t i = 0; i < payload.size(); ++i) {
      if (payload[i] == '\0') {
        out[code_at] = static_cast<char>(code);
        code_at = out.size();
        out.push_back('\x01');
        code = 1;
        continue;
      }
      out.push_back(payload[i]);
      if (++code == 0xFF) {
        out[code_at] = static_cast<char>(code);
        if (i + 1 == payload.size()) {
          // 254 data bytes end the payload: no empty block follows.
          out.push_back('\0');
          return absl::OkStatus();
        }
        code_at = out.size();
        out.push_back('\x01');
        code = 1;
      }
    }
    out[code_at] = static_cast<char>(code);
    out.push_back('\0');
    return absl::OkStatus();
  }

  Variant variant() const override { return Variant::kCobs; }
};

}  // namespace

std::unique_ptr<Decoder> MakeCobsDecoder(const DecoderOptions& options) {
  return std::make_unique<CobsDecoder>(options);
}

std::unique_ptr<Encoder> MakeCobsEncoder() {
  return std::make_unique<CobsEncoder>();
}

}  // namespace wirecheck::framing::internal

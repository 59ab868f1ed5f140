#include "protocols/framing/codec_test_util.h"

#include <algorithm>
#include <memory>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace wirecheck::framing::testing {

std::ostream& operator<<(std::ostream& out, const Decoded& decoded) {
  out << "{payloads: [";
  for (size_t i = 0; i < decoded.payloads.size(); ++i) {
    out << (i ? ", " : "") << "\"" << Printable(decoded.payloads[i]) << "\"@"
        << decoded.offsets[i] << "+" << decoded.wire_sizes[i];
  }
  return out << "], status: " << decoded.status
             << ", error_offset: " << decoded.error_offset << "}";
}

namespace {

Decoded Decode(Variant variant, const DecoderOptions& options,
               absl::string_view stream, const std::vector<size_t>& sizes,
               bool finish, bool in_place) {
  Decoded decoded;
  std::unique_ptr<Decoder> decoder = MakeDecoder(variant, options);
  const auto sink = [&](const Frame& frame) {
    decoded.payloads.emplace_back(frame.payload);
    decoded.offsets.push_back(frame.offset);
    decoded.wire_sizes.push_back(frame.wire_size);
  };
  size_t pos = 0;
  for (size_t i = 0; pos < stream.size() || i == 0; ++i) {
    const size_t size =
        i + 1 < sizes.size() ? std::min(sizes[i], stream.size() - pos)
                             : stream.size() - pos;
    const absl::string_view piece = stream.substr(pos, size);
    if (in_place && i % 2 == 1 && decoder->pending().empty()) {
      // As the echo server does between frames.
      decoded.status = decoder->ReceivedElsewhere(piece, sink);
    } else if (in_place) {
      const absl::Span<char> room = decoder->ReceiveBuffer(size);
      std::copy(piece.begin(), piece.end(), room.begin());
      decoded.status = decoder->Received(size, sink);
    } else {
      decoded.status = decoder->Feed(piece, sink);
    }
    pos += size;
    if (!decoded.status.ok()) break;
  }
  if (decoded.status.ok() && finish) decoded.status = decoder->Finish();
  decoded.error_offset = decoder->error_offset();
  return decoded;
}

}  // namespace

Decoded DecodeInPieces(Variant variant, const DecoderOptions& options,
                       absl::string_view stream,
                       const std::vector<size_t>& sizes, bool finish) {
  return Decode(variant, options, stream, sizes, finish, /*in_place=*/false);
}

Decoded DecodeReceivedInPieces(Variant variant, const DecoderOptions& options,
                               absl::string_view stream,
                               const std::vector<size_t>& sizes, bool finish) {
  return Decode(variant, options, stream, sizes, finish, /*in_place=*/true);
}

std::vector<Chunking> Chunkings(size_t size, std::mt19937_64& random,
                                size_t all_splits_up_to) {
  std::vector<Chunking> chunkings;
  chunkings.push_back({"whole", {size}});
  chunkings.push_back({"bytewise", std::vector<size_t>(size, 1)});
  for (int k = 0; k < 4; ++k) {
    Chunking chunking{absl::StrCat("random", k), {}};
    const size_t largest = size_t{1} << (2 + 3 * k);
    for (size_t left = size; left > 0;) {
      const size_t piece = std::min<size_t>(left, 1 + random() % largest);
      chunking.sizes.push_back(piece);
      left -= piece;
    }
    chunkings.push_back(std::move(chunking));
  }
  if (size <= all_splits_up_to) {
    for (size_t at = 1; at < size; ++at) {
      chunkings.push_back({absl::StrCat("split", at), {at, size - at}});
    }
  }
  return chunkings;
}

std::string Printable(absl::string_view bytes, size_t limit) {
  std::string text = absl::CHexEscape(bytes.substr(0, limit));
  if (bytes.size() > limit) absl::StrAppend(&text, "...(", bytes.size(), " bytes)");
  return text;
}

}  // namespace wirecheck::framing::testing

// Test helpers for the codecs: decode a stream cut into given pieces, and
// the ways of cutting a stream that the chunking-independence tests use.
#ifndef WIRECHECK_PROTOCOLS_FRAMING_CODEC_TEST_UTIL_H_
#define WIRECHECK_PROTOCOLS_FRAMING_CODEC_TEST_UTIL_H_

#include <cstddef>
#include <cstdint>
#include <ostream>
#include <random>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "protocols/framing/codec.h"

namespace wirecheck::framing::testing {

// What decoding one stream produced, comparable across chunkings.
struct Decoded {
  std::vector<std::string> payloads;
  std::vector<uint64_t> offsets;
  std::vector<uint64_t> wire_sizes;
  absl::Status status;  // the first error, Finish()'s included
  uint64_t error_offset = 0;

  bool operator==(const Decoded& other) const {
    return payloads == other.payloads && offsets == other.offsets &&
           wire_sizes == other.wire_sizes && status == other.status &&
           error_offset == other.error_offset;
  }
};
std::ostream& operator<<(std::ostream& out, const Decoded& decoded);

// Decodes `stream` fed as pieces of the given sizes (the last piece takes
// whatever is left), then calls Finish() unless `finish` is false.
Decoded DecodeInPieces(Variant variant, const DecoderOptions& options,
                       absl::string_view stream,
                       const std::vector<size_t>& sizes, bool finish = true);

// As DecodeInPieces, but each piece is written into Decoder::ReceiveBuffer()
// and given to Received(), as a reader receiving in place does; every
// second piece that starts at a frame boundary goes to ReceivedElsewhere()
// instead, as the echo server's reads between frames do.
Decoded DecodeReceivedInPieces(Variant variant, const DecoderOptions& options,
                               absl::string_view stream,
                               const std::vector<size_t>& sizes,
                               bool finish = true);

// A name and the piece sizes for one way of cutting a stream of `size`
// bytes.
struct Chunking {
  std::string name;
  std::vector<size_t> sizes;
};

// Whole, one byte at a time, and a few random cuttings; plus every split
// into two pieces when the stream has at most `all_splits_up_to` bytes.
std::vector<Chunking> Chunkings(size_t size, std::mt19937_64& random,
                                size_t all_splits_up_to = 4096);

// Printable form of bytes for failure messages ("a\n\x00").
std::string Printable(absl::string_view bytes, size_t limit = 200);

}  // namespace wirecheck::framing::testing

#endif  // WIRECHECK_PROTOCOLS_FRAMING_CODEC_TEST_UTIL_H_

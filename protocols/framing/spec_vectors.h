// The test vectors in SPEC.md's `vectors` blocks, parsed, so the spec's
// examples are executed by spec_vectors_test and seed the fuzzers' corpora.
// The format is described in SPEC.md ("Variants").
#ifndef WIRECHECK_PROTOCOLS_FRAMING_SPEC_VECTORS_H_
#define WIRECHECK_PROTOCOLS_FRAMING_SPEC_VECTORS_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "protocols/framing/codec.h"

namespace wirecheck::framing::testing {

struct SpecVector {
  enum class Outcome { kOk, kMalformed, kOversized, kTruncated, kRejected };

  Variant variant = Variant::kRaw;
  // Line number in SPEC.md, for failure messages.
  int line = 0;
  // An `encode` vector: `input` is a payload, `expected[0]` its frame.
  bool encode = false;
  size_t max_frame_size = kDefaultMaxFrameSize;
  std::string input;
  // Decode: the payloads, in order. Encode: the frame (unless rejected).
  std::vector<std::string> expected;
  Outcome outcome = Outcome::kOk;
  uint64_t error_offset = 0;
};

// Every vector in `markdown` (SPEC.md's text). Errors: INVALID_ARGUMENT
// naming the line that does not parse.
absl::StatusOr<std::vector<SpecVector>> ParseSpecVectors(
    absl::string_view markdown);

// Reads a file from the test's runfiles ("protocols/framing/SPEC.md").
absl::StatusOr<std::string> ReadRunfile(const std::string& path);

}  // namespace wirecheck::framing::testing

#endif  // WIRECHECK_PROTOCOLS_FRAMING_SPEC_VECTORS_H_

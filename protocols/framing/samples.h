// Inputs every implementation of a variant must reject, for conformance
// cases and tests: malformed streams (per SPEC.md's FRAME-*-2 rules) and
// frames just over a maximum frame size.
#ifndef WIRECHECK_PROTOCOLS_FRAMING_SAMPLES_H_
#define WIRECHECK_PROTOCOLS_FRAMING_SAMPLES_H_

#include <cstddef>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "protocols/framing/codec.h"

namespace wirecheck::framing {

struct MalformedSample {
  // What is wrong, for findings ("bare LF").
  std::string what;
  // A stream that is malformed from its first frame on.
  std::string bytes;
};

// Malformed streams for `variant`; none for the variants where every byte
// sequence is a valid prefix (line, nul, u16be, u32be, raw).
std::vector<MalformedSample> MalformedSamples(Variant variant);

// Input that makes a receiver with maximum frame size `max` reject its first
// frame as oversized without waiting for more: for length-prefixed variants
// a complete length field announcing max + 1 (nothing after it), for
// delimited ones just over max payload bytes with no delimiter. nullopt when the variant cannot express such a
// frame (u16be with max >= 65,535, decimal8 with max >= 99,999,999; raw).
std::optional<std::string> OversizedSample(Variant variant, size_t max);

// The largest payload a receiver with maximum `max` must accept:
// min(max, FormatMaxPayload(variant)).
size_t LargestPayload(Variant variant, size_t max);

// `size` random bytes that `variant` can carry (LF, CR or NUL are replaced
// by 'x' where the variant forbids them).
std::string RandomPayload(Variant variant, size_t size,
                          std::mt19937_64& random);

}  // namespace wirecheck::framing

#endif  // WIRECHECK_PROTOCOLS_FRAMING_SAMPLES_H_

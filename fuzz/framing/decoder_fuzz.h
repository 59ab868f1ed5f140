// The body of every framing decoder fuzzer: decodes the input whole, a byte
// at a time and in input-derived pieces, under a small and the default
// maximum frame size, and aborts when the results differ, an invariant
// breaks (payload over the maximum, frames not contiguous, error offset past
// the input) or a decoded frame does not re-encode to itself.
#ifndef WIRECHECK_FUZZ_FRAMING_DECODER_FUZZ_H_
#define WIRECHECK_FUZZ_FRAMING_DECODER_FUZZ_H_

#include <cstddef>
#include <cstdint>

#include "absl/strings/string_view.h"

namespace wirecheck::framing {

// Fuzzes the decoder of the variant named `variant` ("line") with one input.
// Returns 0, as LLVMFuzzerTestOneInput must.
int FuzzDecoder(absl::string_view variant, const uint8_t* data, size_t size);

}  // namespace wirecheck::framing

#endif  // WIRECHECK_FUZZ_FRAMING_DECODER_FUZZ_H_

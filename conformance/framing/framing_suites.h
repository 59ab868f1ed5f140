// Conformance suites for framed echo servers (protocols/framing/SPEC.md):
// one suite per variant, named "framing:<variant>", registered by this
// library (alwayslink).
//
// Cases of every suite but framing:raw (TCP):
//   framing:V/empty-frame              FRAME-V-1 FRAME-1 FRAME-4
//   framing:V/max-size-frame           FRAME-V-1 FRAME-1 FRAME-5
//   framing:V/split-at-every-byte      FRAME-V-1 FRAME-3
//   framing:V/many-frames-one-segment  FRAME-V-1 FRAME-1 FRAME-3
//   framing:V/interleaved-slow-writes  FRAME-1 FRAME-2 FRAME-3
//   framing:V/half-close               FRAME-6
//   framing:V/partial-frame-at-eof     FRAME-7
//   framing:V/oversized                FRAME-8 FRAME-10  (not u16be: with
//                                      M = 1 MiB it cannot announce more)
//   framing:V/malformed                FRAME-V-2 FRAME-9 FRAME-10  (the
//                                      variants that have malformed input)
//   framing:sentinel/tricky-delimiters FRAME-SEN-1
// framing:raw:
//   framing:raw/tcp-echo                  FRAME-RAW-1       (TCP)
//   framing:raw/interleaved-slow-writes   FRAME-RAW-1 FRAME-RAW-2
//   framing:raw/half-close                FRAME-6 FRAME-RAW-1
//   framing:raw/udp-echo                  FRAME-RAW-3       (UDP)
//   framing:raw/udp-empty-datagram        FRAME-RAW-4 (SHOULD)
//   framing:raw/udp-largest-datagram      FRAME-RAW-5 (MAY, reported INFO)
// where V is the variant's requirement prefix (FRAME-LINE, FRAME-U32, ...).
//
// Options: max_frame_size (the server's M, default 1048576), pause (between
// slow writes, default 5ms), close_timeout (how long to wait for an echo or
// a close the server owes, default 3s, within the case's timeout).
//
// Probes: over TCP an accepted connection answers (the probe also tries one
// frame's echo and says what it saw); over UDP (raw) a datagram must come
// back. max-size-frame, split-at-every-byte and interleaved-slow-writes ask
// for 10 s, oversized 15 s and malformed 20 s.
#ifndef WIRECHECK_CONFORMANCE_FRAMING_FRAMING_SUITES_H_
#define WIRECHECK_CONFORMANCE_FRAMING_FRAMING_SUITES_H_

#include <string>

#include "conformance/case.h"
#include "protocols/framing/codec.h"

namespace wirecheck::conformance {

// The suite for one variant (also registered under its name).
Suite FramingSuite(framing::Variant variant);

// The variant's requirement ID prefix in SPEC.md: "FRAME-LINE", "FRAME-U32".
std::string FramingRequirementPrefix(framing::Variant variant);

}  // namespace wirecheck::conformance

#endif  // WIRECHECK_CONFORMANCE_FRAMING_FRAMING_SUITES_H_

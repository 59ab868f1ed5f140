// Fuzzing seeds from a conformance run: the bytes each case exchanged with
// the target, one file per piece, so a user can seed the fuzz targets
// (fuzz/) from a run against their own server (`wirecheck check
// --corpus_out=DIR`; fuzz/regenerate_corpora.sh does it for the reference
// servers).
#ifndef WIRECHECK_CONFORMANCE_CORPUS_OUT_H_
#define WIRECHECK_CONFORMANCE_CORPUS_OUT_H_

#include <cstddef>
#include <string>

#include "absl/status/statusor.h"
#include "conformance/runner.h"

namespace wirecheck::conformance {

// Writes the bytes recorded in each case's wire log (the run must have kept
// them: RunOptions::keep_all_wire_logs) under `dir`:
//
//   DIR/<suite>/<case>-received-<n>   bytes the target sent the case
//   DIR/<suite>/<case>-sent-<n>       bytes the case sent the target
//
// <suite> is the suite's name with ':' as '/' ("framing:line" is
// framing/line, the decoder's name last); <case> is the case ID after the
// suite's '/'. A piece is everything one TCP connection carried one way, or
// one datagram; n counts a case's pieces each way from 1. Empty pieces are
// left out, and a wire log's byte limit (WireLogLimits) cuts long pieces.
// Existing files of the same name are replaced. Returns how many files were
// written; errors: INTERNAL naming the file that could not be written.
absl::StatusOr<size_t> WriteCorpus(const SuiteRun& run, const std::string& dir);

}  // namespace wirecheck::conformance

#endif  // WIRECHECK_CONFORMANCE_CORPUS_OUT_H_

// Helpers over Stream that loop until a whole job is done.
#ifndef WIRECHECK_PROTOCOLS_TRANSPORT_STREAM_UTIL_H_
#define WIRECHECK_PROTOCOLS_TRANSPORT_STREAM_UTIL_H_

#include <cstddef>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "protocols/transport/network.h"

namespace wirecheck {

// Writes every byte of `data` by `deadline`. Errors: those of Stream::Write;
// a DEADLINE_EXCEEDED message says how many bytes went out first.
absl::Status WriteAll(Stream& stream, absl::string_view data,
                      absl::Time deadline);

// Reads exactly `count` bytes by `deadline`. Errors: those of Stream::Read;
// OUT_OF_RANGE when the stream ends first, saying after how many bytes.
absl::StatusOr<std::string> ReadExactly(Stream& stream, size_t count,
                                        absl::Time deadline);

// Everything ReadToEnd() saw, however the stream ended.
struct StreamCapture {
  std::string bytes;
  // The peer closed cleanly (EOF) after `bytes`.
  bool eof = false;
  // Stopped because `max_bytes` were read; the stream may hold more.
  bool limit_reached = false;
  // OK unless reading failed: DEADLINE_EXCEEDED when the stream was still
  // open at the deadline, ABORTED when it was reset, or another error.
  absl::Status error;
};

// Reads until EOF, an error, `max_bytes`, or `deadline`, whichever is first,
// and reports all of it. Memory stays within `max_bytes`, so it is safe on a
// peer that streams forever.
StreamCapture ReadToEnd(Stream& stream, size_t max_bytes, absl::Time deadline);

}  // namespace wirecheck

#endif  // WIRECHECK_PROTOCOLS_TRANSPORT_STREAM_UTIL_H_

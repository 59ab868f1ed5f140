#include "protocols/transport/stream_util.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "protocols/common/status_macros.h"

namespace wirecheck {

absl::Status WriteAll(Stream& stream, absl::string_view data,
                      absl::Time deadline) {
  size_t written = 0;
  while (written < data.size()) {
    absl::StatusOr<size_t> n = stream.Write(data.substr(written), deadline);
    if (!n.ok()) {
      if (n.status().code() != absl::StatusCode::kDeadlineExceeded) {
        return n.status();
      }
      return absl::DeadlineExceededError(
          absl::StrCat(n.status().message(), " after writing ", written,
                       " of ", data.size(), " bytes"));
    }
    written += *n;
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> ReadExactly(Stream& stream, size_t count,
                                        absl::Time deadline) {
  std::string result(count, '\0');
  size_t filled = 0;
  while (filled < count) {
    ASSIGN_OR_RETURN(
        const size_t n,
        stream.Read(absl::MakeSpan(&result[filled], count - filled), deadline));
    if (n == 0) {
      return absl::OutOfRangeError(
          absl::StrCat("read ", stream.peer_address().ToString(),
                       ": stream ended after ", filled, " of ", count,
                       " bytes"));
    }
    filled += n;
  }
  return result;
}

StreamCapture ReadToEnd(Stream& stream, size_t max_bytes,
                        absl::Time deadline) {
  StreamCapture capture;
  char chunk[16384];
  while (capture.bytes.size() < max_bytes) {
    const size_t want =
        std::min(sizeof(chunk), max_bytes - capture.bytes.size());
    absl::StatusOr<size_t> n = stream.Read(absl::MakeSpan(chunk, want), deadline);
    if (!n.ok()) {
      capture.error = n.status();
      return capture;
    }
    if (*n == 0) {
      capture.eof = true;
      return capture;
    }
    capture.bytes.append(chunk, *n);
  }
  capture.limit_reached = true;
  return capture;
}

}  // namespace wirecheck

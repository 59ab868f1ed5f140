// The wire log of one conformance case: every byte the runner sent and
// received, with timestamps from the case's start, connects, shutdowns, who
// closed or reset, and timeouts; rendered as a hexdump for failure reports.
//
// Memory is bounded: once the case has recorded `max_bytes` (payload and
// text together) or `max_events` events, further events are only counted, and
// the rendering ends with a truncation marker saying how much was left out.
// A target that streams forever therefore costs at most the limit.
#ifndef WIRECHECK_CONFORMANCE_WIRE_LOG_H_
#define WIRECHECK_CONFORMANCE_WIRE_LOG_H_

#include <cstddef>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "protocols/transport/clock.h"

namespace wirecheck::conformance {

enum class WireEventKind {
  kConnect,        // a stream connected; detail: "to A from B"
  kConnectFailed,  // detail: the error
  kListen,         // detail: the bound address
  kAccept,         // detail: "from A"
  kOpen,           // a datagram socket opened; detail: its address
  kSend,           // bytes went out; datagrams: detail "to A"
  kReceive,        // bytes came in; datagrams: detail "from A"
  kPeerClosed,     // the target shut down its side: EOF
  kPeerReset,      // the target reset the connection
  kTimeout,        // a wait ended at its deadline; detail: which wait
  kError,          // another failure; detail: the status
  kShutdown,       // the runner shut down a direction; detail: which
  kClose,          // the runner closed the socket
  kAbort,          // the runner reset the connection
  kNote,           // a check's free-form note (NoteSink)
};

// "connect", "send", "target closed", ... as the JSON report spells them.
absl::string_view WireEventKindName(WireEventKind kind);

struct WireEvent {
  // Since the case started.
  absl::Duration at;
  WireEventKind kind = WireEventKind::kNote;
  // "tcp#1", "udp#2"; empty for notes.
  std::string socket;
  std::string detail;
  // kSend and kReceive: the bytes recorded, a prefix of the real ones when
  // the log filled up during this event.
  std::string bytes;
  // kSend and kReceive: how many bytes really moved.
  size_t size = 0;
};

// A copy of a log's contents.
struct WireLogSnapshot {
  std::vector<WireEvent> events;
  // Events that did not fit, and the payload bytes they carried (plus the
  // part cut from the last recorded event).
  size_t dropped_events = 0;
  size_t dropped_bytes = 0;
  size_t max_bytes = 0;
  bool truncated() const { return dropped_events > 0 || dropped_bytes > 0; }
};

struct WireLogLimits {
  size_t max_bytes = 64 * 1024;
  size_t max_events = 2000;
};

// Thread-safe.
class WireLog {
 public:
  // Times events on `clock` from `start`. `clock` must outlive the log.
  WireLog(Clock& clock, absl::Time start, WireLogLimits limits = {});

  // A fresh socket name for this case: "tcp#1", "tcp#2", "udp#1", ...
  std::string NewSocketName(absl::string_view transport);

  // Records one event now. `bytes` only for kSend and kReceive.
  void Record(WireEventKind kind, absl::string_view socket,
              absl::string_view detail, absl::string_view bytes = {});

  WireLogSnapshot Snapshot() const;
  absl::Time start() const { return start_; }

 private:
  Clock& clock_;
  const absl::Time start_;
  const WireLogLimits limits_;
  mutable std::mutex mutex_;
  WireLogSnapshot log_;
  size_t used_bytes_ = 0;
  bool full_ = false;
  std::map<std::string, int, std::less<>> socket_counts_;
};

// Sixteen bytes per line: offset, hex, and the printable ASCII ('.' for the
// rest), each line prefixed with `indent` and ended by '\n':
//   0000  68 65 6c 6c 6f                                    |hello|
std::string HexDump(absl::string_view bytes, absl::string_view indent = "");

// The log, one line per event (each prefixed with `indent`), payloads as
// hexdumps below their event, and a last line saying what was left out if
// the log is truncated:
//   +0.210ms tcp#1 connect to 127.0.0.1:37 from 127.0.0.1:41234
//   +0.402ms tcp#1 < 5 bytes
//       0000  68 65 6c 6c 6f                                |hello|
//   +0.410ms tcp#1 target closed (EOF)
std::string RenderWireLog(const WireLogSnapshot& log,
                          absl::string_view indent = "");

}  // namespace wirecheck::conformance

#endif  // WIRECHECK_CONFORMANCE_WIRE_LOG_H_

// FaultLog: the record of every fault a fault engine applied, so a test can
// assert on it and `wirecheck proxy` can print it.
#ifndef WIRECHECK_FAKES_FAULT_LOG_H_
#define WIRECHECK_FAKES_FAULT_LOG_H_

#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace wirecheck::fakes {

// One fault applied.
struct FaultRecord {
  // When, on the engine's clock.
  absl::Time at;
  // Which engine: a link name, "a->b", "192.0.2.1:40000->192.0.2.2:80 up".
  std::string path;
  // For datagrams, the datagram's number in its direction (from 1); for
  // streams, the offset of the first byte concerned (from 0).
  uint64_t index = 0;
  // The term that applied: "drop", "duplicate", "slice", "half_close_after".
  std::string fault;
  // What exactly happened: "drop=0.3", "byte 12 bit 3", "100 bytes as 100
  // segments".
  std::string detail;

  // "<path> #<index> <fault>: <detail>".
  std::string ToString() const;
};

// Thread-safe; engines on several threads may share one log.
class FaultLog {
 public:
  using Sink = std::function<void(const FaultRecord&)>;

  FaultLog() = default;
  FaultLog(const FaultLog&) = delete;
  FaultLog& operator=(const FaultLog&) = delete;

  // Appends `record` and passes it to the sink, if any.
  void Add(FaultRecord record);

  // Also sends every later record to `sink` (e.g. to print it as it
  // happens), called under the log's lock: it must not add to this log.
  void SetSink(Sink sink);

  // Whether later records are kept (the default) or only passed to the
  // sink. A long-running process that prints each fault as it happens
  // (`wirecheck proxy`) turns keeping off, so the log does not grow without
  // bound.
  void set_keep_records(bool keep);

  // A copy of every record so far, oldest first.
  std::vector<FaultRecord> records() const;
  // Records so far whose fault is `fault` and whose path is `path` (every
  // path when empty).
  std::vector<FaultRecord> Find(absl::string_view fault,
                                absl::string_view path = "") const;
  // The datagram numbers / offsets of Find(fault, path), in order.
  std::vector<uint64_t> Indices(absl::string_view fault,
                                absl::string_view path = "") const;
  // Every record's ToString(), one per line.
  std::string ToString() const;
  void Clear();

 private:
  mutable std::mutex mutex_;
  std::vector<FaultRecord> records_;
  Sink sink_;
  bool keep_records_ = true;
};

}  // namespace wirecheck::fakes

#endif  // WIRECHECK_FAKES_FAULT_LOG_H_

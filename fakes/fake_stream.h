// Fake streams: two connected in-memory endpoints with the POSIX (Linux TCP)
// semantics of network.h, driven by a FakeClock.
//
//   FakeClock clock;
//   auto [client, server] = MakeFakeStreamPair(clock);
//   client->Write("ping", deadline);
//   server->Read(buffer, clock.Now() + absl::Seconds(1));
//
// What they do, as Linux does:
//  - Each Write() becomes one segment; a Read() returns bytes of at most one
//    segment, so reads can be short (slice=N makes them as short as N).
//  - Each direction holds at most `buffer_bytes` written and not yet read;
//    a writer blocks (pumping the clock) until there is room, so write
//    deadlines are testable.
//  - Shutdown(kWrite) gives the peer EOF after every byte written before it;
//    a Write() after it fails FAILED_PRECONDITION. Shutdown is cumulative
//    and irreversible. After Shutdown(kRead), Read() returns 0 at once.
//  - Abort() resets: the aborting side's unread input and its bytes still
//    in flight to the peer are discarded; the peer reads what had already
//    arrived (Linux keeps a received queue on reset), then ABORTED
//    "Connection reset by peer", then EOF; its writes fail ABORTED ("Broken
//    pipe"). With no link delay everything written has arrived.
//  - Close() with unread input resets too (as Linux does), otherwise it
//    sends EOF; bytes arriving at a closed endpoint draw a reset, so writing
//    to a closed peer eventually fails ABORTED.
//  - Errors carry the words of real sockets (socket_error.h).
//
// A blocking call pumps the clock: while it cannot complete it runs the next
// pending event; when none is due before its deadline it moves the clock to
// the deadline and fails DEADLINE_EXCEEDED. A past deadline makes it a
// non-blocking attempt.
#ifndef WIRECHECK_FAKES_FAKE_STREAM_H_
#define WIRECHECK_FAKES_FAKE_STREAM_H_

#include <cstddef>
#include <memory>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "fakes/fake_clock.h"
#include "fakes/fake_waitable.h"
#include "fakes/fault_log.h"
#include "fakes/fault_plan.h"
#include "protocols/transport/address.h"
#include "protocols/transport/network.h"

namespace wirecheck::fakes {

struct FakeStreamOptions {
  // Per direction: the most bytes written and not yet read (what a socket's
  // send and receive buffers hold together).
  size_t buffer_bytes = 64 * 1024;
  // One-way delay of every segment, EOF and reset.
  absl::Duration delay = absl::ZeroDuration();
  // Faults from the client (first) side to the server (second) side, and
  // back (fault_plan.h). Applied before the delay above.
  StreamFaults up;
  StreamFaults down;
  // Where the faults are recorded; may be null. Not owned; must outlive the
  // streams.
  FaultLog* fault_log = nullptr;
  // Names the connection in fault_log ("<path> up", "<path> down"); by
  // default "<client address>-><server address>".
  std::string path;
  // What local_address() and peer_address() report.
  SocketAddress client_address = DefaultClientAddress();
  SocketAddress server_address = DefaultServerAddress();

  static SocketAddress DefaultClientAddress();  // 192.0.2.1:49152
  static SocketAddress DefaultServerAddress();  // 192.0.2.2:1024
};

namespace internal {
class StreamConnection;
}  // namespace internal

// One endpoint. Not thread-safe (like every Stream). Destroying it closes
// it. Its fd() is -1: watch it with a FakeEventLoop. Once its FakeClock is
// destroyed every call fails FAILED_PRECONDITION.
class FakeStream : public Stream, public FakeWaitable {
 public:
  ~FakeStream() override;

  int fd() const override { return -1; }
  absl::StatusOr<size_t> Read(absl::Span<char> buffer,
                              absl::Time deadline) override;
  absl::StatusOr<size_t> Write(absl::string_view data,
                               absl::Time deadline) override;
  absl::Status Shutdown(ShutdownMode mode) override;
  void Close() override;
  void Abort() override;
  SocketAddress local_address() const override;
  SocketAddress peer_address() const override;
  uint32_t Readiness() const override;

 private:
  friend class internal::StreamConnection;
  FakeStream(std::shared_ptr<internal::StreamConnection> connection, int side);
  void ReadinessChanged() { NotifyReadinessChanged(); }

  const std::shared_ptr<internal::StreamConnection> connection_;
  const int side_;
};

// Makes a connected pair on `clock`: (client side, server side). The
// options' faults start applying at once (half_close_after=0 ends a
// direction before any byte).
std::pair<std::unique_ptr<FakeStream>, std::unique_ptr<FakeStream>>
MakeFakeStreamPair(FakeClock& clock, FakeStreamOptions options = {});

}  // namespace wirecheck::fakes

#endif  // WIRECHECK_FAKES_FAKE_STREAM_H_

// Real sockets: the Network implementation for the machine's own stack.
#ifndef WIRECHECK_PROTOCOLS_TRANSPORT_POSIX_NETWORK_H_
#define WIRECHECK_PROTOCOLS_TRANSPORT_POSIX_NETWORK_H_

#include <cstdint>
#include <memory>
#include <vector>

#include "protocols/transport/clock.h"
#include "protocols/transport/network.h"

namespace wirecheck {

// Makes non-blocking POSIX sockets and waits on them with ppoll() until each
// call's deadline. Streams set TCP_NODELAY, so every Write() leaves at once
// (a conformance tester must control segment boundaries). No call raises
// SIGPIPE. IPv6 sockets are IPv6-only: bind [::] and 0.0.0.0 separately.
// Thread-safe; the sockets it makes are not.
class PosixNetwork : public Network {
 public:
  // Deadlines are read on `clock`, which must be the real clock or one with
  // the same epoch (RealClock() by default).
  explicit PosixNetwork(Clock& clock = RealClock());

  Clock& clock() override { return clock_; }
  absl::StatusOr<std::unique_ptr<Stream>> Connect(const SocketAddress& remote,
                                                  absl::Time deadline) override;
  absl::StatusOr<std::unique_ptr<Listener>> Listen(
      const SocketAddress& local, const ListenOptions& options) override;
  absl::StatusOr<std::unique_ptr<DatagramSocket>> OpenDatagram(
      const SocketAddress& local, const DatagramOptions& options) override;
  absl::StatusOr<std::vector<NetworkInterface>> Interfaces() override;

  // Starts connecting to `remote` without waiting (for load generators that
  // keep thousands of connects in flight) and returns the stream at once.
  // Until the connect ends, reads and writes would block; then the stream
  // turns readable and writable, and a failed connect is the first Read's
  // or Write's error (UNAVAILABLE "Connection refused"). Unlike Connect()
  // it leaves Nagle's algorithm on: one system call fewer per connection for
  // clients that only read. Errors: those known at once (no route, no free
  // port).
  absl::StatusOr<std::unique_ptr<Stream>> StartConnect(
      const SocketAddress& remote);

 private:
  Clock& clock_;
};

// The process-wide real network on RealClock().
PosixNetwork& RealNetwork();

// Raises this process's open-file limit to its hard limit: servers and load
// generators with thousands of connections need more descriptors than the
// usual soft limit of 1024. Returns the limit now in force.
uint64_t RaiseOpenFileLimit();

}  // namespace wirecheck

#endif  // WIRECHECK_PROTOCOLS_TRANSPORT_POSIX_NETWORK_H_

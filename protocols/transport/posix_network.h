// Real sockets: the Network implementation for the machine's own stack.
#ifndef WIRECHECK_PROTOCOLS_TRANSPORT_POSIX_NETWORK_H_
#define WIRECHECK_PROTOCOLS_TRANSPORT_POSIX_NETWORK_H_

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

 private:
  Clock& clock_;
};

// The process-wide real network on RealClock().
PosixNetwork& RealNetwork();

}  // namespace wirecheck

#endif  // WIRECHECK_PROTOCOLS_TRANSPORT_POSIX_NETWORK_H_

// A Network decorator for conformance cases: it records every socket made
// through it in a WireLog, and ends every wait at the case's deadline.
//
// Capping the deadlines is what keeps an untrusted target from holding a
// case past its timeout: a check that reads with absl::InfiniteFuture() from
// a server that accepts and stalls still gets DEADLINE_EXCEEDED at the cap,
// and after the cap every blocking call is a non-blocking attempt.
#ifndef WIRECHECK_CONFORMANCE_RECORDING_NETWORK_H_
#define WIRECHECK_CONFORMANCE_RECORDING_NETWORK_H_

#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "conformance/wire_log.h"
#include "protocols/transport/network.h"

namespace wirecheck::conformance {

// Thread-safe if `inner` is. The sockets it makes wrap `inner`'s and record
// into `log`; `inner` and `log` must outlive them and the network.
class RecordingNetwork : public Network {
 public:
  // Every wait of every socket made here ends by `deadline_cap` at the
  // latest.
  RecordingNetwork(Network& inner, WireLog& log,
                   absl::Time deadline_cap = absl::InfiniteFuture());

  // `inner`'s clock.
  Clock& clock() override { return inner_.clock(); }
  absl::StatusOr<std::unique_ptr<Stream>> Connect(const SocketAddress& remote,
                                                  absl::Time deadline) override;
  absl::StatusOr<std::unique_ptr<Listener>> Listen(
      const SocketAddress& local, const ListenOptions& options) override;
  absl::StatusOr<std::unique_ptr<DatagramSocket>> OpenDatagram(
      const SocketAddress& local, const DatagramOptions& options) override;
  absl::StatusOr<std::vector<NetworkInterface>> Interfaces() override;

 private:
  Network& inner_;
  WireLog& log_;
  const absl::Time deadline_cap_;
};

}  // namespace wirecheck::conformance

#endif  // WIRECHECK_CONFORMANCE_RECORDING_NETWORK_H_

// The transport interfaces every protocol's client, server and conformance
// check is written against: byte streams (TCP), listeners, datagram sockets
// (UDP) and the Network that makes them.
//
// Two families implement them: PosixNetwork (posix_network.h), real sockets,
// and the fakes in //fakes (in-memory streams and a simulated datagram
// network driven by a FakeClock). Code written against these interfaces cannot
// tell the two apart, which is what lets one behaviour test run on both.
//
// Every blocking call takes an absolute deadline on the network's clock
// (Network::clock()). A deadline in the past makes the call a non-blocking
// attempt, which is how event-driven code (server.h) uses them.
//
// Errors are absl::Status values naming the operation, the address and the
// reason, e.g. "UNAVAILABLE: connect 127.0.0.1:9: Connection refused":
//   DEADLINE_EXCEEDED   nothing happened before the deadline;
//   ABORTED             the peer reset the connection (see IsConnectionReset);
//   UNAVAILABLE         refused, unreachable, or an ICMP error on UDP;
//   FAILED_PRECONDITION the call is not allowed in this state (write after
//                       ShutdownWrite, use after Close);
//   RESOURCE_EXHAUSTED  a datagram send found the socket buffer full.
#ifndef WIRECHECK_PROTOCOLS_TRANSPORT_NETWORK_H_
#define WIRECHECK_PROTOCOLS_TRANSPORT_NETWORK_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "protocols/transport/address.h"
#include "protocols/transport/clock.h"

namespace wirecheck {

// Readiness an EventLoop can wait for (event_loop.h). A bit set.
enum IoEvent : uint32_t {
  kReadable = 1u << 0,  // data, EOF, a pending connection, or an error
  kWritable = 1u << 1,  // buffer space, or an error
};

// Anything an EventLoop can wait on.
class Waitable {
 public:
  virtual ~Waitable() = default;
  // The OS file descriptor, or -1 for in-memory fakes (whose event loop asks
  // them for readiness directly).
  virtual int fd() const = 0;
};

// How Stream::Shutdown closes a connection, as shutdown(2).
enum class ShutdownMode { kRead, kWrite, kBoth };

// A connected byte stream (TCP). Not thread-safe; one owner at a time.
// Destroying a stream closes it (gracefully, as Close()).
class Stream : public Waitable {
 public:
  // Reads up to buffer.size() bytes, waiting until `deadline` for at least
  // one. Returns how many were read; 0 means end of stream: the peer shut
  // down its writing side (after every byte it sent was read), or this side
  // shut down reading. Errors: DEADLINE_EXCEEDED, ABORTED on a reset.
  virtual absl::StatusOr<size_t> Read(absl::Span<char> buffer,
                                      absl::Time deadline) = 0;

  // Writes a prefix of `data`, waiting until `deadline` for room for at least
  // one byte, and returns its length (0 only for empty data). Short writes
  // are normal; WriteAll() (stream_util.h) loops. Errors: DEADLINE_EXCEEDED
  // when the peer does not read, FAILED_PRECONDITION after
  // Shutdown(kWrite), ABORTED when the peer has reset or closed.
  virtual absl::StatusOr<size_t> Write(absl::string_view data,
                                       absl::Time deadline) = 0;

  // Shuts down one or both directions, like shutdown(2): cumulative and
  // irreversible. After kWrite the peer reads EOF once it has read every byte
  // written before; after kRead, Read() returns 0 at once.
  virtual absl::Status Shutdown(ShutdownMode mode) = 0;

  // Closes gracefully: bytes already written are still delivered, then the
  // peer reads EOF. Idempotent.
  virtual void Close() = 0;

  // Closes at once with a reset (TCP RST, SO_LINGER 0): unsent bytes are
  // discarded and the peer's next read fails with ABORTED. Idempotent.
  virtual void Abort() = 0;

  virtual SocketAddress local_address() const = 0;
  virtual SocketAddress peer_address() const = 0;
};

// A listening stream socket.
class Listener : public Waitable {
 public:
  // Accepts one connection, waiting until `deadline`. Errors:
  // DEADLINE_EXCEEDED when none arrived, FAILED_PRECONDITION after Close().
  virtual absl::StatusOr<std::unique_ptr<Stream>> Accept(
      absl::Time deadline) = 0;

  // The bound address, with the real port when bound to port 0.
  virtual SocketAddress local_address() const = 0;

  // Stops listening; pending connections are refused. Idempotent.
  virtual void Close() = 0;
};

// What ReceiveFrom() learned about one datagram.
struct ReceivedDatagram {
  SocketAddress from;
  // Bytes stored in the caller's buffer.
  size_t size = 0;
  // The datagram's real length; larger than `size` when it was truncated.
  size_t wire_size = 0;
  bool truncated() const { return wire_size > size; }
};

// One datagram to send with DatagramSocket::SendBatch.
struct OutgoingDatagram {
  absl::string_view data;
  SocketAddress to;
};

// A datagram socket (UDP). Not thread-safe.
class DatagramSocket : public Waitable {
 public:
  // Sends one datagram to `to`. Errors: INVALID_ARGUMENT for a datagram too
  // large to send, RESOURCE_EXHAUSTED when the send buffer is full,
  // UNAVAILABLE when the network is unreachable or (on a connected socket)
  // an earlier datagram drew an ICMP port-unreachable.
  virtual absl::Status SendTo(absl::string_view data,
                              const SocketAddress& to) = 0;

  // Receives one datagram into `buffer`, waiting until `deadline`. A datagram
  // larger than the buffer is cut to fit and reported with truncated() and
  // its real length, never silently. Errors: DEADLINE_EXCEEDED, UNAVAILABLE
  // ("Connection refused") on a connected socket whose peer has no listener.
  virtual absl::StatusOr<ReceivedDatagram> ReceiveFrom(absl::Span<char> buffer,
                                                       absl::Time deadline) = 0;

  // Receives the datagrams waiting, up to one per buffer (one recvmmsg(2)
  // on real sockets), waiting until `deadline` for the first when none is
  // (a past deadline: not at all). Datagram i is stored in buffers[i] and
  // described by datagrams[i], which must be as long as `buffers`. Returns
  // how many were received, 0 when none came by the deadline. Errors: those
  // of ReceiveFrom, when the first datagram fails; an error after some were
  // received is reported by the next call.
  virtual absl::StatusOr<size_t> ReceiveBatch(
      absl::Span<const absl::Span<char>> buffers,
      absl::Span<ReceivedDatagram> datagrams, absl::Time deadline);

  // Sends `datagrams` in order (one sendmmsg(2) on real sockets) and returns
  // how many were sent before the first that could not be: fewer than all
  // when one failed, which the caller may skip or retry. Errors: those of
  // SendTo, when the first datagram fails.
  virtual absl::StatusOr<size_t> SendBatch(
      absl::Span<const OutgoingDatagram> datagrams);

  // Fixes the peer (connect(2) on UDP): only its datagrams are received and
  // ICMP errors from it are reported by ReceiveFrom.
  virtual absl::Status Connect(const SocketAddress& peer) = 0;

  // Allows sending to broadcast addresses (SO_BROADCAST).
  virtual absl::Status EnableBroadcast() = 0;

  // Joins multicast `group` on the interface with index `interface_index`
  // (0: the kernel's choice).
  virtual absl::Status JoinMulticastGroup(const SocketAddress& group,
                                          uint32_t interface_index) = 0;

  // Sends multicast through the interface with this index.
  virtual absl::Status SetMulticastInterface(uint32_t interface_index) = 0;

  // Whether this host's own multicast comes back to its sockets (default on).
  virtual absl::Status SetMulticastLoopback(bool enabled) = 0;

  virtual SocketAddress local_address() const = 0;

  // Closes the socket. Idempotent.
  virtual void Close() = 0;
};

struct ListenOptions {
  int backlog = 4096;
  // SO_REUSEPORT: several listeners share the port and the kernel spreads
  // connections over them (one event loop per core).
  bool reuse_port = false;
};

struct DatagramOptions {
  // SO_REUSEADDR: several sockets on one machine bind the same port, and each
  // gets a copy of every broadcast and multicast datagram (discovery).
  bool reuse_address = false;
  // SO_REUSEPORT: the kernel spreads unicast datagrams over the sockets.
  bool reuse_port = false;
  // Receive buffer size in bytes; 0 keeps the system default.
  int receive_buffer_bytes = 0;
};

// A network interface and its addresses, for broadcast and multicast.
struct NetworkInterface {
  std::string name;
  uint32_t index = 0;
  bool up = false;
  bool loopback = false;
  bool supports_broadcast = false;
  bool supports_multicast = false;
  // Unicast addresses (port 0) on this interface.
  std::vector<SocketAddress> addresses;
  // The directed broadcast address of each IPv4 subnet on this interface.
  std::vector<SocketAddress> broadcast_addresses;
};

// Makes sockets. One Network per host: the real machine, or one simulated
// host of a fake network. Thread-safe for the real network.
class Network {
 public:
  virtual ~Network() = default;

  // The clock deadlines are measured on.
  virtual Clock& clock() = 0;

  // Connects a stream to `remote`, waiting until `deadline`. Errors:
  // UNAVAILABLE (refused, unreachable), DEADLINE_EXCEEDED.
  virtual absl::StatusOr<std::unique_ptr<Stream>> Connect(
      const SocketAddress& remote, absl::Time deadline) = 0;

  // Listens on `local` (port 0: an ephemeral port). Errors: UNAVAILABLE
  // when the address is in use or not local.
  virtual absl::StatusOr<std::unique_ptr<Listener>> Listen(
      const SocketAddress& local, const ListenOptions& options) = 0;

  // Opens a datagram socket bound to `local` (port 0: an ephemeral port).
  virtual absl::StatusOr<std::unique_ptr<DatagramSocket>> OpenDatagram(
      const SocketAddress& local, const DatagramOptions& options) = 0;

  // This host's interfaces.
  virtual absl::StatusOr<std::vector<NetworkInterface>> Interfaces() = 0;
};

// True when `status` reports a connection reset by the peer.
inline bool IsConnectionReset(const absl::Status& status) {
  return status.code() == absl::StatusCode::kAborted;
}

}  // namespace wirecheck

#endif  // WIRECHECK_PROTOCOLS_TRANSPORT_NETWORK_H_

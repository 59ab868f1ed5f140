// The framed echo service (SPEC.md, "The framed echo service"): on every
// TCP connection it sends back each complete frame as soon as it has
// arrived, byte for byte; for `raw` it is RFC 862 echo over TCP and UDP.
//
// Per connection: when the client half-closes, the echoes still due are
// sent and the connection is closed; a partial frame at end of input is
// logged and dropped; oversized or malformed input is logged and closes
// that connection only (gracefully, after the echoes of the frames before
// it). Memory per connection is bounded by the decoder's maximum frame size.
#ifndef WIRECHECK_PROTOCOLS_FRAMING_ECHO_SERVER_H_
#define WIRECHECK_PROTOCOLS_FRAMING_ECHO_SERVER_H_

#include <map>
#include <memory>

#include "absl/status/statusor.h"
#include "protocols/framing/codec.h"
#include "protocols/transport/address.h"
#include "protocols/transport/endpoint.h"
#include "protocols/transport/server.h"

namespace wirecheck::framing {

struct EchoOptions {
  DecoderOptions decoder;
};

// The session for one TCP connection of the echo service for `variant`.
std::unique_ptr<StreamSession> MakeEchoSession(Variant variant,
                                               const EchoOptions& options = {});

// RFC 862 over UDP: answers each datagram with one carrying the same data,
// to its sender. Stateless; one instance serves any number of sockets.
class DatagramEcho : public DatagramService {
 public:
  void OnDatagram(DatagramSocket& socket, const ReceivedDatagram& datagram,
                  absl::string_view payload) override;
};

// Starts the echo service for `variant` on `server`: TCP on `bind`, and for
// raw also UDP on `bind` (with port 0, TCP and UDP get their own ephemeral
// ports). Returns where it listens per transport. Errors: those of
// Server::ServeStream and Server::ServeDatagrams.
absl::StatusOr<std::map<Transport, SocketAddress>> StartEchoServer(
    Server& server, const SocketAddress& bind, Variant variant,
    const EchoOptions& options = {});

}  // namespace wirecheck::framing

#endif  // WIRECHECK_PROTOCOLS_FRAMING_ECHO_SERVER_H_

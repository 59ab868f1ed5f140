#include "protocols/ping/ping_server.h"

#include <memory>

#include "absl/strings/ascii.h"

namespace wirecheck::ping {
namespace {

class PingService : public DatagramService {
 public:
  explicit PingService(PingServerOptions options) : options_(options) {}

  void OnDatagram(DatagramSocket& socket, const ReceivedDatagram& datagram,
                  absl::string_view payload) override {
    // UDP: a reply the socket cannot take now is a lost reply.
    socket.SendTo(EchoOf(payload, options_), datagram.from).IgnoreError();
  }

 private:
  const PingServerOptions options_;
};

}  // namespace

std::string EchoOf(absl::string_view payload, const PingServerOptions& options) {
  return options.uppercase ? absl::AsciiStrToUpper(payload)
                           : std::string(payload);
}

absl::StatusOr<SocketAddress> ServePing(Server& server,
                                        const PingServerOptions& options,
                                        const SocketAddress& address) {
  return server.ServeDatagrams(address, std::make_unique<PingService>(options));
}

}  // namespace wirecheck::ping

#include "protocols/time/time_server.h"

#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "protocols/common/status_macros.h"
#include "protocols/time/time_codec.h"

namespace wirecheck::timeproto {
namespace {

class TimeSession : public StreamSession {
 public:
  TimeSession(Clock& clock, TimeServiceOptions options)
      : clock_(clock), options_(options) {}

  void OnOpen(Connection& connection) override {
    if (options_.synchronized) {
      connection.Send(ReplyAt(options_.service, clock_.WallNow()));
    }
    connection.Finish();
  }

  // The protocols define no client data; whatever comes is discarded.
  void OnData(Connection&, absl::string_view) override {}

 private:
  Clock& clock_;
  const TimeServiceOptions options_;
};

class TimeDatagramService : public DatagramService {
 public:
  TimeDatagramService(Clock& clock, TimeServiceOptions options)
      : clock_(clock), options_(options) {}

  void OnDatagram(DatagramSocket& socket, const ReceivedDatagram& datagram,
                  absl::string_view) override {
    if (!options_.synchronized) return;
    // A full send buffer drops this reply; UDP clients retry.
    socket.SendTo(ReplyAt(options_.service, clock_.WallNow()), datagram.from)
        .IgnoreError();
  }

 private:
  Clock& clock_;
  const TimeServiceOptions options_;
};

}  // namespace

std::string ReplyAt(Service service, absl::Time now) {
  return service == Service::kTime ? EncodeTimeReply(now) : FormatDaytime(now);
}

absl::StatusOr<SocketAddress> ServeTimeTcp(Server& server, Clock& clock,
                                           const TimeServiceOptions& options,
                                           const SocketAddress& address) {
  return server.ServeStream(address, [&clock, options] {
    return std::make_unique<TimeSession>(clock, options);
  });
}

absl::StatusOr<SocketAddress> ServeTimeUdp(Server& server, Clock& clock,
                                           const TimeServiceOptions& options,
                                           const SocketAddress& address) {
  return server.ServeDatagrams(
      address, std::make_unique<TimeDatagramService>(clock, options));
}

}  // namespace wirecheck::timeproto

namespace wirecheck::timeproto {

absl::StatusOr<std::map<Transport, SocketAddress>> ServeTime(
    Server& server, Clock& clock, const TimeServiceOptions& options,
    const SocketAddress& address, bool tcp, bool udp) {
  std::map<Transport, SocketAddress> bound;
  if (tcp) {
    ASSIGN_OR_RETURN(bound[Transport::kTcp],
                     ServeTimeTcp(server, clock, options, address));
  }
  if (udp) {
    absl::StatusOr<SocketAddress> udp_bound = absl::UnavailableError("");
    if (tcp && address.port() == 0) {
      udp_bound = ServeTimeUdp(server, clock, options,
                               address.WithPort(bound[Transport::kTcp].port()));
    }
    if (!udp_bound.ok()) {
      udp_bound = ServeTimeUdp(server, clock, options, address);
    }
    if (!udp_bound.ok()) return udp_bound.status();
    bound[Transport::kUdp] = *udp_bound;
  }
  return bound;
}

}  // namespace wirecheck::timeproto

#include "protocols/time/testing/broken_time_servers.h"

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "protocols/common/status_macros.h"
#include "protocols/time/time_codec.h"

namespace wirecheck::timeproto::testing {
namespace {

class BrokenSession : public StreamSession {
 public:
  BrokenSession(Clock& clock, TcpFault fault) : clock_(clock), fault_(fault) {}

  void OnOpen(Connection& connection) override {
    const std::string reply = EncodeTimeReply(clock_.WallNow());
    switch (fault_) {
      case TcpFault::kThreeBytes:
        connection.Send(reply.substr(0, 3));
        connection.Finish();
        break;
      case TcpFault::kEightBytes:
        connection.Send(std::string(4, '\0') + reply);
        connection.Finish();
        break;
      case TcpFault::kNeverCloses:
        connection.Send(reply);
        break;
      case TcpFault::kCloseWithoutData:
        connection.Finish();
        break;
      case TcpFault::kReset:
        connection.Abort();
        break;
      case TcpFault::kResetOnClientData:
        connection.Send(reply);
        break;
      case TcpFault::kWrongTime:
        connection.Send(EncodeTimeReply(clock_.WallNow() - absl::Hours(1)));
        connection.Finish();
        break;
      case TcpFault::kRefusesHalfClosed:
        connection_ = &connection;
        answer_timer_ = connection.loop().AddTimer(
            clock_.Now() + absl::Milliseconds(10), [this] {
              answer_timer_ = 0;
              connection_->Send(EncodeTimeReply(clock_.WallNow()));
              connection_->Finish();
            });
        break;
      case TcpFault::kWaitsForClientData:
      case TcpFault::kStall:
        break;
    }
  }

  void OnData(Connection& connection, absl::string_view) override {
    if (fault_ == TcpFault::kWaitsForClientData && !answered_) {
      answered_ = true;
      connection.Send(EncodeTimeReply(clock_.WallNow()));
      connection.Finish();
    } else if (fault_ == TcpFault::kResetOnClientData) {
      connection.Abort();
    }
  }

  void OnEndOfInput(Connection& connection) override {
    if (fault_ == TcpFault::kStall || fault_ == TcpFault::kNeverCloses ||
        fault_ == TcpFault::kResetOnClientData) {
      return;  // keep the connection open regardless
    }
    if (fault_ == TcpFault::kRefusesHalfClosed) {
      connection.loop().CancelTimer(answer_timer_);
      answer_timer_ = 0;
    }
    connection.Finish();
  }

  void OnClosed(const absl::Status&) override {
    if (answer_timer_ != 0) connection_->loop().CancelTimer(answer_timer_);
  }

 private:
  Clock& clock_;
  const TcpFault fault_;
  bool answered_ = false;
  Connection* connection_ = nullptr;
  EventLoop::TimerId answer_timer_ = 0;
};

class CannedSession : public StreamSession {
 public:
  explicit CannedSession(std::string reply) : reply_(std::move(reply)) {}
  void OnOpen(Connection& connection) override {
    connection.Send(reply_);
    connection.Finish();
  }
  void OnData(Connection&, absl::string_view) override {}

 private:
  const std::string reply_;
};

class CannedDatagramService : public DatagramService {
 public:
  explicit CannedDatagramService(std::string reply) : reply_(std::move(reply)) {}
  void OnDatagram(DatagramSocket& socket, const ReceivedDatagram& datagram,
                  absl::string_view) override {
    socket.SendTo(reply_, datagram.from).IgnoreError();
  }

 private:
  const std::string reply_;
};

class BrokenDatagramService : public DatagramService {
 public:
  BrokenDatagramService(EventLoop& loop, Clock& clock, UdpFault fault,
                        absl::Duration delay,
                        std::unique_ptr<DatagramSocket> other)
      : loop_(loop),
        clock_(clock),
        fault_(fault),
        delay_(delay),
        other_(std::move(other)) {}

  ~BrokenDatagramService() override {
    for (EventLoop::TimerId id : late_replies_) loop_.CancelTimer(id);
  }

  void OnDatagram(DatagramSocket& socket, const ReceivedDatagram& datagram,
                  absl::string_view payload) override {
    const std::string reply = EncodeTimeReply(clock_.WallNow());
    switch (fault_) {
      case UdpFault::kSilent:
        return;
      case UdpFault::kEightBytes:
        socket.SendTo(std::string(4, '\0') + reply, datagram.from).IgnoreError();
        return;
      case UdpFault::kLate: {
        const SocketAddress to = datagram.from;
        late_replies_.push_back(
            loop_.AddTimer(clock_.Now() + delay_, [&socket, to, this] {
              socket.SendTo(EncodeTimeReply(clock_.WallNow()), to)
                  .IgnoreError();
            }));
        return;
      }
      case UdpFault::kFromOtherPort:
        other_->SendTo(reply, datagram.from).IgnoreError();
        return;
      case UdpFault::kIgnoresEmpty:
        if (payload.empty()) return;
        socket.SendTo(reply, datagram.from).IgnoreError();
        return;
      case UdpFault::kDropsFirstTwo:
        if (++seen_[datagram.from] <= 2) return;
        socket.SendTo(reply, datagram.from).IgnoreError();
        return;
    }
  }

 private:
  EventLoop& loop_;
  Clock& clock_;
  const UdpFault fault_;
  const absl::Duration delay_;
  std::unique_ptr<DatagramSocket> other_;
  std::map<SocketAddress, int> seen_;
  std::vector<EventLoop::TimerId> late_replies_;
};

}  // namespace

absl::StatusOr<SocketAddress> ServeCannedTcp(Server& server, std::string reply,
                                             const SocketAddress& address) {
  return server.ServeStream(address, [reply] {
    return std::make_unique<CannedSession>(reply);
  });
}

absl::StatusOr<SocketAddress> ServeCannedUdp(Server& server, std::string reply,
                                             const SocketAddress& address) {
  return server.ServeDatagrams(
      address, std::make_unique<CannedDatagramService>(std::move(reply)));
}

absl::StatusOr<SocketAddress> ServeBrokenTcp(Server& server, Clock& clock,
                                             TcpFault fault,
                                             const SocketAddress& address) {
  return server.ServeStream(address, [&clock, fault] {
    return std::make_unique<BrokenSession>(clock, fault);
  });
}

absl::StatusOr<SocketAddress> ServeBrokenUdp(Server& server, Network& network,
                                             Clock& clock, UdpFault fault,
                                             const SocketAddress& address,
                                             absl::Duration delay) {
  ASSIGN_OR_RETURN(std::unique_ptr<DatagramSocket> other,
                   network.OpenDatagram(address.WithPort(0), {}));
  return server.ServeDatagrams(
      address, std::make_unique<BrokenDatagramService>(server.loop(), clock, fault,
                                                       delay, std::move(other)));
}

}  // namespace wirecheck::timeproto::testing

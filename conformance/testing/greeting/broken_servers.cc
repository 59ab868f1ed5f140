#include "conformance/testing/greeting/broken_servers.h"

#include <string>
#include <utility>

#include "protocols/common/status_macros.h"
#include "protocols/transport/event_loop.h"

namespace wirecheck::testing {
namespace {

using Tcp = GreetingFaults::Tcp;
using Udp = GreetingFaults::Udp;

class BrokenSession : public StreamSession {
 public:
  // With `deferred`, the session starts acting on the loop's next turn, after
  // timers already due (the server's shutdown, when it dies).
  BrokenSession(Tcp fault, absl::Duration delay, EventLoop& loop, bool deferred)
      : fault_(fault), delay_(delay), loop_(loop), deferred_(deferred) {}

  void OnOpen(Connection& connection) override {
    connection_ = &connection;
    if (!deferred_) {
      Act();
      return;
    }
    timer_ = loop_.AddTimer(loop_.clock().Now(), [this] {
      timer_ = 0;
      Act();
    });
  }

  void Act() {
    Connection& connection = *connection_;
    switch (fault_) {
      case Tcp::kCorrect:
        Greet("hello");
        break;
      case Tcp::kShort:
        Greet("hell");
        break;
      case Tcp::kLong:
        Greet("hello!!!");
        break;
      case Tcp::kNeverCloses:
        connection.Send("hello");
        break;
      case Tcp::kLate:
        timer_ = loop_.AddTimer(loop_.clock().Now() + delay_, [this] {
          timer_ = 0;
          Greet("hello");
        });
        break;
      case Tcp::kResets:
        connection.Abort();
        break;
      case Tcp::kStreamsForever:
        Pump();
        break;
      case Tcp::kStalls:
      case Tcp::kNone:
        break;
      case Tcp::kGarbage:
        Greet(std::string("\x00\xff\x13\x80garb", 8));
        break;
    }
  }

  void OnData(Connection& connection, absl::string_view data) override {}

  void OnEndOfInput(Connection& connection) override {
    // The faulty servers ignore the client's EOF; the correct ones are done.
    if (fault_ != Tcp::kNeverCloses && fault_ != Tcp::kStalls &&
        fault_ != Tcp::kStreamsForever) {
      connection.Finish();
    }
  }

  void OnClosed(const absl::Status& why) override {
    connection_ = nullptr;
    if (timer_ != 0) loop_.CancelTimer(timer_);
    timer_ = 0;
  }

 private:
  // A Send can end the connection (the client already reset it), which
  // clears connection_ through OnClosed.
  void Greet(const std::string& greeting) {
    connection_->Send(greeting);
    if (connection_ != nullptr) connection_->Finish();
  }

  // Keeps 64 KiB queued, topping up every millisecond.
  void Pump() {
    static const auto* const chunk = new std::string(16 * 1024, 'x');
    while (connection_ != nullptr &&
           connection_->pending_output() < 64 * 1024) {
      connection_->Send(*chunk);
    }
    if (connection_ == nullptr) return;
    timer_ = loop_.AddTimer(loop_.clock().Now() + absl::Milliseconds(1), [this] {
      timer_ = 0;
      if (connection_ != nullptr) Pump();
    });
  }

  const Tcp fault_;
  const absl::Duration delay_;
  EventLoop& loop_;
  const bool deferred_;
  Connection* connection_ = nullptr;
  EventLoop::TimerId timer_ = 0;
};

}  // namespace

class BrokenGreetingServer::Datagrams : public DatagramService {
 public:
  Datagrams(Udp fault, absl::Duration delay, EventLoop& loop)
      : fault_(fault), delay_(delay), loop_(loop) {}

  void OnDatagram(DatagramSocket& socket, const ReceivedDatagram& datagram,
                  absl::string_view payload) override {
    const SocketAddress from = datagram.from;
    switch (fault_) {
      case Udp::kCorrect:
        socket.SendTo("hello", from).IgnoreError();
        break;
      case Udp::kSilent:
      case Udp::kNone:
        break;
      case Udp::kLate:
        loop_.AddTimer(loop_.clock().Now() + delay_, [&socket, from] {
          socket.SendTo("hello", from).IgnoreError();
        });
        break;
      case Udp::kWrong:
        socket.SendTo("HELLO?", from).IgnoreError();
        break;
      case Udp::kIgnoresEmpty:
        if (!payload.empty()) socket.SendTo("hello", from).IgnoreError();
        break;
    }
  }

 private:
  const Udp fault_;
  const absl::Duration delay_;
  EventLoop& loop_;
};

BrokenGreetingServer::BrokenGreetingServer(GreetingFaults faults)
    : faults_(faults) {}

BrokenGreetingServer::~BrokenGreetingServer() = default;

absl::StatusOr<std::map<Transport, SocketAddress>> BrokenGreetingServer::Start(
    Server& server, const SocketAddress& bind) {
  std::map<Transport, SocketAddress> addresses;
  if (faults_.tcp != Tcp::kNone) {
    ASSIGN_OR_RETURN(
        addresses[Transport::kTcp],
        server.ServeStream(bind, [this, &server]() -> std::unique_ptr<StreamSession> {
          const bool dies = ++connections_ == faults_.die_after_connections;
          if (dies) {
            // Not from inside the accept callback: shut down on the next
            // turn, before this last connection is answered, so the client
            // cannot connect again in between.
            server.loop().AddTimer(server.loop().clock().Now(), [&server] {
              server.Shutdown(absl::Seconds(30), [] {});
            });
          }
          return std::make_unique<BrokenSession>(faults_.tcp, faults_.delay,
                                                 server.loop(), dies);
        }));
  }
  datagrams_ = std::make_unique<Datagrams>(faults_.udp, faults_.delay,
                                           server.loop());
  if (faults_.udp != Udp::kNone) {
    const SocketAddress udp_bind =
        addresses.count(Transport::kTcp) > 0
            ? bind.WithPort(addresses[Transport::kTcp].port())
            : bind;
    absl::StatusOr<SocketAddress> udp =
        server.ServeDatagrams(udp_bind, *datagrams_);
    if (!udp.ok()) udp = server.ServeDatagrams(bind, *datagrams_);
    if (!udp.ok()) return udp.status();
    addresses[Transport::kUdp] = *udp;
  }
  return addresses;
}

}  // namespace wirecheck::testing

#include "protocols/ping/ping_server.h"

#include <memory>
#include <set>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "fakes/datagram_fault_engine.h"
#include "fakes/fault_plan.h"
#include "protocols/common/status_macros.h"

namespace wirecheck::ping {
namespace {

class PingService : public DatagramService {
 public:
  PingService(EventLoop& loop, PingServerOptions options,
              std::unique_ptr<fakes::DatagramFaultEngine> faults)
      : loop_(loop), options_(std::move(options)), faults_(std::move(faults)) {}

  ~PingService() override {
    for (EventLoop::TimerId id : timers_) loop_.CancelTimer(id);
  }

  absl::Status OnBound(DatagramSocket& socket) override {
    socket_ = &socket;
    return absl::OkStatus();
  }

  void OnDatagram(DatagramSocket& socket, const ReceivedDatagram& datagram,
                  absl::string_view payload) override {
    std::string echo = EchoOf(payload, options_);
    if (faults_ == nullptr) {
      // UDP: a reply the socket cannot take now is a lost reply.
      socket.SendTo(echo, datagram.from).IgnoreError();
      return;
    }
    Deliver(faults_->Process(
        echo, std::make_shared<const SocketAddress>(datagram.from)));
  }

 private:
  // Sends what is due now and schedules the rest (delays, held datagrams).
  void Deliver(std::vector<fakes::DatagramFaultEngine::Delivery> deliveries) {
    const absl::Time now = loop_.clock().Now();
    for (auto& delivery : deliveries) {
      const SocketAddress to =
          *std::static_pointer_cast<const SocketAddress>(delivery.context);
      if (delivery.at <= now) {
        socket_->SendTo(delivery.payload, to).IgnoreError();
        continue;
      }
      Schedule(delivery.at, [this, payload = std::move(delivery.payload), to] {
        socket_->SendTo(payload, to).IgnoreError();
      });
    }
    if (std::optional<absl::Time> release = faults_->next_release();
        release.has_value() && *release != scheduled_release_) {
      scheduled_release_ = *release;
      Schedule(*release, [this] { Deliver(faults_->ReleaseExpired()); });
    }
  }

  void Schedule(absl::Time when, std::function<void()> task) {
    auto id = std::make_shared<EventLoop::TimerId>();
    *id = loop_.AddTimer(when, [this, id, task = std::move(task)] {
      timers_.erase(*id);
      task();
    });
    timers_.insert(*id);
  }

  EventLoop& loop_;
  const PingServerOptions options_;
  std::unique_ptr<fakes::DatagramFaultEngine> faults_;
  DatagramSocket* socket_ = nullptr;
  std::set<EventLoop::TimerId> timers_;
  absl::Time scheduled_release_ = absl::InfinitePast();
};

}  // namespace

std::string EchoOf(absl::string_view payload, const PingServerOptions& options) {
  return options.uppercase ? absl::AsciiStrToUpper(payload)
                           : std::string(payload);
}

absl::StatusOr<SocketAddress> ServePing(Server& server,
                                        const PingServerOptions& options,
                                        const SocketAddress& address) {
  std::unique_ptr<fakes::DatagramFaultEngine> engine;
  if (!options.faults.empty()) {
    ASSIGN_OR_RETURN(const fakes::FaultPlan plan,
                     fakes::ParseFaultPlan(options.faults));
    RETURN_IF_ERROR(fakes::CheckDatagramFaultsOnly(plan));
    RETURN_IF_ERROR(fakes::CheckUndirected(plan));
    engine = std::make_unique<fakes::DatagramFaultEngine>(
        plan.datagram(fakes::Direction::kDown), options.seed,
        server.loop().clock(), options.fault_log, "replies");
  }
  return server.ServeDatagrams(
      address,
      std::make_unique<PingService>(server.loop(), options, std::move(engine)));
}

}  // namespace wirecheck::ping

#include "protocols/ping/ping_client.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <set>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "protocols/common/status_macros.h"
#include "protocols/ping/ping_message.h"

namespace wirecheck::ping {
namespace {

struct Outstanding {
  absl::Time sent;
  absl::Time deadline;
  std::string text;
};

// Accumulates round-trip times as iputils does, in microseconds.
class RttAccumulator {
 public:
  void Add(absl::Duration rtt) {
    const double micros = absl::ToDoubleMicroseconds(rtt);
    sum_ += micros;
    sum_of_squares_ += micros * micros;
    min_ = count_ == 0 ? rtt : std::min(min_, rtt);
    max_ = count_ == 0 ? rtt : std::max(max_, rtt);
    ++count_;
  }
  void Fill(PingStatistics& statistics) const {
    if (count_ == 0) return;
    const double avg = sum_ / count_;
    const double variance = std::max(0.0, sum_of_squares_ / count_ - avg * avg);
    statistics.min = min_;
    statistics.max = max_;
    statistics.avg = absl::Microseconds(avg);
    statistics.mdev = absl::Microseconds(std::sqrt(variance));
  }

 private:
  int count_ = 0;
  double sum_ = 0;
  double sum_of_squares_ = 0;
  absl::Duration min_;
  absl::Duration max_;
};

}  // namespace

double PingStatistics::loss_percent() const {
  if (transmitted == 0) return 0;
  return 100.0 * (transmitted - received) / transmitted;
}

absl::StatusOr<PingStatistics> RunPing(
    Network& network, const SocketAddress& target, const PingOptions& options,
    const std::function<void(const PingEvent&)>& on_event) {
  Clock& clock = network.clock();
  ASSIGN_OR_RETURN(
      std::unique_ptr<DatagramSocket> socket,
      network.OpenDatagram(SocketAddress::Any(target.family(), 0), {}));
  // Connected: only the target's datagrams arrive, and a closed port is
  // reported by ICMP instead of looking like loss.
  RETURN_IF_ERROR(socket->Connect(target));

  PingStatistics statistics;
  RttAccumulator rtts;
  std::map<uint32_t, Outstanding> outstanding;  // awaiting their answer
  std::map<uint32_t, Outstanding> answered;     // answered: later copies are DUP!
  std::map<uint32_t, Outstanding> expired;      // timed out: answers are late
  std::string buffer(kMaxPingBytes + 1, '\0');
  const absl::Time start = clock.Now();
  absl::Time next_send = start;
  uint32_t next_sequence = 1;
  const uint32_t count = static_cast<uint32_t>(std::max(0, options.count));

  const auto emit = [&](PingEvent event) {
    if (on_event) on_event(event);
  };

  while (next_sequence <= count || !outstanding.empty()) {
    absl::Time wake = absl::InfiniteFuture();
    if (next_sequence <= count) wake = next_send;
    for (const auto& [sequence, ping] : outstanding) {
      wake = std::min(wake, ping.deadline);
    }
    absl::StatusOr<ReceivedDatagram> datagram =
        socket->ReceiveFrom(absl::MakeSpan(buffer), wake);
    const absl::Time now = clock.Now();
    if (datagram.ok()) {
      PingEvent event;
      event.from = datagram->from;
      event.payload = buffer.substr(0, datagram->size);
      absl::StatusOr<PingMessage> message = ParsePing(event.payload);
      const uint32_t sequence = message.ok() ? message->sequence : 0;
      event.sequence = sequence;
      if (auto it = outstanding.find(sequence); it != outstanding.end()) {
        event.round_trip = now - it->second.sent;
        const EchoMatch match = CompareEcho(it->second.text, event.payload);
        if (match == EchoMatch::kDifferent || datagram->truncated()) {
          event.kind = PingEvent::Kind::kCorrupted;
          ++statistics.corrupted;
          // Still waiting: an intact answer may yet come.
        } else {
          event.kind = PingEvent::Kind::kReply;
          event.uppercased = match == EchoMatch::kUppercased;
          ++statistics.received;
          rtts.Add(event.round_trip);
          answered.insert(*it);
          outstanding.erase(it);
        }
      } else if (auto done = answered.find(sequence); done != answered.end()) {
        event.kind = PingEvent::Kind::kDuplicate;
        event.round_trip = now - done->second.sent;
        ++statistics.duplicates;
      } else if (auto gone = expired.find(sequence); gone != expired.end()) {
        event.kind = PingEvent::Kind::kLate;
        event.round_trip = now - gone->second.sent;
        ++statistics.late;
      } else {
        event.kind = PingEvent::Kind::kCorrupted;
        ++statistics.corrupted;
      }
      emit(event);
      continue;
    }
    if (datagram.status().code() == absl::StatusCode::kUnavailable) {
      // ICMP unreachable for an earlier ping; the ping itself will time out.
      ++statistics.errors;
      PingEvent event;
      event.kind = PingEvent::Kind::kUnreachable;
      event.from = target;
      emit(event);
      continue;
    }
    if (datagram.status().code() != absl::StatusCode::kDeadlineExceeded) {
      return datagram.status();
    }
    for (auto it = outstanding.begin(); it != outstanding.end();) {
      if (it->second.deadline > now) {
        ++it;
        continue;
      }
      PingEvent event;
      event.kind = PingEvent::Kind::kTimeout;
      event.sequence = it->first;
      emit(event);
      expired.insert(*it);
      it = outstanding.erase(it);
    }
    if (next_sequence <= count && now >= next_send) {
      ASSIGN_OR_RETURN(std::string text,
                       EncodePing(next_sequence, clock.WallNow(), options.size));
      const absl::Status sent = socket->SendTo(text, target);
      if (!sent.ok() && sent.code() != absl::StatusCode::kUnavailable) {
        return sent;
      }
      ++statistics.transmitted;
      outstanding[next_sequence] = {now, now + options.timeout, std::move(text)};
      ++next_sequence;
      next_send += options.interval;
    }
  }
  statistics.elapsed = clock.Now() - start;
  rtts.Fill(statistics);
  return statistics;
}

namespace {

// Milliseconds with three decimals, truncated to whole microseconds as
// iputils prints them.
std::string Millis(absl::Duration duration) {
  const int64_t micros = absl::ToInt64Microseconds(duration);
  return absl::StrFormat("%d.%03d", micros / 1000, micros % 1000);
}

}  // namespace

std::string FormatEvent(const PingEvent& event) {
  const std::string rtt = absl::StrCat("time=", Millis(event.round_trip), " ms");
  const std::string head = absl::StrCat(event.payload.size(), " bytes from ",
                                        event.from.ToString(), ": seq=",
                                        event.sequence, " ", rtt);
  switch (event.kind) {
    case PingEvent::Kind::kReply:
      return absl::StrCat(head, " \"", event.payload.substr(0, 64),
                          event.payload.size() > 64 ? "..." : "", "\"");
    case PingEvent::Kind::kTimeout:
      return absl::StrCat("Request timed out (seq=", event.sequence, ")");
    case PingEvent::Kind::kLate:
      return absl::StrCat(head, " (late: counted as lost)");
    case PingEvent::Kind::kDuplicate:
      return absl::StrCat(head, " (DUP!)");
    case PingEvent::Kind::kCorrupted:
      return absl::StrCat(head, " (corrupted: \"",
                          absl::CHexEscape(event.payload.substr(0, 64)),
                          "\" is not the ping)");
    case PingEvent::Kind::kUnreachable:
      return absl::StrCat("From ", event.from.ToString(),
                          ": Destination port unreachable");
  }
  return "";
}

std::string FormatStatistics(absl::string_view host,
                             const PingStatistics& statistics) {
  std::string text = absl::StrCat("--- ", host, " ping statistics ---\n",
                                  statistics.transmitted,
                                  " packets transmitted, ", statistics.received,
                                  " received");
  if (statistics.duplicates > 0) {
    absl::StrAppend(&text, ", +", statistics.duplicates, " duplicates");
  }
  if (statistics.corrupted > 0) {
    absl::StrAppend(&text, ", +", statistics.corrupted, " corrupted");
  }
  if (statistics.errors > 0) {
    absl::StrAppend(&text, ", +", statistics.errors, " errors");
  }
  // iputils prints the loss with %g of a float.
  absl::StrAppend(&text,
                  absl::StrFormat(", %g%% packet loss, time %dms\n",
                                  static_cast<float>(statistics.loss_percent()),
                                  absl::ToInt64Milliseconds(statistics.elapsed)));
  if (statistics.received > 0) {
    absl::StrAppend(&text, "rtt min/avg/max/mdev = ", Millis(statistics.min),
                    "/", Millis(statistics.avg), "/", Millis(statistics.max),
                    "/", Millis(statistics.mdev), " ms\n");
  }
  return text;
}

}  // namespace wirecheck::ping

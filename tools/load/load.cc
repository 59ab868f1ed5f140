#include "tools/load/load.h"

#include <algorithm>
#include <cstring>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/types/span.h"
#include "protocols/common/status_macros.h"
#include "protocols/ping/ping_message.h"
#include "protocols/time/time_codec.h"
#include "protocols/transport/posix_event_loop.h"

namespace wirecheck::load {
namespace {

// Echo payloads start with their sequence number in this many hex digits.
constexpr size_t kTokenBytes = 16;
// Datagrams sent and received per system call.
constexpr size_t kBatch = 32;
constexpr size_t kDatagramBuffer = 65536;
constexpr size_t kReadChunk = 64 * 1024;
constexpr absl::Duration kSweepInterval = absl::Milliseconds(10);
constexpr absl::Duration kProgressInterval = absl::Seconds(1);
// After a failed connect or a broken echo connection, wait this long before
// the next attempt, so a refusing target is not hammered in a tight loop.
constexpr absl::Duration kRetryPause = absl::Milliseconds(1);

void NoteError(LoadReport& report, const absl::Status& status) {
  ++report.errors;
  if (report.first_error.empty()) report.first_error = status.ToString();
}

void NoteInvalid(LoadReport& report, absl::string_view why) {
  ++report.invalid;
  if (report.first_invalid.empty()) report.first_invalid = std::string(why);
}

// The payload of echo message `seq`: its sequence number in hex (when the
// payload has room), then a fixed run of letters, which every framing
// variant can carry.
class EchoPayloads {
 public:
  explicit EchoPayloads(size_t size) : size_(size), pattern_(size, '\0') {
    for (size_t i = 0; i < size; ++i) pattern_[i] = static_cast<char>('a' + i % 26);
  }

  size_t size() const { return size_; }
  bool has_token() const { return size_ >= kTokenBytes; }

  void Write(uint64_t seq, std::string& out) const {
    out.assign(pattern_);
    if (has_token()) WriteToken(seq, out.data());
  }

  // The sequence number a datagram's payload carries, if it carries one.
  std::optional<uint64_t> TokenOf(absl::string_view payload) const {
    uint64_t seq = 0;
    if (!has_token() || payload.size() < kTokenBytes ||
        !absl::SimpleHexAtoi(payload.substr(0, kTokenBytes), &seq)) {
      return std::nullopt;
    }
    return seq;
  }

  // Whether `bytes` equal message `seq`'s payload from `offset` on;
  // offset + bytes.size() must not pass size().
  bool Matches(uint64_t seq, absl::string_view bytes, size_t offset) const {
    size_t i = 0;
    if (has_token() && offset < kTokenBytes) {
      char token[kTokenBytes];
      WriteToken(seq, token);
      for (; i < bytes.size() && offset + i < kTokenBytes; ++i) {
        if (bytes[i] != token[offset + i]) return false;
      }
    }
    return std::memcmp(bytes.data() + i, pattern_.data() + offset + i,
                       bytes.size() - i) == 0;
  }

 private:
  static void WriteToken(uint64_t seq, char* out) {
    static constexpr char kHex[] = "0123456789abcdef";
    for (int i = kTokenBytes - 1; i >= 0; --i, seq >>= 4) out[i] = kHex[seq & 15];
  }

  const size_t size_;
  std::string pattern_;
};

// When requests are due: at once when there is no rate, else request n at
// start + n / rate.
class Schedule {
 public:
  Schedule(absl::Time start, double rate) : start_(start), rate_(rate) {}

  // When the request `ahead` places after the next one is due; `now` when
  // there is no rate.
  absl::Time Due(absl::Time now, uint64_t ahead = 0) const {
    if (rate_ <= 0) return now;
    return start_ + absl::Seconds(static_cast<double>(taken_ + ahead) / rate_);
  }
  bool IsDue(absl::Time now, uint64_t ahead = 0) const {
    return Due(now, ahead) <= now;
  }
  void Take(uint64_t count = 1) { taken_ += count; }

 private:
  const absl::Time start_;
  const double rate_;
  uint64_t taken_ = 0;
};

// `now` is wall-clock time.
absl::Status CheckTimeReply(absl::string_view reply, absl::Time now,
                            absl::Duration max_skew) {
  ASSIGN_OR_RETURN(const uint32_t value, timeproto::DecodeTimeReply(reply));
  const absl::Duration off = timeproto::FromRfc868(value, now) - now;
  if (absl::AbsDuration(off) > max_skew) {
    return absl::OutOfRangeError(absl::StrCat(
        "time reply is ", absl::FormatDuration(off), " from the local clock"));
  }
  return absl::OkStatus();
}

absl::Status CheckDaytimeReply(absl::string_view reply, absl::Time now,
                               absl::Duration max_skew) {
  ASSIGN_OR_RETURN(const timeproto::DaytimeText text,
                   timeproto::ParseDaytime(reply));
  if (text.time.has_value() &&
      absl::AbsDuration(*text.time - now) > max_skew) {
    return absl::OutOfRangeError(
        absl::StrCat("daytime reply \"", text.line, "\" is ",
                     absl::FormatDuration(*text.time - now),
                     " from the local clock"));
  }
  return absl::OkStatus();
}

// Calls `progress` about once a second.
class ProgressTicker {
 public:
  ProgressTicker(const LoadOptions& options, absl::Time start)
      : progress_(options.progress), start_(start),
        next_(start + kProgressInterval) {}

  absl::Time next() const { return progress_ ? next_ : absl::InfiniteFuture(); }

  void MaybeTick(absl::Time now, LoadReport& report) {
    if (!progress_ || now < next_) return;
    next_ = now + kProgressInterval;
    report.elapsed = now - start_;
    progress_(report);
  }

 private:
  std::function<void(const LoadReport&)> progress_;
  const absl::Time start_;
  absl::Time next_;
};

// Datagram requests in flight, in the order sent. Sequence numbers are
// consecutive, so a request is found by its distance from the oldest.
class Tracker {
 public:
  struct Request {
    absl::Time due;
    absl::Time sent;
    bool answered = false;
  };

  uint64_t next_seq() const { return oldest_ + requests_.size(); }
  uint64_t oldest_seq() const { return oldest_; }
  size_t waiting() const { return waiting_; }
  bool empty() const { return requests_.empty(); }

  void Add(absl::Time due, absl::Time sent) {
    requests_.push_back({due, sent});
    ++waiting_;
  }

  // The request `seq`, or nullptr when it is not in flight.
  Request* Find(uint64_t seq) {
    if (seq < oldest_ || seq >= next_seq()) return nullptr;
    return &requests_[seq - oldest_];
  }

  void Answer(uint64_t seq) {
    Find(seq)->answered = true;
    --waiting_;
    while (!requests_.empty() && requests_.front().answered) Pop();
  }

  // Drops the requests sent more than `timeout` before `now`; returns how
  // many of them had no answer.
  uint64_t Expire(absl::Time now, absl::Duration timeout) {
    uint64_t expired = 0;
    while (!requests_.empty() && requests_.front().sent + timeout <= now) {
      if (!requests_.front().answered) {
        ++expired;
        --waiting_;
      }
      Pop();
    }
    return expired;
  }

  absl::Time next_expiry(absl::Duration timeout) const {
    return requests_.empty() ? absl::InfiniteFuture()
                             : requests_.front().sent + timeout;
  }

 private:
  void Pop() {
    requests_.pop_front();
    ++oldest_;
  }

  std::deque<Request> requests_;
  uint64_t oldest_ = 1;  // ping sequence numbers start at 1
  size_t waiting_ = 0;
};

// Time, daytime, echo and ping over UDP: one connected socket, batched
// sends and receives, a window of options.inflight requests.
class DatagramLoad {
 public:
  DatagramLoad(PosixNetwork& network, const LoadOptions& options,
               LoadReport& report)
      : network_(network), options_(options), report_(report),
        payloads_(options.size) {}

  absl::Status Run() {
    DatagramOptions socket_options;
    socket_options.receive_buffer_bytes = 4 << 20;
    ASSIGN_OR_RETURN(socket_,
                     network_.OpenDatagram(
                         SocketAddress::Any(options_.target.family(), 0),
                         socket_options));
    // Connected: the kernel drops datagrams from anyone else, and an ICMP
    // port-unreachable shows as a refused receive.
    RETURN_IF_ERROR(socket_->Connect(options_.target));
    storage_.resize(kBatch * kDatagramBuffer);
    for (size_t i = 0; i < kBatch; ++i) {
      buffers_.push_back(
          absl::MakeSpan(storage_.data() + i * kDatagramBuffer, kDatagramBuffer));
    }
    requests_.resize(kBatch);
    received_.resize(kBatch);
    Clock& clock = network_.clock();
    const absl::Time start = clock.Now();
    const absl::Time end = start + options_.duration;
    Schedule schedule(start, options_.rate);
    ProgressTicker ticker(options_, start);
    for (absl::Time now = start; now < end; now = clock.Now()) {
      const size_t sent = SendDue(schedule, now);
      absl::Time wait_until = absl::InfinitePast();
      if (sent == 0) {
        wait_until = std::min({end, ticker.next(),
                               tracker_.next_expiry(options_.timeout)});
        if (tracker_.waiting() < static_cast<size_t>(options_.inflight)) {
          wait_until = std::min(wait_until, schedule.Due(now));
        }
      }
      Receive(wait_until);
      now = clock.Now();
      report_.timeouts += tracker_.Expire(now, options_.timeout);
      ticker.MaybeTick(now, report_);
    }
    report_.elapsed = clock.Now() - start;
    return absl::OkStatus();
  }

 private:
  // Sends the requests due now that fit in the window, in one batch.
  size_t SendDue(Schedule& schedule, absl::Time now) {
    outgoing_.clear();
    due_.clear();
    const uint64_t first = tracker_.next_seq();
    while (outgoing_.size() < kBatch &&
           tracker_.waiting() + outgoing_.size() <
               static_cast<size_t>(options_.inflight) &&
           schedule.IsDue(now, outgoing_.size())) {
      std::string& request = requests_[outgoing_.size()];
      const uint64_t seq = first + outgoing_.size();
      switch (options_.protocol) {
        case Protocol::kTime:
        case Protocol::kDaytime:
          // RFC 868 and RFC 867: any datagram asks; an empty one is least.
          request.clear();
          break;
        case Protocol::kEcho:
          payloads_.Write(seq, request);
          break;
        case Protocol::kPing:
          request = *ping::EncodePing(static_cast<uint32_t>(seq), now,
                                      options_.size);  // size checked first
          break;
      }
      due_.push_back(schedule.Due(now, outgoing_.size()));
      outgoing_.push_back({request, options_.target});
    }
    if (outgoing_.empty()) return 0;
    absl::StatusOr<size_t> sent = socket_->SendBatch(outgoing_);
    if (!sent.ok()) {
      // Usually an ICMP error left by an earlier datagram; the requests are
      // sent again on the next round.
      NoteError(report_, sent.status());
      return 0;
    }
    for (size_t i = 0; i < *sent; ++i) tracker_.Add(due_[i], now);
    schedule.Take(*sent);
    report_.sent += *sent;
    return *sent;
  }

  // Receives what has arrived, waiting until `wait_until` when nothing has.
  void Receive(absl::Time wait_until) {
    Clock& clock = network_.clock();
    absl::StatusOr<size_t> count =
        socket_->ReceiveBatch(buffers_, absl::MakeSpan(received_), wait_until);
    if (!count.ok()) {
      NoteError(report_, count.status());
      return;
    }
    const absl::Time now = clock.Now();
    for (size_t i = 0; i < *count; ++i) {
      Handle(received_[i], buffers_[i].data(), now);
    }
  }

  void Handle(const ReceivedDatagram& datagram, const char* data,
              absl::Time now) {
    const absl::string_view reply(data, datagram.size);
    // Replies without a sequence number answer the oldest request waiting
    // (oldest_seq() is past every request when none is).
    std::optional<uint64_t> seq;
    switch (options_.protocol) {
      case Protocol::kTime:
      case Protocol::kDaytime:
        seq = tracker_.oldest_seq();
        break;
      case Protocol::kEcho:
        seq = payloads_.has_token() ? payloads_.TokenOf(reply)
                                    : tracker_.oldest_seq();
        break;
      case Protocol::kPing:
        if (absl::StatusOr<ping::PingMessage> ping = ping::ParsePing(reply);
            ping.ok()) {
          // Ping sequence numbers are 32 bits; ours count on.
          seq = (tracker_.oldest_seq() & ~uint64_t{0xffffffff}) |
                ping->sequence;
          if (*seq < tracker_.oldest_seq()) *seq += uint64_t{1} << 32;
        }
        break;
    }
    if (!seq.has_value()) {
      // Unmatchable: it counts as invalid, and its request times out.
      NoteInvalid(report_, absl::StrCat("a reply matching no request: ",
                                        absl::CHexEscape(reply.substr(0, 64))));
      return;
    }
    if (*seq < tracker_.oldest_seq() || tracker_.empty()) {
      ++report_.late;
      return;
    }
    Tracker::Request* request = tracker_.Find(*seq);
    if (request == nullptr) {
      NoteInvalid(report_, absl::StrCat("a reply to request ", *seq,
                                        ", which was never sent"));
      return;
    }
    if (request->answered) {
      ++report_.duplicates;
      return;
    }
    const absl::Status valid = Validate(*seq, *request, datagram, reply, now);
    const absl::Time due = request->due;
    tracker_.Answer(*seq);
    if (!valid.ok()) {
      NoteInvalid(report_, valid.message());
      return;
    }
    ++report_.valid;
    report_.bytes += reply.size();
    report_.latency.Record(now - due);
  }

  absl::Status Validate(uint64_t seq, const Tracker::Request& request,
                        const ReceivedDatagram& datagram,
                        absl::string_view reply, absl::Time now) {
    if (datagram.truncated()) {
      return absl::InvalidArgumentError(
          absl::StrCat("a reply of ", datagram.wire_size, " bytes"));
    }
    switch (options_.protocol) {
      case Protocol::kTime:
        return CheckTimeReply(reply, network_.clock().WallNow(),
                              options_.max_skew);
      case Protocol::kDaytime:
        return CheckDaytimeReply(reply, network_.clock().WallNow(),
                                 options_.max_skew);
      case Protocol::kEcho:
        if (reply.size() != payloads_.size() ||
            !payloads_.Matches(seq, reply, 0)) {
          return absl::InvalidArgumentError(absl::StrCat(
              "echo of request ", seq, " differs from what was sent (",
              reply.size(), " bytes for ", payloads_.size(), ")"));
        }
        return absl::OkStatus();
      case Protocol::kPing: {
        const std::string sent = *ping::EncodePing(
            static_cast<uint32_t>(seq), request.sent, options_.size);
        if (ping::CompareEcho(sent, reply) == ping::EchoMatch::kDifferent) {
          return absl::InvalidArgumentError(
              absl::StrCat("echo of ping ", seq, " is corrupted"));
        }
        return absl::OkStatus();
      }
    }
    return absl::OkStatus();
  }

  PosixNetwork& network_;
  const LoadOptions& options_;
  LoadReport& report_;
  const EchoPayloads payloads_;
  std::unique_ptr<DatagramSocket> socket_;
  Tracker tracker_;
  std::vector<char> storage_;
  std::vector<absl::Span<char>> buffers_;
  std::vector<ReceivedDatagram> received_;
  std::vector<std::string> requests_;
  std::vector<OutgoingDatagram> outgoing_;
  std::vector<absl::Time> due_;
};

// What the stream workloads share: the event loop, the schedule, the end of
// the run, the progress line and a periodic sweep for timeouts.
class StreamLoadBase {
 public:
  StreamLoadBase(PosixNetwork& network, const LoadOptions& options,
                 LoadReport& report)
      : network_(network), options_(options), report_(report) {}
  virtual ~StreamLoadBase() = default;

  absl::Status Run() {
    ASSIGN_OR_RETURN(loop_, PosixEventLoop::Create(network_.clock()));
    start_ = Now();
    schedule_.emplace(start_, options_.rate);
    ProgressTicker ticker(options_, start_);
    RETURN_IF_ERROR(Begin());
    const absl::Time end = start_ + options_.duration;
    loop_->AddTimer(end, [this] {
      stopping_ = true;
      loop_->Stop();
    });
    std::function<void()> sweep = [&] {
      const absl::Time now = Now();
      Sweep(now);
      ticker.MaybeTick(now, report_);
      loop_->AddTimer(now + kSweepInterval, sweep);
    };
    loop_->AddTimer(start_ + kSweepInterval, sweep);
    RETURN_IF_ERROR(loop_->Run());
    report_.elapsed = Now() - start_;
    End();
    return absl::OkStatus();
  }

 protected:
  // Starts the connections.
  virtual absl::Status Begin() = 0;
  // Times out what waited too long at `now`.
  virtual void Sweep(absl::Time now) = 0;
  // Closes every connection.
  virtual void End() = 0;

  absl::Time Now() { return network_.clock().Now(); }

  PosixNetwork& network_;
  const LoadOptions& options_;
  LoadReport& report_;
  std::unique_ptr<PosixEventLoop> loop_;
  std::optional<Schedule> schedule_;
  absl::Time start_;
  bool stopping_ = false;
};

// Time and daytime over TCP: each of options.connections slots connects,
// reads the reply to EOF, checks it, closes, and starts again.
class ConnectionPerRequestLoad : public StreamLoadBase {
 public:
  using StreamLoadBase::StreamLoadBase;

 private:
  struct Slot {
    std::unique_ptr<Stream> stream;
    absl::Time due;
    absl::Time started;
    std::string reply;
    size_t received = 0;
    EventLoop::TimerId timer = 0;
  };

  absl::Status Begin() override {
    // One byte past the longest valid reply shows a reply that is too long.
    reply_limit_ = options_.protocol == Protocol::kTime
                       ? 5
                       : timeproto::kMaxDaytimeBytes + 1;
    slots_.resize(options_.connections);
    for (Slot& slot : slots_) {
      slot.reply.resize(reply_limit_);
      Start(slot);
    }
    return absl::OkStatus();
  }

  void Start(Slot& slot) {
    if (stopping_) return;
    const absl::Time now = Now();
    if (!schedule_->IsDue(now)) {
      Later(slot, schedule_->Due(now));
      return;
    }
    slot.due = schedule_->Due(now);
    schedule_->Take();
    slot.started = now;
    slot.received = 0;
    absl::StatusOr<std::unique_ptr<Stream>> stream =
        network_.StartConnect(options_.target);
    ++report_.sent;
    if (!stream.ok()) {
      NoteError(report_, stream.status());
      Later(slot, now + kRetryPause);
      return;
    }
    slot.stream = *std::move(stream);
    const absl::Status watched = loop_->Watch(
        *slot.stream, kReadable, [this, &slot](uint32_t) { Readable(slot); });
    if (!watched.ok()) {
      NoteError(report_, watched);
      Close(slot);
      Later(slot, now + kRetryPause);
    }
  }

  void Later(Slot& slot, absl::Time when) {
    slot.timer = loop_->AddTimer(when, [this, &slot] {
      slot.timer = 0;
      Start(slot);
    });
  }

  void Readable(Slot& slot) {
    for (;;) {
      absl::StatusOr<size_t> n = slot.stream->Read(
          absl::MakeSpan(slot.reply).subspan(slot.received),
          absl::InfinitePast());
      if (!n.ok()) {
        if (absl::IsDeadlineExceeded(n.status())) return;
        NoteError(report_, n.status());
        break;
      }
      if (*n == 0) {
        Check(slot);
        break;
      }
      slot.received += *n;
      if (slot.received == reply_limit_) {
        NoteInvalid(report_,
                    absl::StrCat("a reply longer than ", reply_limit_ - 1,
                                 " bytes"));
        break;
      }
    }
    Close(slot);
    Start(slot);
  }

  void Check(Slot& slot) {
    const absl::Time now = Now();
    const absl::string_view reply(slot.reply.data(), slot.received);
    const absl::Time wall = network_.clock().WallNow();
    const absl::Status valid =
        options_.protocol == Protocol::kTime
            ? CheckTimeReply(reply, wall, options_.max_skew)
            : CheckDaytimeReply(reply, wall, options_.max_skew);
    if (!valid.ok()) {
      NoteInvalid(report_, valid.message());
      return;
    }
    ++report_.valid;
    report_.bytes += reply.size();
    report_.latency.Record(now - slot.due);
  }

  void Close(Slot& slot) {
    if (slot.stream == nullptr) return;
    loop_->Unwatch(*slot.stream);
    slot.stream->Close();
    slot.stream.reset();
  }

  void Sweep(absl::Time now) override {
    for (Slot& slot : slots_) {
      if (slot.stream == nullptr || now - slot.started < options_.timeout) {
        continue;
      }
      ++report_.timeouts;
      loop_->Unwatch(*slot.stream);
      slot.stream->Abort();
      slot.stream.reset();
      Start(slot);
    }
  }

  void End() override {
    for (Slot& slot : slots_) {
      loop_->CancelTimer(slot.timer);
      Close(slot);
    }
  }

  size_t reply_limit_ = 0;
  std::vector<Slot> slots_;
};

// Echo over TCP: options.connections persistent connections, each keeping
// options.depth messages in flight and comparing every echoed byte.
class StreamEchoLoad : public StreamLoadBase {
 public:
  StreamEchoLoad(PosixNetwork& network, const LoadOptions& options,
                 LoadReport& report)
      : StreamLoadBase(network, options, report), payloads_(options.size) {}

 private:
  struct Message {
    uint64_t seq;
    absl::Time due;
    absl::Time sent;
  };
  struct Connection {
    std::unique_ptr<Stream> stream;
    std::unique_ptr<framing::Encoder> encoder;
    std::unique_ptr<framing::Decoder> decoder;
    std::string output;
    size_t written = 0;
    std::deque<Message> waiting;
    // Raw: bytes of the oldest waiting message already echoed.
    size_t echoed = 0;
    uint64_t next_seq = 0;
    uint32_t events = 0;
    EventLoop::TimerId timer = 0;
  };

  absl::Status Begin() override {
    read_buffer_.resize(kReadChunk);
    connections_.resize(options_.connections);
    for (Connection& connection : connections_) Open(connection);
    return absl::OkStatus();
  }

  void Open(Connection& connection) {
    if (stopping_) return;
    absl::StatusOr<std::unique_ptr<Stream>> stream =
        network_.Connect(options_.target, Now() + options_.timeout);
    if (!stream.ok()) {
      NoteError(report_, stream.status());
      connection.timer = loop_->AddTimer(Now() + kRetryPause, [this, &connection] {
        connection.timer = 0;
        Open(connection);
      });
      return;
    }
    connection.stream = *std::move(stream);
    connection.output.clear();
    connection.written = 0;
    connection.echoed = 0;
    connection.waiting.clear();
    connection.events = 0;
    if (options_.framing != framing::Variant::kRaw) {
      connection.encoder = framing::MakeEncoder(options_.framing);
      framing::DecoderOptions decoder_options;
      decoder_options.max_frame_size = std::max<size_t>(options_.size, 1);
      connection.decoder =
          framing::MakeDecoder(options_.framing, decoder_options);
    }
    Pump(connection);
  }

  // Queues the messages that are due and fit in the window, writes what
  // the socket takes, and watches for what is missing.
  void Pump(Connection& connection) {
    const absl::Time now = Now();
    while (!stopping_ &&
           connection.waiting.size() < static_cast<size_t>(options_.depth) &&
           schedule_->IsDue(now)) {
      const uint64_t seq = connection.next_seq++;
      payloads_.Write(seq, scratch_);
      if (connection.encoder != nullptr) {
        connection.encoder->Encode(scratch_, connection.output)
            .IgnoreError();  // RunLoad checked the payload encodes
      } else {
        connection.output += scratch_;
      }
      connection.waiting.push_back({seq, schedule_->Due(now), now});
      schedule_->Take();
      ++report_.sent;
    }
    if (!stopping_ && options_.rate > 0 && connection.timer == 0 &&
        connection.waiting.size() < static_cast<size_t>(options_.depth)) {
      connection.timer =
          loop_->AddTimer(schedule_->Due(now), [this, &connection] {
            connection.timer = 0;
            if (connection.stream != nullptr) Pump(connection);
          });
    }
    while (connection.written < connection.output.size()) {
      absl::StatusOr<size_t> n = connection.stream->Write(
          absl::string_view(connection.output).substr(connection.written),
          absl::InfinitePast());
      if (!n.ok()) {
        if (absl::IsDeadlineExceeded(n.status())) break;
        Fail(connection, n.status());
        return;
      }
      connection.written += *n;
    }
    if (connection.written == connection.output.size()) {
      connection.output.clear();
      connection.written = 0;
    }
    const uint32_t events =
        kReadable | (connection.output.empty() ? 0 : kWritable);
    if (events == connection.events) return;
    connection.events = events;
    const absl::Status watched = loop_->Watch(
        *connection.stream, events,
        [this, &connection](uint32_t) { Ready(connection); });
    if (!watched.ok()) Fail(connection, watched);
  }

  void Ready(Connection& connection) {
    for (int i = 0; i < 16; ++i) {
      absl::StatusOr<size_t> n = connection.stream->Read(
          absl::MakeSpan(read_buffer_), absl::InfinitePast());
      if (!n.ok()) {
        if (absl::IsDeadlineExceeded(n.status())) break;
        Fail(connection, n.status());
        return;
      }
      if (*n == 0) {
        Fail(connection,
             absl::UnavailableError(absl::StrCat(
                 "echo ", options_.target.ToString(),
                 ": the server closed the connection with ",
                 connection.waiting.size(), " messages unanswered")));
        return;
      }
      if (!Consume(connection, absl::string_view(read_buffer_.data(), *n))) {
        return;
      }
      if (static_cast<size_t>(*n) < read_buffer_.size()) break;
    }
    Pump(connection);
  }

  // Matches echoed bytes to the waiting messages. False when the echo was
  // wrong and the connection was dropped.
  bool Consume(Connection& connection, absl::string_view data) {
    if (connection.decoder != nullptr) {
      bool wrong = false;
      const absl::Status fed =
          connection.decoder->Feed(data, [&](const framing::Frame& frame) {
            if (wrong) return;
            if (connection.waiting.empty() ||
                frame.payload.size() != payloads_.size() ||
                !payloads_.Matches(connection.waiting.front().seq,
                                   frame.payload, 0)) {
              wrong = true;
              return;
            }
            Answered(connection, frame.payload.size());
          });
      if (!fed.ok()) return Invalid(connection, fed.message());
      if (wrong) {
        return Invalid(connection,
                       "an echoed frame differs from the frame sent");
      }
      return true;
    }
    while (!data.empty()) {
      if (connection.waiting.empty()) {
        return Invalid(connection, "more bytes echoed than were sent");
      }
      const size_t take =
          std::min(payloads_.size() - connection.echoed, data.size());
      if (!payloads_.Matches(connection.waiting.front().seq,
                             data.substr(0, take), connection.echoed)) {
        return Invalid(connection, absl::StrCat(
                                       "echoed bytes differ from those sent, "
                                       "in message ",
                                       connection.waiting.front().seq));
      }
      connection.echoed += take;
      data.remove_prefix(take);
      if (connection.echoed == payloads_.size()) {
        connection.echoed = 0;
        Answered(connection, payloads_.size());
      }
    }
    return true;
  }

  void Answered(Connection& connection, size_t bytes) {
    ++report_.valid;
    report_.bytes += bytes;
    report_.latency.Record(Now() - connection.waiting.front().due);
    connection.waiting.pop_front();
  }

  bool Invalid(Connection& connection, absl::string_view why) {
    NoteInvalid(report_, why);
    Drop(connection);
    Reopen(connection);
    return false;
  }

  void Fail(Connection& connection, const absl::Status& status) {
    NoteError(report_, status);
    Drop(connection);
    Reopen(connection);
  }

  void Reopen(Connection& connection) {
    connection.timer = loop_->AddTimer(Now() + kRetryPause, [this, &connection] {
      connection.timer = 0;
      Open(connection);
    });
  }

  // Resets the connection; what it had in flight is lost.
  void Drop(Connection& connection) {
    loop_->CancelTimer(connection.timer);
    connection.timer = 0;
    if (connection.stream == nullptr) return;
    loop_->Unwatch(*connection.stream);
    connection.stream->Abort();
    connection.stream.reset();
    connection.waiting.clear();
  }

  void Sweep(absl::Time now) override {
    for (Connection& connection : connections_) {
      if (connection.stream == nullptr || connection.waiting.empty() ||
          now - connection.waiting.front().sent < options_.timeout) {
        continue;
      }
      report_.timeouts += connection.waiting.size();
      Drop(connection);
      Reopen(connection);
    }
  }

  void End() override {
    for (Connection& connection : connections_) {
      Drop(connection);
      loop_->CancelTimer(connection.timer);
    }
  }

  const EchoPayloads payloads_;
  std::vector<Connection> connections_;
  std::string read_buffer_;
  std::string scratch_;
};

absl::Status CheckOptions(const LoadOptions& options) {
  const auto invalid = [](auto&&... parts) {
    return absl::InvalidArgumentError(absl::StrCat("load: ", parts...));
  };
  if (options.duration <= absl::ZeroDuration()) {
    return invalid("the duration must be positive");
  }
  if (options.connections < 1 || options.inflight < 1 || options.depth < 1) {
    return invalid("connections, inflight and depth must be at least 1");
  }
  if (options.rate < 0) return invalid("the rate must not be negative");
  if (options.timeout <= absl::ZeroDuration()) {
    return invalid("the timeout must be positive");
  }
  if (options.idle_connections < 0) {
    return invalid("idle connections must not be negative");
  }
  if (options.protocol == Protocol::kPing && options.transport != Transport::kUdp) {
    return invalid("ping runs over UDP only");
  }
  if (options.protocol != Protocol::kEcho &&
      options.framing != framing::Variant::kRaw) {
    return invalid("a framing applies to echo only");
  }
  if (options.protocol == Protocol::kEcho) {
    if (options.transport == Transport::kUdp &&
        options.framing != framing::Variant::kRaw) {
      return invalid("echo over UDP is raw (RFC 862); framings need TCP");
    }
    if (options.size == 0) return invalid("echo messages need at least 1 byte");
    if (options.transport == Transport::kUdp && options.size > 65507) {
      return invalid("a UDP echo datagram holds at most 65507 bytes");
    }
    if (options.framing != framing::Variant::kRaw) {
      std::string payload;
      EchoPayloads(options.size).Write(0, payload);
      RETURN_IF_ERROR(framing::EncodeFrame(options.framing, payload).status());
    }
  }
  if (options.protocol == Protocol::kPing) {
    RETURN_IF_ERROR(
        ping::EncodePing(1, absl::Now(), options.size).status());
  }
  return absl::OkStatus();
}

// Opens the idle connections, one after another (a burst of connects could
// overflow the target's accept backlog).
std::vector<std::unique_ptr<Stream>> OpenIdle(PosixNetwork& network,
                                              const LoadOptions& options,
                                              LoadReport& report) {
  std::vector<std::unique_ptr<Stream>> idle;
  for (int i = 0; i < options.idle_connections; ++i) {
    absl::StatusOr<std::unique_ptr<Stream>> stream = network.Connect(
        options.target, network.clock().Now() + options.timeout);
    if (!stream.ok()) {
      NoteError(report, stream.status());
      continue;
    }
    idle.push_back(*std::move(stream));
  }
  return idle;
}

// How many idle connections are still neither refused nor reset: whatever
// the server sent them is read and discarded.
int CountOpen(std::vector<std::unique_ptr<Stream>>& idle) {
  int open = 0;
  char buffer[4096];
  for (auto& stream : idle) {
    bool alive = true;
    for (;;) {
      absl::StatusOr<size_t> n =
          stream->Read(absl::MakeSpan(buffer), absl::InfinitePast());
      if (!n.ok()) {
        alive = absl::IsDeadlineExceeded(n.status());
        break;
      }
      if (*n == 0) break;
    }
    if (alive) ++open;
  }
  return open;
}

}  // namespace

absl::string_view ProtocolName(Protocol protocol) {
  switch (protocol) {
    case Protocol::kTime:
      return "time";
    case Protocol::kDaytime:
      return "daytime";
    case Protocol::kEcho:
      return "echo";
    case Protocol::kPing:
      return "ping";
  }
  return "?";
}

absl::StatusOr<Protocol> ParseProtocol(absl::string_view name) {
  for (Protocol protocol : {Protocol::kTime, Protocol::kDaytime,
                            Protocol::kEcho, Protocol::kPing}) {
    if (name == ProtocolName(protocol)) return protocol;
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "unknown protocol \"", name, "\" (time, daytime, echo or ping)"));
}

double LoadReport::valid_per_second() const {
  const double seconds = absl::ToDoubleSeconds(elapsed);
  return seconds > 0 ? static_cast<double>(valid) / seconds : 0;
}

double LoadReport::bytes_per_second() const {
  const double seconds = absl::ToDoubleSeconds(elapsed);
  return seconds > 0 ? static_cast<double>(bytes) / seconds : 0;
}

absl::StatusOr<LoadReport> RunLoad(PosixNetwork& network,
                                   const LoadOptions& options) {
  RETURN_IF_ERROR(CheckOptions(options));
  LoadReport report;
  report.idle_requested = options.idle_connections;
  std::vector<std::unique_ptr<Stream>> idle = OpenIdle(network, options, report);
  if (options.transport == Transport::kUdp) {
    DatagramLoad load(network, options, report);
    RETURN_IF_ERROR(load.Run());
  } else if (options.protocol == Protocol::kEcho) {
    StreamEchoLoad load(network, options, report);
    RETURN_IF_ERROR(load.Run());
  } else {
    ConnectionPerRequestLoad load(network, options, report);
    RETURN_IF_ERROR(load.Run());
  }
  report.idle_open = CountOpen(idle);
  return report;
}

}  // namespace wirecheck::load

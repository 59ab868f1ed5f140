#include "tools/proxy/tcp_proxy.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <algorithm>
#include <deque>
#include <utility>

#include "absl/strings/str_cat.h"
#include "fakes/stream_fault_engine.h"
#include "protocols/common/status_macros.h"
#include "tools/proxy/idle_timer.h"

namespace wirecheck::proxy {
namespace {

using fakes::Direction;
using fakes::StreamFaultEngine;
using Action = StreamFaultEngine::Action;

// Reads per readiness callback are bounded so one busy sender cannot starve
// the other connections; level-triggered readiness brings the loop back.
constexpr size_t kReadChunk = 64 * 1024;
// A direction that is cut into segments (slice, bandwidth) may queue an
// action per byte read; smaller reads keep that bookkeeping, which counts
// against the buffer too, close to the limit.
constexpr size_t kSegmentedReadChunk = 4 * 1024;
constexpr int kMaxReadsPerEvent = 16;

bool WouldBlock(const absl::Status& status) {
  return status.code() == absl::StatusCode::kDeadlineExceeded;
}

// Makes a real socket report writable only once every byte written to it
// has been sent, so the next segment cannot be merged into the last one in
// the send queue. Fake streams (no descriptor) keep each write apart anyway.
void SendSegmentsApart(Stream& stream) {
  if (stream.fd() < 0) return;
  const int one = 1;
  // Best effort: without it segments are still written one by one.
  setsockopt(stream.fd(), IPPROTO_TCP, TCP_NOTSENT_LOWAT, &one, sizeof(one));
}

}  // namespace

// One client connection and its upstream connection, with a Pipe per
// direction: up (client -> upstream) and down (upstream -> client).
class TcpProxy::Relay {
 public:
  Relay(TcpProxy& proxy, std::unique_ptr<Stream> client)
      : proxy_(proxy),
        client_(std::move(client)),
        client_address_(client_->peer_address()),
        idle_(
            proxy_.loop_, proxy_.options_.idle_timeout,
            // Bytes waiting out a delay are not idleness.
            [this] { return up().timer != 0 || down().timer != 0; },
            [this](absl::Duration idle) {
              ResetNow(absl::StrCat("idle for ", absl::FormatDuration(idle)));
            }) {
    pipes_[0].direction = Direction::kUp;
    pipes_[1].direction = Direction::kDown;
  }

  ~Relay() {
    if (state_ != State::kClosed) Release();
  }

  void Start() {
    connect_id_ = proxy_.connector_.Connect(
        proxy_.options_.upstream, proxy_.options_.connect_timeout,
        [this](absl::StatusOr<std::unique_ptr<Stream>> upstream) {
          connect_id_ = 0;
          OnConnected(std::move(upstream));
        });
  }

  // Resets both ends now (idle, shutdown).
  void ResetNow(absl::string_view why) {
    if (state_ == State::kClosed) return;
    ++proxy_.stats_.resets;
    Log(absl::StrCat(why, ": resetting both ends"));
    client_->Abort();
    if (upstream_ != nullptr) upstream_->Abort();
    Release();
    proxy_.Retire(this);
  }

 private:
  enum class State { kConnecting, kRelaying, kClosed };

  // One direction.
  struct Pipe {
    Direction direction;
    std::unique_ptr<StreamFaultEngine> engine;
    // What the engine said to deliver, in order, not yet done.
    std::deque<Action> queue;
    // Bytes of queue.front() already written.
    size_t written = 0;
    // Data bytes in `queue`.
    size_t queued_bytes = 0;
    // Bytes the engine holds and never delivers (stall).
    size_t held_bytes = 0;
    uint64_t bytes_out = 0;
    // The sender's EOF was read.
    bool source_done = false;
    // Writing toward the receiver is shut down.
    bool sink_shut = false;
    // Waiting for the receiver's socket to become writable: the last write
    // was short, or (slicing) the last segment has not left yet.
    bool blocked = false;
    // Slicing: every segment waits until the one before it has left.
    bool segments_apart = false;
    // The most to read at once.
    size_t read_chunk = kReadChunk;
    EventLoop::TimerId timer = 0;
    absl::Time timer_at;

    // What the pipe holds, its bookkeeping included.
    size_t buffered() const {
      return queued_bytes + held_bytes + queue.size() * sizeof(Action);
    }
  };

  Pipe& up() { return pipes_[0]; }
  Pipe& down() { return pipes_[1]; }
  Stream& Source(const Pipe& pipe) {
    return pipe.direction == Direction::kUp ? *client_ : *upstream_;
  }
  Stream& Sink(const Pipe& pipe) {
    return pipe.direction == Direction::kUp ? *upstream_ : *client_;
  }
  static absl::string_view SourceName(const Pipe& pipe) {
    return pipe.direction == Direction::kUp ? "the client" : "the upstream";
  }
  static absl::string_view SinkName(const Pipe& pipe) {
    return pipe.direction == Direction::kUp ? "the upstream" : "the client";
  }

  void Log(absl::string_view message) {
    proxy_.Log(absl::StrCat("tcp ", client_address_.ToString(), ": ", message));
  }

  void OnConnected(absl::StatusOr<std::unique_ptr<Stream>> upstream) {
    if (!upstream.ok()) {
      ++proxy_.stats_.upstream_failures;
      Log(absl::StrCat("upstream connect failed (", upstream.status().ToString(),
                       "); resetting the client"));
      client_->Abort();
      Release();
      proxy_.Retire(this);
      return;
    }
    upstream_ = *std::move(upstream);
    state_ = State::kRelaying;
    const std::string path = absl::StrCat(
        client_address_.ToString(), "->", proxy_.options_.upstream.ToString());
    for (Pipe& pipe : pipes_) {
      const fakes::StreamFaults& faults = proxy_.plan_.stream(pipe.direction);
      pipe.engine = std::make_unique<StreamFaultEngine>(
          faults, proxy_.loop_.clock(), proxy_.options_.fault_log,
          absl::StrCat(path, " ", fakes::DirectionName(pipe.direction)));
      if (faults.slice > 0) {
        pipe.segments_apart = true;
        SendSegmentsApart(Sink(pipe));
      }
      if (faults.slice > 0 || faults.bandwidth > 0) {
        pipe.read_chunk = kSegmentedReadChunk;
      }
    }
    Log(absl::StrCat("connected to upstream ",
                     proxy_.options_.upstream.ToString(), " from ",
                     upstream_->local_address().ToString()));
    Touch();
    for (Pipe& pipe : pipes_) {
      if (state_ != State::kRelaying) return;
      Carry(pipe, pipe.engine->OnOpen());
    }
    Settle();
  }

  // The readiness of one stream: it is the sender of `out` and the
  // receiver of `in`.
  void OnReady(Pipe& out, Pipe& in, uint32_t ready) {
    if ((ready & kWritable) && state_ == State::kRelaying) {
      in.blocked = false;
      Pump(in);
    }
    if ((ready & kReadable) && state_ == State::kRelaying) ReadFrom(out);
    Settle();
  }

  bool WantsInput(const Pipe& pipe) const {
    return state_ == State::kRelaying && !pipe.source_done &&
           pipe.buffered() < proxy_.options_.max_buffered_bytes;
  }

  void ReadFrom(Pipe& pipe) {
    std::string& buffer = proxy_.read_buffer_;
    for (int i = 0; i < kMaxReadsPerEvent && WantsInput(pipe); ++i) {
      const size_t room = std::min(
          pipe.read_chunk, proxy_.options_.max_buffered_bytes - pipe.buffered());
      absl::StatusOr<size_t> n = Source(pipe).Read(
          absl::MakeSpan(buffer.data(), room), absl::InfinitePast());
      if (!n.ok()) {
        if (WouldBlock(n.status())) return;
        PeerFailed(SourceName(pipe), n.status());
        return;
      }
      if (*n == 0) {
        pipe.source_done = true;
        Carry(pipe, pipe.engine->OnEnd());
        return;
      }
      Touch();
      Carry(pipe, pipe.engine->OnData(absl::string_view(buffer.data(), *n)));
    }
  }

  // Queues what the engine said and delivers what is due.
  void Carry(Pipe& pipe, StreamFaultEngine::Output output) {
    pipe.held_bytes += output.held;
    for (Action& action : output.actions) {
      pipe.queued_bytes += action.bytes.size();
      pipe.queue.push_back(std::move(action));
    }
    Pump(pipe);
  }

  // Carries out the queued actions that are due, in order, as far as the
  // receiver takes them.
  void Pump(Pipe& pipe) {
    while (state_ == State::kRelaying && !pipe.queue.empty()) {
      Action& action = pipe.queue.front();
      if (action.at > proxy_.loop_.clock().Now()) {
        ArmTimer(pipe, action.at);
        return;
      }
      switch (action.kind) {
        case Action::Kind::kData: {
          if (pipe.blocked) return;
          absl::StatusOr<size_t> n = Sink(pipe).Write(
              absl::string_view(action.bytes).substr(pipe.written),
              absl::InfinitePast());
          if (!n.ok()) {
            if (WouldBlock(n.status())) {
              pipe.blocked = true;
              return;
            }
            PeerFailed(SinkName(pipe), n.status());
            return;
          }
          Touch();
          pipe.written += *n;
          pipe.bytes_out += *n;
          if (pipe.written < action.bytes.size()) {
            pipe.blocked = true;
            return;
          }
          pipe.queued_bytes -= action.bytes.size();
          pipe.written = 0;
          pipe.queue.pop_front();
          if (pipe.segments_apart) pipe.blocked = true;
          break;
        }
        case Action::Kind::kEnd: {
          // A receiver that already reset makes this a no-op; its reset
          // surfaces on the next read or write.
          const absl::Status shutdown = Sink(pipe).Shutdown(ShutdownMode::kWrite);
          if (!shutdown.ok()) {
            PeerFailed(SinkName(pipe), shutdown);
            return;
          }
          pipe.sink_shut = true;
          pipe.queue.pop_front();
          break;
        }
        case Action::Kind::kReset:
          ++proxy_.stats_.resets;
          Log(absl::StrCat(fakes::DirectionName(pipe.direction), " reset_after ",
                           pipe.engine->faults().reset_after.value_or(0),
                           " bytes: resetting both ends"));
          client_->Abort();
          upstream_->Abort();
          Release();
          proxy_.Retire(this);
          return;
      }
    }
  }

  void ArmTimer(Pipe& pipe, absl::Time at) {
    if (pipe.timer != 0 && pipe.timer_at == at) return;
    proxy_.loop_.CancelTimer(pipe.timer);
    pipe.timer_at = at;
    pipe.timer = proxy_.loop_.AddTimer(at, [this, &pipe] {
      pipe.timer = 0;
      Pump(pipe);
      Settle();
    });
  }

  // A read or write failed: the peer `who` reset (or the socket broke).
  // The other end is reset too, as the peer's reset would have reached it
  // without the proxy in between.
  void PeerFailed(absl::string_view who, const absl::Status& status) {
    ++proxy_.stats_.resets;
    Log(absl::StrCat(who, IsConnectionReset(status) ? " reset the connection ("
                                                    : " failed (",
                     status.ToString(), "); resetting both ends"));
    client_->Abort();
    upstream_->Abort();
    Release();
    proxy_.Retire(this);
  }

  bool Finished(const Pipe& pipe) const {
    return pipe.source_done && pipe.sink_shut && pipe.queue.empty();
  }

  // After every event: closes the connection once both directions are
  // done, else watches for what each pipe waits for.
  void Settle() {
    if (state_ != State::kRelaying) return;
    if (Finished(up()) && Finished(down())) {
      Log(absl::StrCat("closed: ", up().bytes_out, " bytes up, ",
                       down().bytes_out, " bytes down"));
      Release();
      proxy_.Retire(this);
      return;
    }
    UpdateWatch(*client_, up(), down(), client_events_);
    if (state_ == State::kRelaying) {
      UpdateWatch(*upstream_, down(), up(), upstream_events_);
    }
  }

  void UpdateWatch(Stream& stream, Pipe& out, Pipe& in, uint32_t& watched) {
    uint32_t events = 0;
    if (WantsInput(out)) events |= kReadable;
    if (in.blocked && !in.queue.empty()) events |= kWritable;
    if (events == watched) return;
    watched = events;
    if (events == 0) {
      proxy_.loop_.Unwatch(stream);
      return;
    }
    const absl::Status status = proxy_.loop_.Watch(
        stream, events,
        [this, &out, &in](uint32_t ready) { OnReady(out, in, ready); });
    if (!status.ok()) PeerFailed("the event loop", status);
  }

  void Touch() { idle_.Touch(); }

  // Stops every watch, timer and connect and closes both streams (a reset
  // already sent stays a reset). The relay is inert afterwards.
  void Release() {
    state_ = State::kClosed;
    if (connect_id_ != 0) proxy_.connector_.Cancel(connect_id_);
    connect_id_ = 0;
    idle_.Cancel();
    for (Pipe& pipe : pipes_) proxy_.loop_.CancelTimer(pipe.timer);
    proxy_.loop_.Unwatch(*client_);
    client_->Close();
    if (upstream_ != nullptr) {
      proxy_.loop_.Unwatch(*upstream_);
      upstream_->Close();
    }
  }

  TcpProxy& proxy_;
  std::unique_ptr<Stream> client_;
  std::unique_ptr<Stream> upstream_;
  const SocketAddress client_address_;
  State state_ = State::kConnecting;
  Pipe pipes_[2];
  uint32_t client_events_ = 0;
  uint32_t upstream_events_ = 0;
  UpstreamConnector::Id connect_id_ = 0;
  IdleTimer idle_;
};

absl::StatusOr<std::unique_ptr<TcpProxy>> TcpProxy::Create(
    EventLoop& loop, Network& network, ProxyOptions options) {
  ASSIGN_OR_RETURN(fakes::FaultPlan plan, fakes::ParseFaultPlan(options.faults));
  RETURN_IF_ERROR(fakes::CheckStreamFaultsOnly(plan));
  if (!options.upstream.is_specified()) {
    return absl::InvalidArgumentError("tcp proxy: no upstream address");
  }
  options.max_buffered_bytes = std::max<size_t>(1, options.max_buffered_bytes);
  return std::unique_ptr<TcpProxy>(
      new TcpProxy(loop, network, std::move(options), std::move(plan)));
}

TcpProxy::TcpProxy(EventLoop& loop, Network& network, ProxyOptions options,
                   fakes::FaultPlan plan)
    : loop_(loop),
      network_(network),
      options_(std::move(options)),
      plan_(std::move(plan)),
      read_buffer_(kReadChunk, '\0'),
      connector_(loop, network) {}

TcpProxy::~TcpProxy() {
  shutdown_done_ = nullptr;
  acceptors_.clear();
  relays_.clear();
  retired_.clear();
  loop_.CancelTimer(reap_timer_);
  loop_.CancelTimer(grace_timer_);
}

void TcpProxy::Log(absl::string_view line) const {
  if (options_.log) options_.log(line);
}

absl::StatusOr<SocketAddress> TcpProxy::Listen(const SocketAddress& address) {
  if (shutting_down_) {
    return absl::FailedPreconditionError("tcp proxy: shutting down");
  }
  ASSIGN_OR_RETURN(std::unique_ptr<Listener> listener,
                   network_.Listen(address, ListenOptions()));
  auto acceptor = std::make_unique<Acceptor>(
      loop_, std::move(listener),
      AcceptorOptions{
          .max_connections = options_.max_clients,
          .open_connections = [this] { return relays_.size(); },
          .on_connection =
              [this](std::unique_ptr<Stream> stream) {
                Adopt(std::move(stream));
              },
          .on_rejected = [this] { ++stats_.rejected; },
          .log = [this](absl::string_view line) { Log(line); },
      });
  RETURN_IF_ERROR(acceptor->Start());
  const SocketAddress bound = acceptor->local_address();
  acceptors_.push_back(std::move(acceptor));
  return bound;
}

void TcpProxy::Adopt(std::unique_ptr<Stream> stream) {
  ++stats_.clients;
  auto relay = std::make_unique<Relay>(*this, std::move(stream));
  Relay* raw = relay.get();
  relays_.emplace(raw, std::move(relay));
  raw->Start();
}

void TcpProxy::Retire(Relay* relay) {
  auto it = relays_.find(relay);
  if (it == relays_.end()) return;
  retired_.push_back(std::move(it->second));
  relays_.erase(it);
  if (reap_timer_ == 0) {
    reap_timer_ = loop_.AddTimer(loop_.clock().Now(), [this] {
      reap_timer_ = 0;
      retired_.clear();
    });
  }
  MaybeFinishShutdown();
}

void TcpProxy::Shutdown(absl::Duration grace, std::function<void()> done) {
  shutting_down_ = true;
  for (auto& acceptor : acceptors_) acceptor->Close();
  shutdown_done_ = std::move(done);
  grace_timer_ = loop_.AddTimer(loop_.clock().Now() + grace, [this] {
    grace_timer_ = 0;
    while (!relays_.empty()) {
      relays_.begin()->first->ResetNow("proxy shutting down");
    }
  });
  MaybeFinishShutdown();
}

void TcpProxy::MaybeFinishShutdown() {
  if (!shutdown_done_ || !relays_.empty()) return;
  loop_.CancelTimer(grace_timer_);
  grace_timer_ = 0;
  std::function<void()> done = std::move(shutdown_done_);
  shutdown_done_ = nullptr;
  done();
}

}  // namespace wirecheck::proxy

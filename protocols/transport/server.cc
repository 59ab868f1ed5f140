#include "protocols/transport/server.h"

#include <algorithm>
#include <iostream>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/types/span.h"
#include "protocols/common/status_macros.h"

namespace wirecheck {
namespace {

// Reads per readiness callback are bounded so one busy peer cannot starve
// the others; level-triggered readiness brings the loop back.
constexpr size_t kReadChunk = 64 * 1024;
constexpr int kMaxReadsPerEvent = 16;
// Datagrams are received and their replies sent in batches of this many
// (one recvmmsg and one sendmmsg on real sockets), up to
// kMaxDatagramBatchesPerEvent batches per readiness callback.
constexpr size_t kDatagramBatch = 32;
constexpr int kMaxDatagramBatchesPerEvent = 4;
// Larger than any UDP payload (65,527 bytes over IPv6), so nothing is cut.
constexpr size_t kDatagramBuffer = 65536;

bool WouldBlock(const absl::Status& status) {
  return status.code() == absl::StatusCode::kDeadlineExceeded;
}

}  // namespace

// The socket services see in OnDatagram. While a batch is dispatched
// (between Begin() and Flush()), SendTo() copies the reply and returns OK,
// and Flush() sends every reply of the batch in one SendBatch call; a reply
// the socket refuses is lost, as UDP replies may be. Outside a batch (a
// service's timer replying later) and for everything else, calls go
// straight to the real socket.
class Server::ReplyBatch : public DatagramSocket {
 public:
  explicit ReplyBatch(DatagramSocket& socket) : socket_(socket) {}

  int fd() const override { return socket_.fd(); }

  absl::Status SendTo(absl::string_view data,
                      const SocketAddress& to) override {
    if (!batching_) return socket_.SendTo(data, to);
    if (queued_ == kDatagramBatch) Send();
    if (queued_ == replies_.size()) replies_.emplace_back();
    replies_[queued_].data.assign(data.data(), data.size());
    replies_[queued_].to = to;
    ++queued_;
    return absl::OkStatus();
  }

  void Begin() { batching_ = true; }

  // Sends the queued replies and ends the batch.
  void Flush() {
    Send();
    batching_ = false;
  }

  absl::StatusOr<ReceivedDatagram> ReceiveFrom(absl::Span<char> buffer,
                                               absl::Time deadline) override {
    return socket_.ReceiveFrom(buffer, deadline);
  }
  absl::Status Connect(const SocketAddress& peer) override {
    return socket_.Connect(peer);
  }
  absl::Status EnableBroadcast() override { return socket_.EnableBroadcast(); }
  absl::Status JoinMulticastGroup(const SocketAddress& group,
                                  uint32_t interface_index) override {
    return socket_.JoinMulticastGroup(group, interface_index);
  }
  absl::Status SetMulticastInterface(uint32_t interface_index) override {
    return socket_.SetMulticastInterface(interface_index);
  }
  absl::Status SetMulticastLoopback(bool enabled) override {
    return socket_.SetMulticastLoopback(enabled);
  }
  SocketAddress local_address() const override {
    return socket_.local_address();
  }
  void Close() override { socket_.Close(); }

 private:
  struct Reply {
    std::string data;
    SocketAddress to;
  };

  // Sends the queued replies, skipping any the socket refuses.
  void Send() {
    outgoing_.clear();
    for (size_t i = 0; i < queued_; ++i) {
      outgoing_.push_back({replies_[i].data, replies_[i].to});
    }
    absl::Span<const OutgoingDatagram> left = absl::MakeConstSpan(outgoing_);
    while (!left.empty()) {
      absl::StatusOr<size_t> sent = socket_.SendBatch(left);
      left.remove_prefix(sent.ok() ? std::max<size_t>(*sent, 1) : 1);
    }
    queued_ = 0;
  }

  DatagramSocket& socket_;
  bool batching_ = false;
  // The first queued_ are this batch's; all are kept between batches so
  // their strings' storage is reused.
  std::vector<Reply> replies_;
  size_t queued_ = 0;
  std::vector<OutgoingDatagram> outgoing_;
};


LogSink StderrLogSink() {
  return [](absl::string_view line) {
    std::cerr << absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::Now(),
                                  absl::UTCTimeZone())
              << " " << line << std::endl;
  };
}

class Server::ServerConnection : public Connection {
 public:
  ServerConnection(Server& server, std::unique_ptr<Stream> stream,
                   std::unique_ptr<StreamSession> session)
      : server_(server),
        stream_(std::move(stream)),
        session_(std::move(session)),
        peer_(stream_->peer_address()),
        local_(stream_->local_address()),
        last_activity_(server_.loop_.clock().Now()) {}

  void Start() {
    UpdateWatch();
    ArmIdleTimer(server_.options_.idle_timeout);
    session_->OnOpen(*this);
  }

  void Send(absl::string_view data) override {
    if (state_ != State::kOpen || data.empty()) return;
    if (pending_output() == 0) {
      absl::StatusOr<size_t> n = stream_->Write(data, absl::InfinitePast());
      if (!n.ok() && !WouldBlock(n.status())) {
        CloseNow(n.status());
        return;
      }
      if (n.ok()) {
        Touch();
        data.remove_prefix(*n);
      }
    }
    output_.append(data.data(), data.size());
    if (pending_output() > server_.options_.max_pending_output) {
      reading_paused_ = true;
    }
    UpdateWatch();
  }

  void Finish() override {
    if (state_ != State::kOpen) return;
    state_ = State::kFinishing;
    if (pending_output() == 0) {
      ShutDownWriting();
    } else {
      UpdateWatch();
    }
  }

  void Abort() override {
    if (state_ == State::kClosed) return;
    // The loop knows the stream by its descriptor, which Abort() closes: a
    // later Unwatch would miss it and leave a stale entry that breaks the
    // next connection to get the same descriptor.
    server_.loop_.Unwatch(*stream_);
    stream_->Abort();
    CloseNow(absl::CancelledError("connection reset by the server"));
  }

  void Log(absl::string_view message) override {
    server_.Log(absl::StrCat(peer_.ToString(), ": ", message));
  }

  const SocketAddress& peer_address() const override { return peer_; }
  const SocketAddress& local_address() const override { return local_; }
  EventLoop& loop() override { return server_.loop_; }
  size_t pending_output() const override {
    return output_.size() - output_offset_;
  }

  // Ends the connection now, with `why` reported to the session.
  void CloseNow(const absl::Status& why) {
    if (state_ == State::kClosed) return;
    state_ = State::kClosed;
    server_.loop_.Unwatch(*stream_);
    server_.loop_.CancelTimer(idle_timer_);
    server_.loop_.CancelTimer(linger_timer_);
    stream_->Close();
    session_->OnClosed(why);
    server_.Retire(this);
  }

 private:
  enum class State {
    kOpen,       // serving
    kFinishing,  // sending what is queued, then shutting down writing
    kDraining,   // write side shut down; discarding input until EOF
    kClosed,
  };

  void OnReady(uint32_t ready) {
    if ((ready & kWritable) && state_ != State::kClosed) Flush();
    if ((ready & kReadable) && state_ != State::kClosed) ReadAvailable();
  }

  void ReadAvailable() {
    char buffer[kReadChunk];
    for (int i = 0; i < kMaxReadsPerEvent && WantsInput(); ++i) {
      // Input while draining is discarded: it goes to our own buffer.
      absl::Span<char> room = state_ == State::kOpen
                                  ? session_->ReadBuffer(kReadChunk)
                                  : absl::Span<char>();
      if (room.empty()) room = absl::MakeSpan(buffer, sizeof(buffer));
      absl::StatusOr<size_t> n = stream_->Read(room, absl::InfinitePast());
      if (!n.ok()) {
        if (WouldBlock(n.status())) break;
        CloseNow(n.status());
        return;
      }
      if (*n == 0) {
        input_ended_ = true;
        if (state_ == State::kOpen) {
          session_->OnEndOfInput(*this);
        } else if (state_ == State::kDraining) {
          CloseNow(absl::OkStatus());
          return;
        }
        break;
      }
      Touch();
      if (state_ == State::kOpen) {
        session_->OnData(*this, absl::string_view(room.data(), *n));
      }
      if (state_ == State::kClosed) return;
    }
    UpdateWatch();
  }

  void Flush() {
    while (pending_output() > 0) {
      absl::StatusOr<size_t> n = stream_->Write(
          absl::string_view(output_).substr(output_offset_),
          absl::InfinitePast());
      if (!n.ok()) {
        if (WouldBlock(n.status())) break;
        CloseNow(n.status());
        return;
      }
      Touch();
      output_offset_ += *n;
    }
    if (pending_output() == 0) {
      output_.clear();
      output_offset_ = 0;
    }
    if (reading_paused_ &&
        pending_output() <= server_.options_.max_pending_output / 2) {
      reading_paused_ = false;
    }
    if (state_ == State::kFinishing && pending_output() == 0) {
      ShutDownWriting();
      return;
    }
    UpdateWatch();
  }

  void ShutDownWriting() {
    state_ = State::kDraining;
    const absl::Status shutdown = stream_->Shutdown(ShutdownMode::kWrite);
    if (!shutdown.ok() || input_ended_) {
      CloseNow(shutdown);
      return;
    }
    linger_timer_ = server_.loop_.AddTimer(
        server_.loop_.clock().Now() + server_.options_.linger_timeout,
        [this] { CloseNow(absl::OkStatus()); });
    UpdateWatch();
  }

  bool WantsInput() const {
    return state_ != State::kClosed && !input_ended_ && !reading_paused_;
  }

  void UpdateWatch() {
    if (state_ == State::kClosed) return;
    uint32_t events = 0;
    if (WantsInput()) events |= kReadable;
    if (pending_output() > 0) events |= kWritable;
    if (events == watched_events_) return;
    watched_events_ = events;
    if (events == 0) {
      server_.loop_.Unwatch(*stream_);
      return;
    }
    const absl::Status watched = server_.loop_.Watch(
        *stream_, events, [this](uint32_t ready) { OnReady(ready); });
    if (!watched.ok()) CloseNow(watched);
  }

  void Touch() { last_activity_ = server_.loop_.clock().Now(); }

  void ArmIdleTimer(absl::Duration after) {
    idle_timer_ = server_.loop_.AddTimer(
        server_.loop_.clock().Now() + after, [this] { IdleCheck(); });
  }

  void IdleCheck() {
    const absl::Duration idle = server_.loop_.clock().Now() - last_activity_;
    const absl::Duration limit = server_.options_.idle_timeout;
    if (idle < limit) {
      ArmIdleTimer(limit - idle);
      return;
    }
    ++server_.stats_.idle_timeouts;
    Log(absl::StrCat("closing: idle for ", absl::FormatDuration(idle)));
    CloseNow(absl::DeadlineExceededError(
        absl::StrCat("idle for ", absl::FormatDuration(idle))));
  }

  Server& server_;
  std::unique_ptr<Stream> stream_;
  std::unique_ptr<StreamSession> session_;
  const SocketAddress peer_;
  const SocketAddress local_;
  State state_ = State::kOpen;
  std::string output_;
  size_t output_offset_ = 0;
  bool input_ended_ = false;
  bool reading_paused_ = false;
  uint32_t watched_events_ = 0;
  absl::Time last_activity_;
  EventLoop::TimerId idle_timer_ = 0;
  EventLoop::TimerId linger_timer_ = 0;
};

Server::Server(EventLoop& loop, Network& network, ServerOptions options)
    : loop_(loop), network_(network), options_(std::move(options)) {}

Server::~Server() {
  shutdown_done_ = nullptr;
  acceptors_.clear();
  for (auto& endpoint : datagram_endpoints_) loop_.Unwatch(*endpoint->socket);
  while (!connections_.empty()) {
    connections_.begin()->first->CloseNow(
        absl::CancelledError("server destroyed"));
  }
  // Closing connections may have scheduled a reap; cancel it last.
  loop_.CancelTimer(reap_timer_);
  loop_.CancelTimer(grace_timer_);
}

void Server::Log(absl::string_view line) const {
  if (options_.log) options_.log(line);
}

SocketAddress Server::NextBindAddress(const SocketAddress& asked) const {
  if (bound_.size() < options_.bind_like.size()) {
    return options_.bind_like[bound_.size()];
  }
  return asked;
}

absl::StatusOr<SocketAddress> Server::ServeStream(
    const SocketAddress& address, StreamSessionFactory factory,
    const ListenOptions& options) {
  ListenOptions listen_options = options;
  listen_options.reuse_port |= options_.reuse_port;
  ASSIGN_OR_RETURN(std::unique_ptr<Listener> listener,
                   network_.Listen(NextBindAddress(address), listen_options));
  auto acceptor = std::make_unique<Acceptor>(
      loop_, std::move(listener),
      AcceptorOptions{
          .max_connections = options_.max_connections,
          .open_connections = [this] { return connections_.size(); },
          .on_connection =
              [this, factory = std::move(factory)](
                  std::unique_ptr<Stream> stream) {
                Adopt(std::move(stream), factory);
              },
          .on_rejected = [this] { ++stats_.connections_rejected; },
          .log = [this](absl::string_view line) { Log(line); },
      });
  RETURN_IF_ERROR(acceptor->Start());
  const SocketAddress bound = acceptor->local_address();
  acceptors_.push_back(std::move(acceptor));
  bound_.push_back(bound);
  return bound;
}

absl::StatusOr<SocketAddress> Server::ServeDatagrams(
    const SocketAddress& address, DatagramService& service,
    const DatagramOptions& options) {
  auto entry = std::make_unique<DatagramEndpoint>();
  DatagramOptions socket_options = options;
  socket_options.reuse_port |= options_.reuse_port;
  ASSIGN_OR_RETURN(entry->socket, network_.OpenDatagram(
                                      NextBindAddress(address), socket_options));
  entry->service = &service;
  entry->replies = std::make_unique<ReplyBatch>(*entry->socket);
  RETURN_IF_ERROR(service.OnBound(*entry->socket));
  DatagramEndpoint* raw = entry.get();
  RETURN_IF_ERROR(loop_.Watch(*raw->socket, kReadable,
                              [this, raw](uint32_t) { DatagramReady(*raw); }));
  const SocketAddress bound = raw->socket->local_address();
  datagram_endpoints_.push_back(std::move(entry));
  bound_.push_back(bound);
  return bound;
}

absl::StatusOr<SocketAddress> Server::ServeDatagrams(
    const SocketAddress& address, std::unique_ptr<DatagramService> service,
    const DatagramOptions& options) {
  ASSIGN_OR_RETURN(const SocketAddress bound,
                   ServeDatagrams(address, *service, options));
  owned_services_.push_back(std::move(service));
  return bound;
}

void Server::Adopt(std::unique_ptr<Stream> stream,
                   const StreamSessionFactory& factory) {
  ++stats_.connections_accepted;
  auto connection =
      std::make_unique<ServerConnection>(*this, std::move(stream), factory());
  ServerConnection* raw = connection.get();
  connections_.emplace(raw, std::move(connection));
  raw->Start();
}

void Server::DatagramReady(DatagramEndpoint& endpoint) {
  if (datagram_buffers_.empty()) {
    datagram_storage_.resize(kDatagramBatch * kDatagramBuffer);
    for (size_t i = 0; i < kDatagramBatch; ++i) {
      datagram_buffers_.push_back(absl::MakeSpan(
          datagram_storage_.data() + i * kDatagramBuffer, kDatagramBuffer));
    }
    received_.resize(kDatagramBatch);
  }
  for (int batch = 0; batch < kMaxDatagramBatchesPerEvent; ++batch) {
    absl::StatusOr<size_t> count = endpoint.socket->ReceiveBatch(
        datagram_buffers_, absl::MakeSpan(received_), absl::InfinitePast());
    // ICMP errors from earlier replies surface here; they concern that
    // client only.
    if (!count.ok()) continue;
    if (*count == 0) return;
    stats_.datagrams_received += *count;
    endpoint.replies->Begin();
    for (size_t i = 0; i < *count; ++i) {
      endpoint.service->OnDatagram(
          *endpoint.replies, received_[i],
          absl::string_view(datagram_buffers_[i].data(), received_[i].size));
    }
    endpoint.replies->Flush();
    if (*count < kDatagramBatch) return;
  }
}

void Server::Retire(ServerConnection* connection) {
  auto it = connections_.find(connection);
  if (it == connections_.end()) return;
  retired_.push_back(std::move(it->second));
  connections_.erase(it);
  if (reap_timer_ == 0) {
    reap_timer_ = loop_.AddTimer(loop_.clock().Now(), [this] {
      reap_timer_ = 0;
      retired_.clear();
    });
  }
  MaybeFinishShutdown();
}

void Server::Shutdown(absl::Duration grace, std::function<void()> done) {
  for (auto& acceptor : acceptors_) acceptor->Close();
  for (auto& endpoint : datagram_endpoints_) {
    loop_.Unwatch(*endpoint->socket);
    endpoint->service->OnShutdown(*endpoint->socket);
    endpoint->socket->Close();
  }
  shutdown_done_ = std::move(done);
  grace_timer_ = loop_.AddTimer(loop_.clock().Now() + grace, [this] {
    grace_timer_ = 0;
    while (!connections_.empty()) {
      connections_.begin()->first->CloseNow(
          absl::CancelledError("server shut down"));
    }
  });
  MaybeFinishShutdown();
}

void Server::MaybeFinishShutdown() {
  if (!shutdown_done_ || !connections_.empty()) return;
  loop_.CancelTimer(grace_timer_);
  grace_timer_ = 0;
  std::function<void()> done = std::move(shutdown_done_);
  shutdown_done_ = nullptr;
  done();
}

}  // namespace wirecheck

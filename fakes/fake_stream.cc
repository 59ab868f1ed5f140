#include "fakes/fake_stream.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <deque>

#include "absl/strings/str_cat.h"
#include "fakes/stream_fault_engine.h"
#include "protocols/transport/socket_error.h"

namespace wirecheck::fakes {
namespace internal {

// Both endpoints of one connection and the two directions between them.
// Shared by the two FakeStream handles and by the clock events carrying
// segments, so a segment still in flight outlives the handles.
class StreamConnection : public std::enable_shared_from_this<StreamConnection> {
 public:
  StreamConnection(FakeClock& clock, const FakeStreamOptions& options)
      : clock_(clock),
        clock_alive_(clock.lifetime()),
        capacity_(std::max<size_t>(1, options.buffer_bytes)),
        delay_(options.delay) {
    side_[0].local = options.client_address;
    side_[0].peer = options.server_address;
    side_[1].local = options.server_address;
    side_[1].peer = options.client_address;
    const std::string path =
        !options.path.empty()
            ? options.path
            : absl::StrCat(options.client_address.ToString(), "->",
                           options.server_address.ToString());
    if (!options.up.empty()) {
      wire_[0].engine = std::make_unique<StreamFaultEngine>(
          options.up, clock, options.fault_log, absl::StrCat(path, " up"));
    }
    if (!options.down.empty()) {
      wire_[1].engine = std::make_unique<StreamFaultEngine>(
          options.down, clock, options.fault_log, absl::StrCat(path, " down"));
    }
  }

  void Attach(int s, FakeStream* handle) { side_[s].handle = handle; }

  static std::unique_ptr<FakeStream> NewHandle(
      std::shared_ptr<StreamConnection> connection, int s) {
    return std::unique_ptr<FakeStream>(new FakeStream(std::move(connection), s));
  }

  void Open() {
    for (int s = 0; s < 2; ++s) {
      if (wire_[s].engine) Carry(s, wire_[s].engine->OnOpen());
    }
  }

  absl::StatusOr<size_t> Read(int s, absl::Span<char> buffer,
                              absl::Time deadline) {
    Side& me = side_[s];
    if (ClockGone()) return Gone("read", me);
    if (me.closed) return Closed("read", me);
    if (me.read_shut || buffer.empty()) return 0;
    const bool ready = clock_.RunUntil(
        [&] {
          return me.closed || me.inbox_bytes > 0 || me.eof ||
                 me.pending_error != 0 || me.dead;
        },
        deadline);
    if (!ready) return SocketTimeout("read", me.peer);
    if (me.closed) return Closed("read", me);
    if (me.inbox_bytes > 0) {
      const std::string& front = me.inbox.front();
      const size_t n = std::min(buffer.size(), front.size() - me.inbox_offset);
      std::memcpy(buffer.data(), front.data() + me.inbox_offset, n);
      me.inbox_offset += n;
      me.inbox_bytes -= n;
      if (me.inbox_offset == front.size()) {
        me.inbox.pop_front();
        me.inbox_offset = 0;
      }
      Notify(1 - s);  // room for the peer's writes
      return n;
    }
    // Linux: after the peer's FIN, reads return 0 even if a reset followed.
    if (me.eof) return 0;
    if (me.pending_error != 0) {
      return SocketError("read", me.peer, TakeError(me, 0));
    }
    return 0;
  }

  absl::StatusOr<size_t> Write(int s, absl::string_view data,
                               absl::Time deadline) {
    Side& me = side_[s];
    if (ClockGone()) return Gone("write", me);
    if (me.closed) return Closed("write", me);
    if (me.write_shut) {
      return absl::FailedPreconditionError(absl::StrCat(
          "write ", me.peer.ToString(), ": the write side is shut down"));
    }
    if (me.dead) return SocketError("write", me.peer, TakeError(me, EPIPE));
    if (data.empty()) return 0;
    const bool ready = clock_.RunUntil(
        [&] { return me.closed || me.dead || Room(s) > 0; }, deadline);
    if (!ready) return SocketTimeout("write", me.peer);
    if (me.closed) return Closed("write", me);
    if (me.dead) return SocketError("write", me.peer, TakeError(me, EPIPE));
    const size_t n = std::min(Room(s), data.size());
    Transmit(s, data.substr(0, n));
    return n;
  }

  absl::Status Shutdown(int s, ShutdownMode mode) {
    Side& me = side_[s];
    if (ClockGone()) return Gone("shutdown", me);
    if (me.closed) return Closed("shutdown", me);
    if (mode != ShutdownMode::kWrite) me.read_shut = true;
    if (mode != ShutdownMode::kRead && !me.write_shut) {
      me.write_shut = true;
      if (!me.dead) SendEnd(s);
    }
    Notify(s);
    return absl::OkStatus();
  }

  void Close(int s) {
    Side& me = side_[s];
    if (ClockGone() || me.closed) return;
    // Linux resets instead of closing when input is left unread.
    if (me.inbox_bytes > 0) {
      Abort(s);
      return;
    }
    me.closed = true;
    if (!me.write_shut) {
      me.write_shut = true;
      if (!me.dead) SendEnd(s);
    }
    Notify(s);
  }

  void Abort(int s) {
    Side& me = side_[s];
    if (ClockGone() || me.closed) return;
    me.closed = true;
    me.inbox.clear();
    me.inbox_offset = 0;
    me.inbox_bytes = 0;
    if (!me.dead) {
      me.dead = true;
      Purge(s);
      SendRst(s);
    }
    Notify(s);
    Notify(1 - s);
  }

  uint32_t Readiness(int s) const {
    const Side& me = side_[s];
    if (ClockGone() || me.closed) return 0;
    uint32_t ready = 0;
    if (me.inbox_bytes > 0 || me.eof || me.pending_error != 0 || me.dead ||
        me.read_shut) {
      ready |= kReadable;
    }
    if (me.write_shut || me.dead || me.pending_error != 0 || Room(s) > 0) {
      ready |= kWritable;
    }
    return ready;
  }

  const SocketAddress& local(int s) const { return side_[s].local; }
  const SocketAddress& peer(int s) const { return side_[s].peer; }

 private:
  struct Segment {
    enum class Kind {
      kData,
      kEnd,    // FIN
      kRst,    // the sender's reset
      kReset,  // a fault resets the connection: both ends
    };
    Kind kind;
    std::string bytes;
  };

  struct Side {
    FakeStream* handle = nullptr;
    SocketAddress local;
    SocketAddress peer;
    // Arrived from the peer, not yet read; one string per segment.
    std::deque<std::string> inbox;
    size_t inbox_offset = 0;  // read from inbox.front()
    size_t inbox_bytes = 0;
    bool eof = false;         // the peer's FIN arrived
    int pending_error = 0;    // errno reported once, by the next call
    bool dead = false;        // reset (sent or received): TCP_CLOSE
    bool rst_sent = false;
    bool read_shut = false;
    bool write_shut = false;  // FIN queued
    bool closed = false;      // the handle is closed
  };

  // One direction: from side s to side 1 - s.
  struct Wire {
    std::unique_ptr<StreamFaultEngine> engine;
    size_t in_flight = 0;  // accepted, not yet arrived (stalled bytes too)
    int pending_events = 0;
    absl::Time last_arrival = absl::InfinitePast();
    uint64_t epoch = 0;  // bumped by a purge: older segments vanish
  };

  bool ClockGone() const { return clock_alive_.expired(); }

  static absl::Status Gone(absl::string_view operation, const Side& me) {
    return absl::FailedPreconditionError(absl::StrCat(
        operation, " ", me.peer.ToString(), ": the fake clock is gone"));
  }
  static absl::Status Closed(absl::string_view operation, const Side& me) {
    return absl::FailedPreconditionError(absl::StrCat(
        operation, " ", me.peer.ToString(), ": stream is closed"));
  }

  static int TakeError(Side& me, int otherwise) {
    const int error = me.pending_error != 0 ? me.pending_error : otherwise;
    me.pending_error = 0;
    return error;
  }

  size_t Room(int s) const {
    const size_t used = wire_[s].in_flight + side_[1 - s].inbox_bytes;
    return used >= capacity_ ? 0 : capacity_ - used;
  }

  void Notify(int s) {
    if (side_[s].handle != nullptr) side_[s].handle->ReadinessChanged();
  }

  void Transmit(int s, absl::string_view bytes) {
    if (wire_[s].engine) {
      Carry(s, wire_[s].engine->OnData(bytes));
    } else {
      Send(s, Segment{Segment::Kind::kData, std::string(bytes)},
           clock_.Now());
    }
  }

  void SendEnd(int s) {
    if (wire_[s].engine) {
      Carry(s, wire_[s].engine->OnEnd());
    } else {
      Send(s, Segment{Segment::Kind::kEnd, ""}, clock_.Now());
    }
  }

  void SendRst(int s) {
    side_[s].rst_sent = true;
    Send(s, Segment{Segment::Kind::kRst, ""}, clock_.Now());
  }

  void Carry(int s, StreamFaultEngine::Output output) {
    wire_[s].in_flight += output.held;
    for (StreamFaultEngine::Action& action : output.actions) {
      Segment::Kind kind = Segment::Kind::kData;
      if (action.kind == StreamFaultEngine::Action::Kind::kEnd) {
        kind = Segment::Kind::kEnd;
      } else if (action.kind == StreamFaultEngine::Action::Kind::kReset) {
        kind = Segment::Kind::kReset;
      }
      Send(s, Segment{kind, std::move(action.bytes)}, action.at);
    }
  }

  // Puts `segment` on the wire from side s, leaving at `at`; it arrives a
  // link delay later, never before a segment sent earlier. With nothing
  // ahead of it and no delay, it arrives at once, as on loopback.
  void Send(int s, Segment segment, absl::Time at) {
    Wire& wire = wire_[s];
    const absl::Time arrival = std::max(at + delay_, wire.last_arrival);
    wire.last_arrival = arrival;
    if (segment.kind == Segment::Kind::kData) {
      wire.in_flight += segment.bytes.size();
    }
    if (arrival <= clock_.Now() && wire.pending_events == 0) {
      Arrive(s, wire.epoch, std::move(segment));
      return;
    }
    ++wire.pending_events;
    clock_.Schedule(arrival, [self = shared_from_this(), s, epoch = wire.epoch,
                              segment = std::move(segment)]() mutable {
      --self->wire_[s].pending_events;
      self->Arrive(s, epoch, std::move(segment));
    });
  }

  void Arrive(int s, uint64_t epoch, Segment segment) {
    Wire& wire = wire_[s];
    if (epoch != wire.epoch) return;  // purged when the sender was reset
    const int r = 1 - s;
    Side& to = side_[r];
    switch (segment.kind) {
      case Segment::Kind::kData:
        wire.in_flight -= segment.bytes.size();
        if (to.closed || to.dead) {
          // A segment for a closed socket draws a reset (once is enough).
          if (!to.dead && !to.rst_sent) SendRst(r);
          Notify(s);
          return;
        }
        to.inbox_bytes += segment.bytes.size();
        to.inbox.push_back(std::move(segment.bytes));
        Notify(r);
        return;
      case Segment::Kind::kEnd:
        to.eof = true;
        Notify(r);
        return;
      case Segment::Kind::kRst:
        ResetArrives(r);
        return;
      case Segment::Kind::kReset:
        ResetArrives(r);
        ResetArrives(s);
        return;
    }
  }

  void ResetArrives(int x) {
    Side& me = side_[x];
    if (me.closed || me.dead) return;
    me.dead = true;
    // As Linux's tcp_reset(): EPIPE once the peer's FIN had arrived.
    me.pending_error = me.eof ? EPIPE : ECONNRESET;
    Purge(x);
    Notify(x);
    Notify(1 - x);
  }

  // Discards what side s sent that has not arrived (its unsent data).
  void Purge(int s) {
    Wire& wire = wire_[s];
    ++wire.epoch;
    wire.in_flight = 0;
    wire.last_arrival = absl::InfinitePast();
  }

  FakeClock& clock_;
  const std::weak_ptr<const void> clock_alive_;
  const size_t capacity_;
  const absl::Duration delay_;
  Side side_[2];
  Wire wire_[2];
};

}  // namespace internal

SocketAddress FakeStreamOptions::DefaultClientAddress() {
  return *SocketAddress::FromIp("192.0.2.1", 49152);
}

SocketAddress FakeStreamOptions::DefaultServerAddress() {
  return *SocketAddress::FromIp("192.0.2.2", 1024);
}

FakeStream::FakeStream(std::shared_ptr<internal::StreamConnection> connection,
                       int side)
    : connection_(std::move(connection)), side_(side) {
  connection_->Attach(side_, this);
}

FakeStream::~FakeStream() {
  Close();
  connection_->Attach(side_, nullptr);
}

absl::StatusOr<size_t> FakeStream::Read(absl::Span<char> buffer,
                                        absl::Time deadline) {
  return connection_->Read(side_, buffer, deadline);
}

absl::StatusOr<size_t> FakeStream::Write(absl::string_view data,
                                         absl::Time deadline) {
  return connection_->Write(side_, data, deadline);
}

absl::Status FakeStream::Shutdown(ShutdownMode mode) {
  return connection_->Shutdown(side_, mode);
}

void FakeStream::Close() { connection_->Close(side_); }

void FakeStream::Abort() { connection_->Abort(side_); }

SocketAddress FakeStream::local_address() const {
  return connection_->local(side_);
}

SocketAddress FakeStream::peer_address() const {
  return connection_->peer(side_);
}

uint32_t FakeStream::Readiness() const { return connection_->Readiness(side_); }

std::pair<std::unique_ptr<FakeStream>, std::unique_ptr<FakeStream>>
MakeFakeStreamPair(FakeClock& clock, FakeStreamOptions options) {
  auto connection =
      std::make_shared<internal::StreamConnection>(clock, options);
  std::unique_ptr<FakeStream> client =
      internal::StreamConnection::NewHandle(connection, 0);
  std::unique_ptr<FakeStream> server =
      internal::StreamConnection::NewHandle(connection, 1);
  connection->Open();
  return {std::move(client), std::move(server)};
}

}  // namespace wirecheck::fakes

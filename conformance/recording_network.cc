#include "conformance/recording_network.h"

#include <algorithm>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"

namespace wirecheck::conformance {
namespace {

// What every recording socket shares: where it records and when its waits
// must end.
struct Recorder {
  WireLog& log;
  Clock& clock;
  absl::Time cap;
  std::string name;

  // The deadline to really wait until.
  absl::Time Cap(absl::Time deadline) const { return std::min(deadline, cap); }

  // Records a failed call. A timeout of a non-blocking attempt (a deadline
  // already past) is normal polling and not recorded.
  void Failure(absl::string_view operation, const absl::Status& status,
               absl::Time deadline, absl::Time called) const {
    if (status.code() == absl::StatusCode::kDeadlineExceeded) {
      if (deadline <= called) return;
      log.Record(WireEventKind::kTimeout, name,
                 absl::StrCat(operation, ": nothing after waiting ",
                              absl::FormatDuration(deadline - called),
                              deadline == cap ? " (the case timeout)" : ""));
    } else if (IsConnectionReset(status)) {
      log.Record(WireEventKind::kPeerReset, name,
                 absl::StrCat("(", operation, ": ", status.message(), ")"));
    } else {
      log.Record(WireEventKind::kError, name,
                 absl::StrCat(operation, ": ", status.ToString()));
    }
  }
};

class RecordingStream : public Stream {
 public:
  RecordingStream(std::unique_ptr<Stream> inner, Recorder recorder)
      : inner_(std::move(inner)), recorder_(std::move(recorder)) {}

  ~RecordingStream() override { Close(); }

  int fd() const override { return inner_->fd(); }

  absl::StatusOr<size_t> Read(absl::Span<char> buffer,
                              absl::Time deadline) override {
    const absl::Time called = recorder_.clock.Now();
    deadline = recorder_.Cap(deadline);
    absl::StatusOr<size_t> n = inner_->Read(buffer, deadline);
    if (!n.ok()) {
      recorder_.Failure("read", n.status(), deadline, called);
    } else if (*n > 0) {
      recorder_.log.Record(WireEventKind::kReceive, recorder_.name, "",
                           absl::string_view(buffer.data(), *n));
    } else if (!eof_recorded_ && !read_shut_ && !buffer.empty()) {
      eof_recorded_ = true;
      recorder_.log.Record(WireEventKind::kPeerClosed, recorder_.name, "");
    }
    return n;
  }

  absl::StatusOr<size_t> Write(absl::string_view data,
                               absl::Time deadline) override {
    const absl::Time called = recorder_.clock.Now();
    deadline = recorder_.Cap(deadline);
    absl::StatusOr<size_t> n = inner_->Write(data, deadline);
    if (!n.ok()) {
      recorder_.Failure("write", n.status(), deadline, called);
    } else if (*n > 0) {
      recorder_.log.Record(WireEventKind::kSend, recorder_.name, "",
                           data.substr(0, *n));
    }
    return n;
  }

  absl::Status Shutdown(ShutdownMode mode) override {
    absl::string_view what = "writing";
    if (mode == ShutdownMode::kRead) what = "reading";
    if (mode == ShutdownMode::kBoth) what = "reading and writing";
    if (mode != ShutdownMode::kWrite) read_shut_ = true;
    recorder_.log.Record(WireEventKind::kShutdown, recorder_.name,
                         absl::StrCat("runner shut down ", what));
    absl::Status status = inner_->Shutdown(mode);
    if (!status.ok()) {
      recorder_.log.Record(WireEventKind::kError, recorder_.name,
                           absl::StrCat("shutdown: ", status.ToString()));
    }
    return status;
  }

  void Close() override {
    if (closed_) return;
    closed_ = true;
    recorder_.log.Record(WireEventKind::kClose, recorder_.name, "");
    inner_->Close();
  }

  void Abort() override {
    if (closed_) return;
    closed_ = true;
    recorder_.log.Record(WireEventKind::kAbort, recorder_.name, "(RST)");
    inner_->Abort();
  }

  SocketAddress local_address() const override {
    return inner_->local_address();
  }
  SocketAddress peer_address() const override {
    return inner_->peer_address();
  }

 private:
  std::unique_ptr<Stream> inner_;
  Recorder recorder_;
  bool closed_ = false;
  bool read_shut_ = false;
  bool eof_recorded_ = false;
};

class RecordingListener : public Listener {
 public:
  RecordingListener(std::unique_ptr<Listener> inner, Recorder recorder)
      : inner_(std::move(inner)), recorder_(std::move(recorder)) {}

  ~RecordingListener() override { Close(); }

  int fd() const override { return inner_->fd(); }

  absl::StatusOr<std::unique_ptr<Stream>> Accept(
      absl::Time deadline) override {
    const absl::Time called = recorder_.clock.Now();
    deadline = recorder_.Cap(deadline);
    absl::StatusOr<std::unique_ptr<Stream>> stream = inner_->Accept(deadline);
    if (!stream.ok()) {
      recorder_.Failure("accept", stream.status(), deadline, called);
      return stream;
    }
    Recorder accepted = recorder_;
    accepted.name = recorder_.log.NewSocketName("tcp");
    recorder_.log.Record(
        WireEventKind::kAccept, accepted.name,
        absl::StrCat("from ", (*stream)->peer_address().ToString(), " on ",
                     recorder_.name));
    return std::unique_ptr<Stream>(
        new RecordingStream(std::move(*stream), std::move(accepted)));
  }

  SocketAddress local_address() const override {
    return inner_->local_address();
  }

  void Close() override {
    if (closed_) return;
    closed_ = true;
    recorder_.log.Record(WireEventKind::kClose, recorder_.name, "");
    inner_->Close();
  }

 private:
  std::unique_ptr<Listener> inner_;
  Recorder recorder_;
  bool closed_ = false;
};

class RecordingDatagramSocket : public DatagramSocket {
 public:
  RecordingDatagramSocket(std::unique_ptr<DatagramSocket> inner,
                          Recorder recorder)
      : inner_(std::move(inner)), recorder_(std::move(recorder)) {}

  ~RecordingDatagramSocket() override { Close(); }

  int fd() const override { return inner_->fd(); }

  absl::Status SendTo(absl::string_view data,
                      const SocketAddress& to) override {
    absl::Status status = inner_->SendTo(data, to);
    if (status.ok()) {
      recorder_.log.Record(WireEventKind::kSend, recorder_.name,
                           absl::StrCat("to ", to.ToString()), data);
    } else {
      recorder_.log.Record(WireEventKind::kError, recorder_.name,
                           absl::StrCat("send to ", to.ToString(), ": ",
                                        status.ToString()));
    }
    return status;
  }

  absl::StatusOr<ReceivedDatagram> ReceiveFrom(absl::Span<char> buffer,
                                               absl::Time deadline) override {
    const absl::Time called = recorder_.clock.Now();
    deadline = recorder_.Cap(deadline);
    absl::StatusOr<ReceivedDatagram> datagram =
        inner_->ReceiveFrom(buffer, deadline);
    if (!datagram.ok()) {
      recorder_.Failure("receive", datagram.status(), deadline, called);
      return datagram;
    }
    std::string detail = absl::StrCat("from ", datagram->from.ToString());
    if (datagram->truncated()) {
      absl::StrAppend(&detail, " (a ", datagram->wire_size,
                      "-byte datagram, cut to the buffer)");
    }
    recorder_.log.Record(WireEventKind::kReceive, recorder_.name, detail,
                         absl::string_view(buffer.data(), datagram->size));
    return datagram;
  }

  absl::Status Connect(const SocketAddress& peer) override {
    absl::Status status = inner_->Connect(peer);
    recorder_.log.Record(
        status.ok() ? WireEventKind::kConnect : WireEventKind::kConnectFailed,
        recorder_.name,
        status.ok() ? absl::StrCat("to ", peer.ToString())
                    : absl::StrCat("to ", peer.ToString(), ": ",
                                   status.ToString()));
    return status;
  }

  absl::Status EnableBroadcast() override { return inner_->EnableBroadcast(); }
  absl::Status JoinMulticastGroup(const SocketAddress& group,
                                  uint32_t interface_index) override {
    return inner_->JoinMulticastGroup(group, interface_index);
  }
  absl::Status SetMulticastInterface(uint32_t interface_index) override {
    return inner_->SetMulticastInterface(interface_index);
  }
  absl::Status SetMulticastLoopback(bool enabled) override {
    return inner_->SetMulticastLoopback(enabled);
  }

  SocketAddress local_address() const override {
    return inner_->local_address();
  }

  void Close() override {
    if (closed_) return;
    closed_ = true;
    recorder_.log.Record(WireEventKind::kClose, recorder_.name, "");
    inner_->Close();
  }

 private:
  std::unique_ptr<DatagramSocket> inner_;
  Recorder recorder_;
  bool closed_ = false;
};

// Logs a socket that Listen() or OpenDatagram() just opened (`event`, with
// its address) and wraps it in `Recording`, or logs the error ("<what>:
// ...") and returns it.
template <typename Recording, typename Socket>
absl::StatusOr<std::unique_ptr<Socket>> RecordOpened(
    absl::StatusOr<std::unique_ptr<Socket>> opened, Recorder recorder,
    WireEventKind event, absl::string_view what) {
  if (!opened.ok()) {
    recorder.log.Record(WireEventKind::kError, recorder.name,
                        absl::StrCat(what, ": ", opened.status().ToString()));
    return opened;
  }
  recorder.log.Record(event, recorder.name,
                      (*opened)->local_address().ToString());
  return std::unique_ptr<Socket>(
      new Recording(std::move(*opened), std::move(recorder)));
}

}  // namespace

RecordingNetwork::RecordingNetwork(Network& inner, WireLog& log,
                                   absl::Time deadline_cap)
    : inner_(inner), log_(log), deadline_cap_(deadline_cap) {}

absl::StatusOr<std::unique_ptr<Stream>> RecordingNetwork::Connect(
    const SocketAddress& remote, absl::Time deadline) {
  Recorder recorder{log_, inner_.clock(), deadline_cap_,
                    log_.NewSocketName("tcp")};
  const absl::Time called = inner_.clock().Now();
  deadline = recorder.Cap(deadline);
  absl::StatusOr<std::unique_ptr<Stream>> stream =
      inner_.Connect(remote, deadline);
  if (!stream.ok()) {
    if (stream.status().code() == absl::StatusCode::kDeadlineExceeded ||
        IsConnectionReset(stream.status())) {
      recorder.Failure("connect", stream.status(), deadline, called);
    } else {
      log_.Record(WireEventKind::kConnectFailed, recorder.name,
                  absl::StrCat("to ", remote.ToString(), ": ",
                               stream.status().ToString()));
    }
    return stream;
  }
  log_.Record(WireEventKind::kConnect, recorder.name,
              absl::StrCat("to ", remote.ToString(), " from ",
                           (*stream)->local_address().ToString()));
  return std::unique_ptr<Stream>(
      new RecordingStream(std::move(*stream), std::move(recorder)));
}

absl::StatusOr<std::unique_ptr<Listener>> RecordingNetwork::Listen(
    const SocketAddress& local, const ListenOptions& options) {
  Recorder recorder{log_, inner_.clock(), deadline_cap_,
                    log_.NewSocketName("listener")};
  return RecordOpened<RecordingListener>(inner_.Listen(local, options),
                                         std::move(recorder),
                                         WireEventKind::kListen, "listen");
}

absl::StatusOr<std::unique_ptr<DatagramSocket>> RecordingNetwork::OpenDatagram(
    const SocketAddress& local, const DatagramOptions& options) {
  Recorder recorder{log_, inner_.clock(), deadline_cap_,
                    log_.NewSocketName("udp")};
  return RecordOpened<RecordingDatagramSocket>(
      inner_.OpenDatagram(local, options), std::move(recorder),
      WireEventKind::kOpen, "open");
}

absl::StatusOr<std::vector<NetworkInterface>> RecordingNetwork::Interfaces() {
  return inner_.Interfaces();
}

}  // namespace wirecheck::conformance

#include "protocols/framing/echo_server.h"

#include <algorithm>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "protocols/common/status_macros.h"

namespace wirecheck::framing {
namespace {

class EchoSession : public StreamSession {
 public:
  EchoSession(Variant variant, const EchoOptions& options)
      : decoder_(MakeDecoder(variant, options.decoder)) {}

  // While a frame is in progress the server reads straight into the
  // decoder, after the frame's earlier bytes, so a frame spanning reads is
  // never copied before its echo. Between frames the server's own buffer
  // serves: the frames completed there are echoed from it.
  absl::Span<char> ReadBuffer(size_t size) override {
    if (decoder_->pending().empty()) return {};
    room_ = decoder_->ReceiveBuffer(size);
    return room_;
  }

  void OnData(Connection& connection, absl::string_view data) override {
    bool in_room = data.data() == room_.data() && data.size() <= room_.size();
    room_ = {};
    if (!in_room && !decoder_->pending().empty()) {
      // Read elsewhere although a frame is pending (by a caller that does
      // not use ReadBuffer()): appended to it.
      const absl::Span<char> room = decoder_->ReceiveBuffer(data.size());
      std::copy(data.begin(), data.end(), room.begin());
      data = absl::string_view(room.data(), data.size());
      in_room = true;
    }
    // Frames are contiguous, so the echo of every frame this completes is
    // the stream from the pending frame's first byte (or data's, when none
    // is pending) to the end of the last one; sending those bytes as
    // received echoes each frame exactly, with no re-encoding.
    const absl::string_view pending = decoder_->pending();
    const char* const stream = in_room ? pending.data() : data.data();
    const uint64_t start = decoder_->offset() - pending.size();
    uint64_t complete_until = start;
    const auto sink = [&](const Frame& frame) {
      complete_until = frame.offset + frame.wire_size;
    };
    const absl::Status status = in_room
                                    ? decoder_->Received(data.size(), sink)
                                    : decoder_->ReceivedElsewhere(data, sink);
    if (complete_until > start) {
      connection.Send(absl::string_view(
          stream, static_cast<size_t>(complete_until - start)));
    }
    if (!status.ok()) {
      connection.Log(absl::StrCat("closing: ", status.message()));
      connection.Finish();
    }
  }

  void OnEndOfInput(Connection& connection) override {
    const absl::Status status = decoder_->Finish();
    if (!status.ok()) {
      connection.Log(
          absl::StrCat("partial frame at end of input: ", status.message()));
    }
    connection.Finish();
  }

 private:
  std::unique_ptr<Decoder> decoder_;
  // The room the last ReadBuffer() gave, until OnData() uses it.
  absl::Span<char> room_;
};

}  // namespace

std::unique_ptr<StreamSession> MakeEchoSession(Variant variant,
                                               const EchoOptions& options) {
  return std::make_unique<EchoSession>(variant, options);
}

void DatagramEcho::OnDatagram(DatagramSocket& socket,
                              const ReceivedDatagram& datagram,
                              absl::string_view payload) {
  // A cut datagram is not echoed: the echo must carry the same data. UDP
  // may drop replies, so a failed send is not an error here.
  if (datagram.truncated()) return;
  socket.SendTo(payload, datagram.from).IgnoreError();
}

absl::StatusOr<std::map<Transport, SocketAddress>> StartEchoServer(
    Server& server, const SocketAddress& bind, Variant variant,
    const EchoOptions& options) {
  std::map<Transport, SocketAddress> addresses;
  ASSIGN_OR_RETURN(addresses[Transport::kTcp],
                   server.ServeStream(bind, [variant, options] {
                     return MakeEchoSession(variant, options);
                   }));
  if (variant == Variant::kRaw) {
    ASSIGN_OR_RETURN(addresses[Transport::kUdp],
                     server.ServeDatagrams(bind, std::make_unique<DatagramEcho>()));
  }
  return addresses;
}

}  // namespace wirecheck::framing

#include "protocols/framing/echo_server.h"

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

  void OnData(Connection& connection, absl::string_view data) override {
    // Frames are contiguous, so the echo of every complete frame is the
    // stream up to the end of the last one: unechoed_ (the bytes of a frame
    // begun earlier) and a prefix of `data`. Sending those bytes as received
    // echoes each frame exactly, with no re-encoding.
    const uint64_t data_offset = decoder_->offset();
    uint64_t complete_until = data_offset;
    const absl::Status status = decoder_->Feed(
        data, [&](const Frame& frame) {
          complete_until = frame.offset + frame.wire_size;
        });
    const size_t complete_in_data =
        static_cast<size_t>(complete_until - data_offset);
    if (complete_in_data > 0) {
      connection.Send(unechoed_);
      connection.Send(data.substr(0, complete_in_data));
      unechoed_.clear();
    }
    if (!status.ok()) {
      connection.Log(absl::StrCat("closing: ", status.message()));
      connection.Finish();
      return;
    }
    const absl::string_view rest = data.substr(complete_in_data);
    unechoed_.append(rest.data(), rest.size());
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
  // Received bytes of the frame in progress, not yet echoed.
  std::string unechoed_;
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

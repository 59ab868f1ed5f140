#include "protocols/transport/network.h"

namespace wirecheck {

// Implementations without a batch system call make a batch of single calls;
// the real sockets override both with recvmmsg/sendmmsg.
absl::StatusOr<size_t> DatagramSocket::ReceiveBatch(
    absl::Span<const absl::Span<char>> buffers,
    absl::Span<ReceivedDatagram> datagrams, absl::Time deadline) {
  size_t received = 0;
  while (received < buffers.size() && received < datagrams.size()) {
    absl::StatusOr<ReceivedDatagram> datagram = ReceiveFrom(
        buffers[received], received == 0 ? deadline : absl::InfinitePast());
    if (!datagram.ok()) {
      if (received > 0 || absl::IsDeadlineExceeded(datagram.status())) break;
      return datagram.status();
    }
    datagrams[received++] = *datagram;
  }
  return received;
}

absl::StatusOr<size_t> DatagramSocket::SendBatch(
    absl::Span<const OutgoingDatagram> datagrams) {
  for (size_t sent = 0; sent < datagrams.size(); ++sent) {
    absl::Status status = SendTo(datagrams[sent].data, datagrams[sent].to);
    if (!status.ok()) {
      if (sent == 0) return status;
      return sent;
    }
  }
  return datagrams.size();
}

}  // namespace wirecheck

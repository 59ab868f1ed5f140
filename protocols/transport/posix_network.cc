#include "protocols/transport/posix_network.h"

#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <ctime>
#include <map>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "protocols/common/status_macros.h"
#include "protocols/transport/socket_error.h"

namespace wirecheck {
namespace {

// Waits until `fd` is ready for `events` (POLLIN/POLLOUT) or `deadline`.
// Errors and hang-ups count as ready: the next call reports them.
absl::Status WaitReady(int fd, short events, absl::Time deadline, Clock& clock,
                       absl::string_view operation,
                       const SocketAddress& address) {
  for (;;) {
    const absl::Duration left = deadline - clock.Now();
    if (left <= absl::ZeroDuration()) return SocketTimeout(operation, address);
    pollfd entry = {fd, events, 0};
    const timespec timeout = absl::ToTimespec(left);
    const int rc = ppoll(&entry, 1, &timeout, nullptr);
    if (rc > 0) return absl::OkStatus();
    if (rc < 0 && errno != EINTR) return SocketError(operation, address, errno);
  }
}

// Closes a descriptor unless released; keeps error paths from leaking it.
class ScopedFd {
 public:
  explicit ScopedFd(int fd) : fd_(fd) {}
  ScopedFd(const ScopedFd&) = delete;
  ScopedFd& operator=(const ScopedFd&) = delete;
  ~ScopedFd() {
    if (fd_ >= 0) close(fd_);
  }
  int get() const { return fd_; }
  int release() { return std::exchange(fd_, -1); }

 private:
  int fd_;
};

bool WouldBlock(int error_number) {
  return error_number == EAGAIN || error_number == EWOULDBLOCK;
}

absl::Status SetIntOption(int fd, int level, int name, int value,
                          absl::string_view what, const SocketAddress& address) {
  if (setsockopt(fd, level, name, &value, sizeof(value)) != 0) {
    return SocketError(what, address, errno);
  }
  return absl::OkStatus();
}

absl::StatusOr<int> OpenSocket(const SocketAddress& address, int type) {
  if (!address.is_specified()) {
    return absl::InvalidArgumentError("socket: no address family given");
  }
  const int fd =
      socket(address.os_family(), type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return SocketError("socket", address, errno);
  if (address.family() == AddressFamily::kIPv6) {
    const absl::Status v6only =
        SetIntOption(fd, IPPROTO_IPV6, IPV6_V6ONLY, 1, "IPV6_V6ONLY", address);
    if (!v6only.ok()) {
      close(fd);
      return v6only;
    }
  }
  return fd;
}

SocketAddress LocalAddressOf(int fd) {
  sockaddr_storage storage = {};
  socklen_t length = sizeof(storage);
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&storage), &length) != 0) {
    return SocketAddress();
  }
  return SocketAddress::FromSockaddr(reinterpret_cast<sockaddr*>(&storage),
                                     length);
}

class PosixStream : public Stream {
 public:
  PosixStream(int fd, Clock& clock, SocketAddress peer)
      : PosixStream(fd, clock, LocalAddressOf(fd), peer) {}
  PosixStream(int fd, Clock& clock, SocketAddress local, SocketAddress peer)
      : fd_(fd), clock_(clock), local_(local), peer_(peer) {}
  ~PosixStream() override { Close(); }

  int fd() const override { return fd_; }

  absl::StatusOr<size_t> Read(absl::Span<char> buffer,
                              absl::Time deadline) override {
    if (fd_ < 0) return Closed("read");
    if (read_shut_ || buffer.empty()) return 0;
    for (;;) {
      const ssize_t n = recv(fd_, buffer.data(), buffer.size(), 0);
      if (n >= 0) return static_cast<size_t>(n);
      if (errno == EINTR) continue;
      if (!WouldBlock(errno)) return SocketError("read", peer_, errno);
      RETURN_IF_ERROR(WaitReady(fd_, POLLIN, deadline, clock_, "read", peer_));
    }
  }

  absl::StatusOr<size_t> Write(absl::string_view data,
                               absl::Time deadline) override {
    if (fd_ < 0) return Closed("write");
    if (write_shut_) {
      return absl::FailedPreconditionError(absl::StrCat(
          "write ", peer_.ToString(), ": the write side is shut down"));
    }
    if (data.empty()) return 0;
    for (;;) {
      const ssize_t n = send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n >= 0) return static_cast<size_t>(n);
      if (errno == EINTR) continue;
      if (!WouldBlock(errno)) return SocketError("write", peer_, errno);
      RETURN_IF_ERROR(WaitReady(fd_, POLLOUT, deadline, clock_, "write", peer_));
    }
  }

  absl::Status Shutdown(ShutdownMode mode) override {
    if (fd_ < 0) return Closed("shutdown");
    const int how = mode == ShutdownMode::kRead    ? SHUT_RD
                    : mode == ShutdownMode::kWrite ? SHUT_WR
                                                   : SHUT_RDWR;
    if (mode != ShutdownMode::kWrite) read_shut_ = true;
    if (mode != ShutdownMode::kRead) write_shut_ = true;
    // A peer that already reset leaves the socket unconnected; the shutdown
    // has then happened in effect, which is what the caller asked for.
    if (shutdown(fd_, how) != 0 && errno != ENOTCONN) {
      return SocketError("shutdown", peer_, errno);
    }
    return absl::OkStatus();
  }

  void Close() override {
    if (fd_ < 0) return;
    close(fd_);
    fd_ = -1;
  }

  void Abort() override {
    if (fd_ < 0) return;
    const linger reset = {1, 0};
    setsockopt(fd_, SOL_SOCKET, SO_LINGER, &reset, sizeof(reset));
    Close();
  }

  SocketAddress local_address() const override { return local_; }
  SocketAddress peer_address() const override { return peer_; }

 private:
  absl::Status Closed(absl::string_view operation) const {
    return absl::FailedPreconditionError(
        absl::StrCat(operation, " ", peer_.ToString(), ": stream is closed"));
  }

  int fd_;
  Clock& clock_;
  const SocketAddress local_;
  const SocketAddress peer_;
  bool read_shut_ = false;
  bool write_shut_ = false;
};

class PosixListener : public Listener {
 public:
  PosixListener(int fd, Clock& clock)
      : fd_(fd), clock_(clock), local_(LocalAddressOf(fd)) {}
  ~PosixListener() override { Close(); }

  int fd() const override { return fd_; }

  absl::StatusOr<std::unique_ptr<Stream>> Accept(absl::Time deadline) override {
    if (fd_ < 0) {
      return absl::FailedPreconditionError(
          absl::StrCat("accept ", local_.ToString(), ": listener is closed"));
    }
    for (;;) {
      sockaddr_storage storage = {};
      socklen_t length = sizeof(storage);
      const int fd = accept4(fd_, reinterpret_cast<sockaddr*>(&storage),
                             &length, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd >= 0) {
        // TCP_NODELAY comes from the listening socket (Linux copies it).
        const SocketAddress peer = SocketAddress::FromSockaddr(
            reinterpret_cast<sockaddr*>(&storage), length);
        // A listener bound to one address accepts on exactly that address
        // and port: no getsockname() needed for each of many connections.
        if (!local_.is_any()) {
          return std::make_unique<PosixStream>(fd, clock_, local_, peer);
        }
        return std::make_unique<PosixStream>(fd, clock_, peer);
      }
      // A connection reset while queued is the peer's business, not ours.
      if (errno == EINTR || errno == ECONNABORTED) continue;
      if (!WouldBlock(errno)) return SocketError("accept", local_, errno);
      RETURN_IF_ERROR(
          WaitReady(fd_, POLLIN, deadline, clock_, "accept", local_));
    }
  }

  SocketAddress local_address() const override { return local_; }

  void Close() override {
    if (fd_ < 0) return;
    close(fd_);
    fd_ = -1;
  }

 private:
  int fd_;
  Clock& clock_;
  const SocketAddress local_;
};

class PosixDatagramSocket : public DatagramSocket {
 public:
  // Datagrams one recvmmsg/sendmmsg call moves at most; larger batches take
  // several calls.
  static constexpr size_t kMaxBatch = 64;

  PosixDatagramSocket(int fd, Clock& clock)
      : fd_(fd), clock_(clock), local_(LocalAddressOf(fd)) {}
  ~PosixDatagramSocket() override { Close(); }

  int fd() const override { return fd_; }

  absl::Status SendTo(absl::string_view data,
                      const SocketAddress& to) override {
    if (fd_ < 0) return Closed("send");
    for (;;) {
      const ssize_t n =
          connected_ && to == peer_
              ? send(fd_, data.data(), data.size(), MSG_NOSIGNAL)
              : sendto(fd_, data.data(), data.size(), MSG_NOSIGNAL,
                       to.sockaddr_ptr(), to.sockaddr_length());
      if (n >= 0) return absl::OkStatus();
      if (errno == EINTR) continue;
      return SocketError("send", to, errno);
    }
  }

  absl::StatusOr<ReceivedDatagram> ReceiveFrom(absl::Span<char> buffer,
                                               absl::Time deadline) override {
    if (fd_ < 0) return Closed("receive");
    for (;;) {
      sockaddr_storage storage = {};
      iovec io = {buffer.data(), buffer.size()};
      msghdr message = {};
      message.msg_name = &storage;
      message.msg_namelen = sizeof(storage);
      message.msg_iov = &io;
      message.msg_iovlen = 1;
      // MSG_TRUNC makes recvmsg return the datagram's real length.
      const ssize_t n = recvmsg(fd_, &message, MSG_TRUNC);
      if (n >= 0) {
        ReceivedDatagram datagram;
        datagram.from = SocketAddress::FromSockaddr(
            reinterpret_cast<sockaddr*>(&storage), message.msg_namelen);
        datagram.wire_size = static_cast<size_t>(n);
        datagram.size = std::min(datagram.wire_size, buffer.size());
        return datagram;
      }
      if (errno == EINTR) continue;
      if (!WouldBlock(errno)) {
        return SocketError("receive", connected_ ? peer_ : local_, errno);
      }
      RETURN_IF_ERROR(WaitReady(fd_, POLLIN, deadline, clock_, "receive",
                                connected_ ? peer_ : local_));
    }
  }

  absl::StatusOr<size_t> ReceiveBatch(
      absl::Span<const absl::Span<char>> buffers,
      absl::Span<ReceivedDatagram> datagrams, absl::Time deadline) override {
    if (fd_ < 0) return Closed("receive");
    const size_t count =
        std::min({buffers.size(), datagrams.size(), kMaxBatch});
    if (count == 0) return 0;
    mmsghdr messages[kMaxBatch];
    iovec io[kMaxBatch];
    sockaddr_storage from[kMaxBatch];
    for (size_t i = 0; i < count; ++i) {
      io[i] = {buffers[i].data(), buffers[i].size()};
      messages[i] = {};
      messages[i].msg_hdr.msg_name = &from[i];
      messages[i].msg_hdr.msg_namelen = sizeof(from[i]);
      messages[i].msg_hdr.msg_iov = &io[i];
      messages[i].msg_hdr.msg_iovlen = 1;
    }
    for (;;) {
      // MSG_TRUNC: msg_len is each datagram's real length, as in ReceiveFrom.
      const int n = recvmmsg(fd_, messages, static_cast<unsigned>(count),
                             MSG_DONTWAIT | MSG_TRUNC, nullptr);
      if (n >= 0) {
        for (int i = 0; i < n; ++i) {
          ReceivedDatagram& datagram = datagrams[i];
          datagram.from = SocketAddress::FromSockaddr(
              reinterpret_cast<sockaddr*>(&from[i]),
              messages[i].msg_hdr.msg_namelen);
          datagram.wire_size = messages[i].msg_len;
          datagram.size = std::min(datagram.wire_size, buffers[i].size());
        }
        return static_cast<size_t>(n);
      }
      if (errno == EINTR) continue;
      const SocketAddress& about = connected_ ? peer_ : local_;
      if (!WouldBlock(errno)) return SocketError("receive", about, errno);
      const absl::Status ready =
          WaitReady(fd_, POLLIN, deadline, clock_, "receive", about);
      if (absl::IsDeadlineExceeded(ready)) return 0;
      RETURN_IF_ERROR(ready);
    }
  }

  absl::StatusOr<size_t> SendBatch(
      absl::Span<const OutgoingDatagram> datagrams) override {
    if (fd_ < 0) return Closed("send");
    size_t sent = 0;
    while (sent < datagrams.size()) {
      const size_t count = std::min(datagrams.size() - sent, kMaxBatch);
      mmsghdr messages[kMaxBatch];
      iovec io[kMaxBatch];
      for (size_t i = 0; i < count; ++i) {
        const OutgoingDatagram& datagram = datagrams[sent + i];
        io[i] = {const_cast<char*>(datagram.data.data()), datagram.data.size()};
        messages[i] = {};
        if (!connected_ || datagram.to != peer_) {
          messages[i].msg_hdr.msg_name =
              const_cast<sockaddr*>(datagram.to.sockaddr_ptr());
          messages[i].msg_hdr.msg_namelen = datagram.to.sockaddr_length();
        }
        messages[i].msg_hdr.msg_iov = &io[i];
        messages[i].msg_hdr.msg_iovlen = 1;
      }
      const int n = sendmmsg(fd_, messages, static_cast<unsigned>(count),
                             MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n < 0) {
        if (errno == EINTR) continue;
        if (sent > 0) return sent;
        return SocketError("send", datagrams[sent].to, errno);
      }
      sent += static_cast<size_t>(n);
      if (static_cast<size_t>(n) < count) break;
    }
    return sent;
  }

  absl::Status Connect(const SocketAddress& peer) override {
    if (fd_ < 0) return Closed("connect");
    if (connect(fd_, peer.sockaddr_ptr(), peer.sockaddr_length()) != 0) {
      return SocketError("connect", peer, errno);
    }
    connected_ = true;
    peer_ = peer;
    local_ = LocalAddressOf(fd_);
    return absl::OkStatus();
  }

  absl::Status EnableBroadcast() override {
    return SetIntOption(fd_, SOL_SOCKET, SO_BROADCAST, 1, "SO_BROADCAST",
                        local_);
  }

  absl::Status JoinMulticastGroup(const SocketAddress& group,
                                  uint32_t interface_index) override {
    if (group.family() == AddressFamily::kIPv4) {
      ip_mreqn request = {};
      request.imr_multiaddr.s_addr = htonl(group.ipv4());
      request.imr_ifindex = static_cast<int>(interface_index);
      if (setsockopt(fd_, IPPROTO_IP, IP_ADD_MEMBERSHIP, &request,
                     sizeof(request)) != 0) {
        return SocketError("join multicast group", group, errno);
      }
      return absl::OkStatus();
    }
    ipv6_mreq request = {};
    request.ipv6mr_multiaddr = group.ipv6();
    request.ipv6mr_interface = interface_index;
    if (setsockopt(fd_, IPPROTO_IPV6, IPV6_JOIN_GROUP, &request,
                   sizeof(request)) != 0) {
      return SocketError("join multicast group", group, errno);
    }
    return absl::OkStatus();
  }

  absl::Status SetMulticastInterface(uint32_t interface_index) override {
    if (local_.family() == AddressFamily::kIPv4) {
      ip_mreqn request = {};
      request.imr_ifindex = static_cast<int>(interface_index);
      if (setsockopt(fd_, IPPROTO_IP, IP_MULTICAST_IF, &request,
                     sizeof(request)) != 0) {
        return SocketError("IP_MULTICAST_IF", local_, errno);
      }
      return absl::OkStatus();
    }
    return SetIntOption(fd_, IPPROTO_IPV6, IPV6_MULTICAST_IF,
                        static_cast<int>(interface_index), "IPV6_MULTICAST_IF",
                        local_);
  }

  absl::Status SetMulticastLoopback(bool enabled) override {
    if (local_.family() == AddressFamily::kIPv4) {
      return SetIntOption(fd_, IPPROTO_IP, IP_MULTICAST_LOOP, enabled ? 1 : 0,
                          "IP_MULTICAST_LOOP", local_);
    }
    return SetIntOption(fd_, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, enabled ? 1 : 0,
                        "IPV6_MULTICAST_LOOP", local_);
  }

  SocketAddress local_address() const override { return local_; }

  void Close() override {
    if (fd_ < 0) return;
    close(fd_);
    fd_ = -1;
  }

 private:
  absl::Status Closed(absl::string_view operation) const {
    return absl::FailedPreconditionError(absl::StrCat(
        operation, " ", local_.ToString(), ": datagram socket is closed"));
  }

  int fd_;
  Clock& clock_;
  SocketAddress local_;
  bool connected_ = false;
  SocketAddress peer_;
};

}  // namespace

PosixNetwork::PosixNetwork(Clock& clock) : clock_(clock) {}

absl::StatusOr<std::unique_ptr<Stream>> PosixNetwork::Connect(
    const SocketAddress& remote, absl::Time deadline) {
  ASSIGN_OR_RETURN(const int raw_fd, OpenSocket(remote, SOCK_STREAM));
  ScopedFd fd(raw_fd);
  if (connect(fd.get(), remote.sockaddr_ptr(), remote.sockaddr_length()) != 0) {
    if (errno != EINPROGRESS) return SocketError("connect", remote, errno);
    RETURN_IF_ERROR(
        WaitReady(fd.get(), POLLOUT, deadline, clock_, "connect", remote));
    int error = 0;
    socklen_t length = sizeof(error);
    getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &error, &length);
    if (error != 0) return SocketError("connect", remote, error);
  }
  RETURN_IF_ERROR(SetIntOption(fd.get(), IPPROTO_TCP, TCP_NODELAY, 1,
                               "TCP_NODELAY", remote));
  return std::make_unique<PosixStream>(fd.release(), clock_, remote);
}

absl::StatusOr<std::unique_ptr<Stream>> PosixNetwork::StartConnect(
    const SocketAddress& remote) {
  ASSIGN_OR_RETURN(const int raw_fd, OpenSocket(remote, SOCK_STREAM));
  ScopedFd fd(raw_fd);
  if (connect(fd.get(), remote.sockaddr_ptr(), remote.sockaddr_length()) != 0 &&
      errno != EINPROGRESS) {
    return SocketError("connect", remote, errno);
  }
  return std::make_unique<PosixStream>(fd.release(), clock_, remote);
}

absl::StatusOr<std::unique_ptr<Listener>> PosixNetwork::Listen(
    const SocketAddress& local, const ListenOptions& options) {
  ASSIGN_OR_RETURN(const int raw_fd, OpenSocket(local, SOCK_STREAM));
  ScopedFd fd(raw_fd);
  RETURN_IF_ERROR(SetIntOption(fd.get(), SOL_SOCKET, SO_REUSEADDR, 1,
                               "SO_REUSEADDR", local));
  if (options.reuse_port) {
    RETURN_IF_ERROR(SetIntOption(fd.get(), SOL_SOCKET, SO_REUSEPORT, 1,
                                 "SO_REUSEPORT", local));
  }
  // Accepted streams inherit it, so Accept() needs no call of its own.
  RETURN_IF_ERROR(SetIntOption(fd.get(), IPPROTO_TCP, TCP_NODELAY, 1,
                               "TCP_NODELAY", local));
  if (bind(fd.get(), local.sockaddr_ptr(), local.sockaddr_length()) != 0) {
    return SocketError("bind", local, errno);
  }
  if (listen(fd.get(), options.backlog) != 0) {
    return SocketError("listen", local, errno);
  }
  return std::make_unique<PosixListener>(fd.release(), clock_);
}

absl::StatusOr<std::unique_ptr<DatagramSocket>> PosixNetwork::OpenDatagram(
    const SocketAddress& local, const DatagramOptions& options) {
  ASSIGN_OR_RETURN(const int raw_fd, OpenSocket(local, SOCK_DGRAM));
  ScopedFd fd(raw_fd);
  if (options.reuse_address) {
    RETURN_IF_ERROR(SetIntOption(fd.get(), SOL_SOCKET, SO_REUSEADDR, 1,
                                 "SO_REUSEADDR", local));
  }
  if (options.reuse_port) {
    RETURN_IF_ERROR(SetIntOption(fd.get(), SOL_SOCKET, SO_REUSEPORT, 1,
                                 "SO_REUSEPORT", local));
  }
  if (options.receive_buffer_bytes > 0) {
    RETURN_IF_ERROR(SetIntOption(fd.get(), SOL_SOCKET, SO_RCVBUF,
                                 options.receive_buffer_bytes, "SO_RCVBUF",
                                 local));
  }
  if (bind(fd.get(), local.sockaddr_ptr(), local.sockaddr_length()) != 0) {
    return SocketError("bind", local, errno);
  }
  return std::make_unique<PosixDatagramSocket>(fd.release(), clock_);
}

absl::StatusOr<std::vector<NetworkInterface>> PosixNetwork::Interfaces() {
  ifaddrs* raw = nullptr;
  if (getifaddrs(&raw) != 0) {
    return SocketError("getifaddrs", SocketAddress(), errno);
  }
  std::map<std::string, NetworkInterface> by_name;
  for (const ifaddrs* entry = raw; entry != nullptr; entry = entry->ifa_next) {
    NetworkInterface& interface = by_name[entry->ifa_name];
    interface.name = entry->ifa_name;
    interface.index = if_nametoindex(entry->ifa_name);
    interface.up = (entry->ifa_flags & IFF_UP) != 0;
    interface.loopback = (entry->ifa_flags & IFF_LOOPBACK) != 0;
    interface.supports_broadcast = (entry->ifa_flags & IFF_BROADCAST) != 0;
    interface.supports_multicast = (entry->ifa_flags & IFF_MULTICAST) != 0;
    if (entry->ifa_addr == nullptr) continue;
    const int family = entry->ifa_addr->sa_family;
    if (family != AF_INET && family != AF_INET6) continue;
    const socklen_t length =
        family == AF_INET ? sizeof(sockaddr_in) : sizeof(sockaddr_in6);
    interface.addresses.push_back(
        SocketAddress::FromSockaddr(entry->ifa_addr, length));
    if (family == AF_INET && (entry->ifa_flags & IFF_BROADCAST) != 0 &&
        entry->ifa_broadaddr != nullptr) {
      interface.broadcast_addresses.push_back(
          SocketAddress::FromSockaddr(entry->ifa_broadaddr, length));
    }
  }
  freeifaddrs(raw);
  std::vector<NetworkInterface> result;
  for (auto& [name, interface] : by_name) result.push_back(std::move(interface));
  std::sort(result.begin(), result.end(),
            [](const NetworkInterface& a, const NetworkInterface& b) {
              return a.index < b.index;
            });
  return result;
}

uint64_t RaiseOpenFileLimit() {
  rlimit limit;
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return 0;
  if (limit.rlim_cur < limit.rlim_max) {
    rlimit raised = limit;
    raised.rlim_cur = limit.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
  }
  return limit.rlim_cur;
}

PosixNetwork& RealNetwork() {
  static PosixNetwork* const network = new PosixNetwork(RealClock());
  return *network;
}

}  // namespace wirecheck

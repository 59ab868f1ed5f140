// The server loop every reference server runs on: many TCP connections and
// UDP datagrams on one event-loop thread, with per-connection idle timeouts,
// a connection limit, back-pressure, lingering close and graceful shutdown.
//
// A protocol supplies only its behaviour: a StreamSession per TCP connection
// and/or a DatagramService per UDP socket. Because the server talks to the
// loop and the network only through their interfaces, the same server runs
// on real sockets (PosixEventLoop + PosixNetwork) and on the fakes.
#ifndef WIRECHECK_PROTOCOLS_TRANSPORT_SERVER_H_
#define WIRECHECK_PROTOCOLS_TRANSPORT_SERVER_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "protocols/transport/acceptor.h"
#include "protocols/transport/address.h"
#include "protocols/transport/event_loop.h"
#include "protocols/transport/network.h"

namespace wirecheck {

// Receives the server's log lines. The default writes them to stderr.
using LogSink = std::function<void(absl::string_view line)>;
LogSink StderrLogSink();

struct ServerOptions {
  // A connection on which no byte moves either way for this long is closed.
  absl::Duration idle_timeout = absl::Seconds(60);
  // Connections beyond this many are accepted and closed at once.
  size_t max_connections = 100000;
  // After the server has sent its last byte and shut down its side, it reads
  // and discards what the client still sends, for up to this long, before
  // closing: closing with unread input would reset the connection and could
  // destroy the reply before the client reads it.
  absl::Duration linger_timeout = absl::Seconds(2);
  // Reading from a connection pauses while more than this many bytes wait
  // to be sent to it, and resumes below half: a client that sends but never
  // reads cannot make the server buffer without bound.
  size_t max_pending_output = 1 << 20;
  // SO_REUSEPORT on every listener and datagram socket, so servers on
  // several loops (one per core) share the ports and the kernel spreads the
  // load over them.
  bool reuse_port = false;
  // For such a second server: the n-th ServeStream or ServeDatagrams binds
  // bind_like[n] (port included) instead of the address it is given, so the
  // same set-up code run on it binds exactly the first server's
  // bound_addresses(), ephemeral ports too.
  std::vector<SocketAddress> bind_like;
  LogSink log = StderrLogSink();
};

// One accepted connection, as its session sees it. Owned by the Server;
// valid until the session's OnClosed() returns.
class Connection {
 public:
  virtual ~Connection() = default;

  // Queues `data` to send; it goes out as fast as the peer reads. Ignored
  // once the connection is finishing or closed.
  virtual void Send(absl::string_view data) = 0;

  // Ends the connection gracefully: every queued byte is sent, then the
  // write side is shut down (the peer reads EOF), then input is discarded
  // until the peer closes or the linger timeout passes. No more OnData.
  virtual void Finish() = 0;

  // Resets the connection at once (RST), discarding queued bytes.
  virtual void Abort() = 0;

  // Writes a log line prefixed with the peer's address.
  virtual void Log(absl::string_view message) = 0;

  virtual const SocketAddress& peer_address() const = 0;
  virtual const SocketAddress& local_address() const = 0;
  virtual EventLoop& loop() = 0;
  // Bytes queued and not yet sent.
  virtual size_t pending_output() const = 0;
};

// A protocol's behaviour on one TCP connection. Runs on the loop thread.
class StreamSession {
 public:
  virtual ~StreamSession() = default;

  // The connection was accepted.
  virtual void OnOpen(Connection& connection) {}

  // Where the server reads the next bytes: a session that keeps what it
  // receives (a decoder receiving in place) returns room for up to `size`
  // bytes of its own, so the server reads straight into it and OnData()
  // then shows the bytes there; it need not copy them. The default, an
  // empty span, lets the server read into a buffer of its own. The room is
  // used at most once, before the next call.
  virtual absl::Span<char> ReadBuffer(size_t size) { return {}; }

  // Bytes arrived, in order. The session keeps what it cannot use yet.
  virtual void OnData(Connection& connection, absl::string_view data) = 0;

  // The peer shut down its sending side (EOF). The default finishes.
  virtual void OnEndOfInput(Connection& connection) { connection.Finish(); }

  // The connection is gone: `why` is OK after a graceful finish, otherwise
  // it says what ended it (reset, idle timeout, server shutdown). The last
  // call; the Connection is invalid afterwards.
  virtual void OnClosed(const absl::Status& why) {}
};

// Makes the session for each accepted connection.
using StreamSessionFactory = std::function<std::unique_ptr<StreamSession>()>;

// A protocol's behaviour on a datagram socket. Runs on the loop thread.
class DatagramService {
 public:
  virtual ~DatagramService() = default;

  // The server bound `socket` for this service and will deliver its
  // datagrams; a service that sends on its own (announcements) or joins
  // multicast groups keeps it. An error makes ServeDatagrams fail.
  virtual absl::Status OnBound(DatagramSocket& socket) {
    return absl::OkStatus();
  }

  // Server::Shutdown is about to close `socket`: the last chance to send on
  // it (goodbyes).
  virtual void OnShutdown(DatagramSocket& socket) {}

  // One datagram arrived; reply with socket.SendTo(). `payload` is the
  // whole datagram unless datagram.truncated(), which the server's 64 KiB
  // buffer makes impossible for UDP. Datagrams come in batches, and the
  // replies made during this call leave with the rest of the batch's (one
  // sendmmsg): SendTo queues a copy and returns OK, and a reply the socket
  // then refuses is lost, as a UDP reply may be. `socket` lives as long as
  // the server; used later (a delayed reply), it sends at once.
  virtual void OnDatagram(DatagramSocket& socket,
                          const ReceivedDatagram& datagram,
                          absl::string_view payload) = 0;
};

struct ServerStats {
  uint64_t connections_accepted = 0;
  uint64_t connections_rejected = 0;  // over max_connections
  uint64_t idle_timeouts = 0;
  uint64_t datagrams_received = 0;
};

// Serves listeners and datagram sockets on one EventLoop. Use it only on the
// loop's thread (or before the loop runs). Destroying it closes everything
// at once.
class Server {
 public:
  Server(EventLoop& loop, Network& network, ServerOptions options = {});
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Listens on `address` (port 0: ephemeral) and serves every connection
  // with a new session from `factory`. Returns the bound address. Errors:
  // those of Network::Listen and EventLoop::Watch.
  absl::StatusOr<SocketAddress> ServeStream(const SocketAddress& address,
                                            StreamSessionFactory factory,
                                            const ListenOptions& options = {});

  // Binds a datagram socket on `address` and hands each datagram to
  // `service`, which must outlive the server. Returns the bound address.
  absl::StatusOr<SocketAddress> ServeDatagrams(
      const SocketAddress& address, DatagramService& service,
      const DatagramOptions& options = {});

  // As above, but the server owns `service` and destroys it with itself.
  absl::StatusOr<SocketAddress> ServeDatagrams(
      const SocketAddress& address, std::unique_ptr<DatagramService> service,
      const DatagramOptions& options = {});

  // Stops accepting connections and datagrams, lets open connections end
  // on their own for up to `grace`, then closes the rest, and calls `done`
  // (on the loop thread) once none is left.
  void Shutdown(absl::Duration grace, std::function<void()> done);

  // Every address bound by ServeStream and ServeDatagrams, in call order.
  const std::vector<SocketAddress>& bound_addresses() const { return bound_; }
  size_t open_connections() const { return connections_.size(); }
  const ServerStats& stats() const { return stats_; }
  const ServerOptions& options() const { return options_; }
  EventLoop& loop() { return loop_; }
  Network& network() { return network_; }
  void Log(absl::string_view line) const;

 private:
  class ServerConnection;
  class ReplyBatch;
  struct DatagramEndpoint {
    std::unique_ptr<DatagramSocket> socket;
    DatagramService* service;
    std::unique_ptr<ReplyBatch> replies;
  };

  // Where the next ServeStream/ServeDatagrams binds (see bind_like).
  SocketAddress NextBindAddress(const SocketAddress& asked) const;
  // Serves an accepted connection with a session from `factory`.
  void Adopt(std::unique_ptr<Stream> stream,
             const StreamSessionFactory& factory);
  void DatagramReady(DatagramEndpoint& endpoint);
  // Called by a connection once closed; deletes it after the current
  // callback returns.
  void Retire(ServerConnection* connection);
  void MaybeFinishShutdown();

  EventLoop& loop_;
  Network& network_;
  const ServerOptions options_;
  ServerStats stats_;
  std::vector<SocketAddress> bound_;
  std::vector<std::unique_ptr<Acceptor>> acceptors_;
  std::vector<std::unique_ptr<DatagramEndpoint>> datagram_endpoints_;
  std::vector<std::unique_ptr<DatagramService>> owned_services_;
  std::unordered_map<ServerConnection*, std::unique_ptr<ServerConnection>>
      connections_;
  std::vector<std::unique_ptr<ServerConnection>> retired_;
  EventLoop::TimerId reap_timer_ = 0;
  EventLoop::TimerId grace_timer_ = 0;
  std::function<void()> shutdown_done_;
  // One receive batch: kDatagramBatch buffers carved from one allocation.
  std::vector<char> datagram_storage_;
  std::vector<absl::Span<char>> datagram_buffers_;
  std::vector<ReceivedDatagram> received_;
};

}  // namespace wirecheck

#endif  // WIRECHECK_PROTOCOLS_TRANSPORT_SERVER_H_

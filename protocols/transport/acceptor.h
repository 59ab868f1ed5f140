// Acceptor: the accept loop that a server or a proxy runs on one listener.
//
//   Acceptor acceptor(loop, std::move(listener), {
//       .max_connections = 1000,
//       .open_connections = [&] { return connections.size(); },
//       .on_connection = [&](std::unique_ptr<Stream> s) { Adopt(std::move(s)); },
//   });
//   RETURN_IF_ERROR(acceptor.Start());
//
// On each readiness event it accepts up to 64 connections, so one busy
// listener cannot starve the loop's other work (level-triggered readiness
// brings it back for the rest). A connection that arrives while the owner
// already has max_connections open is closed at once, counted through
// on_rejected, and logged at most once a second. When accepting fails for
// any reason but "none pending" (out of descriptors: EMFILE, ENFILE) the
// listener would stay readable and the loop would spin, so the acceptor
// stops watching it for 100 ms and logs the error.
#ifndef WIRECHECK_PROTOCOLS_TRANSPORT_ACCEPTOR_H_
#define WIRECHECK_PROTOCOLS_TRANSPORT_ACCEPTOR_H_

#include <cstddef>
#include <functional>
#include <limits>
#include <memory>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "protocols/transport/event_loop.h"
#include "protocols/transport/network.h"

namespace wirecheck {

struct AcceptorOptions {
  // Connections accepted while open_connections() returns this many or more
  // are closed at once.
  size_t max_connections = std::numeric_limits<size_t>::max();
  // How many connections the owner has open. Null: none are counted, so
  // max_connections never applies.
  std::function<size_t()> open_connections;
  // Each accepted connection within the limit; the callee owns it. Required.
  std::function<void(std::unique_ptr<Stream>)> on_connection;
  // Each connection closed for the limit. Optional.
  std::function<void()> on_rejected;
  // Log lines (accept errors, the limit reached). Optional.
  std::function<void(absl::string_view)> log;
};

// Accepts connections from one listener on an event loop. Not thread-safe:
// it belongs to the loop's thread. The loop must outlive it.
class Acceptor {
 public:
  // Takes the listener; accepts nothing until Start().
  Acceptor(EventLoop& loop, std::unique_ptr<Listener> listener,
           AcceptorOptions options);
  // Stops watching and cancels a pending retry; the listener is closed with
  // it.
  ~Acceptor();
  Acceptor(const Acceptor&) = delete;
  Acceptor& operator=(const Acceptor&) = delete;

  // Starts watching the listener. Errors: those of EventLoop::Watch.
  absl::Status Start();

  // Stops accepting for good and closes the listener, so the kernel
  // refuses further connections. Idempotent.
  void Close();

  // The listener's bound address.
  SocketAddress local_address() const { return listener_->local_address(); }

 private:
  // How long accepting pauses after an error.
  static constexpr absl::Duration kRetryDelay = absl::Milliseconds(100);

  void AcceptReady();
  void Reject(Stream& stream);
  void PauseAfter(const absl::Status& error);
  void Log(absl::string_view line) const;

  EventLoop& loop_;
  std::unique_ptr<Listener> listener_;
  const AcceptorOptions options_;
  EventLoop::TimerId retry_timer_ = 0;
  bool closed_ = false;
  absl::Time last_limit_log_ = absl::InfinitePast();
};

}  // namespace wirecheck

#endif  // WIRECHECK_PROTOCOLS_TRANSPORT_ACCEPTOR_H_

// UpstreamConnector: opens TCP connections for an event loop without making
// the loop wait for a handshake.
//
// Network::Connect only blocks until a deadline (a past deadline gives up
// on a connection still in progress), and a handshake with a distant or
// silent server can take seconds; the fault proxy's loop must keep relaying
// every other connection meanwhile. So the connects run on a few helper
// threads and each result comes back to the loop's thread with
// EventLoop::Post.
//
//   UpstreamConnector connector(loop, RealNetwork());
//   connector.Connect(upstream, absl::Seconds(5),
//                     [](absl::StatusOr<std::unique_ptr<Stream>> stream) {
//                       ...  // on the loop's thread
//                     });
#ifndef WIRECHECK_TOOLS_PROXY_UPSTREAM_CONNECTOR_H_
#define WIRECHECK_TOOLS_PROXY_UPSTREAM_CONNECTOR_H_

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "protocols/transport/address.h"
#include "protocols/transport/event_loop.h"
#include "protocols/transport/network.h"

namespace wirecheck::proxy {

// Use it on the loop's thread (or before the loop runs). `network` is used
// from the helper threads, so it must be thread-safe (PosixNetwork is; the
// single-threaded fakes are not). `loop` and `network` must outlive it.
class UpstreamConnector {
 public:
  using Id = uint64_t;
  using Callback =
      std::function<void(absl::StatusOr<std::unique_ptr<Stream>> stream)>;

  // At most `max_threads` connects run at once; more wait their turn.
  UpstreamConnector(EventLoop& loop, Network& network, size_t max_threads = 8);
  // Drops the connects still queued and waits for those in progress (each
  // ends by its own deadline); no callback runs afterwards.
  ~UpstreamConnector();
  UpstreamConnector(const UpstreamConnector&) = delete;
  UpstreamConnector& operator=(const UpstreamConnector&) = delete;

  // Connects to `remote`, giving up after `timeout`, and calls `done` on the
  // loop's thread with the stream or the error of Network::Connect
  // (UNAVAILABLE when refused, DEADLINE_EXCEEDED on timeout). Returns an id
  // for Cancel().
  Id Connect(const SocketAddress& remote, absl::Duration timeout,
             Callback done);

  // `done` of connect `id` will not run; a stream it makes is closed.
  // Unknown or finished ids are ignored.
  void Cancel(Id id);

 private:
  struct Job {
    Id id;
    SocketAddress remote;
    absl::Duration timeout;
  };
  // What the helper threads share with the loop's thread.
  struct Queue {
    std::mutex mutex;
    std::condition_variable wake;
    std::deque<Job> jobs;
    size_t idle_threads = 0;
    bool stopping = false;
  };

  void Work();

  EventLoop& loop_;
  Network& network_;
  const size_t max_threads_;
  // Set to false (on the loop's thread) when this is destroyed; results
  // posted to the loop check it before touching `callbacks_`.
  const std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
  Queue queue_;
  std::vector<std::thread> threads_;
  // Loop's thread only.
  std::unordered_map<Id, Callback> callbacks_;
  Id next_id_ = 1;
};

}  // namespace wirecheck::proxy

#endif  // WIRECHECK_TOOLS_PROXY_UPSTREAM_CONNECTOR_H_

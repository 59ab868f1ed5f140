// Test helpers for the fault proxies: a proxy on its own event-loop thread
// on real loopback sockets, its fault log, and its log lines.
#ifndef WIRECHECK_TOOLS_PROXY_PROXY_TEST_UTIL_H_
#define WIRECHECK_TOOLS_PROXY_PROXY_TEST_UTIL_H_

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "fakes/fault_log.h"
#include "protocols/transport/address.h"
#include "protocols/transport/clock.h"
#include "protocols/transport/posix_event_loop.h"
#include "tools/proxy/proxy.h"

namespace wirecheck::testing {

// Runs one proxy on a PosixEventLoop thread. Make it, Start() it, run
// clients on the test's thread, and let the destructor stop everything.
class ProxyRunner {
 public:
  using Factory = std::function<absl::StatusOr<std::unique_ptr<proxy::FaultProxy>>(
      EventLoop& loop, proxy::ProxyOptions options)>;

  ProxyRunner();
  // Stops the loop, then destroys the proxy.
  ~ProxyRunner();

  // Makes the proxy with `factory` (options' fault_log and log are filled
  // in to record here), listens on `listen`, and starts the loop. Returns
  // the proxy's address. Call once.
  absl::StatusOr<SocketAddress> Start(const Factory& factory,
                                      proxy::ProxyOptions options,
                                      const SocketAddress& listen);

  // Runs `task` with the proxy on the loop's thread and returns once done.
  void RunOnLoop(const std::function<void(proxy::FaultProxy& proxy)>& task);
  proxy::ProxyStats stats();

  fakes::FaultLog& fault_log() { return fault_log_; }
  // Every log line so far.
  std::vector<std::string> log_lines() const;
  // Waits up to `timeout` for a log line containing `text`; returns whether
  // one came.
  bool WaitForLog(absl::string_view text, absl::Duration timeout);
  // Waits up to `timeout` until `predicate` holds for the fault log.
  bool WaitForFaults(const std::function<bool(const fakes::FaultLog&)>& predicate,
                     absl::Duration timeout);

 private:
  void AddLine(absl::string_view line);

  std::unique_ptr<PosixEventLoop> loop_;
  std::unique_ptr<proxy::FaultProxy> proxy_;
  std::thread thread_;
  fakes::FaultLog fault_log_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::string> lines_;
  // Bumped by every line (faults included).
  uint64_t generation_ = 0;
};

// A real deadline `d` from now.
absl::Time In(absl::Duration d);

}  // namespace wirecheck::testing

#endif  // WIRECHECK_TOOLS_PROXY_PROXY_TEST_UTIL_H_

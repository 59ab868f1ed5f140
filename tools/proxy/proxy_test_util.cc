#include "tools/proxy/proxy_test_util.h"

#include <algorithm>
#include <future>
#include <utility>

#include "absl/strings/match.h"
#include "gtest/gtest.h"

namespace wirecheck::testing {

ProxyRunner::ProxyRunner() : loop_(*PosixEventLoop::Create()) {}

ProxyRunner::~ProxyRunner() {
  if (thread_.joinable()) {
    loop_->Stop();
    thread_.join();
  }
  proxy_.reset();
}

absl::StatusOr<SocketAddress> ProxyRunner::Start(const Factory& factory,
                                                 proxy::ProxyOptions options,
                                                 const SocketAddress& listen) {
  // Faults also reach the log lines, so one wait covers both.
  fault_log_.SetSink([this](const fakes::FaultRecord& record) {
    AddLine(absl::StrCat("fault: ", record.ToString()));
  });
  options.fault_log = &fault_log_;
  options.log = [this](absl::string_view line) { AddLine(line); };
  absl::StatusOr<std::unique_ptr<proxy::FaultProxy>> made =
      factory(*loop_, std::move(options));
  if (!made.ok()) return made.status();
  proxy_ = *std::move(made);
  absl::StatusOr<SocketAddress> bound = proxy_->Listen(listen);
  if (!bound.ok()) return bound.status();
  thread_ = std::thread([this] {
    const absl::Status status = loop_->Run();
    if (!status.ok()) ADD_FAILURE() << "proxy loop: " << status;
  });
  return bound;
}

void ProxyRunner::RunOnLoop(
    const std::function<void(proxy::FaultProxy& proxy)>& task) {
  if (!thread_.joinable()) {
    task(*proxy_);
    return;
  }
  std::promise<void> done;
  loop_->Post([&] {
    task(*proxy_);
    done.set_value();
  });
  done.get_future().wait();
}

proxy::ProxyStats ProxyRunner::stats() {
  proxy::ProxyStats stats;
  RunOnLoop([&](proxy::FaultProxy& proxy) { stats = proxy.stats(); });
  return stats;
}

void ProxyRunner::AddLine(absl::string_view line) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    lines_.emplace_back(line);
    ++generation_;
  }
  changed_.notify_all();
}

std::vector<std::string> ProxyRunner::log_lines() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return lines_;
}

bool ProxyRunner::WaitForLog(absl::string_view text, absl::Duration timeout) {
  std::unique_lock<std::mutex> lock(mutex_);
  return changed_.wait_for(lock, absl::ToChronoNanoseconds(timeout), [&] {
    for (const std::string& line : lines_) {
      if (absl::StrContains(line, text)) return true;
    }
    return false;
  });
}

bool ProxyRunner::WaitForFaults(
    const std::function<bool(const fakes::FaultLog&)>& predicate,
    absl::Duration timeout) {
  // The fault log calls its sink (AddLine) under its own lock, so it is
  // never asked while holding mutex_.
  const absl::Time deadline = In(timeout);
  for (;;) {
    uint64_t seen;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      seen = generation_;
    }
    if (predicate(fault_log_)) return true;
    std::unique_lock<std::mutex> lock(mutex_);
    const bool changed = changed_.wait_for(
        lock, absl::ToChronoNanoseconds(std::max(deadline - In(absl::ZeroDuration()),
                                                 absl::ZeroDuration())),
        [&] { return generation_ != seen; });
    if (!changed) return false;
  }
}

absl::Time In(absl::Duration d) { return RealClock().Now() + d; }

}  // namespace wirecheck::testing

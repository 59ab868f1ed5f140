#include "tools/proxy/upstream_connector.h"

#include <algorithm>
#include <utility>

namespace wirecheck::proxy {

UpstreamConnector::UpstreamConnector(EventLoop& loop, Network& network,
                                     size_t max_threads)
    : loop_(loop), network_(network), max_threads_(std::max<size_t>(1, max_threads)) {}

UpstreamConnector::~UpstreamConnector() {
  *alive_ = false;
  {
    std::lock_guard<std::mutex> lock(queue_.mutex);
    queue_.stopping = true;
    queue_.jobs.clear();
  }
  queue_.wake.notify_all();
  for (std::thread& thread : threads_) thread.join();
}

UpstreamConnector::Id UpstreamConnector::Connect(const SocketAddress& remote,
                                                 absl::Duration timeout,
                                                 Callback done) {
  const Id id = next_id_++;
  callbacks_.emplace(id, std::move(done));
  bool spawn = false;
  {
    std::lock_guard<std::mutex> lock(queue_.mutex);
    queue_.jobs.push_back(Job{id, remote, timeout});
    spawn = queue_.idle_threads < queue_.jobs.size() &&
            threads_.size() < max_threads_;
  }
  if (spawn) {
    threads_.emplace_back([this] { Work(); });
  } else {
    queue_.wake.notify_one();
  }
  return id;
}

void UpstreamConnector::Cancel(Id id) { callbacks_.erase(id); }

void UpstreamConnector::Work() {
  for (;;) {
    Job job;
    {
      std::unique_lock<std::mutex> lock(queue_.mutex);
      ++queue_.idle_threads;
      queue_.wake.wait(lock,
                       [&] { return queue_.stopping || !queue_.jobs.empty(); });
      --queue_.idle_threads;
      if (queue_.stopping) return;
      job = queue_.jobs.front();
      queue_.jobs.pop_front();
    }
    auto result = std::make_shared<absl::StatusOr<std::unique_ptr<Stream>>>(
        network_.Connect(job.remote, network_.clock().Now() + job.timeout));
    loop_.Post([this, alive = alive_, id = job.id, result] {
      if (!*alive) return;  // the stream, if any, closes with `result`
      const auto it = callbacks_.find(id);
      if (it == callbacks_.end()) return;  // cancelled
      Callback done = std::move(it->second);
      callbacks_.erase(it);
      done(std::move(*result));
    });
  }
}

}  // namespace wirecheck::proxy

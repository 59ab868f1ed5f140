#include "protocols/transport/acceptor.h"

#include <utility>

#include "absl/strings/str_cat.h"

namespace wirecheck {
namespace {

constexpr int kMaxAcceptsPerEvent = 64;

}  // namespace

Acceptor::Acceptor(EventLoop& loop, std::unique_ptr<Listener> listener,
                   AcceptorOptions options)
    : loop_(loop), listener_(std::move(listener)), options_(std::move(options)) {}

Acceptor::~Acceptor() { Close(); }

absl::Status Acceptor::Start() {
  return loop_.Watch(*listener_, kReadable,
                     [this](uint32_t) { AcceptReady(); });
}

void Acceptor::Close() {
  if (closed_) return;
  closed_ = true;
  loop_.Unwatch(*listener_);
  loop_.CancelTimer(retry_timer_);
  retry_timer_ = 0;
  listener_->Close();
}

void Acceptor::AcceptReady() {
  for (int i = 0; i < kMaxAcceptsPerEvent; ++i) {
    absl::StatusOr<std::unique_ptr<Stream>> stream =
        listener_->Accept(absl::InfinitePast());
    if (!stream.ok()) {
      // A deadline in the past: DEADLINE_EXCEEDED means none is pending.
      if (stream.status().code() != absl::StatusCode::kDeadlineExceeded) {
        PauseAfter(stream.status());
      }
      return;
    }
    if (options_.open_connections &&
        options_.open_connections() >= options_.max_connections) {
      Reject(**stream);
      continue;
    }
    options_.on_connection(*std::move(stream));
  }
}

void Acceptor::Reject(Stream& stream) {
  if (options_.on_rejected) options_.on_rejected();
  const absl::Time now = loop_.clock().Now();
  if (now - last_limit_log_ >= absl::Seconds(1)) {
    last_limit_log_ = now;
    Log(absl::StrCat("connection limit (", options_.max_connections,
                     ") reached: closing connection from ",
                     stream.peer_address().ToString()));
  }
  stream.Close();
}

void Acceptor::PauseAfter(const absl::Status& error) {
  Log(absl::StrCat("accept failed: ", error.ToString()));
  loop_.Unwatch(*listener_);
  retry_timer_ = loop_.AddTimer(loop_.clock().Now() + kRetryDelay, [this] {
    retry_timer_ = 0;
    if (const absl::Status watched = Start(); !watched.ok()) {
      Log(absl::StrCat("accept paused for good: ", watched.ToString()));
    }
  });
}

void Acceptor::Log(absl::string_view line) const {
  if (options_.log) options_.log(line);
}

}  // namespace wirecheck

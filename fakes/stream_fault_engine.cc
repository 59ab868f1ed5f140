#include "fakes/stream_fault_engine.h"

#include <algorithm>
#include <limits>
#include <utility>

#include "absl/strings/str_cat.h"

namespace wirecheck::fakes {
namespace {

// Bandwidth pacing granularity: segments carry at most this much time's
// worth of bytes, so a slow link trickles rather than jumps.
constexpr double kPacingSegmentsPerSecond = 100;

}  // namespace

StreamFaultEngine::StreamFaultEngine(StreamFaults faults, Clock& clock,
                                     FaultLog* log, std::string path)
    : faults_(std::move(faults)),
      clock_(clock),
      log_(log),
      path_(std::move(path)) {}

void StreamFaultEngine::Log(uint64_t offset, absl::string_view fault,
                            std::string detail) {
  if (log_ == nullptr) return;
  log_->Add(FaultRecord{clock_.Now(), path_, offset, std::string(fault),
                        std::move(detail)});
}

absl::Time StreamFaultEngine::NextControlTime() {
  last_at_ = std::max(last_at_, clock_.Now() + faults_.delay);
  return last_at_;
}

void StreamFaultEngine::FireTriggers(Output& out) {
  if (state_ != State::kFlowing) return;
  if (faults_.reset_after && bytes_in_ >= *faults_.reset_after) {
    state_ = State::kReset;
    Log(bytes_in_, "reset_after",
        absl::StrCat("connection reset after ", bytes_in_, " bytes"));
    out.actions.push_back(Action{Action::Kind::kReset, "", NextControlTime()});
  } else if (faults_.half_close_after &&
             bytes_in_ >= *faults_.half_close_after) {
    state_ = State::kEnded;
    Log(bytes_in_, "half_close_after",
        absl::StrCat("EOF after ", bytes_in_,
                     " bytes; later bytes are discarded"));
    out.actions.push_back(Action{Action::Kind::kEnd, "", NextControlTime()});
  } else if (faults_.stall_after && bytes_in_ >= *faults_.stall_after) {
    state_ = State::kStalled;
    Log(bytes_in_, *faults_.stall_after == 0 ? "stall" : "stall_after",
        absl::StrCat("bytes from ", bytes_in_, " on are never delivered"));
  }
}

StreamFaultEngine::Output StreamFaultEngine::OnOpen() {
  Output out;
  FireTriggers(out);
  return out;
}

StreamFaultEngine::Output StreamFaultEngine::OnData(absl::string_view data) {
  Output out;
  const absl::Time now = clock_.Now();
  while (!data.empty()) {
    FireTriggers(out);
    if (state_ == State::kEnded || state_ == State::kReset) {
      out.discarded += data.size();
      break;
    }
    if (state_ == State::kStalled) {
      out.held += data.size();
      break;
    }
    uint64_t limit = std::numeric_limits<uint64_t>::max();
    for (const auto& trigger :
         {faults_.reset_after, faults_.half_close_after, faults_.stall_after}) {
      if (trigger && *trigger > bytes_in_) {
        limit = std::min(limit, *trigger - bytes_in_);
      }
    }
    const size_t take =
        static_cast<size_t>(std::min<uint64_t>(limit, data.size()));
    size_t segment = take;
    if (faults_.slice > 0) segment = std::min(segment, faults_.slice);
    if (faults_.bandwidth > 0) {
      // Compared as doubles first: a rate of 1e30 bytes/s is a valid plan,
      // and converting its segment size to size_t would be undefined.
      const double per_segment = faults_.bandwidth / kPacingSegmentsPerSecond;
      if (per_segment < static_cast<double>(segment)) {
        segment = std::max<size_t>(1, static_cast<size_t>(per_segment));
      }
    }
    size_t segments = 0;
    for (size_t done = 0; done < take; done += segment) {
      const size_t length = std::min(segment, take - done);
      absl::Time at = now + faults_.delay;
      if (faults_.bandwidth > 0) {
        busy_until_ = std::max(busy_until_, now) +
                      absl::Seconds(static_cast<double>(length) /
                                    faults_.bandwidth);
        at = busy_until_ + faults_.delay;
      }
      last_at_ = std::max(last_at_, at);
      out.actions.push_back(Action{Action::Kind::kData,
                                   std::string(data.substr(done, length)),
                                   last_at_});
      ++segments;
    }
    if (faults_.slice > 0) {
      Log(bytes_in_, "slice",
          absl::StrCat(take, " bytes as ", segments, " segments"));
    }
    if (faults_.bandwidth > 0) {
      Log(bytes_in_, "bandwidth",
          absl::StrCat(take, " bytes paced at ", faults_.bandwidth,
                       " bytes/s, the last arriving in ",
                       absl::FormatDuration(last_at_ - now)));
    }
    if (faults_.delay > absl::ZeroDuration()) {
      Log(bytes_in_, "delay",
          absl::StrCat(take, " bytes ", absl::FormatDuration(faults_.delay),
                       " late"));
    }
    bytes_in_ += take;
    data.remove_prefix(take);
  }
  FireTriggers(out);
  return out;
}

StreamFaultEngine::Output StreamFaultEngine::OnEnd() {
  Output out;
  FireTriggers(out);
  if (state_ != State::kFlowing) return out;
  state_ = State::kEnded;
  absl::Time at = NextControlTime();
  if (faults_.slow_close > absl::ZeroDuration()) {
    at += faults_.slow_close;
    last_at_ = at;
    Log(bytes_in_, "slow_close",
        absl::StrCat("EOF ", absl::FormatDuration(faults_.slow_close),
                     " late"));
  }
  out.actions.push_back(Action{Action::Kind::kEnd, "", at});
  return out;
}

}  // namespace wirecheck::fakes

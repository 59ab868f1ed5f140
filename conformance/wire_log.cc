#include "conformance/wire_log.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "conformance/safe_text.h"

namespace wirecheck::conformance {
namespace {

// What an event costs besides its text: the vector slot and strings.
constexpr size_t kEventOverhead = sizeof(WireEvent);

}  // namespace

absl::string_view WireEventKindName(WireEventKind kind) {
  switch (kind) {
    case WireEventKind::kConnect:
      return "connect";
    case WireEventKind::kConnectFailed:
      return "connect failed";
    case WireEventKind::kListen:
      return "listen";
    case WireEventKind::kAccept:
      return "accept";
    case WireEventKind::kOpen:
      return "open";
    case WireEventKind::kSend:
      return "send";
    case WireEventKind::kReceive:
      return "receive";
    case WireEventKind::kPeerClosed:
      return "target closed";
    case WireEventKind::kPeerReset:
      return "target reset";
    case WireEventKind::kTimeout:
      return "timeout";
    case WireEventKind::kError:
      return "error";
    case WireEventKind::kShutdown:
      return "shutdown";
    case WireEventKind::kClose:
      return "runner closed";
    case WireEventKind::kAbort:
      return "runner reset";
    case WireEventKind::kNote:
      break;
  }
  return "note";
}

WireLog::WireLog(Clock& clock, absl::Time start, WireLogLimits limits)
    : clock_(clock), start_(start), limits_(limits) {
  log_.max_bytes = limits.max_bytes;
}

std::string WireLog::NewSocketName(absl::string_view transport) {
  std::lock_guard<std::mutex> lock(mutex_);
  return absl::StrCat(transport, "#", ++socket_counts_[std::string(transport)]);
}

void WireLog::Record(WireEventKind kind, absl::string_view socket,
                     absl::string_view detail, absl::string_view bytes) {
  const absl::Duration at = clock_.Now() - start_;
  std::lock_guard<std::mutex> lock(mutex_);
  const size_t text = socket.size() + detail.size() + kEventOverhead;
  if (full_ || log_.events.size() >= limits_.max_events ||
      used_bytes_ + text > limits_.max_bytes) {
    full_ = true;
    ++log_.dropped_events;
    log_.dropped_bytes += bytes.size();
    return;
  }
  used_bytes_ += text;
  WireEvent event;
  event.at = at;
  event.kind = kind;
  event.socket = std::string(socket);
  event.detail = std::string(detail);
  event.size = bytes.size();
  const size_t room = limits_.max_bytes - used_bytes_;
  if (bytes.size() > room) {
    // Keep what fits of this event, then stop recording.
    event.bytes = std::string(bytes.substr(0, room));
    log_.dropped_bytes += bytes.size() - room;
    full_ = true;
  } else {
    event.bytes = std::string(bytes);
  }
  used_bytes_ += event.bytes.size();
  log_.events.push_back(std::move(event));
}

WireLogSnapshot WireLog::Snapshot() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return log_;
}

std::string HexDump(absl::string_view bytes, absl::string_view indent) {
  std::string out;
  for (size_t offset = 0; offset < bytes.size(); offset += 16) {
    const absl::string_view line = bytes.substr(offset, 16);
    absl::StrAppend(&out, indent, absl::StrFormat("%04x ", offset));
    for (size_t i = 0; i < 16; ++i) {
      if (i == 8) out += ' ';
      if (i < line.size()) {
        absl::StrAppend(&out, absl::StrFormat(
                                  " %02x", static_cast<unsigned char>(line[i])));
      } else {
        out += "   ";
      }
    }
    out += "  |";
    for (char c : line) {
      out += (c >= 0x20 && c < 0x7f) ? c : '.';
    }
    out += "|\n";
  }
  return out;
}

std::string RenderWireLog(const WireLogSnapshot& log,
                          absl::string_view indent) {
  std::string out;
  for (const WireEvent& event : log.events) {
    absl::StrAppend(&out, indent,
                    absl::StrFormat("+%.3fms ", absl::ToDoubleMilliseconds(
                                                    event.at)));
    if (!event.socket.empty()) absl::StrAppend(&out, event.socket, " ");
    switch (event.kind) {
      case WireEventKind::kSend:
      case WireEventKind::kReceive: {
        absl::StrAppend(&out, event.kind == WireEventKind::kSend ? "> " : "< ",
                        event.size, event.size == 1 ? " byte" : " bytes");
        if (!event.detail.empty()) {
          absl::StrAppend(&out, " ", SafeText(event.detail));
        }
        if (event.bytes.size() < event.size) {
          absl::StrAppend(&out, " (first ", event.bytes.size(), " recorded)");
        }
        out += "\n";
        out += HexDump(event.bytes, absl::StrCat(indent, "    "));
        continue;
      }
      case WireEventKind::kPeerClosed:
        out += "target closed its side (EOF)";
        break;
      case WireEventKind::kPeerReset:
        out += "target reset the connection";
        break;
      case WireEventKind::kClose:
        out += "runner closed";
        break;
      case WireEventKind::kAbort:
        out += "runner reset the connection";
        break;
      case WireEventKind::kNote:
        out += "note:";
        break;
      default:
        absl::StrAppend(&out, WireEventKindName(event.kind));
        break;
    }
    if (!event.detail.empty()) {
      absl::StrAppend(&out, " ", SafeText(event.detail));
    }
    out += "\n";
  }
  if (log.truncated()) {
    absl::StrAppend(&out, indent, "... wire log truncated at ", log.max_bytes,
                    " bytes: ", log.dropped_events, " more event",
                    log.dropped_events == 1 ? "" : "s", " and ",
                    log.dropped_bytes, " more byte",
                    log.dropped_bytes == 1 ? "" : "s", " not recorded\n");
  }
  return out;
}

}  // namespace wirecheck::conformance

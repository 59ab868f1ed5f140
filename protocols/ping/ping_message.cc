#include "protocols/ping/ping_message.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace wirecheck::ping {
namespace {

std::string Header(uint32_t sequence, absl::Time sent) {
  const int64_t micros = absl::ToUnixMicros(sent);
  return absl::StrFormat("Ping %u %d.%06d", sequence, micros / 1000000,
                         micros % 1000000);
}

absl::Status Malformed(absl::string_view what, size_t offset) {
  return absl::InvalidArgumentError(
      absl::StrCat("not a ping: ", what, " at offset ", offset));
}

bool AllDigits(absl::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (!absl::ascii_isdigit(c)) return false;
  }
  return true;
}

}  // namespace

size_t UnpaddedPingSize(uint32_t sequence, absl::Time sent) {
  return Header(sequence, sent).size();
}

absl::StatusOr<std::string> EncodePing(uint32_t sequence, absl::Time sent,
                                       size_t size) {
  if (sequence == 0) {
    return absl::InvalidArgumentError("ping sequence numbers start at 1");
  }
  if (size > kMaxPingBytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        "ping size ", size, " is above the largest UDP payload, ",
        kMaxPingBytes));
  }
  std::string text = Header(sequence, sent);
  if (size > text.size() + 1) {
    text.push_back(' ');
    for (size_t i = 0; text.size() < size; ++i) {
      text.push_back(static_cast<char>('a' + i % 26));
    }
  }
  return text;
}

absl::StatusOr<PingMessage> ParsePing(absl::string_view text) {
  if (text.size() > kMaxPingBytes) {
    return Malformed(absl::StrCat(text.size(), " bytes is too long"), 0);
  }
  if (text.size() < 5 || !absl::EqualsIgnoreCase(text.substr(0, 5), "ping ")) {
    return Malformed("expected \"Ping \"", 0);
  }
  size_t offset = 5;
  const size_t sequence_end = text.find(' ', offset);
  if (sequence_end == absl::string_view::npos) {
    return Malformed("expected a space after the sequence", text.size());
  }
  const absl::string_view sequence_text =
      text.substr(offset, sequence_end - offset);
  PingMessage message;
  if (!AllDigits(sequence_text) || sequence_text[0] == '0' ||
      !absl::SimpleAtoi(sequence_text, &message.sequence)) {
    return Malformed("expected a sequence number from 1 to 4294967295",
                     offset);
  }
  offset = sequence_end + 1;
  size_t time_end = text.find(' ', offset);
  if (time_end == absl::string_view::npos) time_end = text.size();
  const absl::string_view time_text = text.substr(offset, time_end - offset);
  const size_t point = time_text.find('.');
  if (point == absl::string_view::npos ||
      !AllDigits(time_text.substr(0, point)) || point > 12 ||
      time_text.size() - point - 1 != 6 ||
      !AllDigits(time_text.substr(point + 1))) {
    return Malformed("expected the time as seconds.microseconds", offset);
  }
  int64_t seconds = 0;
  int64_t micros = 0;
  absl::SimpleAtoi(time_text.substr(0, point), &seconds);
  absl::SimpleAtoi(time_text.substr(point + 1), &micros);
  message.sent = absl::FromUnixMicros(seconds * 1000000 + micros);
  if (time_end < text.size()) {
    offset = time_end + 1;
    if (offset == text.size()) return Malformed("empty padding", offset);
    for (size_t i = offset; i < text.size(); ++i) {
      if (!absl::ascii_isalpha(text[i])) {
        return Malformed("padding must be letters", i);
      }
    }
    message.padding = text.size() - offset;
  }
  return message;
}

EchoMatch CompareEcho(absl::string_view sent, absl::string_view echoed) {
  if (sent == echoed) return EchoMatch::kExact;
  if (absl::AsciiStrToUpper(sent) == echoed) return EchoMatch::kUppercased;
  return EchoMatch::kDifferent;
}

}  // namespace wirecheck::ping

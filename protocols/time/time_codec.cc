#include "protocols/time/time_codec.h"

#include <cmath>
#include <cstdlib>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"

namespace wirecheck::timeproto {
namespace {

constexpr int64_t kEraSeconds = int64_t{1} << 32;

std::string Hex(absl::string_view bytes) {
  return absl::BytesToHexString(bytes);
}

}  // namespace

absl::Time Rfc868Epoch() {
  return absl::FromCivil(absl::CivilSecond(1900, 1, 1, 0, 0, 0),
                         absl::UTCTimeZone());
}

uint32_t ToRfc868(absl::Time time) {
  const int64_t seconds = absl::ToInt64Seconds(time - Rfc868Epoch());
  // Floor modulo: instants before 1900 still map into [0, 2^32).
  return static_cast<uint32_t>(((seconds % kEraSeconds) + kEraSeconds) %
                               kEraSeconds);
}

absl::Time FromRfc868(uint32_t value, absl::Time reference) {
  const int64_t reference_seconds =
      absl::ToInt64Seconds(reference - Rfc868Epoch());
  const double era = std::round(
      static_cast<double>(reference_seconds - static_cast<int64_t>(value)) /
      static_cast<double>(kEraSeconds));
  const int64_t seconds =
      static_cast<int64_t>(value) + static_cast<int64_t>(era) * kEraSeconds;
  return Rfc868Epoch() + absl::Seconds(seconds);
}

std::string EncodeTimeReply(absl::Time time) {
  const uint32_t value = ToRfc868(time);
  std::string bytes(4, '\0');
  bytes[0] = static_cast<char>(value >> 24);
  bytes[1] = static_cast<char>(value >> 16);
  bytes[2] = static_cast<char>(value >> 8);
  bytes[3] = static_cast<char>(value);
  return bytes;
}

absl::StatusOr<uint32_t> DecodeTimeReply(absl::string_view reply) {
  if (reply.size() < 4) {
    return absl::InvalidArgumentError(absl::StrCat(
        "short reply: ", reply.size(), " byte", reply.size() == 1 ? "" : "s",
        reply.empty() ? "" : absl::StrCat(" (", Hex(reply), ")"),
        ", expected exactly 4"));
  }
  if (reply.size() > 4) {
    return absl::InvalidArgumentError(absl::StrCat(
        "long reply: ", reply.size(), " bytes (",
        Hex(reply.substr(0, 16)), reply.size() > 16 ? "..." : "",
        "), expected exactly 4"));
  }
  const auto byte = [&](int i) {
    return static_cast<uint32_t>(static_cast<unsigned char>(reply[i]));
  };
  return byte(0) << 24 | byte(1) << 16 | byte(2) << 8 | byte(3);
}

std::string FormatDaytime(absl::Time time) {
  return absl::FormatTime("%A, %B %d, %Y %H:%M:%S-UTC\r\n", time,
                          absl::UTCTimeZone());
}

absl::string_view DaytimeFormatName(DaytimeFormat format) {
  switch (format) {
    case DaytimeFormat::kReference:
      return "reference";
    case DaytimeFormat::kRfc3339:
      return "RFC 3339";
    case DaytimeFormat::kCtime:
      return "ctime";
    case DaytimeFormat::kUnknown:
      break;
  }
  return "unknown";
}

absl::StatusOr<DaytimeText> ParseDaytime(absl::string_view text) {
  if (text.size() > kMaxDaytimeBytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        "daytime text is ", text.size(), " bytes, more than ",
        kMaxDaytimeBytes));
  }
  absl::string_view line = text;
  if (absl::ConsumeSuffix(&line, "\r\n") || absl::ConsumeSuffix(&line, "\n")) {
  } else {
    return absl::InvalidArgumentError(
        "daytime text does not end with a line terminator (CR LF or LF)");
  }
  if (line.empty()) {
    return absl::InvalidArgumentError("daytime text is an empty line");
  }
  for (size_t i = 0; i < line.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(line[i]);
    if (c == '\n' || c == '\r') {
      return absl::InvalidArgumentError(absl::StrCat(
          "daytime text has more than one line (line break at offset ", i,
          ")"));
    }
    if (c < 0x20 || c > 0x7e) {
      return absl::InvalidArgumentError(
          absl::StrFormat("daytime text has a non-printing byte 0x%02x at "
                          "offset %d",
                          c, i));
    }
  }
  DaytimeText result;
  result.line = std::string(line);
  absl::Time time;
  std::string error;
  // absl::ParseTime does not check a weekday against the date, so a text
  // counts as the reference format only if it is exactly what
  // FormatDaytime would send for its instant.
  if (absl::ParseTime("%A, %B %d, %Y %H:%M:%S-UTC", result.line,
                      absl::UTCTimeZone(), &time, &error) &&
      FormatDaytime(time) == absl::StrCat(result.line, "\r\n")) {
    result.format = DaytimeFormat::kReference;
    result.time = time;
  } else if (absl::ParseTime("%Y-%m-%d%ET%H:%M:%E*S%Ez", result.line, &time,
                             &error) ||
             absl::ParseTime("%Y-%m-%d %H:%M:%E*S%Ez", result.line, &time,
                             &error)) {
    result.format = DaytimeFormat::kRfc3339;
    result.time = time;
  } else if ((absl::ParseTime("%a %b %e %H:%M:%S UTC %Y", result.line,
                              absl::UTCTimeZone(), &time, &error) ||
              absl::ParseTime("%a %b %e %H:%M:%S GMT %Y", result.line,
                              absl::UTCTimeZone(), &time, &error) ||
              absl::ParseTime("%a %b %e %H:%M:%S %Y", result.line,
                              absl::UTCTimeZone(), &time, &error)) &&
             absl::StartsWith(result.line,
                              absl::FormatTime("%a %b %e", time,
                                               absl::UTCTimeZone()))) {
    result.format = DaytimeFormat::kCtime;
    // Without a zone the instant is unknown; only UTC/GMT forms name one.
    if (result.line.find("UTC") != std::string::npos ||
        result.line.find("GMT") != std::string::npos) {
      result.time = time;
    }
  }
  return result;
}

}  // namespace wirecheck::timeproto

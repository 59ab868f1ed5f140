// RFC 868 time values and RFC 867 daytime text: encoding, decoding and the
// era rule that keeps the 32-bit count meaningful after 2036. See SPEC.md.
#ifndef WIRECHECK_PROTOCOLS_TIME_TIME_CODEC_H_
#define WIRECHECK_PROTOCOLS_TIME_TIME_CODEC_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace wirecheck::timeproto {

// The RFC 868 epoch, 1900-01-01 00:00:00 UTC.
absl::Time Rfc868Epoch();

// Seconds since the RFC 868 epoch, modulo 2^32 (whole seconds, rounded down).
uint32_t ToRfc868(absl::Time time);

// The instant `value` stands for that is nearest `reference` (the era rule,
// SPEC.md): of every 1900-01-01 + value + k * 2^32 s, the closest one.
absl::Time FromRfc868(uint32_t value, absl::Time reference);

// The four bytes a server sends: ToRfc868(time), big-endian.
std::string EncodeTimeReply(absl::Time time);

// Reads a reply that must be exactly four bytes. Errors: INVALID_ARGUMENT
// saying "short reply" or "long reply" with the byte count and the bytes.
absl::StatusOr<uint32_t> DecodeTimeReply(absl::string_view reply);

// The reference daytime text: RFC 867's suggested syntax in UTC, ended by
// CR LF: "Saturday, November 21, 2026 23:10:05-UTC\r\n".
std::string FormatDaytime(absl::Time time);

// The longest daytime text a checker or client accepts (SPEC DAYTIME-3).
inline constexpr size_t kMaxDaytimeBytes = 512;

// Which layout a daytime text has.
enum class DaytimeFormat {
  kReference,  // FormatDaytime's: "Saturday, November 21, 2026 23:10:05-UTC"
  kRfc3339,    // "2026-11-21T23:10:05Z", "2026-11-21 23:10:05+01:00"
  kCtime,      // ctime(3)/date: "Sat Nov 21 23:10:05 2026" (optionally a zone)
  kUnknown,
};

// "reference", "RFC 3339", "ctime" or "unknown".
absl::string_view DaytimeFormatName(DaytimeFormat format);

// What a daytime reply says.
struct DaytimeText {
  // The line without its terminator.
  std::string line;
  DaytimeFormat format = DaytimeFormat::kUnknown;
  // The instant, when the format carries a zone (reference, RFC 3339, or
  // ctime with a UTC/GMT zone).
  absl::optional<absl::Time> time;
};

// Checks and reads one daytime reply: a single line of ASCII printing
// characters and spaces, ended by CR LF or LF, at most kMaxDaytimeBytes.
// Errors: INVALID_ARGUMENT naming the first offending byte and its offset,
// a missing terminator, extra lines, or the length.
absl::StatusOr<DaytimeText> ParseDaytime(absl::string_view text);

}  // namespace wirecheck::timeproto

#endif  // WIRECHECK_PROTOCOLS_TIME_TIME_CODEC_H_

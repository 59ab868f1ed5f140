#include "protocols/framing/samples.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace wirecheck::framing {

std::vector<MalformedSample> MalformedSamples(Variant variant) {
  using namespace std::string_literals;
  switch (variant) {
    case Variant::kCrlf:
      return {{"bare LF", "a\n"}, {"bare CR", "a\rb\r\n"}};
    case Variant::kEscaped:
      return {{"invalid escape \\t", "a\\tb\n"},
              {"backslash before LF", "a\\\n"}};
    case Variant::kBase64:
      return {{"space inside", "QUJD QQ==\n"},
              {"missing padding", "QQ\n"},
              {"non-zero pad bits", "QR==\n"},
              {"CR before LF", "QUJD\r\n"}};
    case Variant::kSentinel:
      return {{"empty delimiter", "\nabc"},
              {"space in delimiter", "E D\nxE D"},
              {"65-byte delimiter", std::string(65, 'A') + "\nx"}};
    case Variant::kDecimal8:
      return {{"non-digit in length", "0000000x"},
              {"space in length", " 0000001x"}};
    case Variant::kNetstring:
      return {{"leading zero", "05:hello,"},
              {"missing ','", "5:hello;"},
              {"missing length", ":hello,"}};
    case Variant::kVarint:
      return {{"non-minimal varint", "\x85\x00hello"s},
              {"varint over 64 bits", "\xff\xff\xff\xff\xff\xff\xff\xff\xff\x02"}};
    case Variant::kCobs:
      return {{"empty frame", "\0"s}, {"NUL inside a block", "\x03" "a\0"s}};
    default:
      return {};
  }
}

std::optional<std::string> OversizedSample(Variant variant, size_t max) {
  if (uint64_t{max} >= FormatMaxPayload(variant)) return std::nullopt;
  const size_t over = max + 1;
  switch (variant) {
    case Variant::kLine:
    case Variant::kCrlf:
    case Variant::kNul:
    case Variant::kEscaped:
      return std::string(over, 'a');
    case Variant::kBase64: {
      // One more group of four than a line of `max` bytes may have.
      std::string text;
      for (size_t groups = (max + 2) / 3 + 1; groups > 0; --groups) {
        text += "QUFB";
      }
      return text;
    }
    case Variant::kSentinel:
      return "E\n" + std::string(over, 'a');
    case Variant::kDecimal8:
      return absl::StrFormat("%08d", over);
    case Variant::kU16be:
      return std::string{static_cast<char>(over >> 8), static_cast<char>(over)};
    case Variant::kU32be:
      return std::string{static_cast<char>(over >> 24),
                         static_cast<char>(over >> 16),
                         static_cast<char>(over >> 8), static_cast<char>(over)};
    case Variant::kNetstring:
      return absl::StrCat(over, ":");
    case Variant::kVarint: {
      std::string varint;
      uint64_t rest = over;
      while (rest >= 0x80) {
        varint.push_back(static_cast<char>((rest & 0x7F) | 0x80));
        rest >>= 7;
      }
      varint.push_back(static_cast<char>(rest));
      return varint;
    }
    case Variant::kCobs: {
      // Blocks of 254 data bytes, until the payload passes `max`.
      std::string blocks;
      for (size_t data = 0; data < over; data += 254) {
        blocks += '\xff';
        blocks.append(254, 'a');
      }
      return blocks;
    }
    case Variant::kRaw:
      break;
  }
  return std::nullopt;
}

std::string RandomPayload(Variant variant, size_t size,
                          std::mt19937_64& random) {
  std::string payload(size, '\0');
  for (char& byte : payload) {
    byte = static_cast<char>(random());
    const bool forbidden =
        (variant == Variant::kLine && byte == '\n') ||
        (variant == Variant::kCrlf && (byte == '\n' || byte == '\r')) ||
        (variant == Variant::kNul && byte == '\0');
    if (forbidden) byte = 'x';
  }
  return payload;
}

size_t LargestPayload(Variant variant, size_t max) {
  return static_cast<size_t>(
      std::min<uint64_t>(max, FormatMaxPayload(variant)));
}

}  // namespace wirecheck::framing

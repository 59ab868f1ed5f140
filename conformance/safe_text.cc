#include "conformance/safe_text.h"

#include <cstdint>

#include "absl/strings/str_format.h"

namespace wirecheck::conformance {
namespace {

// The length of the printable character that starts `text`, or 0.
size_t PrintableLength(absl::string_view text) {
  const auto byte = [&](size_t i) {
    return static_cast<unsigned char>(text[i]);
  };
  const unsigned char lead = byte(0);
  if (lead < 0x80) {
    return (lead >= 0x20 && lead != 0x7f) || lead == '\n' || lead == '\t' ? 1
                                                                          : 0;
  }
  size_t length = 0;
  uint32_t code = 0;
  if ((lead & 0xe0) == 0xc0) {
    length = 2;
    code = lead & 0x1f;
  } else if ((lead & 0xf0) == 0xe0) {
    length = 3;
    code = lead & 0x0f;
  } else if ((lead & 0xf8) == 0xf0) {
    length = 4;
    code = lead & 0x07;
  } else {
    return 0;
  }
  if (text.size() < length) return 0;
  for (size_t i = 1; i < length; ++i) {
    if ((byte(i) & 0xc0) != 0x80) return 0;
    code = (code << 6) | (byte(i) & 0x3f);
  }
  constexpr uint32_t kShortest[] = {0, 0, 0x80, 0x800, 0x10000};
  if (code < kShortest[length] || code > 0x10ffff) return 0;  // overlong
  if (code < 0xa0) return 0;                                    // C1 controls
  if (code >= 0xd800 && code <= 0xdfff) return 0;              // surrogates
  if (code == 0xfffe || code == 0xffff) return 0;
  return length;
}

}  // namespace

std::string SafeText(absl::string_view text) {
  std::string safe;
  safe.reserve(text.size());
  while (!text.empty()) {
    const size_t length = PrintableLength(text);
    if (length == 0) {
      safe += absl::StrFormat("\\x%02x", static_cast<unsigned char>(text[0]));
      text.remove_prefix(1);
    } else {
      safe.append(text.data(), length);
      text.remove_prefix(length);
    }
  }
  return safe;
}

}  // namespace wirecheck::conformance

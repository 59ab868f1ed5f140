// Text from targets: SafeText's output holds no control character but
// newline and tab, and is unchanged by a second pass.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "conformance/safe_text.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view text(reinterpret_cast<const char*>(data), size);
  const std::string safe = wirecheck::conformance::SafeText(text);
  for (char c : safe) {
    const unsigned char byte = static_cast<unsigned char>(c);
    if ((byte < 0x20 && c != '\n' && c != '\t') || byte == 0x7f) std::abort();
  }
  if (wirecheck::conformance::SafeText(safe) != safe) std::abort();
  return 0;
}

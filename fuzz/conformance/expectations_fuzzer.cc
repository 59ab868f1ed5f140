// Expectations files: parsing never crashes; every entry has a message and
// its case pattern matches itself.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "conformance/expectations.h"
#include "conformance/selection.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view text(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<wirecheck::conformance::Expectations> expectations =
      wirecheck::conformance::Expectations::Parse(text, "fuzz.txt");
  if (!expectations.ok()) return 0;
  for (const auto& entry : expectations->entries()) {
    if (entry.message.empty() || entry.case_pattern.empty()) std::abort();
    expectations->Find(entry.suite, entry.target, entry.case_pattern);
    wirecheck::conformance::GlobMatch(entry.case_pattern, entry.message);
  }
  return 0;
}

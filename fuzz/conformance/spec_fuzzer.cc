// SPEC.md text: parsing never crashes, and what parses is well-formed: IDs
// valid and unique, texts non-empty.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <set>
#include <string>

#include "conformance/spec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view text(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<wirecheck::conformance::Spec> spec =
      wirecheck::conformance::ParseSpec("fuzz/SPEC.md", text);
  if (!spec.ok()) return 0;
  std::set<std::string> ids;
  for (const auto& requirement : spec->requirements) {
    if (!wirecheck::conformance::IsRequirementId(requirement.id) ||
        requirement.text.empty() || !ids.insert(requirement.id).second) {
      std::abort();
    }
  }
  return 0;
}

// Duration flags (--timeout, --interval, --grace: tools/cli/flag_types.h)
// come from users: parsing never crashes, accepts nothing negative, and what
// it accepts prints (AbslUnparseFlag) to text that parses to the same value.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "tools/cli/flag_types.h"

namespace {

[[noreturn]] void Fail(const char* what, absl::string_view text) {
  std::fprintf(stderr, "seconds_flag_fuzzer: %s\ninput: \"%.*s\"\n", what,
               static_cast<int>(text.size()), text.data());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view text(reinterpret_cast<const char*>(data), size);
  wirecheck::cli::Seconds seconds;
  std::string error;
  if (!wirecheck::cli::AbslParseFlag(text, &seconds, &error)) {
    if (error.empty()) Fail("rejected without saying why", text);
    return 0;
  }
  if (seconds.value < absl::ZeroDuration()) Fail("accepted a negative", text);
  const std::string printed = wirecheck::cli::AbslUnparseFlag(seconds);
  wirecheck::cli::Seconds again;
  if (!wirecheck::cli::AbslParseFlag(printed, &again, &error)) {
    Fail("the printed value does not parse back", text);
  }
  if (again.value != seconds.value) {
    Fail("the printed value parses to a different duration", text);
  }
  return 0;
}

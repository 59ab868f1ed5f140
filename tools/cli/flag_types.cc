#include "tools/cli/flag_types.h"

#include <cmath>

#include "absl/strings/numbers.h"

namespace wirecheck::cli {

bool AbslParseFlag(absl::string_view text, Seconds* seconds,
                   std::string* error) {
  double decimal = 0;
  if (absl::SimpleAtod(text, &decimal)) {
    if (!std::isfinite(decimal) || decimal < 0) {
      *error = "expected a non-negative number of seconds";
      return false;
    }
    seconds->value = absl::Seconds(decimal);
    return true;
  }
  absl::Duration duration;
  if (!absl::ParseDuration(text, &duration)) {
    *error = "expected seconds (\"0.2\") or a duration (\"200ms\", \"1m\")";
    return false;
  }
  if (duration < absl::ZeroDuration()) {
    *error = "the duration must not be negative";
    return false;
  }
  seconds->value = duration;
  return true;
}

std::string AbslUnparseFlag(Seconds seconds) {
  return absl::FormatDuration(seconds.value);
}

}  // namespace wirecheck::cli

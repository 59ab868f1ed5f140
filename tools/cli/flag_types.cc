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
    // absl::Seconds saturates: 1e49 would become the infinite duration,
    // which prints as "inf" and, like "inf" itself, is not accepted back.
    const absl::Duration value = absl::Seconds(decimal);
    if (value == absl::InfiniteDuration()) {
      *error = "too many seconds";
      return false;
    }
    seconds->value = value;
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
  if (duration == absl::InfiniteDuration()) {
    *error = "the duration must be finite";
    return false;
  }
  seconds->value = duration;
  return true;
}

std::string AbslUnparseFlag(Seconds seconds) {
  return absl::FormatDuration(seconds.value);
}

}  // namespace wirecheck::cli

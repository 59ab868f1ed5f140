// Flag value types shared by wirecheck's commands.
#ifndef WIRECHECK_TOOLS_CLI_FLAG_TYPES_H_
#define WIRECHECK_TOOLS_CLI_FLAG_TYPES_H_

#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace wirecheck::cli {

// A duration written either as decimal seconds, the way ping and other
// classic tools take them ("1", "0.2"), or as an abseil duration ("200ms",
// "1m30s"). Negative and infinite values (and decimals too large for an
// absl::Duration) are rejected, so every accepted value prints
// (AbslUnparseFlag) as text that parses back to it.
struct Seconds {
  absl::Duration value;
};

bool AbslParseFlag(absl::string_view text, Seconds* seconds, std::string* error);
std::string AbslUnparseFlag(Seconds seconds);

}  // namespace wirecheck::cli

#endif  // WIRECHECK_TOOLS_CLI_FLAG_TYPES_H_

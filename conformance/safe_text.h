// Text a target controls, made safe to print: a server's bytes end up in
// findings and wire-log notes, and must not drive the user's terminal
// (escape sequences) or break an XML report.
#ifndef WIRECHECK_CONFORMANCE_SAFE_TEXT_H_
#define WIRECHECK_CONFORMANCE_SAFE_TEXT_H_

#include <string>

#include "absl/strings/string_view.h"

namespace wirecheck::conformance {

// `text` with every byte that is not part of a printable character written
// as "\xNN": ASCII and C1 control characters (except newline and tab),
// DEL, invalid or overlong UTF-8, surrogates and the non-characters
// U+FFFE/U+FFFF. Valid printable UTF-8 is kept. The result is also valid
// XML 1.0 character data.
std::string SafeText(absl::string_view text);

}  // namespace wirecheck::conformance

#endif  // WIRECHECK_CONFORMANCE_SAFE_TEXT_H_

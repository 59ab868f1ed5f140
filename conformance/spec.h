// SPEC.md parsing: the numbered requirements a protocol's conformance cases
// are keyed to.
//
// A requirement is one bullet, exactly as DEVELOPERS.md shows:
//
//   - **TIME-3** (MUST) The server sends exactly four bytes over TCP.
//
// A requirement on wirecheck's own client rather than on the servers it
// checks carries ", client" after its level:
//
//   - **PING-CLIENT-3** (MUST, client) Answers are matched by sequence number.
//
// The runner cannot check those; the client's unit tests do, so they need
// no conformance case.
//
// Indented lines that follow a requirement continue its text. Every other
// line (headings, prose, other bullets) is ignored, except that a bullet
// whose bold text looks like a requirement ID must be a well-formed
// requirement: a typo there would otherwise silently drop a requirement from
// the traceability check.
#ifndef WIRECHECK_CONFORMANCE_SPEC_H_
#define WIRECHECK_CONFORMANCE_SPEC_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "conformance/case.h"

namespace wirecheck::conformance {

struct Requirement {
  // "TIME-3".
  std::string id;
  Level level = Level::kMust;
  // The bullet's text after the level, continuation lines joined by spaces.
  std::string text;
  // 1-based line of the bullet in the spec.
  int line = 0;
  // A requirement on wirecheck's client, checked by its unit tests.
  bool client = false;
};

struct Spec {
  // Relative to the workspace: "protocols/time/SPEC.md".
  std::string path;
  // In the order the spec states them.
  std::vector<Requirement> requirements;

  // The requirement with this ID, or null.
  const Requirement* Find(absl::string_view id) const;
};

// True for a well-formed requirement ID: "<PREFIX>-<n>", the prefix upper
// case letters and digits with optional inner dashes, starting with a letter
// ("TIME-3", "FRAME-U32-2").
bool IsRequirementId(absl::string_view id);

// Parses a SPEC.md's text; `path` names it in errors. Errors:
// INVALID_ARGUMENT "<path>:<line>: ..." for a malformed requirement bullet
// (bad ID, missing or unknown level, empty text) or a duplicate ID.
absl::StatusOr<Spec> ParseSpec(absl::string_view path, absl::string_view text);

}  // namespace wirecheck::conformance

#endif  // WIRECHECK_CONFORMANCE_SPEC_H_

// Which cases a run includes: `--case=PATTERN` and `--skip=PATTERN`, each
// repeatable, matching case IDs or requirement IDs with wildcards.
#ifndef WIRECHECK_CONFORMANCE_SELECTION_H_
#define WIRECHECK_CONFORMANCE_SELECTION_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "conformance/case.h"

namespace wirecheck::conformance {

// Matches `text` against a shell-style `pattern`: `*` matches any run of
// characters (including none, and including '/'), `?` exactly one, anything
// else itself, ignoring ASCII case. No recursion: at worst the product of
// the two lengths, whatever the pattern.
bool GlobMatch(absl::string_view pattern, absl::string_view text);

// A set of include and exclude patterns. A pattern matches a case when it
// matches the case ID or any of its requirement IDs ("time/tcp-*",
// "TIME-3", "FRAME-U32-*").
class Selection {
 public:
  // Everything.
  Selection() = default;
  // No `include` patterns: every case, less those `exclude` matches.
  Selection(std::vector<std::string> include, std::vector<std::string> exclude);

  // Whether `c` runs: some include pattern (or none given) matches it, and
  // no exclude pattern does.
  bool Selects(const Case& c) const;

  // The include patterns that match no case of `suites` (probably typos).
  std::vector<std::string> UnmatchedIncludes(
      const std::vector<const Suite*>& suites) const;

  const std::vector<std::string>& include() const { return include_; }
  const std::vector<std::string>& exclude() const { return exclude_; }

 private:
  std::vector<std::string> include_;
  std::vector<std::string> exclude_;
};

// True when `pattern` matches the case ID or one of its requirement IDs.
bool PatternMatchesCase(absl::string_view pattern, const Case& c);

}  // namespace wirecheck::conformance

#endif  // WIRECHECK_CONFORMANCE_SELECTION_H_

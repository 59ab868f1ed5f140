#include "conformance/selection.h"

#include <utility>

#include "absl/strings/ascii.h"

namespace wirecheck::conformance {

bool GlobMatch(absl::string_view pattern, absl::string_view text) {
  // Backtracking only to the last '*' is enough, because '*' is the only
  // token of variable length; no recursion, so no pattern can blow the stack.
  size_t p = 0;
  size_t t = 0;
  size_t star = absl::string_view::npos;
  size_t star_text = 0;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      star_text = t;
    } else if (p < pattern.size() &&
               (pattern[p] == '?' || absl::ascii_tolower(pattern[p]) ==
                                         absl::ascii_tolower(text[t]))) {
      ++p;
      ++t;
    } else if (star != absl::string_view::npos) {
      p = star + 1;
      t = ++star_text;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

bool PatternMatchesCase(absl::string_view pattern, const Case& c) {
  if (GlobMatch(pattern, c.id)) return true;
  for (const std::string& requirement : c.requirements) {
    if (GlobMatch(pattern, requirement)) return true;
  }
  return false;
}

Selection::Selection(std::vector<std::string> include,
                     std::vector<std::string> exclude)
    : include_(std::move(include)), exclude_(std::move(exclude)) {}

bool Selection::Selects(const Case& c) const {
  bool included = include_.empty();
  for (const std::string& pattern : include_) {
    if (PatternMatchesCase(pattern, c)) {
      included = true;
      break;
    }
  }
  if (!included) return false;
  for (const std::string& pattern : exclude_) {
    if (PatternMatchesCase(pattern, c)) return false;
  }
  return true;
}

std::vector<std::string> Selection::UnmatchedIncludes(
    const std::vector<const Suite*>& suites) const {
  std::vector<std::string> unmatched;
  for (const std::string& pattern : include_) {
    bool matched = false;
    for (const Suite* suite : suites) {
      for (const Case& c : suite->cases) {
        matched = matched || PatternMatchesCase(pattern, c);
      }
    }
    if (!matched) unmatched.push_back(pattern);
  }
  return unmatched;
}

}  // namespace wirecheck::conformance

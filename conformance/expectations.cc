#include "conformance/expectations.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "conformance/selection.h"

namespace wirecheck::conformance {
namespace {

// Splits off the first word of `text` (up to a space or tab).
absl::string_view FirstWord(absl::string_view& text) {
  size_t end = 0;
  while (end < text.size() && !absl::ascii_isspace(text[end])) ++end;
  const absl::string_view word = text.substr(0, end);
  text = absl::StripLeadingAsciiWhitespace(text.substr(end));
  return word;
}

// Every case of the suites `suite_pattern` matches.
std::vector<const Case*> CasesOf(const std::vector<const Suite*>& suites,
                                 absl::string_view suite_pattern) {
  std::vector<const Case*> cases;
  for (const Suite* suite : suites) {
    if (!GlobMatch(suite_pattern, suite->name)) continue;
    for (const Case& c : suite->cases) cases.push_back(&c);
  }
  return cases;
}

}  // namespace

absl::StatusOr<Expectations> Expectations::Parse(absl::string_view text,
                                                 absl::string_view filename) {
  Expectations expectations;
  int number = 0;
  // Case patterns of the current section, to catch duplicates.
  std::set<std::string> section_cases;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++number;
    const std::string where = absl::StrCat(filename, ":", number);
    const auto error = [&](absl::string_view message) {
      return absl::InvalidArgumentError(absl::StrCat(where, ": ", message));
    };
    absl::string_view rest = absl::StripAsciiWhitespace(line);
    if (rest.empty() || rest[0] == '#') continue;
    const absl::string_view first = FirstWord(rest);
    if (first == "target") {
      const absl::string_view suite = FirstWord(rest);
      const absl::string_view target = FirstWord(rest);
      if (suite.empty() || target.empty() || !rest.empty()) {
        return error(
            "expected \"target SUITE TARGET\" (two words, wildcards allowed)");
      }
      expectations.sections_.push_back(
          {std::string(suite), std::string(target), where});
      section_cases.clear();
      continue;
    }
    if (expectations.sections_.empty()) {
      return error(absl::StrCat("entry \"", first,
                                "\" before any \"target SUITE TARGET\" line"));
    }
    std::string message(rest);
    if (absl::StartsWith(rest, "\"")) {
      if (rest.size() < 2 || !absl::EndsWith(rest, "\"")) {
        return error("unterminated quoted message");
      }
      message = std::string(rest.substr(1, rest.size() - 2));
    }
    if (message.empty()) {
      return error(absl::StrCat(
          "no expected message for ", first,
          " (write the text its failure's observed output contains)"));
    }
    if (!section_cases.insert(std::string(first)).second) {
      return error(absl::StrCat(first, " is listed twice in this section"));
    }
    const Section& section = expectations.sections_.back();
    expectations.entries_.push_back({section.suite, section.target,
                                     std::string(first), std::move(message),
                                     where});
  }
  return expectations;
}

absl::StatusOr<Expectations> Expectations::Load(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    const int error = errno;
    const std::string message =
        absl::StrCat("expectations file ", path, ": ", std::strerror(error));
    return error == EACCES ? absl::PermissionDeniedError(message)
                           : absl::NotFoundError(message);
  }
  std::stringstream text;
  text << file.rdbuf();
  return Parse(text.str(), path);
}

absl::Status Expectations::Validate(
    const std::vector<const Suite*>& suites) const {
  std::vector<std::string> problems;
  for (const Section& section : sections_) {
    bool any = false;
    for (const Suite* suite : suites) any = any || GlobMatch(section.suite, suite->name);
    if (!any) {
      problems.push_back(absl::StrCat(section.where, ": no suite named \"",
                                      section.suite, "\""));
    }
  }
  for (const Expectation& entry : entries_) {
    const std::vector<const Case*> cases = CasesOf(suites, entry.suite);
    // A section that matches no suite is reported once, above.
    if (cases.empty()) continue;
    bool any = false;
    for (const Case* c : cases) {
      any = any || GlobMatch(entry.case_pattern, c->id);
    }
    if (!any) {
      problems.push_back(absl::StrCat(entry.where, ": no case \"",
                                      entry.case_pattern, "\" in suite \"",
                                      entry.suite, "\""));
    }
  }
  if (problems.empty()) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrJoin(problems, "\n"));
}

const Expectation* Expectations::Find(absl::string_view suite,
                                      absl::string_view target,
                                      absl::string_view case_id) const {
  for (const Expectation& entry : entries_) {
    if (GlobMatch(entry.suite, suite) && GlobMatch(entry.target, target) &&
        GlobMatch(entry.case_pattern, case_id)) {
      return &entry;
    }
  }
  return nullptr;
}

}  // namespace wirecheck::conformance

#include "conformance/spec.h"

#include <map>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace wirecheck::conformance {
namespace {

bool IsUpperOrDigit(char c) { return absl::ascii_isupper(c) || absl::ascii_isdigit(c); }

// A bold bullet's text that is probably meant as a requirement ID: upper
// case, with a dash and a digit. "**Note**" is not.
bool LooksLikeRequirementId(absl::string_view text) {
  if (text.empty() || !absl::ascii_isalpha(text[0])) return false;
  bool dash = false;
  bool digit = false;
  for (char c : text) {
    if (absl::ascii_islower(c) || absl::ascii_isspace(c)) return false;
    dash |= c == '-' || c == '_';
    digit |= absl::ascii_isdigit(c);
  }
  return dash && digit;
}

absl::Status LineError(absl::string_view path, int line,
                       absl::string_view message) {
  return absl::InvalidArgumentError(
      absl::StrCat(path, ":", line, ": ", message));
}

}  // namespace

const Requirement* Spec::Find(absl::string_view id) const {
  for (const Requirement& requirement : requirements) {
    if (requirement.id == id) return &requirement;
  }
  return nullptr;
}

bool IsRequirementId(absl::string_view id) {
  const size_t last_dash = id.rfind('-');
  if (last_dash == absl::string_view::npos || last_dash == 0 ||
      last_dash + 1 == id.size()) {
    return false;
  }
  for (char c : id.substr(last_dash + 1)) {
    if (!absl::ascii_isdigit(c)) return false;
  }
  const absl::string_view prefix = id.substr(0, last_dash);
  if (!absl::ascii_isupper(prefix[0]) || prefix.back() == '-') return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (prefix[i] == '-') {
      if (prefix[i - 1] == '-') return false;
    } else if (!IsUpperOrDigit(prefix[i])) {
      return false;
    }
  }
  return true;
}

absl::StatusOr<Spec> ParseSpec(absl::string_view path, absl::string_view text) {
  Spec spec;
  spec.path = std::string(path);
  std::map<std::string, int> seen;
  // The requirement that indented lines continue, if any.
  Requirement* open = nullptr;
  int number = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++number;
    absl::ConsumeSuffix(&line, "\r");
    const absl::string_view stripped = absl::StripAsciiWhitespace(line);
    if (open != nullptr && !stripped.empty() && absl::ascii_isspace(line[0]) &&
        !absl::StartsWith(stripped, "- ")) {
      absl::StrAppend(&open->text, " ", stripped);
      continue;
    }
    open = nullptr;
    absl::string_view rest = line;
    if (!absl::ConsumePrefix(&rest, "- **")) continue;
    const size_t close = rest.find("**");
    if (close == absl::string_view::npos) continue;
    const absl::string_view id = rest.substr(0, close);
    if (!LooksLikeRequirementId(id) && !IsRequirementId(id)) continue;
    if (!IsRequirementId(id)) {
      return LineError(path, number,
                       absl::StrCat("malformed requirement ID \"", id,
                                    "\" (want PREFIX-N, e.g. TIME-3)"));
    }
    rest.remove_prefix(close + 2);
    if (!absl::ConsumePrefix(&rest, " (")) {
      return LineError(path, number,
                       absl::StrCat(id, ": expected \" (MUST)\", \" (SHOULD)\" "
                                        "or \" (MAY)\" after the ID"));
    }
    const size_t paren = rest.find(')');
    if (paren == absl::string_view::npos) {
      return LineError(path, number, absl::StrCat(id, ": missing \")\""));
    }
    absl::string_view level_name = rest.substr(0, paren);
    Requirement requirement;
    if (absl::ConsumeSuffix(&level_name, ", client")) requirement.client = true;
    if (level_name == "MUST") {
      requirement.level = Level::kMust;
    } else if (level_name == "SHOULD") {
      requirement.level = Level::kShould;
    } else if (level_name == "MAY") {
      requirement.level = Level::kMay;
    } else {
      return LineError(path, number,
                       absl::StrCat(id, ": unknown level \"", level_name,
                                    "\" (want MUST, SHOULD or MAY, optionally "
                                    "followed by \", client\")"));
    }
    rest.remove_prefix(paren + 1);
    requirement.text = std::string(absl::StripAsciiWhitespace(rest));
    if (requirement.text.empty()) {
      return LineError(path, number, absl::StrCat(id, ": no text"));
    }
    requirement.id = std::string(id);
    requirement.line = number;
    if (auto [it, inserted] = seen.emplace(requirement.id, number); !inserted) {
      return LineError(path, number,
                       absl::StrCat(id, " is already defined on line ",
                                    it->second));
    }
    spec.requirements.push_back(std::move(requirement));
    open = &spec.requirements.back();
  }
  return spec;
}

}  // namespace wirecheck::conformance

#include "conformance/matrix.h"

#include <algorithm>
#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace wirecheck::conformance {
namespace {

int Strength(Level level) {
  switch (level) {
    case Level::kMust:
      return 3;
    case Level::kShould:
      return 2;
    case Level::kMay:
      break;
  }
  return 1;
}

}  // namespace

bool IsStronger(Level a, Level b) { return Strength(a) > Strength(b); }

std::vector<MatrixRow> TraceabilityMatrix(const Suite& suite,
                                          const Spec& spec) {
  std::vector<MatrixRow> rows;
  std::map<std::string, size_t> index;
  for (const Requirement& requirement : spec.requirements) {
    index[requirement.id] = rows.size();
    rows.push_back({requirement.id, requirement.level, requirement.text, true, {}});
  }
  for (const Case& c : suite.cases) {
    for (const std::string& id : c.requirements) {
      auto it = index.find(id);
      if (it == index.end()) {
        it = index.emplace(id, rows.size()).first;
        rows.push_back({id, c.level, "", false, {}});
      }
      MatrixRow& row = rows[it->second];
      if (!row.in_spec && IsStronger(c.level, row.level)) row.level = c.level;
      if (std::find(row.cases.begin(), row.cases.end(), &c) == row.cases.end()) {
        row.cases.push_back(&c);
      }
    }
  }
  return rows;
}

std::vector<const Requirement*> UncoveredRequirements(
    const Spec& spec, const std::vector<const Suite*>& suites) {
  std::set<std::string> covered;
  for (const Suite* suite : suites) {
    for (const Case& c : suite->cases) {
      covered.insert(c.requirements.begin(), c.requirements.end());
    }
  }
  std::vector<const Requirement*> uncovered;
  for (const Requirement& requirement : spec.requirements) {
    if (requirement.level != Level::kMay && !requirement.client &&
        covered.count(requirement.id) == 0) {
      uncovered.push_back(&requirement);
    }
  }
  return uncovered;
}

std::vector<std::string> TraceabilityProblems(const Suite& suite,
                                              const Spec& spec) {
  std::vector<std::string> problems;
  for (const Requirement* requirement : UncoveredRequirements(spec, {&suite})) {
    problems.push_back(absl::StrCat("suite ", suite.name, " (", spec.path,
                                    "): ", requirement->id, " (",
                                    LevelName(requirement->level),
                                    ") has no conformance case"));
  }
  const std::vector<std::string> cases = CaseProblems(suite, spec);
  problems.insert(problems.end(), cases.begin(), cases.end());
  return problems;
}

std::vector<std::string> CaseProblems(const Suite& suite, const Spec& spec) {
  std::vector<std::string> problems;
  const std::string where = absl::StrCat("suite ", suite.name, " (", spec.path, ")");
  std::set<std::string> ids;
  for (const Case& c : suite.cases) {
    const std::string name = c.id.empty() ? "a case with no ID" : absl::StrCat("case ", c.id);
    if (c.id.empty()) problems.push_back(absl::StrCat(where, ": a case has no ID"));
    if (!c.id.empty() && !ids.insert(c.id).second) {
      problems.push_back(absl::StrCat(where, ": ", name, " is defined twice"));
    }
    if (!c.check) problems.push_back(absl::StrCat(where, ": ", name, " has no check"));
    if (std::find(suite.transports.begin(), suite.transports.end(),
                  c.transport) == suite.transports.end()) {
      problems.push_back(absl::StrCat(where, ": ", name, " runs over ",
                                      TransportName(c.transport),
                                      ", which the suite does not list"));
    }
    if (c.requirements.empty()) {
      problems.push_back(absl::StrCat(where, ": ", name, " names no requirement"));
      continue;
    }
    bool known = true;
    Level strongest = Level::kMay;
    for (const std::string& id : c.requirements) {
      const Requirement* requirement = spec.Find(id);
      if (requirement == nullptr) {
        problems.push_back(absl::StrCat(where, ": ", name, " names ", id,
                                        ", which the spec does not have"));
        known = false;
        continue;
      }
      if (IsStronger(requirement->level, strongest)) strongest = requirement->level;
    }
    if (known && c.level != strongest) {
      problems.push_back(absl::StrCat(
          where, ": ", name, " is ", LevelName(c.level), " but the spec says ",
          LevelName(strongest), " for ", absl::StrJoin(c.requirements, ", ")));
    }
  }
  return problems;
}

}  // namespace wirecheck::conformance

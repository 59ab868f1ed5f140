// The traceability check over every suite linked into wirecheck
// (//conformance:all_suites): each spec is embedded and parses, every MUST
// and SHOULD has a case, every case names requirements that exist, at the
// level the spec gives them.
#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/str_join.h"
#include <map>

#include "conformance/case.h"
#include "conformance/matrix.h"
#include "conformance/spec_registry.h"
#include "gtest/gtest.h"

namespace wirecheck::conformance {
namespace {

TEST(TraceabilityTest, EveryRegisteredSuiteMatchesItsSpec) {
  const std::vector<const Suite*> suites = RegisteredSuites();
  if (suites.empty()) {
    GTEST_SKIP() << "no suite is linked into //conformance:all_suites yet";
  }
  // Several suites may share a spec (time and daytime; one per framing
  // variant): every requirement needs a case in one of them.
  std::map<std::string, std::vector<const Suite*>> by_spec;
  for (const Suite* suite : suites) by_spec[suite->spec_path].push_back(suite);
  for (const auto& [path, sharing] : by_spec) {
    absl::StatusOr<Spec> spec = LoadSpec(path);
    if (!spec.ok()) {
      ADD_FAILURE() << "spec " << path << ": " << spec.status();
      continue;
    }
    for (const Requirement* requirement : UncoveredRequirements(*spec, sharing)) {
      ADD_FAILURE() << path << ": " << requirement->id << " ("
                    << LevelName(requirement->level)
                    << ") has no conformance case in any suite using it";
    }
    for (const Suite* suite : sharing) {
      const std::vector<std::string> problems = CaseProblems(*suite, *spec);
      EXPECT_TRUE(problems.empty()) << absl::StrJoin(problems, "\n");
    }
  }
}

TEST(TraceabilityTest, SuiteNamesAndCaseIdsAreUniqueAcrossSuites) {
  std::vector<std::string> names;
  std::vector<std::string> ids;
  for (const Suite* suite : RegisteredSuites()) {
    EXPECT_FALSE(suite->name.empty());
    EXPECT_EQ(std::count(names.begin(), names.end(), suite->name), 0)
        << "two suites are named " << suite->name;
    names.push_back(suite->name);
    for (const Case& c : suite->cases) {
      EXPECT_EQ(std::count(ids.begin(), ids.end(), c.id), 0)
          << "case " << c.id << " is in two suites";
      ids.push_back(c.id);
    }
  }
}

TEST(TraceabilityTest, EverySuiteCanStartItsReferenceServer) {
  for (const Suite* suite : RegisteredSuites()) {
    EXPECT_TRUE(static_cast<bool>(suite->start_reference))
        << "suite " << suite->name
        << " has no start_reference: `wirecheck check --all` cannot check it";
    EXPECT_FALSE(suite->transports.empty()) << "suite " << suite->name;
  }
}

}  // namespace
}  // namespace wirecheck::conformance

// The traceability check over every suite linked into wirecheck
// (//conformance:all_suites): each spec is embedded and parses, every MUST
// and SHOULD has a case, every case names requirements that exist, at the
// level the spec gives them.
#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/str_join.h"
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
  for (const Suite* suite : suites) {
    absl::StatusOr<Spec> spec = LoadSpec(suite->spec_path);
    if (!spec.ok()) {
      ADD_FAILURE() << "suite " << suite->name << ": " << spec.status();
      continue;
    }
    const std::vector<std::string> problems = TraceabilityProblems(*suite, *spec);
    EXPECT_TRUE(problems.empty()) << absl::StrJoin(problems, "\n");
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

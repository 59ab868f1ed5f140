#include "conformance/matrix.h"

#include <string>
#include <vector>

#include "conformance/spec_registry.h"
#include "conformance/testing/greeting/greeting_suite.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace wirecheck::conformance {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

Spec TimeSpec() {
  return *ParseSpec("protocols/time/SPEC.md",
                    "- **TIME-1** (MUST) one\n"
                    "- **TIME-2** (SHOULD) two\n"
                    "- **TIME-3** (MAY) three\n");
}

Case Make(std::string id, std::vector<std::string> requirements, Level level) {
  Case c;
  c.id = std::move(id);
  c.requirements = std::move(requirements);
  c.level = level;
  c.check = [](CaseContext&) { return Pass(); };
  return c;
}

TEST(MatrixTest, TheGreetingSuiteMatchesItsSpec) {
  const Suite suite = ::wirecheck::testing::GreetingSuite();
  const absl::StatusOr<Spec> spec = LoadSpec(suite.spec_path);
  ASSERT_TRUE(spec.ok()) << spec.status();
  EXPECT_THAT(TraceabilityProblems(suite, *spec), IsEmpty());
  const std::vector<MatrixRow> rows = TraceabilityMatrix(suite, *spec);
  ASSERT_EQ(rows.size(), 7u);
  EXPECT_EQ(rows[2].requirement, "GREET-3");
  EXPECT_EQ(rows[2].cases.size(), 2u);
  EXPECT_EQ(rows[6].requirement, "GREET-7");
  EXPECT_THAT(rows[6].cases, IsEmpty());
}

TEST(MatrixTest, RowsFollowTheSpecThenIdsTheSpecLacks) {
  Suite suite;
  suite.name = "time";
  suite.transports = {Transport::kTcp};
  suite.cases = {Make("time/a", {"TIME-2", "TIME-9"}, Level::kShould),
                 Make("time/b", {"TIME-1"}, Level::kMust)};
  const std::vector<MatrixRow> rows = TraceabilityMatrix(suite, TimeSpec());
  std::vector<std::string> ids;
  for (const MatrixRow& row : rows) ids.push_back(row.requirement);
  EXPECT_THAT(ids, ElementsAre("TIME-1", "TIME-2", "TIME-3", "TIME-9"));
  EXPECT_FALSE(rows[3].in_spec);
  EXPECT_EQ(rows[3].cases.size(), 1u);
  EXPECT_THAT(rows[2].cases, IsEmpty());
}

TEST(MatrixTest, EveryKindOfProblemIsReported) {
  Suite suite;
  suite.name = "time";
  suite.transports = {Transport::kTcp};
  Case no_check = Make("time/no-check", {"TIME-3"}, Level::kMay);
  no_check.check = nullptr;
  Case udp = Make("time/udp", {"TIME-3"}, Level::kMay);
  udp.transport = Transport::kUdp;
  suite.cases = {
      Make("time/unknown", {"TIME-9"}, Level::kMust),
      Make("time/weak", {"TIME-2", "TIME-3"}, Level::kMay),
      Make("time/weak", {"TIME-2"}, Level::kShould),
      Make("time/none", {}, Level::kMust),
      no_check,
      udp,
  };
  EXPECT_THAT(
      TraceabilityProblems(suite, TimeSpec()),
      UnorderedElementsAre(
          "suite time (protocols/time/SPEC.md): TIME-1 (MUST) has no "
          "conformance case",
          "suite time (protocols/time/SPEC.md): case time/unknown names "
          "TIME-9, which the spec does not have",
          "suite time (protocols/time/SPEC.md): case time/weak is MAY but the "
          "spec says SHOULD for TIME-2, TIME-3",
          "suite time (protocols/time/SPEC.md): case time/weak is defined twice",
          "suite time (protocols/time/SPEC.md): case time/none names no "
          "requirement",
          "suite time (protocols/time/SPEC.md): case time/no-check has no check",
          "suite time (protocols/time/SPEC.md): case time/udp runs over udp, "
          "which the suite does not list"));
}

TEST(MatrixTest, MayWithoutACaseIsFine) {
  Suite suite;
  suite.name = "time";
  suite.transports = {Transport::kTcp};
  suite.cases = {Make("time/a", {"TIME-1"}, Level::kMust),
                 Make("time/b", {"TIME-2"}, Level::kShould)};
  EXPECT_THAT(TraceabilityProblems(suite, TimeSpec()), IsEmpty());
}

}  // namespace
}  // namespace wirecheck::conformance

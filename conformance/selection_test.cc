#include "conformance/selection.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace wirecheck::conformance {
namespace {

using ::testing::ElementsAre;

TEST(GlobMatchTest, Wildcards) {
  EXPECT_TRUE(GlobMatch("time/tcp-*", "time/tcp-four-bytes"));
  EXPECT_TRUE(GlobMatch("*", ""));
  EXPECT_TRUE(GlobMatch("*", "anything/at/all"));
  EXPECT_TRUE(GlobMatch("TIME-?", "TIME-3"));
  EXPECT_FALSE(GlobMatch("TIME-?", "TIME-31"));
  EXPECT_TRUE(GlobMatch("*-3", "FRAME-U32-3"));
  EXPECT_TRUE(GlobMatch("a*b*c", "axxbyyc"));
  EXPECT_FALSE(GlobMatch("a*b*c", "axxbyy"));
  EXPECT_TRUE(GlobMatch("**x", "x"));
  EXPECT_FALSE(GlobMatch("", "x"));
  EXPECT_TRUE(GlobMatch("", ""));
}

TEST(GlobMatchTest, IgnoresCase) {
  EXPECT_TRUE(GlobMatch("time-3", "TIME-3"));
  EXPECT_TRUE(GlobMatch("TIME/*", "time/tcp"));
}

TEST(GlobMatchTest, PathologicalPatternsStayFast) {
  const std::string text(10000, 'a');
  EXPECT_FALSE(GlobMatch("*a*a*a*a*a*a*a*a*b", text));
}

Case Make(std::string id, std::vector<std::string> requirements) {
  Case c;
  c.id = std::move(id);
  c.requirements = std::move(requirements);
  return c;
}

TEST(SelectionTest, IncludesByCaseOrRequirementAndExcludes) {
  const Case four = Make("time/tcp-four-bytes", {"TIME-3"});
  const Case close = Make("time/tcp-close", {"TIME-4", "TIME-5"});
  const Case udp = Make("time/udp-answer", {"TIME-7"});
  const Selection everything;
  EXPECT_TRUE(everything.Selects(four));
  const Selection by_requirement({"TIME-5"}, {});
  EXPECT_FALSE(by_requirement.Selects(four));
  EXPECT_TRUE(by_requirement.Selects(close));
  const Selection tcp_but_close({"time/tcp-*"}, {"TIME-4"});
  EXPECT_TRUE(tcp_but_close.Selects(four));
  EXPECT_FALSE(tcp_but_close.Selects(close));
  EXPECT_FALSE(tcp_but_close.Selects(udp));
  const Selection skip_only({}, {"*udp*"});
  EXPECT_TRUE(skip_only.Selects(four));
  EXPECT_FALSE(skip_only.Selects(udp));
  const Selection either({"TIME-3", "TIME-7"}, {});
  EXPECT_TRUE(either.Selects(four));
  EXPECT_TRUE(either.Selects(udp));
  EXPECT_FALSE(either.Selects(close));
}

TEST(SelectionTest, ReportsIncludePatternsThatMatchNothing) {
  Suite suite;
  suite.cases = {Make("time/tcp-four-bytes", {"TIME-3"})};
  const Selection selection({"TIME-3", "TIEM-*", "time/*"}, {"nothing"});
  EXPECT_THAT(selection.UnmatchedIncludes({&suite}), ElementsAre("TIEM-*"));
}

}  // namespace
}  // namespace wirecheck::conformance

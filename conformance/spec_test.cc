#include "conformance/spec.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "protocols/common/status_matchers.h"

namespace wirecheck::conformance {
namespace {

using ::testing::HasSubstr;
using ::wirecheck::testing::StatusIs;

TEST(SpecTest, ParsesRequirementBulletsInOrderWithContinuationLines) {
  ASSERT_OK_AND_ASSIGN(const Spec spec, ParseSpec("protocols/time/SPEC.md", R"(# Time

Intro prose, with **bold** words.

- **TIME-1** (MUST) The server listens on TCP.
- **TIME-3** (SHOULD) The server answers
  within one second,
  even when busy.
- **FRAME-U32-2** (MAY) Anything goes.
- **Note**: not a requirement.
- plain bullet

    - **TIME-9** (MUST) indented: inside a code block, not a requirement
)"));
  EXPECT_EQ(spec.path, "protocols/time/SPEC.md");
  ASSERT_EQ(spec.requirements.size(), 3u);
  EXPECT_EQ(spec.requirements[0].id, "TIME-1");
  EXPECT_EQ(spec.requirements[0].level, Level::kMust);
  EXPECT_EQ(spec.requirements[0].text, "The server listens on TCP.");
  EXPECT_EQ(spec.requirements[0].line, 5);
  EXPECT_EQ(spec.requirements[1].id, "TIME-3");
  EXPECT_EQ(spec.requirements[1].level, Level::kShould);
  EXPECT_EQ(spec.requirements[1].text,
            "The server answers within one second, even when busy.");
  EXPECT_EQ(spec.requirements[2].id, "FRAME-U32-2");
  EXPECT_EQ(spec.requirements[2].level, Level::kMay);
  EXPECT_NE(spec.Find("TIME-3"), nullptr);
  EXPECT_EQ(spec.Find("TIME-9"), nullptr);
}

TEST(SpecTest, AcceptsWindowsLineEndings) {
  ASSERT_OK_AND_ASSIGN(const Spec spec,
                       ParseSpec("s", "- **A-1** (MUST) text\r\n- **A-2** (MAY) more\r\n"));
  ASSERT_EQ(spec.requirements.size(), 2u);
  EXPECT_EQ(spec.requirements[0].text, "text");
}

TEST(SpecTest, RejectsMalformedRequirementBulletsWithTheirLine) {
  EXPECT_THAT(ParseSpec("s.md", "x\n- **TIME-3** (MUSTT) text\n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("s.md:2: TIME-3: unknown level \"MUSTT\"")));
  EXPECT_THAT(ParseSpec("s.md", "- **TIME-3** MUST text\n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("s.md:1: TIME-3: expected \" (MUST)\"")));
  EXPECT_THAT(ParseSpec("s.md", "- **TIME-3** (MUST\n"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("missing")));
  EXPECT_THAT(ParseSpec("s.md", "- **TIME-3** (MUST)   \n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("TIME-3: no text")));
  EXPECT_THAT(ParseSpec("s.md", "- **TIME_3** (MUST) text\n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("malformed requirement ID \"TIME_3\"")));
  EXPECT_THAT(ParseSpec("s.md", "- **TIME--3** (MUST) text\n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("malformed requirement ID")));
}

TEST(SpecTest, RejectsDuplicateIds) {
  EXPECT_THAT(
      ParseSpec("s.md", "- **A-1** (MUST) one\n\n- **A-1** (MAY) two\n"),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr("s.md:3: A-1 is already defined on line 1")));
}

TEST(SpecTest, RequirementIds) {
  EXPECT_TRUE(IsRequirementId("TIME-3"));
  EXPECT_TRUE(IsRequirementId("FRAME-U32-2"));
  EXPECT_TRUE(IsRequirementId("A1-10"));
  EXPECT_FALSE(IsRequirementId("time-3"));
  EXPECT_FALSE(IsRequirementId("TIME-"));
  EXPECT_FALSE(IsRequirementId("-3"));
  EXPECT_FALSE(IsRequirementId("TIME3"));
  EXPECT_FALSE(IsRequirementId("TIME-3a"));
  EXPECT_FALSE(IsRequirementId("1TIME-3"));
  EXPECT_FALSE(IsRequirementId("TIME--3"));
  EXPECT_FALSE(IsRequirementId(""));
}

}  // namespace
}  // namespace wirecheck::conformance

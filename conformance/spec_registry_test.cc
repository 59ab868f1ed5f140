#include "conformance/spec_registry.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "protocols/common/status_matchers.h"

namespace wirecheck::conformance {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using ::wirecheck::testing::StatusIs;

// //conformance/testing/greeting:spec embeds the greeting SPEC.md with the
// wirecheck_spec macro: the path is its place in the workspace and the text
// is the file's, byte for byte.
TEST(SpecRegistryTest, MacroEmbedsTheSpecUnderItsWorkspacePath) {
  EXPECT_THAT(EmbeddedSpecPaths(),
              Contains("conformance/testing/greeting/SPEC.md"));
  ASSERT_OK_AND_ASSIGN(const absl::string_view text,
                       EmbeddedSpecText("conformance/testing/greeting/SPEC.md"));
  EXPECT_EQ(text.substr(0, 28), "# Greeting protocol (test-on");
  EXPECT_EQ(text.back(), '\n');
  ASSERT_OK_AND_ASSIGN(const Spec spec,
                       LoadSpec("conformance/testing/greeting/SPEC.md"));
  EXPECT_EQ(spec.requirements.size(), 7u);
  EXPECT_EQ(spec.requirements.front().id, "GREET-1");
}

TEST(SpecRegistryTest, MissingSpecSaysHowToEmbedIt) {
  EXPECT_THAT(LoadSpec("protocols/nosuch/SPEC.md"),
              StatusIs(absl::StatusCode::kNotFound,
                       HasSubstr("wirecheck_spec()")));
}

TEST(SpecRegistryTest, RegisteredTextsParse) {
  static constexpr char kText[] = "- **X-1** (MUST) registered by hand\n";
  EXPECT_TRUE(RegisterSpecText("test/x/SPEC.md", kText));
  ASSERT_OK_AND_ASSIGN(const Spec spec, LoadSpec("test/x/SPEC.md"));
  ASSERT_EQ(spec.requirements.size(), 1u);
  EXPECT_EQ(spec.requirements[0].text, "registered by hand");
}

}  // namespace
}  // namespace wirecheck::conformance

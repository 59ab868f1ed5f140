#include "tools/cli/flag_types.h"

#include <string>

#include "gtest/gtest.h"

namespace wirecheck::cli {
namespace {

TEST(SecondsFlagTest, TakesDecimalSecondsAndDurations) {
  Seconds seconds;
  std::string error;
  ASSERT_TRUE(AbslParseFlag("0.2", &seconds, &error)) << error;
  EXPECT_EQ(seconds.value, absl::Milliseconds(200));
  ASSERT_TRUE(AbslParseFlag("1m30s", &seconds, &error)) << error;
  EXPECT_EQ(seconds.value, absl::Seconds(90));
  EXPECT_EQ(AbslUnparseFlag(seconds), "1m30s");
}

TEST(SecondsFlagTest, RejectsNegativeAndInfinite) {
  Seconds seconds;
  std::string error;
  EXPECT_FALSE(AbslParseFlag("-1", &seconds, &error));
  EXPECT_FALSE(AbslParseFlag("-5ms", &seconds, &error));
  EXPECT_FALSE(AbslParseFlag("inf", &seconds, &error));
  EXPECT_FALSE(AbslParseFlag("soon", &seconds, &error));
  EXPECT_FALSE(error.empty());
}

// Found by //fuzz/cli:seconds_flag_fuzzer (corpus file
// saturating_decimal_prints_as_inf): a decimal too large for a Duration
// was accepted as the infinite duration, which prints as "inf", which is
// rejected; a rerun command with that --timeout would not run.
TEST(SecondsFlagTest, RejectsDecimalsTooLargeForADuration) {
  Seconds seconds;
  std::string error;
  EXPECT_FALSE(AbslParseFlag(std::string(50, '1'), &seconds, &error));
  EXPECT_EQ(error, "too many seconds");
  EXPECT_FALSE(AbslParseFlag("1e300h", &seconds, &error));
}

}  // namespace
}  // namespace wirecheck::cli

#include "fuzz/dictionary.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace wirecheck::fuzz {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(ParseDictionaryTest, DecodesEscapesAndSkipsComments) {
  std::string error;
  const auto entries = ParseDictionary(
      "# comment\n"
      "kw1=\"tcp://\"\n"
      "\"\\x00\\xff\"\n"
      "  quote=\"a\\\"b\\\\c\"  \n"
      "\n",
      &error);
  ASSERT_TRUE(entries.has_value()) << error;
  EXPECT_THAT(*entries, ElementsAre("tcp://", std::string("\x00\xff", 2),
                                    "a\"b\\c"));
}

TEST(ParseDictionaryTest, RejectsWhatLibFuzzerWouldReject) {
  std::string error;
  EXPECT_FALSE(ParseDictionary("kw=unquoted\n", &error).has_value());
  EXPECT_THAT(error, HasSubstr("line 1"));
  EXPECT_FALSE(ParseDictionary("\"bad \\q escape\"\n", &error).has_value());
  EXPECT_FALSE(ParseDictionary("\"\\x4\"\n", &error).has_value());
  EXPECT_FALSE(ParseDictionary("\"a\"b\"\n", &error).has_value());
  EXPECT_FALSE(ParseDictionary("\"\"\n", &error).has_value());
}

}  // namespace
}  // namespace wirecheck::fuzz

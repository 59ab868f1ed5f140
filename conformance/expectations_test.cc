#include "conformance/expectations.h"

#include <fstream>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "protocols/common/status_matchers.h"

namespace wirecheck::conformance {
namespace {

using ::testing::HasSubstr;
using ::wirecheck::testing::StatusIs;

Suite TimeSuite() {
  Suite suite;
  suite.name = "time";
  for (const char* id : {"time/tcp-close", "time/udp-late", "time/udp-size"}) {
    Case c;
    c.id = id;
    suite.cases.push_back(c);
  }
  return suite;
}

TEST(ExpectationsTest, ParsesSectionsEntriesQuotesAndComments) {
  ASSERT_OK_AND_ASSIGN(const Expectations expectations, Expectations::Parse(R"(
# A comment.
target time tcp://legacy.example:1037
  time/tcp-close     still open at the case timeout
time/udp-*         "  no answer  "

target * reference
   # indented comment
time/tcp-close # not a comment: part of the message
)",
                                                                           "known.txt"));
  ASSERT_EQ(expectations.entries().size(), 3u);
  const Expectation& first = expectations.entries()[0];
  EXPECT_EQ(first.suite, "time");
  EXPECT_EQ(first.target, "tcp://legacy.example:1037");
  EXPECT_EQ(first.case_pattern, "time/tcp-close");
  EXPECT_EQ(first.message, "still open at the case timeout");
  EXPECT_EQ(first.where, "known.txt:4");
  EXPECT_EQ(expectations.entries()[1].message, "  no answer  ");
  EXPECT_EQ(expectations.entries()[2].message,
            "# not a comment: part of the message");
}

TEST(ExpectationsTest, FindsTheEntryForSuiteTargetAndCase) {
  ASSERT_OK_AND_ASSIGN(const Expectations expectations,
                       Expectations::Parse("target time tcp://legacy*\n"
                                           "time/udp-*   no answer\n"
                                           "target time *\n"
                                           "time/udp-late  late\n",
                                           "k"));
  const Expectation* found =
      expectations.Find("time", "tcp://legacy.example:1037", "time/udp-late");
  ASSERT_NE(found, nullptr);
  EXPECT_EQ(found->message, "no answer");
  found = expectations.Find("time", "other:37", "time/udp-late");
  ASSERT_NE(found, nullptr);
  EXPECT_EQ(found->message, "late");
  EXPECT_EQ(expectations.Find("time", "other:37", "time/udp-size"), nullptr);
  EXPECT_EQ(expectations.Find("ping", "tcp://legacy", "time/udp-late"), nullptr);
}

TEST(ExpectationsTest, MalformedFilesAreRejectedWithTheirLine) {
  EXPECT_THAT(Expectations::Parse("time/tcp-close x\n", "k.txt"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("k.txt:1: entry \"time/tcp-close\" before any")));
  EXPECT_THAT(Expectations::Parse("target time\n", "k.txt"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("k.txt:1: expected \"target SUITE TARGET\"")));
  EXPECT_THAT(Expectations::Parse("target a b c\n", "k.txt"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("k.txt:1")));
  EXPECT_THAT(Expectations::Parse("target a b\n\ntime/tcp-close\n", "k.txt"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("k.txt:3: no expected message for time/tcp-close")));
  EXPECT_THAT(Expectations::Parse("target a b\nx \"\"\n", "k.txt"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("no expected message")));
  EXPECT_THAT(Expectations::Parse("target a b\nx \"open\n", "k.txt"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("k.txt:2: unterminated quoted message")));
  EXPECT_THAT(Expectations::Parse("target a b\nx m\nx n\n", "k.txt"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("k.txt:3: x is listed twice in this section")));
}

TEST(ExpectationsTest, ValidateNamesSuitesAndCasesThatDoNotExist) {
  const Suite time = TimeSuite();
  ASSERT_OK_AND_ASSIGN(const Expectations good,
                       Expectations::Parse("target time *\ntime/udp-* x\n"
                                           "target t* *\ntime/tcp-close y\n",
                                           "k"));
  EXPECT_OK(good.Validate({&time}));
  ASSERT_OK_AND_ASSIGN(const Expectations bad,
                       Expectations::Parse("target time *\ntime/tcp-clsoe x\n"
                                           "target tiem *\ntime/tcp-close y\n",
                                           "k"));
  EXPECT_THAT(bad.Validate({&time}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("k:3: no suite named \"tiem\"\n"
                                 "k:2: no case \"time/tcp-clsoe\" in suite \"time\"")));
}

TEST(ExpectationsTest, LoadReadsTheFileAndNamesMissingOnes) {
  const std::string path = ::testing::TempDir() + "/expectations.txt";
  std::ofstream(path) << "target time *\ntime/tcp-close open\n";
  ASSERT_OK_AND_ASSIGN(const Expectations loaded, Expectations::Load(path));
  ASSERT_EQ(loaded.entries().size(), 1u);
  EXPECT_EQ(loaded.entries()[0].where, path + ":2");
  EXPECT_THAT(Expectations::Load(path + ".missing"),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr(".missing")));
}

}  // namespace
}  // namespace wirecheck::conformance

#include "tools/cli/command.h"

#include <sstream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tools/cli/flag_types.h"

ABSL_FLAG(int, demo_count, 10, "How many.");
ABSL_FLAG(bool, demo_quiet, false, "Say less.");
ABSL_FLAG(std::string, demo_case, "", "A case pattern.");
ABSL_FLAG(wirecheck::cli::Seconds, demo_wait,
          wirecheck::cli::Seconds{absl::Seconds(1)}, "How long to wait.");
ABSL_FLAG(std::string, shared_listen, "", "Shared by several commands.");

namespace wirecheck::cli {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

class RunCommandLineTest : public ::testing::Test {
 protected:
  RunCommandLineTest() {
    commands_.push_back(Command{
        .name = "demo",
        .summary = "A demonstration",
        .usage = "wirecheck demo [flags] ARG...",
        .help = "Longer words.",
        .flag_prefix = "demo_",
        .flags = {"count", "quiet", "case", "wait", "shared_listen"},
        .repeatable_flags = {"case"},
        .aliases = {{"n", "count"}},
        .run = [this](const Invocation& invocation) {
          last_ = invocation;
          return 7;
        }});
    commands_.push_back(Command{.name = "serve echo",
                                .summary = "Echo server",
                                .usage = "wirecheck serve echo",
                                .run = [](const Invocation&) { return 0; }});
    commands_.push_back(Command{.name = "serve time",
                                .summary = "Time server",
                                .usage = "wirecheck serve time",
                                .run = [](const Invocation&) { return 5; }});
  }

  int Run(std::vector<std::string> args) {
    args.insert(args.begin(), "wirecheck");
    out_.str("");
    err_.str("");
    return RunCommandLine(commands_, args, out_, err_);
  }

  std::vector<Command> commands_;
  Invocation last_;
  std::ostringstream out_;
  std::ostringstream err_;
};

TEST_F(RunCommandLineTest, ParsesShortFlagNamesIntoPrefixedAbslFlags) {
  EXPECT_EQ(Run({"demo", "--count=3", "--quiet", "x", "--wait", "0.2", "y"}), 7);
  EXPECT_EQ(absl::GetFlag(FLAGS_demo_count), 3);
  EXPECT_TRUE(absl::GetFlag(FLAGS_demo_quiet));
  EXPECT_EQ(absl::GetFlag(FLAGS_demo_wait).value, absl::Milliseconds(200));
  EXPECT_THAT(last_.args, ElementsAre("x", "y"));
}

TEST_F(RunCommandLineTest, AliasesSpellTheSameFlag) {
  ASSERT_EQ(Run({"demo", "-n", "4", "x"}), 7);
  EXPECT_EQ(absl::GetFlag(FLAGS_demo_count), 4);
  EXPECT_THAT(last_.repeated["count"], ElementsAre("4"));
  ASSERT_EQ(Run({"demo", "--help"}), 0);
  EXPECT_THAT(out_.str(), HasSubstr("also: -n"));
}

TEST_F(RunCommandLineTest, FlagsReturnToDefaultsOnTheNextRun) {
  ASSERT_EQ(Run({"demo", "--count=3", "--quiet"}), 7);
  ASSERT_EQ(Run({"demo"}), 7);
  EXPECT_EQ(absl::GetFlag(FLAGS_demo_count), 10);
  EXPECT_FALSE(absl::GetFlag(FLAGS_demo_quiet));
}

TEST_F(RunCommandLineTest, NoPrefixSpellsFalseForBooleans) {
  ASSERT_EQ(Run({"demo", "--quiet", "--noquiet"}), kExitUsage);
  EXPECT_THAT(err_.str(), HasSubstr("given twice"));
  ASSERT_EQ(Run({"demo", "--noquiet"}), 7);
  EXPECT_FALSE(absl::GetFlag(FLAGS_demo_quiet));
}

TEST_F(RunCommandLineTest, RepeatableFlagsKeepEveryValue) {
  ASSERT_EQ(Run({"demo", "--case=TIME-*", "--case", "FRAME-1"}), 7);
  EXPECT_THAT(last_.repeated["case"], ElementsAre("TIME-*", "FRAME-1"));
}

TEST_F(RunCommandLineTest, SharedFlagsAreFoundUnderTheirPlainName) {
  ASSERT_EQ(Run({"demo", "--shared_listen=127.0.0.1:0"}), 7);
  EXPECT_EQ(absl::GetFlag(FLAGS_shared_listen), "127.0.0.1:0");
}

TEST_F(RunCommandLineTest, DoubleDashEndsFlags) {
  ASSERT_EQ(Run({"demo", "--", "--count=3"}), 7);
  EXPECT_THAT(last_.args, ElementsAre("--count=3"));
}

TEST_F(RunCommandLineTest, UsageErrorsExitTwoAndSayWhy) {
  EXPECT_EQ(Run({"demo", "--nosuch=1"}), kExitUsage);
  EXPECT_THAT(err_.str(), HasSubstr("unknown flag --nosuch"));
  EXPECT_EQ(Run({"demo", "--count=many"}), kExitUsage);
  EXPECT_THAT(err_.str(), HasSubstr("bad value \"many\" for --count"));
  EXPECT_EQ(Run({"demo", "--count"}), kExitUsage);
  EXPECT_THAT(err_.str(), HasSubstr("needs a value"));
  EXPECT_EQ(Run({"demo", "--wait=-1"}), kExitUsage);
  EXPECT_EQ(Run({"demo", "--demo_count=1"}), kExitUsage);
  EXPECT_EQ(Run({"nosuch"}), kExitUsage);
  EXPECT_THAT(err_.str(), HasSubstr("unknown command \"nosuch\""));
  // A flag of one command is not accepted by another.
  EXPECT_EQ(Run({"serve", "time", "--count=1"}), kExitUsage);
}

TEST_F(RunCommandLineTest, HelpListsCommandsAndExitCodes) {
  EXPECT_EQ(Run({"--help"}), 0);
  EXPECT_THAT(out_.str(), HasSubstr("demo"));
  EXPECT_THAT(out_.str(), HasSubstr("serve time"));
  EXPECT_THAT(out_.str(), HasSubstr("3  target unreachable"));
  EXPECT_EQ(Run({}), kExitUsage);
}

TEST_F(RunCommandLineTest, CommandHelpShowsUsageFlagsAndDefaults) {
  EXPECT_EQ(Run({"demo", "--help"}), 0);
  EXPECT_THAT(out_.str(), HasSubstr("Usage: wirecheck demo [flags] ARG..."));
  EXPECT_THAT(out_.str(), HasSubstr("--count\n      How many.\n      default: 10"));
  EXPECT_THAT(out_.str(), HasSubstr("--case (repeatable)"));
  EXPECT_THAT(err_.str(), IsEmpty());
}

TEST_F(RunCommandLineTest, CommandGroupsListTheirMembers) {
  EXPECT_EQ(Run({"serve", "--help"}), 0);
  EXPECT_THAT(out_.str(), HasSubstr("wirecheck serve <echo|time>"));
  EXPECT_EQ(Run({"serve"}), kExitUsage);
  EXPECT_EQ(Run({"serve", "nosuch"}), kExitUsage);
  EXPECT_THAT(err_.str(), HasSubstr("unknown serve command \"nosuch\""));
  EXPECT_EQ(Run({"serve", "time"}), 5);
}

TEST(SecondsFlagTest, AcceptsDecimalSecondsAndDurations) {
  Seconds seconds;
  std::string error;
  ASSERT_TRUE(AbslParseFlag("0.2", &seconds, &error));
  EXPECT_EQ(seconds.value, absl::Milliseconds(200));
  ASSERT_TRUE(AbslParseFlag("1m30s", &seconds, &error));
  EXPECT_EQ(seconds.value, absl::Seconds(90));
  EXPECT_FALSE(AbslParseFlag("soon", &seconds, &error));
  EXPECT_THAT(error, HasSubstr("200ms"));
  EXPECT_FALSE(AbslParseFlag("-0.5", &seconds, &error));
  EXPECT_FALSE(AbslParseFlag("nan", &seconds, &error));
}

}  // namespace
}  // namespace wirecheck::cli

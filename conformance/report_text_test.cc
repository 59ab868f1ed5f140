#include "conformance/report_text.h"

#include <sstream>
#include <string>
#include <vector>

#include "conformance/report_test_runs.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace wirecheck::conformance {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::wirecheck::testing::SampleRuns;

std::string Render(const SuiteRun& run, bool color = false) {
  std::ostringstream out;
  WriteSuiteReport(run, {.color = color}, out);
  return out.str();
}

TEST(ReportTextTest, OneLinePerCaseGroupedByRequirementInSpecOrder) {
  const std::string text = Render(SampleRuns()[0]);
  EXPECT_THAT(text, HasSubstr("sample: checking sample-target (tcp "
                              "127.0.0.1:4707, udp 127.0.0.1:4707), seed 42\n"));
  EXPECT_THAT(text, HasSubstr("SAMPLE-1 MUST   The server MUST pass.\n"
                              "  PASS         sample/pass  The pass case\n"
                              "  FAIL         sample/fail  The fail case\n"));
  EXPECT_THAT(text, HasSubstr("SAMPLE-3 MAY    The server MAY inform.\n"
                              "  INFO         sample/info  the largest datagram "
                              "echoed intact: 65507 bytes\n"));
  // A case under a requirement the spec lacks, with its other requirement.
  EXPECT_THAT(text, HasSubstr("OTHER-9 (not in the spec)\n"
                              "  XPASS        sample/xpass (also SAMPLE-1)"));
  // Requirements without a selected case are not listed in a run.
  EXPECT_THAT(text, Not(HasSubstr("SAMPLE-4")));
}

TEST(ReportTextTest, FailingCasesShowExpectedObservedWireLogAndRerun) {
  const std::string text = Render(SampleRuns()[0]);
  EXPECT_THAT(text, HasSubstr("\nFAIL sample/fail (SAMPLE-1, MUST, tcp) after "
                              "3.0ms of 2s\n"
                              "  The fail case\n"
                              "  expected: exactly 5 bytes \"hello\"\n"));
  EXPECT_THAT(text, HasSubstr("  wire log (case seed 1234567890123456789):\n"
                              "    +0.120ms tcp#1 connect to 127.0.0.1:4707 "
                              "from 127.0.0.1:5000\n"
                              "    +0.400ms tcp#1 < 12 bytes\n"
                              "        0000  00 ff 68 65 6c 6c 6f 7f  3c 26 3e "
                              "22              |..hello.<&>\"|\n"
                              "    +0.500ms note: a note\n"
                              "    ... wire log truncated at 64 bytes: 3 more "
                              "events and 900 more bytes not recorded\n"));
  EXPECT_THAT(text, HasSubstr("  rerun: wirecheck check sample sample-target "
                              "--case=sample/fail --seed=42\n"));
  // WARN, ERROR and XPASS are detailed too; INFO, UNSUPPORTED and XFAIL not.
  EXPECT_THAT(text, HasSubstr("\nWARN sample/warn"));
  EXPECT_THAT(text, HasSubstr("\nERROR sample/error"));
  EXPECT_THAT(text, HasSubstr("\nXPASS sample/xpass"));
  EXPECT_THAT(text, Not(HasSubstr("\nINFO sample/info")));
  EXPECT_THAT(text, Not(HasSubstr("\nXFAIL sample/xfail")));
}

TEST(ReportTextTest, TargetThatDiedAndUnreachableTargetAreSaidPlainly) {
  const std::vector<SuiteRun> runs = SampleRuns();
  EXPECT_THAT(Render(runs[0]),
              HasSubstr("TARGET STOPPED ANSWERING: it answered the liveness "
                        "probe before the cases and not after them"));
  EXPECT_THAT(Render(runs[0]),
              HasSubstr("  tcp did not answer the liveness probe after the "
                        "cases: unreachable or refused (connect)\n"));
  const std::string gone = Render(runs[1]);
  EXPECT_THAT(gone, HasSubstr("TARGET UNREACHABLE"));
  EXPECT_THAT(gone, HasSubstr("tcp did not answer the liveness probe before "
                              "the cases"));
  EXPECT_THAT(gone, HasSubstr("(spec: spec conformance/gone/SPEC.md is not "
                              "embedded)"));
}

TEST(ReportTextTest, BytesFromTheTargetCannotDriveTheTerminal) {
  const std::string text = Render(SampleRuns()[0]);
  EXPECT_THAT(text, HasSubstr("  observed: bad \\x01\\x1b[31m bytes "
                              "\\xff\\xfe end\n"));
}

TEST(ReportTextTest, ColourOnlyWhenAsked) {
  const SuiteRun run = SampleRuns()[0];
  EXPECT_THAT(Render(run, false), Not(HasSubstr("\033[")));
  EXPECT_THAT(Render(run, true), HasSubstr("\033[1;31mFAIL"));
  EXPECT_THAT(Render(run, true), HasSubstr("\033[32mPASS"));
}

TEST(ReportTextTest, SummaryCountsEveryVerdictAndSaysWhatTheRunComesTo) {
  std::ostringstream out;
  WriteSummary(SampleRuns(), {}, out);
  EXPECT_EQ(out.str(),
            "\n8 cases: 1 passed, 1 failed, 1 warning, 1 unsupported, 1 info, "
            "1 error, 1 expected failure, 1 unexpected pass, 1 not selected\n"
            "FAILED: a MUST was violated; a known failure passed; a target "
            "stopped answering\n");
}

TEST(ReportTextTest, SummaryLineHasTheFourCountsEvenWhenZero) {
  EXPECT_EQ(SummaryLine({}), "0 cases: 0 passed, 0 failed, 0 warnings, 0 unsupported");
}

}  // namespace
}  // namespace wirecheck::conformance

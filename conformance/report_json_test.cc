#include "conformance/report_json.h"

#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "conformance/report_test_runs.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace wirecheck::conformance {
namespace {

using ::testing::ElementsAre;
using ::wirecheck::testing::GreetingFaults;
using ::wirecheck::testing::RealGreetingRun;
using ::wirecheck::testing::SampleRuns;
using json = nlohmann::json;

// Serialises and parses back: what a consumer of the file sees.
json RoundTrip(const std::vector<SuiteRun>& runs, const RunInfo& info) {
  const std::string text = JsonReportText(runs, info);
  EXPECT_TRUE(json::accept(text)) << text;
  return json::parse(text);
}

TEST(ReportJsonTest, TopLevelHasTheVersionedSchemaOutcomeAndSummary) {
  const json report =
      RoundTrip(SampleRuns(), {.command = "wirecheck check x", .exit_code = 1});
  EXPECT_EQ(report.at("schema"), "wirecheck-check-report");
  EXPECT_EQ(report.at("schema_version"), 1);
  EXPECT_EQ(report.at("command"), "wirecheck check x");
  EXPECT_EQ(report.at("exit_code"), 1);
  EXPECT_EQ(report.at("outcome"), "failed");
  const json& summary = report.at("summary");
  EXPECT_EQ(summary.at("cases"), 8);
  EXPECT_EQ(summary.at("passed"), 1);
  EXPECT_EQ(summary.at("failed"), 1);
  EXPECT_EQ(summary.at("warnings"), 1);
  EXPECT_EQ(summary.at("info"), 1);
  EXPECT_EQ(summary.at("unsupported"), 1);
  EXPECT_EQ(summary.at("errors"), 1);
  EXPECT_EQ(summary.at("xfail"), 1);
  EXPECT_EQ(summary.at("xpass"), 1);
  EXPECT_EQ(summary.at("deselected"), 1);
  ASSERT_EQ(report.at("suites").size(), 2u);
}

TEST(ReportJsonTest, SuiteHasTargetSeedLivenessAndTraceability) {
  const json suite = RoundTrip(SampleRuns(), {}).at("suites").at(0);
  EXPECT_EQ(suite.at("name"), "sample");
  EXPECT_EQ(suite.at("spec"), "conformance/sample/SPEC.md");
  EXPECT_EQ(suite.at("target").at("name"), "sample-target");
  EXPECT_EQ(suite.at("target").at("addresses").at("udp"), "127.0.0.1:4707");
  EXPECT_EQ(suite.at("seed"), "42");
  EXPECT_EQ(suite.at("target_died"), true);
  EXPECT_EQ(suite.at("unreachable"), false);
  EXPECT_EQ(suite.at("liveness").at("after").at(0).at("answered"), false);
  EXPECT_EQ(suite.at("liveness").at("after").at(0).at("wire_log").at("events")
                .at(0).at("event"),
            "connect failed");
  const json& requirements = suite.at("requirements");
  ASSERT_EQ(requirements.size(), 4u);
  EXPECT_EQ(requirements.at(0).at("id"), "SAMPLE-1");
  EXPECT_EQ(requirements.at(0).at("level"), "MUST");
  EXPECT_EQ(requirements.at(3).at("cases"), json::array());
  EXPECT_EQ(suite.at("summary").at("cases"), 8);
}

TEST(ReportJsonTest, CasesCarryVerdictsSeedsRerunsAndWireLogs) {
  const json cases = RoundTrip(SampleRuns(), {}).at("suites").at(0).at("cases");
  ASSERT_EQ(cases.size(), 8u);
  std::vector<std::string> verdicts;
  for (const json& c : cases) verdicts.push_back(c.at("verdict"));
  EXPECT_THAT(verdicts, ElementsAre("PASS", "FAIL", "WARN", "INFO",
                                    "UNSUPPORTED", "ERROR", "XFAIL", "XPASS"));
  const json& pass = cases.at(0);
  EXPECT_FALSE(pass.contains("rerun"));
  EXPECT_FALSE(pass.contains("wire_log"));
  const json& fail = cases.at(1);
  EXPECT_EQ(fail.at("id"), "sample/fail");
  EXPECT_EQ(fail.at("requirements"), json::array({"SAMPLE-1"}));
  EXPECT_EQ(fail.at("level"), "MUST");
  EXPECT_EQ(fail.at("transport"), "tcp");
  EXPECT_EQ(fail.at("seed"), "1234567890123456789");
  EXPECT_EQ(fail.at("duration_ms"), 3.0);
  EXPECT_EQ(fail.at("timeout_ms"), 2000.0);
  EXPECT_EQ(fail.at("rerun"),
            "wirecheck check sample sample-target --case=sample/fail --seed=42");
  const json& log = fail.at("wire_log");
  EXPECT_EQ(log.at("truncated"), true);
  EXPECT_EQ(log.at("dropped_events"), 3);
  EXPECT_EQ(log.at("dropped_bytes"), 900);
  const json& received = log.at("events").at(1);
  EXPECT_EQ(received.at("event"), "receive");
  EXPECT_EQ(received.at("size"), 12);
  EXPECT_EQ(absl::HexStringToBytes(received.at("bytes_hex").get<std::string>()),
            std::string("\x00\xffhello\x7f<&>\"", 12));
  EXPECT_EQ(received.at("t_ms"), 0.4);
  const json& xfail = cases.at(6);
  EXPECT_EQ(xfail.at("expectation").at("message"), "still open");
  EXPECT_EQ(xfail.at("expectation").at("where"), "known.txt:3");
}

TEST(ReportJsonTest, InvalidUtf8FromTheTargetStillMakesValidJson) {
  const json fail = RoundTrip(SampleRuns(), {}).at("suites").at(0).at("cases").at(1);
  const std::string observed = fail.at("observed");
  EXPECT_EQ(observed.substr(0, 4), "bad ");
  EXPECT_NE(observed.find("\xef\xbf\xbd"), std::string::npos);  // U+FFFD
}

TEST(ReportJsonTest, UnreachableSuiteHasNoCases) {
  const json gone = RoundTrip(SampleRuns(), {}).at("suites").at(1);
  EXPECT_EQ(gone.at("unreachable"), true);
  EXPECT_EQ(gone.at("cases"), json::array());
  EXPECT_EQ(gone.at("spec_error"), "spec conformance/gone/SPEC.md is not embedded");
}

TEST(ReportJsonTest, RealRunAgainstABrokenServerParsesBack) {
  const SuiteRun run = RealGreetingRun({.tcp = GreetingFaults::Tcp::kShort});
  const json report = RoundTrip({run}, {.exit_code = 1});
  EXPECT_EQ(report.at("outcome"), "failed");
  const json& cases = report.at("suites").at(0).at("cases");
  ASSERT_EQ(cases.size(), 7u);
  EXPECT_EQ(cases.at(0).at("id"), "greeting/tcp-greeting");
  EXPECT_EQ(cases.at(0).at("verdict"), "FAIL");
  EXPECT_EQ(cases.at(0).at("requirements"), json::array({"GREET-1"}));
  bool saw_bytes = false;
  for (const json& event : cases.at(0).at("wire_log").at("events")) {
    if (event.at("event") == "receive") {
      EXPECT_EQ(event.at("bytes_hex"), "68656c6c");
      saw_bytes = true;
    }
  }
  EXPECT_TRUE(saw_bytes);
  EXPECT_EQ(report.at("suites").at(0).at("requirements").size(), 7u);
}

}  // namespace
}  // namespace wirecheck::conformance

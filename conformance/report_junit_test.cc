#include "conformance/report_junit.h"

#include <tinyxml2.h>

#include <map>
#include <string>
#include <vector>

#include "conformance/report_test_runs.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace wirecheck::conformance {
namespace {

using ::testing::HasSubstr;
using ::wirecheck::testing::GreetingFaults;
using ::wirecheck::testing::RealGreetingRun;
using ::wirecheck::testing::SampleRuns;

// Parses `xml`, failing the test if it is not well-formed.
class Parsed {
 public:
  explicit Parsed(const std::string& xml) {
    EXPECT_EQ(document_.Parse(xml.c_str(), xml.size()), tinyxml2::XML_SUCCESS)
        << document_.ErrorStr() << "\n" << xml;
  }
  const tinyxml2::XMLElement* root() const { return document_.RootElement(); }

 private:
  tinyxml2::XMLDocument document_;
};

std::string Attribute(const tinyxml2::XMLElement* element, const char* name) {
  const char* value = element == nullptr ? nullptr : element->Attribute(name);
  return value == nullptr ? "(none)" : value;
}

// The state of each testcase: its first child element's name, or "passed".
std::map<std::string, std::string> States(const tinyxml2::XMLElement* suite) {
  std::map<std::string, std::string> states;
  for (const tinyxml2::XMLElement* testcase = suite->FirstChildElement("testcase");
       testcase != nullptr; testcase = testcase->NextSiblingElement("testcase")) {
    std::string state = "passed";
    for (const char* kind : {"failure", "error", "skipped"}) {
      if (const tinyxml2::XMLElement* e = testcase->FirstChildElement(kind)) {
        state = kind;
        if (e->Attribute("type") != nullptr) state += std::string(":") + e->Attribute("type");
      }
    }
    states[Attribute(testcase, "name")] = state;
  }
  return states;
}

TEST(ReportJunitTest, CountsAndStatesFollowTheVerdicts) {
  const Parsed parsed(JunitReport(SampleRuns()));
  const tinyxml2::XMLElement* root = parsed.root();
  ASSERT_NE(root, nullptr);
  EXPECT_STREQ(root->Name(), "testsuites");
  // 8 cases, the died check and the unreachable check.
  EXPECT_EQ(Attribute(root, "tests"), "10");
  EXPECT_EQ(Attribute(root, "failures"), "4");
  EXPECT_EQ(Attribute(root, "errors"), "1");
  EXPECT_EQ(Attribute(root, "skipped"), "2");
  const tinyxml2::XMLElement* sample = root->FirstChildElement("testsuite");
  ASSERT_NE(sample, nullptr);
  EXPECT_EQ(Attribute(sample, "name"), "sample");
  EXPECT_EQ(Attribute(sample, "tests"), "9");
  EXPECT_EQ(Attribute(sample, "time"), "0.250");
  EXPECT_EQ(States(sample),
            (std::map<std::string, std::string>{
                {"sample/pass", "passed"},
                {"sample/fail", "failure:FAIL"},
                {"sample/warn", "passed"},
                {"sample/info", "passed"},
                {"sample/unsupported", "skipped"},
                {"sample/error", "error:ERROR"},
                {"sample/xfail", "skipped"},
                {"sample/xpass", "failure:XPASS"},
                {"sample/(alive after the run)", "failure:TARGET"},
            }));
  const tinyxml2::XMLElement* gone = sample->NextSiblingElement("testsuite");
  ASSERT_NE(gone, nullptr);
  EXPECT_EQ(States(gone), (std::map<std::string, std::string>{
                              {"gone/(liveness probe)", "failure:TARGET"}}));
}

TEST(ReportJunitTest, DetailsAndPropertiesSurviveEscaping) {
  const Parsed parsed(JunitReport(SampleRuns()));
  const tinyxml2::XMLElement* sample = parsed.root()->FirstChildElement("testsuite");
  ASSERT_NE(sample, nullptr);
  std::map<std::string, std::string> properties;
  for (const tinyxml2::XMLElement* p =
           sample->FirstChildElement("properties")->FirstChildElement("property");
       p != nullptr; p = p->NextSiblingElement("property")) {
    properties[Attribute(p, "name")] = Attribute(p, "value");
  }
  EXPECT_EQ(properties["target"], "sample-target");
  EXPECT_EQ(properties["seed"], "42");
  const tinyxml2::XMLElement* fail = nullptr;
  for (const tinyxml2::XMLElement* t = sample->FirstChildElement("testcase");
       t != nullptr; t = t->NextSiblingElement("testcase")) {
    if (Attribute(t, "name") == "sample/fail") fail = t;
  }
  ASSERT_NE(fail, nullptr);
  EXPECT_EQ(Attribute(fail, "classname"), "sample.SAMPLE-1");
  EXPECT_EQ(Attribute(fail->FirstChildElement("failure"), "message"),
            "expected exactly 5 bytes \"hello\"; observed bad \\x01\\x1b[31m "
            "bytes \\xff\\xfe end");
  const char* out = fail->FirstChildElement("system-out")->GetText();
  ASSERT_NE(out, nullptr);
  EXPECT_THAT(out, HasSubstr("|..hello.<&>\"|"));
  EXPECT_THAT(out, HasSubstr("observed: bad \\x01\\x1b[31m bytes"));
  EXPECT_THAT(out, HasSubstr("rerun: wirecheck check sample sample-target "
                             "--case=sample/fail --seed=42"));
}

TEST(ReportJunitTest, RealRunAgainstABrokenServerParsesBack) {
  const SuiteRun run = RealGreetingRun({.tcp = GreetingFaults::Tcp::kGarbage});
  const Parsed parsed(JunitReport({run}));
  const tinyxml2::XMLElement* suite = parsed.root()->FirstChildElement("testsuite");
  ASSERT_NE(suite, nullptr);
  EXPECT_EQ(Attribute(suite, "tests"), "7");
  EXPECT_EQ(Attribute(suite, "failures"), "1");
  EXPECT_EQ(States(suite)["greeting/tcp-greeting"], "failure:FAIL");
  EXPECT_EQ(States(suite)["greeting/tcp-close"], "passed");
}

}  // namespace
}  // namespace wirecheck::conformance

#include "conformance/report_junit.h"

#include <tinyxml2.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "conformance/safe_text.h"

namespace wirecheck::conformance {
namespace {

std::string Seconds(absl::Duration duration) {
  return absl::StrFormat("%.3f", absl::ToDoubleSeconds(duration));
}

struct Counts {
  size_t tests = 0;
  size_t failures = 0;
  size_t errors = 0;
  size_t skipped = 0;
};

std::string Details(const CaseResult& result) {
  std::string text = absl::StrCat(VerdictName(result.verdict), ": ", result.id,
                                  " (", absl::StrJoin(result.requirements, ", "),
                                  ", ", LevelName(result.level), ", ",
                                  TransportName(result.transport), ")\n",
                                  result.description, "\n");
  if (!result.expected.empty()) absl::StrAppend(&text, "expected: ", result.expected, "\n");
  if (!result.observed.empty()) absl::StrAppend(&text, "observed: ", result.observed, "\n");
  if (!result.expectation.empty()) {
    absl::StrAppend(&text, "known failure (", result.expectation_where,
                    "): \"", result.expectation, "\"\n");
  }
  if (!result.wire_log.events.empty() || result.wire_log.truncated()) {
    absl::StrAppend(&text, "wire log (case seed ", result.seed, "):\n",
                    RenderWireLog(result.wire_log, "  "));
  }
  if (!result.rerun.empty()) absl::StrAppend(&text, "rerun: ", result.rerun, "\n");
  return text;
}

class Writer {
 public:
  Writer() { document_.InsertEndChild(document_.NewDeclaration()); }

  std::string Finish(const std::vector<SuiteRun>& runs) {
    tinyxml2::XMLElement* root = document_.NewElement("testsuites");
    document_.InsertEndChild(root);
    root->SetAttribute("name", "wirecheck check");
    Counts total;
    absl::Duration time;
    for (const SuiteRun& run : runs) {
      const Counts counts = WriteSuite(run, *root);
      total.tests += counts.tests;
      total.failures += counts.failures;
      total.errors += counts.errors;
      total.skipped += counts.skipped;
      time += run.elapsed;
    }
    SetCounts(*root, total);
    root->SetAttribute("time", Seconds(time).c_str());
    tinyxml2::XMLPrinter printer;
    document_.Print(&printer);
    return printer.CStr();
  }

 private:
  tinyxml2::XMLElement* Child(tinyxml2::XMLElement& parent,
                              const char* name) {
    tinyxml2::XMLElement* child = document_.NewElement(name);
    parent.InsertEndChild(child);
    return child;
  }

  void Set(tinyxml2::XMLElement& element, const char* name,
           absl::string_view value) {
    element.SetAttribute(name, SafeText(value).c_str());
  }

  void Text(tinyxml2::XMLElement& element, absl::string_view text) {
    element.SetText(SafeText(text).c_str());
  }

  static void SetCounts(tinyxml2::XMLElement& element, const Counts& counts) {
    element.SetAttribute("tests", static_cast<int64_t>(counts.tests));
    element.SetAttribute("failures", static_cast<int64_t>(counts.failures));
    element.SetAttribute("errors", static_cast<int64_t>(counts.errors));
    element.SetAttribute("skipped", static_cast<int64_t>(counts.skipped));
  }

  void Property(tinyxml2::XMLElement& properties, const char* name,
                absl::string_view value) {
    tinyxml2::XMLElement* property = Child(properties, "property");
    property->SetAttribute("name", name);
    Set(*property, "value", value);
  }

  // A testcase for something about the whole suite that failed.
  void SuiteFailure(const SuiteRun& run, tinyxml2::XMLElement& suite,
                    absl::string_view name, absl::string_view message,
                    const std::vector<Liveness>& probes, Counts& counts) {
    tinyxml2::XMLElement* testcase = Child(suite, "testcase");
    Set(*testcase, "name", absl::StrCat(run.suite, "/", name));
    Set(*testcase, "classname", run.suite);
    testcase->SetAttribute("time", "0.000");
    tinyxml2::XMLElement* failure = Child(*testcase, "failure");
    Set(*failure, "message", message);
    failure->SetAttribute("type", "TARGET");
    std::string text = absl::StrCat(message, "\n");
    for (const Liveness& liveness : probes) {
      absl::StrAppend(&text, TransportName(liveness.transport), ": ",
                      liveness.answered ? "answered" : "did not answer", ": ",
                      liveness.observed, "\n",
                      RenderWireLog(liveness.wire_log, "  "));
    }
    Text(*failure, text);
    ++counts.tests;
    ++counts.failures;
  }

  Counts WriteSuite(const SuiteRun& run, tinyxml2::XMLElement& root) {
    Counts counts;
    tinyxml2::XMLElement* suite = Child(root, "testsuite");
    Set(*suite, "name", run.suite);
    suite->SetAttribute("time", Seconds(run.elapsed).c_str());
    tinyxml2::XMLElement* properties = Child(*suite, "properties");
    Property(*properties, "target", run.target.name);
    Property(*properties, "seed", absl::StrCat(run.seed));
    Property(*properties, "spec", run.spec_path);
    if (run.unreachable) {
      SuiteFailure(run, *suite, "(liveness probe)",
                   "target unreachable: no transport answered the liveness "
                   "probe",
                   run.before, counts);
    }
    for (const CaseResult& result : run.cases) {
      ++counts.tests;
      tinyxml2::XMLElement* testcase = Child(*suite, "testcase");
      Set(*testcase, "name", result.id);
      Set(*testcase, "classname",
          absl::StrCat(run.suite, ".",
                       result.requirements.empty() ? "(none)"
                                                   : result.requirements[0]));
      testcase->SetAttribute("time", Seconds(result.elapsed).c_str());
      const std::string message =
          result.expected.empty()
              ? result.observed
              : absl::StrCat("expected ", result.expected, "; observed ",
                             result.observed);
      switch (result.verdict) {
        case Verdict::kFail:
        case Verdict::kXpass: {
          ++counts.failures;
          tinyxml2::XMLElement* failure = Child(*testcase, "failure");
          Set(*failure, "message", message);
          Set(*failure, "type", VerdictName(result.verdict));
          break;
        }
        case Verdict::kError: {
          ++counts.errors;
          tinyxml2::XMLElement* error = Child(*testcase, "error");
          Set(*error, "message", message);
          Set(*error, "type", "ERROR");
          break;
        }
        case Verdict::kUnsupported:
        case Verdict::kXfail: {
          ++counts.skipped;
          tinyxml2::XMLElement* skipped = Child(*testcase, "skipped");
          Set(*skipped, "message",
              absl::StrCat(VerdictName(result.verdict), ": ", result.observed));
          break;
        }
        case Verdict::kPass:
        case Verdict::kWarn:
        case Verdict::kInfo:
          break;
      }
      if (result.verdict != Verdict::kPass) {
        Text(*Child(*testcase, "system-out"), Details(result));
      }
    }
    if (run.target_died) {
      SuiteFailure(run, *suite, "(alive after the run)",
                   "the target answered the liveness probe before the cases "
                   "and not after them",
                   run.after, counts);
    }
    SetCounts(*suite, counts);
    return counts;
  }

  tinyxml2::XMLDocument document_;
};

}  // namespace

std::string JunitReport(const std::vector<SuiteRun>& runs) {
  return Writer().Finish(runs);
}

}  // namespace wirecheck::conformance

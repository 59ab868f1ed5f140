// The JUnit XML report of `wirecheck check --junit FILE`, for CI systems.
//
//   <testsuites name="wirecheck check" tests= failures= errors= skipped= time=>
//     <testsuite name="SUITE" tests= failures= errors= skipped= time=>
//       <properties> target, seed, spec </properties>
//       <testcase name="CASE-ID" classname="SUITE.REQUIREMENT-ID" time=>
//
// Verdicts map to JUnit's states so a CI goes red exactly when the exit code
// says the run failed: FAIL and XPASS are <failure> (type = the verdict),
// ERROR is <error>, UNSUPPORTED and XFAIL are <skipped>, PASS, WARN and INFO
// pass. Every verdict but PASS carries its details (expected, observed, the
// wire log, the rerun command) in <system-out>, headed by "VERDICT: ".
// A target that died during the run adds a failed testcase
// "SUITE/(alive after the run)"; an unreachable one a failed testcase
// "SUITE/(liveness probe)".
//
// Text is sanitised with SafeText (safe_text.h), which also makes it valid
// XML 1.0.
#ifndef WIRECHECK_CONFORMANCE_REPORT_JUNIT_H_
#define WIRECHECK_CONFORMANCE_REPORT_JUNIT_H_

#include <string>
#include <vector>

#include "conformance/runner.h"

namespace wirecheck::conformance {

// The report as an XML document, with its declaration.
std::string JunitReport(const std::vector<SuiteRun>& runs);

}  // namespace wirecheck::conformance

#endif  // WIRECHECK_CONFORMANCE_REPORT_JUNIT_H_

// Runs for the report tests to render: one made by hand with every verdict
// and the awkward bytes a target can send, and real runs of the greeting
// suite against broken servers.
#ifndef WIRECHECK_CONFORMANCE_REPORT_TEST_RUNS_H_
#define WIRECHECK_CONFORMANCE_REPORT_TEST_RUNS_H_

#include <vector>

#include "conformance/runner.h"
#include "conformance/testing/greeting/broken_servers.h"

namespace wirecheck::testing {

// Two suites: "sample" (target "sample-target", seed 42) with one case of
// each verdict, a truncated wire log holding binary bytes, observed text
// with control characters and invalid UTF-8, and a target that died; and
// "gone" (seed 7), unreachable.
std::vector<conformance::SuiteRun> SampleRuns();

// The greeting suite run against a greeting server with `faults` on real
// loopback (127.0.0.1), one case at a time.
conformance::SuiteRun RealGreetingRun(GreetingFaults faults);

}  // namespace wirecheck::testing

#endif  // WIRECHECK_CONFORMANCE_REPORT_TEST_RUNS_H_

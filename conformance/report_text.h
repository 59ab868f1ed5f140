// The human report of `wirecheck check`: one line per case with its verdict
// and ID, grouped by requirement, then each failing case in detail (what was
// expected, what was observed, the wire log as a hexdump, and the command
// that reruns just that case), then a summary.
#ifndef WIRECHECK_CONFORMANCE_REPORT_TEXT_H_
#define WIRECHECK_CONFORMANCE_REPORT_TEXT_H_

#include <ostream>
#include <string>
#include <vector>

#include "conformance/runner.h"

namespace wirecheck::conformance {

struct TextReportOptions {
  // ANSI colours on verdicts (for a terminal).
  bool color = false;
};

// One suite's section: a header naming the target, transports and seed;
// the liveness probes that failed; the case lines under their requirements;
// and the details of every FAIL, WARN, ERROR and XPASS.
void WriteSuiteReport(const SuiteRun& run, const TextReportOptions& options,
                      std::ostream& out);

// "N cases: N passed, N failed, N warnings, N unsupported", with the other
// counts when they are not zero, then one line saying what the run comes to.
void WriteSummary(const std::vector<SuiteRun>& runs,
                  const TextReportOptions& options, std::ostream& out);

// The summary's first line, without colour.
std::string SummaryLine(const Summary& summary);

}  // namespace wirecheck::conformance

#endif  // WIRECHECK_CONFORMANCE_REPORT_TEXT_H_

// The machine-readable report of `wirecheck check --json FILE`.
//
// Schema "wirecheck-check-report", version 1 (kJsonSchemaVersion). Additions
// that do not change the meaning of existing fields keep the version; any
// other change bumps it.
//
//   {
//     "schema": "wirecheck-check-report", "schema_version": 1,
//     "command": "wirecheck check ...", "exit_code": 1,
//     "outcome": "passed" | "failed" | "harness_error" | "unreachable" |
//                "nothing_selected",
//     "summary": {"cases", "passed", "failed", "warnings", "info",
//                 "unsupported", "errors", "xfail", "xpass", "deselected"},
//     "suites": [{
//       "name", "description", "spec", "spec_error" (only if the spec is
//       not embedded or does not parse),
//       "target": {"name", "addresses": {"tcp": "127.0.0.1:37", ...}},
//       "seed": "42" (a decimal string: 64 bits do not fit a JSON double),
//       "duration_ms", "selected", "deselected", "unreachable",
//       "target_died",
//       "liveness": {"before": [PROBE], "after": [PROBE]},
//       "requirements": [{"id", "level", "text", "cases": [case IDs]}],
//       "summary": {...as above},
//       "cases": [{
//         "id", "requirements": [...], "level": "MUST"|"SHOULD"|"MAY",
//         "transport": "tcp"|"udp", "description",
//         "verdict": "PASS"|"FAIL"|"WARN"|"INFO"|"UNSUPPORTED"|"ERROR"|
//                    "XFAIL"|"XPASS",
//         "expected", "observed", "duration_ms", "timeout_ms",
//         "seed" (the case's derived seed, a decimal string),
//         "rerun" (absent for PASS and XFAIL),
//         "expectation": {"message", "where"} (only when one matched),
//         "wire_log": WIRE_LOG (absent for PASS and cases that did not run)
//       }]
//     }]
//   }
//   PROBE: {"transport", "answered", "observed", "wire_log" (if it failed)}
//   WIRE_LOG: {"events": [{"t_ms", "socket", "event", "detail",
//              "size" and "bytes_hex" (send/receive)}],
//              "truncated", "dropped_events", "dropped_bytes", "max_bytes"}
//
// Text the target controls is stored with invalid UTF-8 replaced (U+FFFD),
// so the output is always valid JSON.
#ifndef WIRECHECK_CONFORMANCE_REPORT_JSON_H_
#define WIRECHECK_CONFORMANCE_REPORT_JSON_H_

#include <string>
#include <vector>

#include "conformance/runner.h"
#include "nlohmann/json.hpp"

namespace wirecheck::conformance {

inline constexpr int kJsonSchemaVersion = 1;
inline constexpr char kJsonSchemaName[] = "wirecheck-check-report";

// How the run was invoked and what it exited with.
struct RunInfo {
  std::string command;
  int exit_code = 0;
};

// "passed", "failed", "harness_error", "unreachable", "nothing_selected".
std::string OutcomeName(Outcome outcome);

nlohmann::json JsonReport(const std::vector<SuiteRun>& runs,
                          const RunInfo& info);

// The report serialised, indented, ending with a newline; never throws.
std::string JsonReportText(const std::vector<SuiteRun>& runs,
                           const RunInfo& info);

}  // namespace wirecheck::conformance

#endif  // WIRECHECK_CONFORMANCE_REPORT_JSON_H_

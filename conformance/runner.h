// The conformance runner: runs a suite's selected cases against a target and
// turns each check's Finding into a verdict.
//
//   RunOptions options;
//   options.selection = Selection({"TIME-*"}, {"time/udp-*"});
//   options.parallelism = 4;
//   SuiteRun run = RunSuite(TimeSuite(), target, RealNetwork(), options);
//   switch (OutcomeOf({run})) { ... }
//
// A run goes:
//   1. Select cases (RunOptions::selection, and the target's transports).
//   2. Liveness probe (Suite::probe) on each transport the selected cases
//      use. A transport that does not answer makes its cases UNSUPPORTED;
//      none answering makes the target unreachable, and no case runs.
//   3. The cases, each with its own timeout, wire log and seed: in parallel
//      on worker threads (parallelism > 1; cases marked `exclusive` run
//      alone afterwards) or one by one on the calling thread (parallelism 1,
//      which the single-threaded fakes need).
//   4. The probe again: a transport that answered before and not after means
//      the target died during the run.
//
// Verdicts from findings, by the case's level:
//   Pass -> PASS; Violation -> FAIL (MUST), WARN (SHOULD), INFO (MAY);
//   Info -> INFO; Unsupported -> UNSUPPORTED; HarnessError -> ERROR.
// A check that throws, or returns later than its deadline plus
// RunOptions::overrun_grace, is an ERROR; in parallel mode the runner stops
// waiting for such a check at that point and leaves it to finish on its own
// (detached) thread, so a stuck check cannot hang the run.
// Expectations (expectations.h) then turn a matching failure into XFAIL and
// a pass into XPASS.
#ifndef WIRECHECK_CONFORMANCE_RUNNER_H_
#define WIRECHECK_CONFORMANCE_RUNNER_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "conformance/case.h"
#include "conformance/expectations.h"
#include "conformance/selection.h"
#include "conformance/spec.h"
#include "conformance/wire_log.h"
#include "protocols/transport/address.h"
#include "protocols/transport/endpoint.h"
#include "protocols/transport/network.h"

namespace wirecheck::conformance {

enum class Verdict {
  kPass,
  kFail,         // a MUST violated
  kWarn,         // a SHOULD violated
  kInfo,         // a MAY violated, or behaviour the spec leaves open
  kUnsupported,  // the target does not offer the transport or feature
  kError,        // the harness failed: not the target's fault
  kXfail,        // a known failure (expectations file) failed as expected
  kXpass,        // a known failure passed: fails the run
};

// "PASS", "FAIL", "WARN", "INFO", "UNSUPPORTED", "ERROR", "XFAIL", "XPASS".
absl::string_view VerdictName(Verdict verdict);

// The verdict `finding` gives a case of `level`, before expectations.
Verdict VerdictOf(const Finding& finding, Level level);

// What a suite runs against.
struct Target {
  // How reports and expectations files name it: what the user typed,
  // normalised ("time.example:37", "tcp://10.0.0.5:37"), or "reference".
  std::string name;
  // Where each transport is checked. Cases on other transports are not run.
  std::map<Transport, SocketAddress> addresses;
};

struct CaseResult;

struct RunOptions {
  Selection selection;
  // Option values over the suite's defaults (keys the suite lacks are
  // ignored; MergeOptions rejects them).
  std::map<std::string, std::string> options;
  // A case's timeout: this, or the case's own timeout when that is longer.
  absl::Duration timeout = absl::Seconds(2);
  // The liveness probe's timeout; zero means `timeout`.
  absl::Duration probe_timeout = absl::ZeroDuration();
  // How long past its deadline a check may take to return before it is an
  // ERROR (for the cleanup a check does after its last wait).
  absl::Duration overrun_grace = absl::Milliseconds(500);
  // 1: cases run one by one on the calling thread (the fakes need this).
  // More: that many worker threads, which needs a thread-safe Network on
  // the real clock.
  int parallelism = 1;
  // The run's seed: each case's random generator is seeded from it and the
  // case ID (CaseSeed), so one case rerun alone repeats its choices.
  uint64_t seed = 0;
  // Known failures; may be null. Must outlive the run.
  const Expectations* expectations = nullptr;
  // The command that reran this run, e.g. "wirecheck check time
  // tcp://host:37"; a failing case's rerun line adds --case and --seed.
  std::string rerun_command;
  WireLogLimits wire_log_limits;
  // Keep every case's wire log, a passing case's too (reports show the logs
  // they are given; `wirecheck check --corpus_out` wants all of them).
  bool keep_all_wire_logs = false;
  // Called on the calling thread as each case finishes, in finishing order.
  std::function<void(const CaseResult& result)> on_case_done;
};

struct CaseResult {
  std::string id;
  std::vector<std::string> requirements;
  Level level = Level::kMust;
  Transport transport = Transport::kTcp;
  std::string description;
  Verdict verdict = Verdict::kError;
  // From the finding (or the runner, for ERROR and UNSUPPORTED verdicts it
  // decides itself).
  std::string expected;
  std::string observed;
  // Set when an expectations entry covers this case: its message and where
  // it is ("known.txt:12"). A FAIL or WARN with this set failed differently
  // from what the entry expects.
  std::string expectation;
  std::string expectation_where;
  absl::Duration elapsed;
  absl::Duration timeout;
  // The case's own seed, derived from the run's (CaseSeed).
  uint64_t seed = 0;
  // A shell command that reruns just this case with the same seed; set
  // unless the verdict is PASS or XFAIL.
  std::string rerun;
  // Empty for cases that did not run, and for PASS unless
  // RunOptions::keep_all_wire_logs.
  WireLogSnapshot wire_log;
};

// One liveness probe of one transport.
struct Liveness {
  Transport transport = Transport::kTcp;
  bool answered = false;
  // The probe's finding: what it saw, or why it failed.
  std::string observed;
  WireLogSnapshot wire_log;
};

struct SuiteRun {
  std::string suite;
  std::string description;
  std::string spec_path;
  // The spec's requirements, in order, when it is embedded and parses;
  // otherwise empty and `spec_error` says why.
  std::vector<Requirement> requirements;
  std::string spec_error;
  Target target;
  uint64_t seed = 0;
  // Cases the selection (or the target's transports) left out.
  size_t deselected = 0;
  // Cases selected to run.
  size_t selected = 0;
  std::vector<Liveness> before;
  std::vector<Liveness> after;
  // No transport the selected cases use answered the probe: no case ran.
  bool unreachable = false;
  // A transport answered the probe before the cases and not after.
  bool target_died = false;
  // The selected cases, in the suite's order (empty when unreachable).
  std::vector<CaseResult> cases;
  absl::Duration elapsed;
};

// Runs `suite` against `target` on `network` (whose clock times everything).
SuiteRun RunSuite(const Suite& suite, const Target& target, Network& network,
                  const RunOptions& options);

struct Summary {
  size_t cases = 0;
  size_t passed = 0;
  size_t failed = 0;
  size_t warnings = 0;
  size_t info = 0;
  size_t unsupported = 0;
  size_t errors = 0;
  size_t xfail = 0;
  size_t xpass = 0;
  size_t deselected = 0;
  size_t unreachable_suites = 0;
  size_t died_suites = 0;
};

Summary Summarize(const std::vector<SuiteRun>& runs);

// What a whole run (one or more suites) comes to, in order of precedence.
enum class Outcome {
  kFailed,           // a FAIL or XPASS, or a target died during its run
  kHarnessError,     // an ERROR (and nothing failed)
  kUnreachable,      // a target answered no liveness probe
  kNothingSelected,  // no case was selected in any suite
  kPassed,           // every MUST held
};

Outcome OutcomeOf(const std::vector<SuiteRun>& runs);

// A case's seed: a mix of the run's seed and the case ID, so it does not
// depend on which other cases run.
uint64_t CaseSeed(uint64_t run_seed, absl::string_view case_id);

// The suite's default options with `overrides` applied. Errors:
// INVALID_ARGUMENT naming an override the suite does not have, and listing
// the ones it has.
absl::StatusOr<std::map<std::string, std::string>> MergeOptions(
    const Suite& suite, const std::map<std::string, std::string>& overrides);

// `word` quoted for a POSIX shell when it needs quoting.
std::string ShellQuote(absl::string_view word);

}  // namespace wirecheck::conformance

#endif  // WIRECHECK_CONFORMANCE_RUNNER_H_

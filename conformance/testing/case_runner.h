// Running one case or probe of a suite directly, without the runner: what a
// suite's tests use to assert each case's exact finding against the
// reference server and against deliberately broken ones, on any harness.
//
//   EXPECT_THAT(RunCase(suite, "time/tcp-four-bytes", harness, target,
//                       harness.short_timeout() * 5),
//               FindingIs(Finding::Kind::kViolation, HasSubstr("3 bytes")));
#ifndef WIRECHECK_CONFORMANCE_TESTING_CASE_RUNNER_H_
#define WIRECHECK_CONFORMANCE_TESTING_CASE_RUNNER_H_

#include <cstdint>
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "conformance/case.h"
#include "fakes/harness.h"
#include "gmock/gmock.h"

namespace wirecheck::conformance::testing {

struct RunSettings {
  // The case's deadline is this long from now, or the case's own timeout
  // when that is longer (as the runner does).
  absl::Duration timeout = absl::Seconds(5);
  uint64_t seed = 1;
  // Over the suite's default options.
  std::map<std::string, std::string> options;
  // Receives the notes the check adds (may be null).
  std::vector<std::string>* notes = nullptr;
};

// The case named `id` in `suite`; adds a test failure and returns an empty
// case (whose check is null) when there is none.
const Case& FindCase(const Suite& suite, absl::string_view id);

// Runs `suite`'s case `id` once against `target` from `harness`'s client
// network and returns its finding (an ERROR finding if the case is missing).
Finding RunCase(const Suite& suite, absl::string_view id,
                wirecheck::testing::Harness& harness,
                const SocketAddress& target, const RunSettings& settings = {});
// The same with just a timeout.
Finding RunCase(const Suite& suite, absl::string_view id,
                wirecheck::testing::Harness& harness,
                const SocketAddress& target, absl::Duration timeout);

// Runs `suite`'s probe over `transport` against `target`.
Finding RunProbe(const Suite& suite, Transport transport,
                 wirecheck::testing::Harness& harness,
                 const SocketAddress& target, const RunSettings& settings);
Finding RunProbe(const Suite& suite, Transport transport,
                 wirecheck::testing::Harness& harness,
                 const SocketAddress& target, absl::Duration timeout);

// "PASS", "VIOLATION", "INFO", "UNSUPPORTED" or "ERROR".
absl::string_view KindName(Finding::Kind kind);

}  // namespace wirecheck::conformance::testing

namespace wirecheck::conformance {
// Findings print as their kind and texts in test failures.
void PrintTo(const Finding& finding, std::ostream* os);
}  // namespace wirecheck::conformance

namespace wirecheck::conformance::testing {

// Matches a Finding of `kind` whose observed text matches `observed` (a
// string or a string matcher).
MATCHER_P2(FindingIs, kind, observed,
           absl::StrCat("is a ", KindName(kind), " finding whose observed text ",
                        ::testing::DescribeMatcher<std::string>(observed))) {
  return arg.kind == kind &&
         ::testing::ExplainMatchResult(observed, arg.observed, result_listener);
}

}  // namespace wirecheck::conformance::testing

#endif  // WIRECHECK_CONFORMANCE_TESTING_CASE_RUNNER_H_

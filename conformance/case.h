// Conformance cases and suites: what a protocol contributes to the runner.
//
// A case is data plus a function: an ID, the SPEC.md requirement IDs it
// checks, their level, a one-line description, the transport it uses, and a
// check written against the transport interfaces, so the same case runs over
// real sockets against a third-party target and over the fakes in unit
// tests. A suite groups one protocol's cases with its spec, its liveness
// probe and a way to start its reference server.
//
// Conventions:
//   - Requirement IDs are SPEC.md's ("TIME-3", "FRAME-U32-2").
//   - Case IDs are "<suite>/<short-name>" in lower case ("time/tcp-four-bytes").
//   - A check waits on nothing past context.deadline and reads at most what
//     it needs (bounded in bytes): targets are not trusted.
//   - Statistical checks (loss, timing) say their trials and threshold in
//     the description and in the finding.
//
// Helpers for bounded reads and for describing what a target did are in
// check_util.h; the runner (runner.h) turns findings into verdicts. The
// suite's SPEC.md is compiled in with wirecheck_spec() (spec.bzl) so the
// traceability test and `wirecheck check --list` can read it.
#ifndef WIRECHECK_CONFORMANCE_CASE_H_
#define WIRECHECK_CONFORMANCE_CASE_H_

#include <cstdint>
#include <functional>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "protocols/transport/address.h"
#include "protocols/transport/clock.h"
#include "protocols/transport/endpoint.h"
#include "protocols/transport/network.h"
#include "protocols/transport/server.h"

namespace wirecheck::conformance {

// How strongly the spec asks for a behaviour (RFC 2119).
enum class Level { kMust, kShould, kMay };

// "MUST", "SHOULD" or "MAY".
absl::string_view LevelName(Level level);

// What one run of a check found. Build it with the functions below.
struct Finding {
  enum class Kind {
    kPass,         // the target did what the requirement asks
    kViolation,    // it did not: FAIL for a MUST case, WARN for a SHOULD
                   // case, INFO for a MAY case
    kInfo,         // behaviour the spec leaves open, reported as observed
    kUnsupported,  // the target does not offer this transport or feature
    kError,        // the harness itself failed; not the target's fault
  };
  Kind kind = Kind::kError;
  // What the spec requires, for a violation ("exactly 4 bytes, then EOF").
  std::string expected;
  // What the target did ("8 bytes: 00 00 e9 ... then EOF").
  std::string observed;
};

Finding Pass(std::string observed = "");
Finding Violation(std::string expected, std::string observed);
Finding Info(std::string observed);
Finding Unsupported(std::string why);
Finding HarnessError(const absl::Status& status);

// Receives free-form notes a check adds to its wire log; the runner records
// the bytes themselves.
class NoteSink {
 public:
  virtual ~NoteSink() = default;
  virtual void Note(absl::string_view line) = 0;
};

// Everything a check runs with. Owned by the runner; valid during check().
struct CaseContext {
  // Sockets made here are recorded in the case's wire log.
  Network& network;
  Clock& clock;
  // The target's address for this case's transport.
  SocketAddress target;
  // When the case's timeout expires. Every wait ends by then.
  absl::Time deadline;
  // The run's seed; a rerun with the same seed repeats every random choice.
  uint64_t seed;
  // Seeded from `seed`, different for each case.
  std::mt19937_64& random;
  // Protocol settings: the suite's defaults, overridden by the user's
  // --option key=value.
  const std::map<std::string, std::string>& options;
  NoteSink& notes;
};

struct Case {
  // "<suite>/<short-name>".
  std::string id;
  // The SPEC.md requirement IDs this case checks.
  std::vector<std::string> requirements;
  // The strongest level among `requirements`.
  Level level = Level::kMust;
  Transport transport = Transport::kTcp;
  // One line: what the target must do.
  std::string description;
  // Zero: the run's default case timeout (`--timeout`, 2 s). Otherwise the
  // longer of this and the run's default: a case that needs more time says
  // so here, and a user on a slow network can still raise every timeout.
  absl::Duration timeout = absl::ZeroDuration();
  // Runs alone, never alongside other cases (load, statistics, timing).
  bool exclusive = false;
  std::function<Finding(CaseContext&)> check;
};

// A case from its parts, in the order of Case's fields (with the default
// timeout).
Case MakeCase(std::string id, std::vector<std::string> requirements,
              Level level, Transport transport, std::string description,
              std::function<Finding(CaseContext&)> check,
              bool exclusive = false);

// One protocol's (or one protocol variant's) cases.
struct Suite {
  // What users type: "time", "framing:line", "ping", "discovery".
  std::string name;
  // One line.
  std::string description;
  // The spec, relative to the workspace: "protocols/time/SPEC.md".
  std::string spec_path;
  // Used when a target gives no port.
  uint16_t default_port = 0;
  // The transports the protocol has, in the order they are checked.
  std::vector<Transport> transports;
  // Settings and their defaults, e.g. {"skew", "5s"}.
  std::map<std::string, std::string> default_options;
  // A minimal exchange on context.target over `transport` showing that the
  // target offers the protocol there: kPass if it answered (for TCP, an
  // accepted connection, even one reset at once, is an answer: the cases
  // judge the rest). Null: TCP is probed by connecting, UDP not at all.
  // Runs before the suite (a transport that does not answer makes its cases
  // UNSUPPORTED; none answering means the target is unreachable) and after
  // it (a target that died mid-run is reported).
  std::function<Finding(CaseContext& context, Transport transport)> probe;
  std::vector<Case> cases;
  // Starts the reference server on `server`, bound to `bind` (a loopback
  // address with port 0), and returns where it listens per transport. Used
  // by `wirecheck check --all` and by tests.
  std::function<absl::StatusOr<std::map<Transport, SocketAddress>>(
      Server& server, const SocketAddress& bind)>
      start_reference;
};

// Adds a suite to the registry. Returns true, to initialise a constant at
// namespace scope in an alwayslink library:
//   const bool registered = RegisterSuite(TimeSuite());
bool RegisterSuite(Suite suite);

// Every registered suite, sorted by name.
std::vector<const Suite*> RegisteredSuites();

}  // namespace wirecheck::conformance

#endif  // WIRECHECK_CONFORMANCE_CASE_H_

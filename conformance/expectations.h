// Expectations files: the known failures of particular targets, so a CI run
// against a server with known bugs stays green until one is fixed (reported
// as an unexpected pass, which fails the run) or a new one appears.
//
// The format, line by line ('#' starts a comment line; blank lines are
// ignored; leading and trailing spaces do not matter):
//
//   # Our legacy time server: both bugs are tracked in TICKET-12.
//   target time tcp://legacy.example:37
//   time/tcp-close     still open at the case timeout
//   time/udp-*         "no answer"
//
//   target * reference
//   greeting/udp-empty  no answer
//
// `target SUITE TARGET` starts a section. SUITE is a suite name and TARGET
// the target as `wirecheck check` prints it in its header ("time.example:37",
// "tcp://10.0.0.5:37"; "reference" for `--all`); both may use the `*` and `?`
// wildcards. Each following line until the next `target` is an entry: a case
// ID (wildcards allowed) and, after spaces, the expected message: text that
// must occur in what the case observed (its finding's "observed"), so a
// case that starts failing differently is reported as a new failure. The
// message may be put in double quotes to keep leading or trailing spaces;
// it may not be empty.
//
// A case matched by an entry that fails (or warns) with the message is XFAIL;
// one that passes is XPASS and fails the run; one that fails with another
// message is FAIL.
#ifndef WIRECHECK_CONFORMANCE_EXPECTATIONS_H_
#define WIRECHECK_CONFORMANCE_EXPECTATIONS_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "conformance/case.h"

namespace wirecheck::conformance {

// One known failure.
struct Expectation {
  // From the section's `target` line; glob patterns.
  std::string suite;
  std::string target;
  // The case ID, a glob pattern.
  std::string case_pattern;
  // Text the case's observed finding must contain.
  std::string message;
  // Where the entry is, for messages: "known.txt:12".
  std::string where;
};

class Expectations {
 public:
  // None.
  Expectations() = default;

  // Parses the text of an expectations file; `filename` names it in errors.
  // Errors: INVALID_ARGUMENT "<filename>:<line>: ..." for an entry before any
  // `target` line, a `target` line without exactly two words, an entry
  // without a message, an unterminated quote, or the same case listed twice
  // in one section.
  static absl::StatusOr<Expectations> Parse(absl::string_view text,
                                            absl::string_view filename);

  // Reads and parses the file at `path`. Errors: NOT_FOUND or
  // PERMISSION_DENIED naming the path, and those of Parse.
  static absl::StatusOr<Expectations> Load(const std::string& path);

  // Checks every section's suite pattern against `suites` and every entry's
  // case pattern against the cases of the suites its section matches.
  // Errors: INVALID_ARGUMENT listing, one per line with its location, each
  // section that matches no suite and each entry that matches no case.
  absl::Status Validate(const std::vector<const Suite*>& suites) const;

  // The first entry for `case_id` of `suite` run against `target`, or null.
  const Expectation* Find(absl::string_view suite, absl::string_view target,
                          absl::string_view case_id) const;

  const std::vector<Expectation>& entries() const { return entries_; }

 private:
  struct Section {
    std::string suite;
    std::string target;
    std::string where;
  };
  std::vector<Section> sections_;
  std::vector<Expectation> entries_;
};

}  // namespace wirecheck::conformance

#endif  // WIRECHECK_CONFORMANCE_EXPECTATIONS_H_

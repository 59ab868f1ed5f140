// Traceability between a suite's cases and its spec's requirements: the
// matrix `wirecheck check --list` prints, and the problems the traceability
// test fails on.
#ifndef WIRECHECK_CONFORMANCE_MATRIX_H_
#define WIRECHECK_CONFORMANCE_MATRIX_H_

#include <string>
#include <vector>

#include "conformance/case.h"
#include "conformance/spec.h"

namespace wirecheck::conformance {

struct MatrixRow {
  std::string requirement;
  // From the spec; for a requirement the spec lacks, the strongest level of
  // the cases naming it.
  Level level = Level::kMust;
  std::string text;
  // False for an ID that cases name but the spec does not have.
  bool in_spec = true;
  // The cases that check it, in suite order. Empty: no case.
  std::vector<const Case*> cases;
};

// One row per requirement of `spec`, in the spec's order (including those
// without a case), then one per requirement ID that cases name and the spec
// lacks. Pointers are into `suite`.
std::vector<MatrixRow> TraceabilityMatrix(const Suite& suite, const Spec& spec);

// The MUST and SHOULD requirements of `spec` that no case of `suites` names,
// client requirements aside. Several suites may share a spec (one per
// protocol variant, or time and daytime); coverage is over all of them.
std::vector<const Requirement*> UncoveredRequirements(
    const Spec& spec, const std::vector<const Suite*>& suites);

// Everything wrong with `suite`'s cases against `spec`, one sentence each
// naming the suite and the case; empty when all is well:
//   - a case naming a requirement the spec does not have;
//   - a case whose level is not the strongest level of its requirements;
//   - a case with no requirement, no check, an empty or duplicate ID, or a
//     transport the suite does not list.
std::vector<std::string> CaseProblems(const Suite& suite, const Spec& spec);

// For a suite that has its spec to itself: its uncovered requirements (as
// sentences) and CaseProblems.
std::vector<std::string> TraceabilityProblems(const Suite& suite,
                                              const Spec& spec);

// MUST > SHOULD > MAY.
bool IsStronger(Level a, Level b);

}  // namespace wirecheck::conformance

#endif  // WIRECHECK_CONFORMANCE_MATRIX_H_

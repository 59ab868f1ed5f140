#include "conformance/report_text.h"

#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "conformance/safe_text.h"

namespace wirecheck::conformance {
namespace {

constexpr size_t kLineWidth = 100;

absl::string_view Colour(Verdict verdict) {
  switch (verdict) {
    case Verdict::kPass:
      return "\033[32m";  // green
    case Verdict::kFail:
    case Verdict::kXpass:
      return "\033[1;31m";  // bold red
    case Verdict::kWarn:
      return "\033[33m";  // yellow
    case Verdict::kInfo:
      return "\033[36m";  // cyan
    case Verdict::kUnsupported:
    case Verdict::kXfail:
      return "\033[2m";  // dim
    case Verdict::kError:
      break;
  }
  return "\033[1;35m";  // bold magenta
}

std::string Painted(Verdict verdict, absl::string_view text,
                    const TextReportOptions& options) {
  if (!options.color) return std::string(text);
  return absl::StrCat(Colour(verdict), text, "\033[0m");
}

// `text` on one line, safe to print, cut to `width` characters.
std::string OneLine(absl::string_view text, size_t width) {
  std::string line = absl::StrJoin(absl::StrSplit(SafeText(text), '\n'), " ");
  if (line.size() > width) line = absl::StrCat(line.substr(0, width - 3), "...");
  return line;
}

std::string Transports(const Target& target) {
  std::vector<std::string> parts;
  for (const auto& [transport, address] : target.addresses) {
    parts.push_back(absl::StrCat(TransportName(transport), " ", address.ToString()));
  }
  return absl::StrJoin(parts, ", ");
}

// "0.3ms", "250ms", "1.50s": short, with enough precision to compare with
// a timeout.
std::string Short(absl::Duration duration) {
  if (duration < absl::Milliseconds(10)) {
    return absl::StrFormat("%.1fms", absl::ToDoubleMilliseconds(duration));
  }
  if (duration < absl::Seconds(1)) {
    return absl::StrFormat("%.0fms", absl::ToDoubleMilliseconds(duration));
  }
  return absl::StrFormat("%.2fs", absl::ToDoubleSeconds(duration));
}

bool Detailed(Verdict verdict) {
  return verdict == Verdict::kFail || verdict == Verdict::kWarn ||
         verdict == Verdict::kError || verdict == Verdict::kXpass;
}

void WriteIndented(absl::string_view label, absl::string_view raw,
                   std::ostream& out) {
  const std::string text = SafeText(raw);
  out << "  " << label << ":";
  const std::vector<absl::string_view> lines = absl::StrSplit(text, '\n');
  if (lines.size() == 1) {
    out << " " << text << "\n";
    return;
  }
  out << "\n";
  for (absl::string_view line : lines) out << "    " << line << "\n";
}

void WriteCaseLine(const CaseResult& result, const std::string& primary,
                   const TextReportOptions& options, std::ostream& out) {
  const std::string verdict(VerdictName(result.verdict));
  out << "  " << Painted(result.verdict, absl::StrFormat("%-11s", verdict), options)
      << "  " << result.id;
  std::vector<std::string> also;
  for (const std::string& requirement : result.requirements) {
    if (requirement != primary) also.push_back(requirement);
  }
  if (!also.empty()) out << " (also " << absl::StrJoin(also, ", ") << ")";
  const size_t used = 15 + result.id.size();
  const size_t room = kLineWidth > used + 20 ? kLineWidth - used - 2 : 20;
  switch (result.verdict) {
    case Verdict::kInfo:
    case Verdict::kUnsupported:
    case Verdict::kXfail:
      if (!result.observed.empty()) out << "  " << OneLine(result.observed, room);
      break;
    default:
      out << "  " << OneLine(result.description, room);
      break;
  }
  out << "\n";
}

void WriteDetails(const CaseResult& result, const TextReportOptions& options,
                  std::ostream& out) {
  out << "\n"
      << Painted(result.verdict, VerdictName(result.verdict), options) << " "
      << result.id << " (" << absl::StrJoin(result.requirements, ", ") << ", "
      << LevelName(result.level) << ", " << TransportName(result.transport)
      << ") after " << Short(result.elapsed) << " of "
      << absl::FormatDuration(result.timeout) << "\n";
  out << "  " << result.description << "\n";
  if (!result.expected.empty()) WriteIndented("expected", result.expected, out);
  if (!result.observed.empty()) WriteIndented("observed", result.observed, out);
  if (!result.expectation.empty() && result.verdict != Verdict::kXpass) {
    out << "  known failure (" << result.expectation_where
        << ") expects the observed text to contain \""
        << SafeText(result.expectation) << "\": this is a different failure\n";
  }
  if (!result.wire_log.events.empty() || result.wire_log.truncated()) {
    out << "  wire log (case seed " << result.seed << "):\n"
        << RenderWireLog(result.wire_log, "    ");
  }
  if (!result.rerun.empty()) out << "  rerun: " << result.rerun << "\n";
}

void WriteLiveness(const std::vector<Liveness>& probes, absl::string_view when,
                   std::ostream& out) {
  for (const Liveness& liveness : probes) {
    if (liveness.answered) continue;
    out << "  " << TransportName(liveness.transport)
        << " did not answer the liveness probe " << when << ": "
        << OneLine(liveness.observed, kLineWidth) << "\n";
    if (!liveness.wire_log.events.empty()) {
      out << RenderWireLog(liveness.wire_log, "    ");
    }
  }
}

}  // namespace

std::string SummaryLine(const Summary& summary) {
  std::string line = absl::StrCat(
      summary.cases, summary.cases == 1 ? " case: " : " cases: ",
      summary.passed, " passed, ", summary.failed, " failed, ",
      summary.warnings, summary.warnings == 1 ? " warning, " : " warnings, ",
      summary.unsupported, " unsupported");
  const auto add = [&](size_t count, absl::string_view what) {
    if (count > 0) absl::StrAppend(&line, ", ", count, " ", what);
  };
  add(summary.info, "info");
  add(summary.errors, summary.errors == 1 ? "error" : "errors");
  add(summary.xfail, summary.xfail == 1 ? "expected failure" : "expected failures");
  add(summary.xpass, summary.xpass == 1 ? "unexpected pass" : "unexpected passes");
  add(summary.deselected, "not selected");
  return line;
}

void WriteSuiteReport(const SuiteRun& run, const TextReportOptions& options,
                      std::ostream& out) {
  out << run.suite << ": checking " << run.target.name << " ("
      << Transports(run.target) << "), seed " << run.seed << "\n";
  if (!run.spec_error.empty()) {
    out << "  (spec: " << SafeText(run.spec_error) << ")\n";
  }
  if (run.selected == 0) {
    out << "  no case selected (" << run.deselected << " left out)\n";
    return;
  }
  WriteLiveness(run.before, "before the cases", out);
  if (run.unreachable) {
    out << "  " << Painted(Verdict::kFail, "TARGET UNREACHABLE", options)
        << ": no transport the selected cases use answered the liveness "
           "probe; no case ran\n";
    return;
  }

  // Group by each case's first requirement, in the spec's order.
  std::map<std::string, std::vector<const CaseResult*>> by_requirement;
  for (const CaseResult& result : run.cases) {
    const std::string key =
        result.requirements.empty() ? "(none)" : result.requirements.front();
    by_requirement[key].push_back(&result);
  }
  std::vector<std::string> order;
  std::set<std::string> listed;
  for (const Requirement& requirement : run.requirements) {
    if (by_requirement.count(requirement.id) > 0) {
      order.push_back(requirement.id);
      listed.insert(requirement.id);
    }
  }
  for (const auto& [id, results] : by_requirement) {
    if (listed.count(id) == 0) order.push_back(id);
  }
  for (const std::string& id : order) {
    const Requirement* requirement = nullptr;
    for (const Requirement& r : run.requirements) {
      if (r.id == id) requirement = &r;
    }
    if (requirement != nullptr) {
      out << id << " " << absl::StrFormat("%-6s", LevelName(requirement->level))
          << " " << OneLine(requirement->text, kLineWidth - id.size() - 8)
          << "\n";
    } else {
      out << id << " (not in the spec)\n";
    }
    for (const CaseResult* result : by_requirement[id]) {
      WriteCaseLine(*result, id, options, out);
    }
  }

  if (run.target_died) {
    out << Painted(Verdict::kFail, "TARGET STOPPED ANSWERING", options)
        << ": it answered the liveness probe before the cases and not after "
           "them; cases that ran after it died may have failed because of "
           "that\n";
    WriteLiveness(run.after, "after the cases", out);
  }
  out << run.suite << ": " << SummaryLine(Summarize({run})) << " in "
      << Short(run.elapsed) << "\n";
  for (const CaseResult& result : run.cases) {
    if (Detailed(result.verdict)) WriteDetails(result, options, out);
  }
}

void WriteSummary(const std::vector<SuiteRun>& runs,
                  const TextReportOptions& options, std::ostream& out) {
  const Summary summary = Summarize(runs);
  out << "\n" << SummaryLine(summary) << "\n";
  switch (OutcomeOf(runs)) {
    case Outcome::kPassed:
      out << Painted(Verdict::kPass, "PASSED", options)
          << ": every selected MUST held\n";
      break;
    case Outcome::kFailed: {
      std::vector<std::string> why;
      if (summary.failed > 0) why.push_back("a MUST was violated");
      if (summary.xpass > 0) why.push_back("a known failure passed");
      if (summary.died_suites > 0) why.push_back("a target stopped answering");
      out << Painted(Verdict::kFail, "FAILED", options) << ": "
          << absl::StrJoin(why, "; ") << "\n";
      break;
    }
    case Outcome::kHarnessError:
      out << Painted(Verdict::kError, "HARNESS ERROR", options)
          << ": the runner could not judge every case (see ERROR)\n";
      break;
    case Outcome::kUnreachable:
      out << Painted(Verdict::kFail, "UNREACHABLE", options)
          << ": the target answered no liveness probe\n";
      break;
    case Outcome::kNothingSelected:
      out << "NOTHING SELECTED: no case matched the selection\n";
      break;
  }
}

}  // namespace wirecheck::conformance

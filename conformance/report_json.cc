#include "conformance/report_json.h"

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace wirecheck::conformance {
namespace {

using nlohmann::json;

std::string Str(absl::string_view text) { return std::string(text); }

double Milliseconds(absl::Duration duration) {
  return absl::ToDoubleMilliseconds(duration);
}

json SummaryJson(const Summary& summary) {
  return {{"cases", summary.cases},         {"passed", summary.passed},
          {"failed", summary.failed},       {"warnings", summary.warnings},
          {"info", summary.info},           {"unsupported", summary.unsupported},
          {"errors", summary.errors},       {"xfail", summary.xfail},
          {"xpass", summary.xpass},         {"deselected", summary.deselected}};
}

json WireLogJson(const WireLogSnapshot& log) {
  json events = json::array();
  for (const WireEvent& event : log.events) {
    json entry = {{"t_ms", Milliseconds(event.at)},
                  {"socket", event.socket},
                  {"event", Str(WireEventKindName(event.kind))},
                  {"detail", event.detail}};
    if (event.kind == WireEventKind::kSend ||
        event.kind == WireEventKind::kReceive) {
      entry["size"] = event.size;
      entry["bytes_hex"] = absl::BytesToHexString(event.bytes);
    }
    events.push_back(std::move(entry));
  }
  return {{"events", std::move(events)},
          {"truncated", log.truncated()},
          {"dropped_events", log.dropped_events},
          {"dropped_bytes", log.dropped_bytes},
          {"max_bytes", log.max_bytes}};
}

json ProbesJson(const std::vector<Liveness>& probes) {
  json list = json::array();
  for (const Liveness& liveness : probes) {
    json entry = {{"transport", Str(TransportName(liveness.transport))},
                  {"answered", liveness.answered},
                  {"observed", liveness.observed}};
    if (!liveness.answered) entry["wire_log"] = WireLogJson(liveness.wire_log);
    list.push_back(std::move(entry));
  }
  return list;
}

json CaseJson(const CaseResult& result) {
  json entry = {{"id", result.id},
                {"requirements", result.requirements},
                {"level", Str(LevelName(result.level))},
                {"transport", Str(TransportName(result.transport))},
                {"description", result.description},
                {"verdict", Str(VerdictName(result.verdict))},
                {"expected", result.expected},
                {"observed", result.observed},
                {"duration_ms", Milliseconds(result.elapsed)},
                {"timeout_ms", Milliseconds(result.timeout)},
                {"seed", absl::StrCat(result.seed)}};
  if (!result.rerun.empty()) entry["rerun"] = result.rerun;
  if (!result.expectation.empty()) {
    entry["expectation"] = {{"message", result.expectation},
                            {"where", result.expectation_where}};
  }
  if (!result.wire_log.events.empty() || result.wire_log.truncated()) {
    entry["wire_log"] = WireLogJson(result.wire_log);
  }
  return entry;
}

json SuiteJson(const SuiteRun& run) {
  json addresses = json::object();
  for (const auto& [transport, address] : run.target.addresses) {
    addresses[Str(TransportName(transport))] = address.ToString();
  }
  json requirements = json::array();
  for (const Requirement& requirement : run.requirements) {
    json cases = json::array();
    for (const CaseResult& result : run.cases) {
      for (const std::string& id : result.requirements) {
        if (id == requirement.id) cases.push_back(result.id);
      }
    }
    requirements.push_back({{"id", requirement.id},
                            {"level", Str(LevelName(requirement.level))},
                            {"text", requirement.text},
                            {"cases", std::move(cases)}});
  }
  json cases = json::array();
  for (const CaseResult& result : run.cases) cases.push_back(CaseJson(result));
  json suite = {
      {"name", run.suite},
      {"description", run.description},
      {"spec", run.spec_path},
      {"target", {{"name", run.target.name}, {"addresses", addresses}}},
      {"seed", absl::StrCat(run.seed)},
      {"duration_ms", Milliseconds(run.elapsed)},
      {"selected", run.selected},
      {"deselected", run.deselected},
      {"unreachable", run.unreachable},
      {"target_died", run.target_died},
      {"liveness",
       {{"before", ProbesJson(run.before)}, {"after", ProbesJson(run.after)}}},
      {"requirements", std::move(requirements)},
      {"summary", SummaryJson(Summarize({run}))},
      {"cases", std::move(cases)},
  };
  if (!run.spec_error.empty()) suite["spec_error"] = run.spec_error;
  return suite;
}

}  // namespace

std::string OutcomeName(Outcome outcome) {
  switch (outcome) {
    case Outcome::kPassed:
      return "passed";
    case Outcome::kFailed:
      return "failed";
    case Outcome::kHarnessError:
      return "harness_error";
    case Outcome::kUnreachable:
      return "unreachable";
    case Outcome::kNothingSelected:
      break;
  }
  return "nothing_selected";
}

nlohmann::json JsonReport(const std::vector<SuiteRun>& runs,
                          const RunInfo& info) {
  json suites = json::array();
  for (const SuiteRun& run : runs) suites.push_back(SuiteJson(run));
  return {{"schema", kJsonSchemaName},
          {"schema_version", kJsonSchemaVersion},
          {"command", info.command},
          {"exit_code", info.exit_code},
          {"outcome", OutcomeName(OutcomeOf(runs))},
          {"summary", SummaryJson(Summarize(runs))},
          {"suites", std::move(suites)}};
}

std::string JsonReportText(const std::vector<SuiteRun>& runs,
                           const RunInfo& info) {
  return JsonReport(runs, info).dump(2, ' ', false,
                                     json::error_handler_t::replace) +
         "\n";
}

}  // namespace wirecheck::conformance

// `wirecheck check`: runs conformance suites against a target, or against
// the reference servers with --all, and reports case by case.
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "conformance/case.h"
#include "conformance/corpus_out.h"
#include "conformance/expectations.h"
#include "conformance/matrix.h"
#include "conformance/report_json.h"
#include "conformance/report_junit.h"
#include "conformance/report_text.h"
#include "conformance/runner.h"
#include "conformance/selection.h"
#include "conformance/spec_registry.h"
#include "protocols/transport/endpoint.h"
#include "protocols/transport/posix_event_loop.h"
#include "protocols/transport/posix_network.h"
#include "protocols/transport/server.h"
#include "tools/cli/command.h"
#include "tools/cli/flag_types.h"

ABSL_FLAG(std::string, check_case, "",
          "Run only cases whose ID or requirement ID matches this pattern\n"
          "('*' and '?' wildcards, case-insensitive): time/tcp-*, TIME-3.");
ABSL_FLAG(std::string, check_skip, "",
          "Leave out cases whose ID or requirement ID matches this pattern.");
ABSL_FLAG(std::string, check_json, "",
          "Also write the report as JSON (schema wirecheck-check-report v1)\n"
          "to this file.");
ABSL_FLAG(std::string, check_junit, "",
          "Also write the report as JUnit XML to this file.");
ABSL_FLAG(std::string, check_expectations, "",
          "A file of known failures per target (format: README, \"Conformance\n"
          "runner\"): expected failures are XFAIL; known failures that pass\n"
          "are XPASS and fail the run.");
ABSL_FLAG(wirecheck::cli::Seconds, check_timeout,
          wirecheck::cli::Seconds{absl::Seconds(2)},
          "Each case's timeout (a case that needs longer says so itself), and\n"
          "the liveness probe's.");
ABSL_FLAG(std::string, check_seed, "",
          "The run's seed, a number (random when not given); every case's\n"
          "randomness derives from it and the case ID.");
ABSL_FLAG(std::string, check_option, "",
          "KEY=VALUE: a protocol setting over the suite's default (see\n"
          "--list for each suite's options).");
ABSL_FLAG(int, check_parallel, 4,
          "How many cases run at once (cases marked exclusive run alone).");
ABSL_FLAG(std::string, check_family, "prefer-ipv4",
          "Address families for the target, in order: prefer-ipv4,\n"
          "prefer-ipv6, any, ipv4 or ipv6. With --all, ipv6 and prefer-ipv6\n"
          "run the reference servers on ::1.");
ABSL_FLAG(bool, check_all, false,
          "Check every suite against its reference server, started in this\n"
          "process on ephemeral loopback ports.");
ABSL_FLAG(bool, check_list, false,
          "Do not run: print each suite's traceability matrix (requirements\n"
          "and the cases that check them, including requirements without a\n"
          "case), marking the cases the selection leaves out.");
ABSL_FLAG(std::string, check_corpus_out, "",
          "Also write the bytes each case received from the target, and sent\n"
          "to it, under this folder as fuzzing seeds:\n"
          "DIR/<suite>/<case>-received-<n> and -sent-<n> (framing:line writes\n"
          "to DIR/framing/line). See fuzz/regenerate_corpora.sh.");
ABSL_FLAG(std::string, check_color, "auto",
          "Colour verdicts: auto (when stdout is a terminal and NO_COLOR is\n"
          "unset), always or never.");

namespace wirecheck::cli {
namespace {

using conformance::Case;
using conformance::Expectations;
using conformance::Level;
using conformance::MatrixRow;
using conformance::Outcome;
using conformance::RunOptions;
using conformance::Selection;
using conformance::Suite;
using conformance::SuiteRun;
using conformance::Target;

constexpr char kNoSuites[] =
    "no conformance suites are registered in this binary (a protocol's suite "
    "library is linked through //conformance:all_suites); nothing to check";

int ExitCodeOf(Outcome outcome) {
  switch (outcome) {
    case Outcome::kPassed:
      return kExitSuccess;
    case Outcome::kFailed:
      return kExitCheckFailed;
    case Outcome::kHarnessError:
      return kExitUsage;
    case Outcome::kUnreachable:
      return kExitUnreachable;
    case Outcome::kNothingSelected:
      break;
  }
  return kExitNothingSelected;
}

// Everything the flags say, checked.
struct Settings {
  Selection selection;
  std::map<std::string, std::string> options;
  // The flags to repeat in a rerun command, in a stable order.
  std::vector<std::string> rerun_flags;
  FamilyPreference family = FamilyPreference::kPreferIPv4;
  absl::Duration timeout;
  uint64_t seed = 0;
  int parallelism = 1;
  bool color = false;
  std::optional<Expectations> expectations;
};

class CheckCommand {
 public:
  explicit CheckCommand(const Invocation& invocation)
      : invocation_(invocation),
        out_(*invocation.out),
        err_(*invocation.err) {}

  int Run() {
    if (std::optional<int> error = ParseSettings()) return *error;
    const std::vector<const Suite*> registered = conformance::RegisteredSuites();
    const std::vector<std::string>& args = invocation_.args;
    if (absl::GetFlag(FLAGS_check_list)) {
      if (args.size() > 1 || (absl::GetFlag(FLAGS_check_all) && !args.empty())) {
        return Usage("--list takes at most a suite name");
      }
      if (registered.empty()) return NothingToCheck();
      std::vector<const Suite*> suites = registered;
      if (!args.empty()) {
        const Suite* suite = FindSuite(registered, args[0]);
        if (suite == nullptr) return UnknownSuite(registered, args[0]);
        suites = {suite};
      }
      return List(suites);
    }
    if (absl::GetFlag(FLAGS_check_all)) {
      if (!args.empty()) return Usage("--all takes no suite or target");
      if (registered.empty()) return NothingToCheck();
      return CheckAll(registered);
    }
    if (args.size() != 2) {
      return Usage(args.empty() ? "expected SUITE TARGET, or --all, or --list"
                                : "expected SUITE TARGET");
    }
    const Suite* suite = FindSuite(registered, args[0]);
    if (suite == nullptr) return UnknownSuite(registered, args[0]);
    return CheckOne(*suite, args[1]);
  }

 private:
  // The error's exit code, or nothing when every flag is fine.
  std::optional<int> ParseSettings() {
    const auto all = [&](const std::string& flag) {
      const auto it = invocation_.repeated.find(flag);
      return it == invocation_.repeated.end() ? std::vector<std::string>()
                                              : it->second;
    };
    settings_.selection = Selection(all("case"), all("skip"));
    for (const std::string& pattern : all("case")) {
      settings_.rerun_flags.push_back(
          conformance::ShellQuote(absl::StrCat("--case=", pattern)));
    }
    for (const std::string& pattern : all("skip")) {
      settings_.rerun_flags.push_back(
          conformance::ShellQuote(absl::StrCat("--skip=", pattern)));
    }
    for (const std::string& option : all("option")) {
      const size_t equals = option.find('=');
      if (equals == std::string::npos || equals == 0) {
        return Usage(absl::StrCat("--option ", option, ": expected KEY=VALUE"));
      }
      settings_.options[option.substr(0, equals)] = option.substr(equals + 1);
      settings_.rerun_flags.push_back(
          conformance::ShellQuote(absl::StrCat("--option=", option)));
    }
    absl::StatusOr<FamilyPreference> family =
        ParseFamilyPreference(absl::GetFlag(FLAGS_check_family));
    if (!family.ok()) return Usage(family.status().message());
    settings_.family = *family;
    if (invocation_.repeated.count("family") > 0) {
      settings_.rerun_flags.push_back(conformance::ShellQuote(
          absl::StrCat("--family=", absl::GetFlag(FLAGS_check_family))));
    }
    settings_.timeout = absl::GetFlag(FLAGS_check_timeout).value;
    if (settings_.timeout <= absl::ZeroDuration()) {
      return Usage("--timeout must be positive");
    }
    if (invocation_.repeated.count("timeout") > 0) {
      settings_.rerun_flags.push_back(
          absl::StrCat("--timeout=", absl::FormatDuration(settings_.timeout)));
    }
    settings_.parallelism = absl::GetFlag(FLAGS_check_parallel);
    if (settings_.parallelism < 1) return Usage("--parallel must be at least 1");
    if (const std::string seed = absl::GetFlag(FLAGS_check_seed); !seed.empty()) {
      if (!absl::SimpleAtoi(seed, &settings_.seed)) {
        return Usage(absl::StrCat("--seed ", seed, ": expected a number from 0 to ",
                                  std::numeric_limits<uint64_t>::max()));
      }
    } else {
      std::random_device random;
      settings_.seed = (static_cast<uint64_t>(random()) << 32) ^ random();
    }
    const std::string color = absl::GetFlag(FLAGS_check_color);
    if (color == "always") {
      settings_.color = true;
    } else if (color == "auto") {
      settings_.color = isatty(STDOUT_FILENO) && std::getenv("NO_COLOR") == nullptr &&
                        &out_ == &std::cout;
    } else if (color != "never") {
      return Usage("--color must be auto, always or never");
    }
    const std::string path = absl::GetFlag(FLAGS_check_expectations);
    if (!path.empty()) {
      absl::StatusOr<Expectations> expectations = Expectations::Load(path);
      if (!expectations.ok()) {
        err_ << "wirecheck check: " << expectations.status().message() << "\n";
        return kExitUsage;
      }
      settings_.expectations = *std::move(expectations);
      settings_.rerun_flags.push_back(
          conformance::ShellQuote(absl::StrCat("--expectations=", path)));
    }
    return std::nullopt;
  }

  int Usage(absl::string_view message) {
    err_ << "wirecheck check: " << message << " (see wirecheck check --help)\n";
    return kExitUsage;
  }

  int NothingToCheck() {
    err_ << "wirecheck check: " << kNoSuites << "\n";
    return kExitNothingSelected;
  }

  static const Suite* FindSuite(const std::vector<const Suite*>& suites,
                                absl::string_view name) {
    for (const Suite* suite : suites) {
      if (suite->name == name) return suite;
    }
    return nullptr;
  }

  int UnknownSuite(const std::vector<const Suite*>& suites,
                   absl::string_view name) {
    std::vector<std::string> names;
    for (const Suite* suite : suites) names.push_back(suite->name);
    err_ << "wirecheck check: no suite named \"" << name << "\" (suites: "
         << (names.empty() ? "none registered" : absl::StrJoin(names, ", "))
         << ")\n";
    return kExitUsage;
  }

  // Checks what applies to the suites about to run: option keys exist in
  // one of them, and the expectations file names suites and cases that
  // exist (in any registered suite: one file may cover several); warns of
  // include patterns that match nothing.
  std::optional<int> Validate(const std::vector<const Suite*>& suites) {
    if (settings_.expectations.has_value()) {
      if (absl::Status valid = settings_.expectations->Validate(
              conformance::RegisteredSuites());
          !valid.ok()) {
        err_ << "wirecheck check: " << absl::GetFlag(FLAGS_check_expectations)
             << " does not match the suites:\n"
             << valid.message() << "\n";
        return kExitUsage;
      }
    }
    for (const auto& [key, value] : settings_.options) {
      absl::Status last = absl::OkStatus();
      bool known = false;
      for (const Suite* suite : suites) {
        absl::StatusOr<std::map<std::string, std::string>> merged =
            conformance::MergeOptions(*suite, {{key, value}});
        if (merged.ok()) {
          known = true;
        } else {
          last = merged.status();
        }
      }
      if (!known) {
        err_ << "wirecheck check: --option " << key << "=" << value << ": "
             << last.message() << "\n";
        return kExitUsage;
      }
    }
    for (const std::string& pattern :
         settings_.selection.UnmatchedIncludes(suites)) {
      err_ << "wirecheck check: warning: --case=" << pattern
           << " matches no case\n";
    }
    return std::nullopt;
  }

  // `base` ("wirecheck check time host:37") with the flags that shape the
  // run, in a fixed order: a command that repeats it, less the seed.
  std::string CommandLine(const std::string& base) const {
    std::vector<std::string> words = {base};
    words.insert(words.end(), settings_.rerun_flags.begin(),
                 settings_.rerun_flags.end());
    return absl::StrJoin(words, " ");
  }

  RunOptions OptionsFor(const std::string& command) {
    RunOptions options;
    options.selection = settings_.selection;
    options.options = settings_.options;
    options.timeout = settings_.timeout;
    options.parallelism = settings_.parallelism;
    options.seed = settings_.seed;
    if (settings_.expectations.has_value()) {
      options.expectations = &*settings_.expectations;
    }
    options.rerun_command = command;
    options.keep_all_wire_logs = !absl::GetFlag(FLAGS_check_corpus_out).empty();
    return options;
  }

  // Cases of `suite` the selection keeps over the given transports.
  size_t Selected(const Suite& suite, const Target& target) const {
    size_t selected = 0;
    for (const Case& c : suite.cases) {
      if (target.addresses.count(c.transport) > 0 &&
          settings_.selection.Selects(c)) {
        ++selected;
      }
    }
    return selected;
  }

  SuiteRun RunWithProgress(const Suite& suite, const Target& target,
                           RunOptions options) {
    const bool progress = isatty(STDERR_FILENO) && &err_ == &std::cerr;
    const size_t total = Selected(suite, target);
    size_t done = 0;
    const absl::Time start = RealClock().Now();
    bool shown = false;
    if (progress) {
      // A line on the terminal for long runs, rewritten as cases finish.
      options.on_case_done = [&](const conformance::CaseResult& result) {
        ++done;
        if (RealClock().Now() - start < absl::Seconds(1)) return;
        shown = true;
        err_ << "\r\033[K[" << done << "/" << total << "] " << suite.name
             << ": " << result.id << " " << conformance::VerdictName(result.verdict)
             << std::flush;
      };
    }
    SuiteRun run = conformance::RunSuite(suite, target, RealNetwork(), options);
    if (shown) err_ << "\r\033[K" << std::flush;
    if (options.keep_all_wire_logs) {
      WriteCorpus(run);
      // The reports show wire logs only for cases that did not pass.
      for (conformance::CaseResult& result : run.cases) {
        if (result.verdict == conformance::Verdict::kPass) result.wire_log = {};
      }
    }
    return run;
  }

  // --corpus_out: the run's bytes as fuzzing seeds. A failure to write is
  // reported and makes the run a harness error (Finish()).
  void WriteCorpus(const SuiteRun& run) {
    const std::string dir = absl::GetFlag(FLAGS_check_corpus_out);
    absl::StatusOr<size_t> written = conformance::WriteCorpus(run, dir);
    if (!written.ok()) {
      err_ << "wirecheck check: --corpus_out: " << written.status().message()
           << "\n";
      corpus_failed_ = true;
      return;
    }
    err_ << "wirecheck check: " << run.suite << ": wrote " << *written
         << " corpus files under " << dir << "\n";
  }

  int CheckOne(const Suite& suite, const std::string& text) {
    if (std::optional<int> error = Validate({&suite})) return *error;
    absl::StatusOr<Endpoint> endpoint = ParseEndpoint(
        text, suite.default_port == 0 ? std::nullopt
                                      : std::optional<uint16_t>(suite.default_port));
    if (!endpoint.ok()) return Usage(endpoint.status().message());
    Target target;
    target.name = endpoint->ToString();
    std::vector<Transport> transports = suite.transports;
    if (endpoint->transport.has_value()) {
      if (std::find(transports.begin(), transports.end(),
                    *endpoint->transport) == transports.end()) {
        return Usage(absl::StrCat("suite ", suite.name, " has no ",
                                  TransportName(*endpoint->transport)));
      }
      transports = {*endpoint->transport};
    }
    absl::StatusOr<std::vector<SocketAddress>> addresses =
        Resolve(endpoint->host, endpoint->port, settings_.family);
    if (!addresses.ok()) {
      err_ << "wirecheck check: " << addresses.status().message() << "\n";
      return kExitUnreachable;
    }
    for (Transport transport : transports) {
      target.addresses[transport] = addresses->front();
    }
    const std::string rerun = CommandLine(absl::StrCat(
        "wirecheck check ", conformance::ShellQuote(suite.name), " ",
        conformance::ShellQuote(text)));
    std::vector<SuiteRun> runs;
    runs.push_back(RunWithProgress(suite, target, OptionsFor(rerun)));
    conformance::WriteSuiteReport(runs.back(), {.color = settings_.color}, out_);
    return Finish(runs, rerun, false);
  }

  int CheckAll(const std::vector<const Suite*>& suites) {
    if (std::optional<int> error = Validate(suites)) return *error;
    const AddressFamily family =
        settings_.family == FamilyPreference::kIPv6Only ||
                settings_.family == FamilyPreference::kPreferIPv6
            ? AddressFamily::kIPv6
            : AddressFamily::kIPv4;
    const std::string rerun = CommandLine("wirecheck check --all");
    std::vector<SuiteRun> runs;
    bool harness_failed = false;
    for (const Suite* suite : suites) {
      Target all_transports;
      for (Transport transport : suite->transports) {
        all_transports.addresses[transport] = SocketAddress();
      }
      if (Selected(*suite, all_transports) == 0) continue;
      if (!suite->start_reference) {
        err_ << "wirecheck check: suite " << suite->name
             << " has no reference server\n";
        harness_failed = true;
        continue;
      }
      absl::StatusOr<std::unique_ptr<PosixEventLoop>> loop =
          PosixEventLoop::Create();
      if (!loop.ok()) {
        err_ << "wirecheck check: " << loop.status() << "\n";
        harness_failed = true;
        continue;
      }
      ServerOptions server_options;
      server_options.log = [](absl::string_view) {};
      auto server = std::make_unique<Server>(**loop, RealNetwork(), server_options);
      absl::StatusOr<std::map<Transport, SocketAddress>> addresses =
          suite->start_reference(*server, SocketAddress::Loopback(family, 0));
      if (!addresses.ok()) {
        err_ << "wirecheck check: suite " << suite->name
             << ": cannot start its reference server: " << addresses.status()
             << "\n";
        harness_failed = true;
        continue;
      }
      std::thread thread([&loop] { (*loop)->Run().IgnoreError(); });
      Target target;
      target.name = "reference";
      target.addresses = *addresses;
      runs.push_back(RunWithProgress(*suite, target, OptionsFor(rerun)));
      (*loop)->Stop();
      thread.join();
      server.reset();
      conformance::WriteSuiteReport(runs.back(), {.color = settings_.color}, out_);
    }
    return Finish(runs, rerun, harness_failed);
  }

  // The summary and the report files; returns the exit code.
  int Finish(const std::vector<SuiteRun>& runs, const std::string& command,
             bool harness_failed) {
    conformance::WriteSummary(runs, {.color = settings_.color}, out_);
    int code = ExitCodeOf(conformance::OutcomeOf(runs));
    if ((harness_failed || corpus_failed_) &&
        (code == kExitSuccess || code == kExitNothingSelected)) {
      code = kExitUsage;
    }
    const std::string json_path = absl::GetFlag(FLAGS_check_json);
    bool written = true;
    if (!json_path.empty()) {
      const std::string invoked =
          absl::StrCat(command, " --seed=", settings_.seed);
      written &= WriteFile(json_path, conformance::JsonReportText(
                                          runs, {.command = invoked,
                                                 .exit_code = code}));
    }
    const std::string junit_path = absl::GetFlag(FLAGS_check_junit);
    if (!junit_path.empty()) {
      written &= WriteFile(junit_path, conformance::JunitReport(runs));
    }
    if (!written && code != kExitCheckFailed) code = kExitUsage;
    return code;
  }

  bool WriteFile(const std::string& path, const std::string& contents) {
    std::ofstream file(path, std::ios::binary | std::ios::trunc);
    file << contents;
    file.close();
    if (!file) {
      err_ << "wirecheck check: cannot write " << path << "\n";
      return false;
    }
    return true;
  }

  int List(const std::vector<const Suite*>& suites) {
    if (std::optional<int> error = Validate(suites)) return *error;
    size_t selected = 0;
    for (const Suite* suite : suites) {
      absl::StatusOr<conformance::Spec> spec = conformance::LoadSpec(suite->spec_path);
      std::vector<std::string> transports;
      for (Transport t : suite->transports) transports.emplace_back(TransportName(t));
      out_ << suite->name << ": " << suite->description << "\n"
           << "  spec " << suite->spec_path << "; " << absl::StrJoin(transports, ", ");
      if (suite->default_port != 0) out_ << "; default port " << suite->default_port;
      out_ << "\n";
      if (!suite->default_options.empty()) {
        std::vector<std::string> options;
        for (const auto& [key, value] : suite->default_options) {
          options.push_back(absl::StrCat(key, "=", value));
        }
        out_ << "  options: " << absl::StrJoin(options, " ") << "\n";
      }
      conformance::Spec empty;
      empty.path = suite->spec_path;
      if (!spec.ok()) out_ << "  (spec: " << spec.status().message() << ")\n";
      size_t without_case = 0;
      size_t suite_selected = 0;
      // Requirements this suite leaves to the other suites sharing its
      // spec, and client requirements, are not gaps: leave them out.
      std::vector<const Suite*> sharing;
      for (const Suite* other : conformance::RegisteredSuites()) {
        if (other->spec_path == suite->spec_path) sharing.push_back(other);
      }
      std::set<std::string> gaps;
      if (spec.ok()) {
        for (const conformance::Requirement* requirement :
             conformance::UncoveredRequirements(*spec, sharing)) {
          gaps.insert(requirement->id);
        }
      }
      std::vector<std::string> client;
      for (const MatrixRow& row :
           conformance::TraceabilityMatrix(*suite, spec.ok() ? *spec : empty)) {
        const conformance::Requirement* requirement =
            spec.ok() ? spec->Find(row.requirement) : nullptr;
        if (row.cases.empty() && requirement != nullptr && requirement->client) {
          client.push_back(row.requirement);
          continue;
        }
        if (row.cases.empty() && row.in_spec && row.level != conformance::Level::kMay &&
            gaps.count(row.requirement) == 0) {
          continue;
        }
        std::string text = row.in_spec ? row.text : "(not in the spec)";
        if (text.size() > 76) text = absl::StrCat(text.substr(0, 73), "...");
        out_ << absl::StrFormat("  %-12s %-7s", row.requirement,
                                conformance::LevelName(row.level))
             << text << "\n";
        if (row.cases.empty()) {
          ++without_case;
          out_ << std::string(22, ' ') << "(no case)\n";
        }
        for (const Case* c : row.cases) {
          out_ << std::string(22, ' ') << c->id << " ("
               << TransportName(c->transport) << ")"
               << (settings_.selection.Selects(*c) ? "" : " [not selected]")
               << "\n";
        }
      }
      if (!client.empty()) {
        out_ << "  client requirements, checked by the client's tests: "
             << absl::StrJoin(client, ", ") << "\n";
      }
      for (const Case& c : suite->cases) {
        if (settings_.selection.Selects(c)) ++suite_selected;
      }
      selected += suite_selected;
      out_ << "  " << suite->cases.size() << " cases, " << suite_selected
           << " selected; " << without_case << " requirement"
           << (without_case == 1 ? "" : "s") << " without a case\n\n";
    }
    return selected == 0 ? kExitNothingSelected : kExitSuccess;
  }

  const Invocation& invocation_;
  std::ostream& out_;
  std::ostream& err_;
  Settings settings_;
  bool corpus_failed_ = false;
};

const bool registered = RegisterCommand({
    .name = "check",
    .summary = "Check a server against a protocol's spec, requirement by "
               "requirement",
    .usage = "wirecheck check [flags] SUITE TARGET | --all | --list [SUITE]",
    .help =
        "TARGET is tcp://HOST:PORT or udp://HOST:PORT (that transport only) or\n"
        "HOST:PORT (every transport the suite has, on the same port); the port\n"
        "may be left out for the suite's default. --all starts every suite's\n"
        "reference server on loopback and checks it.\n\n"
        "Verdicts: PASS; FAIL (a MUST broken); WARN (a SHOULD broken); INFO (a\n"
        "MAY not taken, or behaviour the spec leaves open); UNSUPPORTED (the\n"
        "target does not offer the transport or feature); ERROR (the harness\n"
        "failed); XFAIL and XPASS (known failures, --expectations).\n"
        "Each failing case prints a command that reruns just that case with\n"
        "the same seed.\n\n"
        "Exits 0 when every selected MUST held (warnings and known failures\n"
        "allowed), 1 when a MUST failed, a known failure passed or the target\n"
        "stopped answering, 2 on a usage or harness error, 3 when the target\n"
        "answered no liveness probe, 4 when no case was selected.",
    .flag_prefix = "check_",
    .flags = {"case", "skip", "list", "all", "timeout", "parallel", "seed",
              "option", "family", "expectations", "json", "junit", "color",
              "corpus_out"},
    .repeatable_flags = {"case", "skip", "option"},
    .run = [](const Invocation& invocation) {
      return CheckCommand(invocation).Run();
    },
});

}  // namespace
}  // namespace wirecheck::cli

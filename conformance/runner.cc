#include "conformance/runner.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <random>
#include <set>
#include <thread>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "conformance/recording_network.h"
#include "conformance/spec_registry.h"

namespace wirecheck::conformance {
namespace {

uint64_t SplitMix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

// Notes go into the wire log, between the bytes they explain.
class LogNotes : public NoteSink {
 public:
  explicit LogNotes(WireLog& log) : log_(log) {}
  void Note(absl::string_view line) override {
    log_.Record(WireEventKind::kNote, "", line);
  }

 private:
  WireLog& log_;
};

// Runs `check` with the context built from the arguments, turning an
// exception into a harness error.
Finding CallCheck(const std::function<Finding(CaseContext&)>& check,
                  Network& network, WireLog& log, const SocketAddress& target,
                  absl::Time deadline, uint64_t run_seed, uint64_t case_seed,
                  const std::map<std::string, std::string>& options) {
  if (!check) return HarnessError(absl::InternalError("the case has no check"));
  RecordingNetwork recording(network, log, deadline);
  std::mt19937_64 random(case_seed);
  LogNotes notes(log);
  CaseContext context{recording, network.clock(), target, deadline,
                      run_seed,  random,          options, notes};
  try {
    return check(context);
  } catch (const std::exception& e) {
    return HarnessError(
        absl::InternalError(absl::StrCat("the check threw: ", e.what())));
  } catch (...) {
    return HarnessError(
        absl::InternalError("the check threw a non-standard exception"));
  }
}

// One case's run. Shared with the thread that runs it, so a check the runner
// stopped waiting for can go on safely after RunSuite returns: everything
// it touches is here (the Case is a copy) or lives forever.
struct CaseJob {
  size_t index = 0;  // in the run's results
  Case c;
  SocketAddress target;
  std::map<std::string, std::string> options;
  uint64_t run_seed = 0;
  uint64_t case_seed = 0;
  absl::Duration timeout;
  Network* network = nullptr;
  WireLogLimits limits;

  // Set by Begin(); in parallel mode under the pool's mutex.
  absl::Time start;
  absl::Time deadline;
  std::unique_ptr<WireLog> log;

  // Set by Execute().
  Finding finding;
  absl::Time finished;

  // Parallel mode, under the pool's mutex.
  bool running = false;
  bool abandoned = false;
  size_t worker = 0;

  void Begin() {
    Clock& clock = network->clock();
    start = clock.Now();
    deadline = start + timeout;
    log = std::make_unique<WireLog>(clock, start, limits);
  }

  void Execute() {
    finding = CallCheck(c.check, *network, *log, target, deadline, run_seed,
                        case_seed, options);
    finished = network->clock().Now();
  }
};

class CaseRunner {
 public:
  CaseRunner(const Suite& suite, const Target& target,
             const RunOptions& options)
      : suite_(suite), target_(target), options_(options) {}

  // The result of a job that returned.
  CaseResult Finish(const CaseJob& job) const {
    CaseResult result = Skeleton(job.c);
    result.seed = job.case_seed;
    result.timeout = job.timeout;
    result.elapsed = job.finished - job.start;
    result.expected = job.finding.expected;
    result.observed = job.finding.observed;
    result.verdict = VerdictOf(job.finding, job.c.level);
    if (job.finished > job.deadline + options_.overrun_grace) {
      result.verdict = Verdict::kError;
      result.expected =
          absl::StrCat("the check returns within its timeout (",
                       absl::FormatDuration(job.timeout), ")");
      result.observed = absl::StrCat(
          "it returned after ", absl::FormatDuration(result.elapsed),
          "; its finding was: ", VerdictName(VerdictOf(job.finding, job.c.level)),
          job.finding.observed.empty() ? "" : " ", job.finding.observed);
    }
    ApplyExpectation(job.finding, result);
    if (result.verdict != Verdict::kPass || options_.keep_all_wire_logs) {
      result.wire_log = job.log->Snapshot();
    }
    AddRerun(result);
    return result;
  }

  // The result of a job the runner stopped waiting for.
  CaseResult Abandon(const CaseJob& job) const {
    CaseResult result = Skeleton(job.c);
    result.seed = job.case_seed;
    result.timeout = job.timeout;
    result.elapsed = job.network->clock().Now() - job.start;
    result.verdict = Verdict::kError;
    result.expected = absl::StrCat("the check returns within its timeout (",
                                   absl::FormatDuration(job.timeout), ")");
    result.observed = absl::StrCat(
        "it had not returned ", absl::FormatDuration(options_.overrun_grace),
        " after its deadline; the runner stopped waiting for it");
    result.wire_log = job.log->Snapshot();
    AddRerun(result);
    return result;
  }

  // The result of a case whose transport did not answer the probe.
  CaseResult Unanswered(const Case& c, const Liveness& liveness) const {
    CaseResult result = Skeleton(c);
    result.seed = CaseSeed(options_.seed, c.id);
    result.verdict = Verdict::kUnsupported;
    result.observed = absl::StrCat(
        "the target did not answer the liveness probe over ",
        TransportName(c.transport),
        liveness.observed.empty() ? "" : ": ", liveness.observed);
    AddRerun(result);
    return result;
  }

 private:
  CaseResult Skeleton(const Case& c) const {
    CaseResult result;
    result.id = c.id;
    result.requirements = c.requirements;
    result.level = c.level;
    result.transport = c.transport;
    result.description = c.description;
    return result;
  }

  void ApplyExpectation(const Finding& finding, CaseResult& result) const {
    if (options_.expectations == nullptr) return;
    const Expectation* expectation =
        options_.expectations->Find(suite_.name, target_.name, result.id);
    if (expectation == nullptr) return;
    result.expectation = expectation->message;
    result.expectation_where = expectation->where;
    if (result.verdict == Verdict::kPass) {
      result.verdict = Verdict::kXpass;
      result.expected = absl::StrCat("a known failure (", expectation->where,
                                     "): observed containing \"",
                                     expectation->message, "\"");
    } else if (result.verdict != Verdict::kError &&
               finding.kind == Finding::Kind::kViolation &&
               absl::StrContains(result.observed, expectation->message)) {
      result.verdict = Verdict::kXfail;
    }
  }

  void AddRerun(CaseResult& result) const {
    if (result.verdict == Verdict::kPass || result.verdict == Verdict::kXfail ||
        options_.rerun_command.empty()) {
      return;
    }
    result.rerun = absl::StrCat(options_.rerun_command, " ",
                                ShellQuote(absl::StrCat("--case=", result.id)),
                                " --seed=", options_.seed);
  }

  const Suite& suite_;
  const Target& target_;
  const RunOptions& options_;
};

// Worker threads and the watchdog for parallel mode.
struct Pool {
  std::mutex mutex;
  std::condition_variable changed;
  std::deque<std::shared_ptr<CaseJob>> queue;
  std::deque<std::shared_ptr<CaseJob>> done;
};

void Work(std::shared_ptr<Pool> pool, size_t worker) {
  for (;;) {
    std::shared_ptr<CaseJob> job;
    {
      std::lock_guard<std::mutex> lock(pool->mutex);
      if (pool->queue.empty()) return;
      job = std::move(pool->queue.front());
      pool->queue.pop_front();
      job->Begin();
      job->running = true;
      job->worker = worker;
    }
    pool->changed.notify_all();
    job->Execute();
    {
      std::lock_guard<std::mutex> lock(pool->mutex);
      job->running = false;
      // The runner gave up on this job and started another worker instead.
      if (job->abandoned) return;
      pool->done.push_back(std::move(job));
    }
    pool->changed.notify_all();
  }
}

// Runs `jobs` on up to `parallelism` threads; returns each job's result in
// `results` (by job index) as it finishes or is abandoned, calling
// `on_done` on this thread.
void RunParallel(std::vector<std::shared_ptr<CaseJob>> jobs, int parallelism,
                 Clock& clock, absl::Duration grace, const CaseRunner& runner,
                 std::vector<CaseResult>& results,
                 const std::function<void(const CaseResult&)>& on_done) {
  if (jobs.empty()) return;
  auto pool = std::make_shared<Pool>();
  pool->queue.assign(jobs.begin(), jobs.end());
  std::vector<std::thread> threads;
  const size_t workers =
      std::min(jobs.size(), static_cast<size_t>(std::max(1, parallelism)));
  for (size_t i = 0; i < workers; ++i) threads.emplace_back(Work, pool, i);

  size_t outstanding = jobs.size();
  std::unique_lock<std::mutex> lock(pool->mutex);
  while (outstanding > 0) {
    std::vector<size_t> finished;
    while (!pool->done.empty()) {
      const std::shared_ptr<CaseJob> job = std::move(pool->done.front());
      pool->done.pop_front();
      results[job->index] = runner.Finish(*job);
      finished.push_back(job->index);
    }
    const absl::Time now = clock.Now();
    absl::Time wake = now + absl::Seconds(1);
    for (const std::shared_ptr<CaseJob>& job : jobs) {
      if (!job->running || job->abandoned) continue;
      const absl::Time limit = job->deadline + grace;
      if (now < limit) {
        wake = std::min(wake, limit);
        continue;
      }
      job->abandoned = true;
      results[job->index] = runner.Abandon(*job);
      finished.push_back(job->index);
      threads[job->worker].detach();
      if (!pool->queue.empty()) {
        threads.emplace_back(Work, pool, threads.size());
      }
    }
    outstanding -= finished.size();
    if (!finished.empty()) {
      lock.unlock();
      if (on_done) {
        for (size_t index : finished) on_done(results[index]);
      }
      lock.lock();
      continue;
    }
    if (outstanding == 0) break;
    if (pool->done.empty()) {
      pool->changed.wait_for(
          lock, absl::ToChronoNanoseconds(
                    std::max(wake - clock.Now(), absl::Milliseconds(1))));
    }
  }
  lock.unlock();
  for (std::thread& thread : threads) {
    if (thread.joinable()) thread.join();
  }
}

// The suite's defaults with the run's values for the options it has.
std::map<std::string, std::string> SuiteOptions(
    const Suite& suite, const std::map<std::string, std::string>& overrides) {
  std::map<std::string, std::string> values = suite.default_options;
  for (const auto& [key, value] : overrides) {
    if (values.count(key) > 0) values[key] = value;
  }
  return values;
}

Liveness Probe(const Suite& suite, Transport transport,
               const SocketAddress& address, Network& network,
               const RunOptions& options) {
  Liveness liveness;
  liveness.transport = transport;
  Clock& clock = network.clock();
  const absl::Time start = clock.Now();
  const absl::Duration timeout = options.probe_timeout > absl::ZeroDuration()
                                     ? options.probe_timeout
                                     : options.timeout;
  WireLog log(clock, start, options.wire_log_limits);
  const std::string probe_id =
      absl::StrCat(suite.name, "/probe-", TransportName(transport));
  std::function<Finding(CaseContext&)> check;
  if (suite.probe) {
    check = [&suite, transport](CaseContext& context) {
      return suite.probe(context, transport);
    };
  } else if (transport == Transport::kTcp) {
    // Without a probe of its own, a suite's TCP answers if it accepts.
    check = [](CaseContext& context) {
      absl::StatusOr<std::unique_ptr<Stream>> stream =
          context.network.Connect(context.target, context.deadline);
      if (IsConnectionReset(stream.status())) return Pass("connection reset");
      if (!stream.ok()) {
        return Violation("a connection", stream.status().ToString());
      }
      return Pass("accepted a connection");
    };
  } else {
    liveness.answered = true;
    liveness.observed = "not probed (the suite has no probe)";
    return liveness;
  }
  const Finding finding = CallCheck(
      check, network, log, address, start + timeout, options.seed,
      CaseSeed(options.seed, probe_id), SuiteOptions(suite, options.options));
  liveness.answered = finding.kind == Finding::Kind::kPass;
  liveness.observed = finding.observed;
  if (!liveness.answered) liveness.wire_log = log.Snapshot();
  return liveness;
}

}  // namespace

absl::string_view VerdictName(Verdict verdict) {
  switch (verdict) {
    case Verdict::kPass:
      return "PASS";
    case Verdict::kFail:
      return "FAIL";
    case Verdict::kWarn:
      return "WARN";
    case Verdict::kInfo:
      return "INFO";
    case Verdict::kUnsupported:
      return "UNSUPPORTED";
    case Verdict::kError:
      return "ERROR";
    case Verdict::kXfail:
      return "XFAIL";
    case Verdict::kXpass:
      break;
  }
  return "XPASS";
}

Verdict VerdictOf(const Finding& finding, Level level) {
  switch (finding.kind) {
    case Finding::Kind::kPass:
      return Verdict::kPass;
    case Finding::Kind::kViolation:
      if (level == Level::kMust) return Verdict::kFail;
      return level == Level::kShould ? Verdict::kWarn : Verdict::kInfo;
    case Finding::Kind::kInfo:
      return Verdict::kInfo;
    case Finding::Kind::kUnsupported:
      return Verdict::kUnsupported;
    case Finding::Kind::kError:
      break;
  }
  return Verdict::kError;
}

uint64_t CaseSeed(uint64_t run_seed, absl::string_view case_id) {
  uint64_t hash = 0xcbf29ce484222325ull;  // FNV-1a
  for (char c : case_id) {
    hash = (hash ^ static_cast<unsigned char>(c)) * 0x100000001b3ull;
  }
  return SplitMix64(run_seed ^ SplitMix64(hash));
}

absl::StatusOr<std::map<std::string, std::string>> MergeOptions(
    const Suite& suite, const std::map<std::string, std::string>& overrides) {
  std::map<std::string, std::string> merged = suite.default_options;
  for (const auto& [key, value] : overrides) {
    const auto it = merged.find(key);
    if (it == merged.end()) {
      std::vector<std::string> known;
      for (const auto& [name, default_value] : suite.default_options) {
        known.push_back(absl::StrCat(name, " (default ", default_value, ")"));
      }
      return absl::InvalidArgumentError(absl::StrCat(
          "suite ", suite.name, " has no option \"", key, "\"; it has: ",
          known.empty() ? "none" : absl::StrJoin(known, ", ")));
    }
    it->second = value;
  }
  return merged;
}

std::string ShellQuote(absl::string_view word) {
  const bool plain =
      !word.empty() && std::all_of(word.begin(), word.end(), [](char c) {
        return absl::ascii_isalnum(c) || absl::StrContains("-_./:=,+@%", c);
      });
  if (plain) return std::string(word);
  std::string quoted = "'";
  for (char c : word) {
    if (c == '\'') {
      quoted += "'\\''";
    } else {
      quoted += c;
    }
  }
  return quoted + "'";
}

SuiteRun RunSuite(const Suite& suite, const Target& target, Network& network,
                  const RunOptions& options) {
  Clock& clock = network.clock();
  const absl::Time run_start = clock.Now();
  SuiteRun run;
  run.suite = suite.name;
  run.description = suite.description;
  run.spec_path = suite.spec_path;
  run.target = target;
  run.seed = options.seed;
  if (absl::StatusOr<Spec> spec = LoadSpec(suite.spec_path); spec.ok()) {
    run.requirements = std::move(spec->requirements);
  } else {
    run.spec_error = std::string(spec.status().message());
  }

  std::vector<const Case*> selected;
  std::set<Transport> transports;
  for (const Case& c : suite.cases) {
    if (target.addresses.count(c.transport) == 0 ||
        !options.selection.Selects(c)) {
      ++run.deselected;
      continue;
    }
    selected.push_back(&c);
    transports.insert(c.transport);
  }
  run.selected = selected.size();
  if (selected.empty()) {
    run.elapsed = clock.Now() - run_start;
    return run;
  }

  // Probe in the suite's order of transports.
  std::map<Transport, const Liveness*> answered;
  std::map<Transport, const Liveness*> unanswered;
  std::vector<Transport> order = suite.transports;
  for (Transport t : transports) {
    if (std::find(order.begin(), order.end(), t) == order.end()) order.push_back(t);
  }
  for (Transport t : order) {
    if (transports.count(t) == 0) continue;
    run.before.push_back(
        Probe(suite, t, target.addresses.at(t), network, options));
  }
  for (const Liveness& liveness : run.before) {
    (liveness.answered ? answered : unanswered)[liveness.transport] = &liveness;
  }
  if (answered.empty()) {
    run.unreachable = true;
    run.elapsed = clock.Now() - run_start;
    return run;
  }

  const std::map<std::string, std::string> suite_options =
      SuiteOptions(suite, options.options);
  const CaseRunner runner(suite, target, options);
  run.cases.resize(selected.size());
  std::vector<std::shared_ptr<CaseJob>> shared_jobs;
  std::vector<std::shared_ptr<CaseJob>> exclusive_jobs;
  for (size_t i = 0; i < selected.size(); ++i) {
    const Case& c = *selected[i];
    if (unanswered.count(c.transport) > 0) {
      run.cases[i] = runner.Unanswered(c, *unanswered.at(c.transport));
      if (options.on_case_done) options.on_case_done(run.cases[i]);
      continue;
    }
    auto job = std::make_shared<CaseJob>();
    job->index = i;
    job->c = c;
    job->target = target.addresses.at(c.transport);
    job->options = suite_options;
    job->run_seed = options.seed;
    job->case_seed = CaseSeed(options.seed, c.id);
    job->timeout = std::max(options.timeout, c.timeout);
    job->network = &network;
    job->limits = options.wire_log_limits;
    (c.exclusive ? exclusive_jobs : shared_jobs).push_back(std::move(job));
  }

  if (options.parallelism <= 1) {
    for (auto* jobs : {&shared_jobs, &exclusive_jobs}) {
      for (const std::shared_ptr<CaseJob>& job : *jobs) {
        job->Begin();
        job->Execute();
        run.cases[job->index] = runner.Finish(*job);
        if (options.on_case_done) options.on_case_done(run.cases[job->index]);
      }
    }
  } else {
    RunParallel(shared_jobs, options.parallelism, clock, options.overrun_grace,
                runner, run.cases, options.on_case_done);
    RunParallel(exclusive_jobs, 1, clock, options.overrun_grace, runner,
                run.cases, options.on_case_done);
  }

  for (const Liveness& before : run.before) {
    if (!before.answered) continue;
    run.after.push_back(Probe(suite, before.transport,
                              target.addresses.at(before.transport), network,
                              options));
    run.target_died = run.target_died || !run.after.back().answered;
  }
  run.elapsed = clock.Now() - run_start;
  return run;
}

Summary Summarize(const std::vector<SuiteRun>& runs) {
  Summary summary;
  for (const SuiteRun& run : runs) {
    summary.deselected += run.deselected;
    if (run.unreachable) ++summary.unreachable_suites;
    if (run.target_died) ++summary.died_suites;
    for (const CaseResult& result : run.cases) {
      ++summary.cases;
      switch (result.verdict) {
        case Verdict::kPass:
          ++summary.passed;
          break;
        case Verdict::kFail:
          ++summary.failed;
          break;
        case Verdict::kWarn:
          ++summary.warnings;
          break;
        case Verdict::kInfo:
          ++summary.info;
          break;
        case Verdict::kUnsupported:
          ++summary.unsupported;
          break;
        case Verdict::kError:
          ++summary.errors;
          break;
        case Verdict::kXfail:
          ++summary.xfail;
          break;
        case Verdict::kXpass:
          ++summary.xpass;
          break;
      }
    }
  }
  return summary;
}

Outcome OutcomeOf(const std::vector<SuiteRun>& runs) {
  const Summary summary = Summarize(runs);
  if (summary.failed > 0 || summary.xpass > 0 || summary.died_suites > 0) {
    return Outcome::kFailed;
  }
  if (summary.errors > 0) return Outcome::kHarnessError;
  if (summary.unreachable_suites > 0) return Outcome::kUnreachable;
  size_t selected = 0;
  for (const SuiteRun& run : runs) selected += run.selected;
  if (selected == 0) return Outcome::kNothingSelected;
  return Outcome::kPassed;
}

}  // namespace wirecheck::conformance

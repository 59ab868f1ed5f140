#include "conformance/report_test_runs.h"

#include <memory>
#include <thread>
#include <utility>

#include "conformance/testing/greeting/greeting_suite.h"
#include "protocols/transport/posix_event_loop.h"
#include "protocols/transport/posix_network.h"
#include "protocols/transport/server.h"

namespace wirecheck::testing {

using conformance::CaseResult;
using conformance::Level;
using conformance::Liveness;
using conformance::SuiteRun;
using conformance::Verdict;
using conformance::WireEvent;
using conformance::WireEventKind;

namespace {

CaseResult Make(const std::string& name, const std::string& requirement,
                Level level, Verdict verdict) {
  CaseResult result;
  result.id = "sample/" + name;
  result.requirements = {requirement};
  result.level = level;
  result.description = "The " + name + " case";
  result.verdict = verdict;
  result.elapsed = absl::Milliseconds(3);
  result.timeout = absl::Seconds(2);
  result.seed = 1234567890123456789ull;
  if (verdict != Verdict::kPass && verdict != Verdict::kXfail) {
    result.rerun = "wirecheck check sample sample-target --case=" + result.id +
                   " --seed=42";
  }
  return result;
}

}  // namespace

std::vector<SuiteRun> SampleRuns() {
  SuiteRun sample;
  sample.suite = "sample";
  sample.description = "Every verdict";
  sample.spec_path = "conformance/sample/SPEC.md";
  sample.requirements = {
      {"SAMPLE-1", Level::kMust, "The server MUST pass.", 3},
      {"SAMPLE-2", Level::kShould, "The server SHOULD warn.", 4},
      {"SAMPLE-3", Level::kMay, "The server MAY inform.", 5},
      {"SAMPLE-4", Level::kMust, "A requirement no case checks.", 6},
  };
  sample.target.name = "sample-target";
  sample.target.addresses = {
      {Transport::kTcp, SocketAddress::Loopback(AddressFamily::kIPv4, 4707)},
      {Transport::kUdp, SocketAddress::Loopback(AddressFamily::kIPv4, 4707)}};
  sample.seed = 42;
  sample.selected = 8;
  sample.deselected = 1;
  sample.elapsed = absl::Milliseconds(250);
  sample.before = {{Transport::kTcp, true, "accepted a connection", {}},
                   {Transport::kUdp, true, "a datagram", {}}};
  Liveness gone{Transport::kTcp, false, "unreachable or refused (connect)", {}};
  gone.wire_log.events.push_back(
      {absl::Milliseconds(1), WireEventKind::kConnectFailed, "tcp#1",
       "to 127.0.0.1:4707: UNAVAILABLE: Connection refused", "", 0});
  sample.after = {gone, {Transport::kUdp, true, "a datagram", {}}};
  sample.target_died = true;

  sample.cases.push_back(Make("pass", "SAMPLE-1", Level::kMust, Verdict::kPass));
  CaseResult fail = Make("fail", "SAMPLE-1", Level::kMust, Verdict::kFail);
  fail.expected = "exactly 5 bytes \"hello\"";
  fail.observed = std::string("bad \x01\x1b[31m bytes \xff\xfe end", 23);
  fail.wire_log.max_bytes = 64;
  fail.wire_log.events.push_back({absl::Microseconds(120), WireEventKind::kConnect,
                                  "tcp#1", "to 127.0.0.1:4707 from 127.0.0.1:5000",
                                  "", 0});
  fail.wire_log.events.push_back({absl::Microseconds(400), WireEventKind::kReceive,
                                  "tcp#1", "",
                                  std::string("\x00\xffhello\x7f<&>\"", 12), 12});
  fail.wire_log.events.push_back(
      {absl::Microseconds(500), WireEventKind::kNote, "", "a note", "", 0});
  fail.wire_log.dropped_events = 3;
  fail.wire_log.dropped_bytes = 900;
  sample.cases.push_back(fail);
  CaseResult warn = Make("warn", "SAMPLE-2", Level::kShould, Verdict::kWarn);
  warn.expected = "the greeting within 1s";
  warn.observed = "first byte after 1.5s";
  sample.cases.push_back(warn);
  CaseResult info = Make("info", "SAMPLE-3", Level::kMay, Verdict::kInfo);
  info.observed = "the largest datagram echoed intact: 65507 bytes";
  sample.cases.push_back(info);
  CaseResult unsupported =
      Make("unsupported", "SAMPLE-1", Level::kMust, Verdict::kUnsupported);
  unsupported.transport = Transport::kUdp;
  unsupported.observed = "the target did not answer the liveness probe over udp";
  sample.cases.push_back(unsupported);
  CaseResult error = Make("error", "SAMPLE-1", Level::kMust, Verdict::kError);
  error.observed = "INTERNAL: the check threw: boom";
  sample.cases.push_back(error);
  CaseResult xfail = Make("xfail", "SAMPLE-1", Level::kMust, Verdict::kXfail);
  xfail.expected = "EOF";
  xfail.observed = "still open";
  xfail.expectation = "still open";
  xfail.expectation_where = "known.txt:3";
  sample.cases.push_back(xfail);
  CaseResult xpass = Make("xpass", "OTHER-9", Level::kMust, Verdict::kXpass);
  xpass.requirements = {"OTHER-9", "SAMPLE-1"};
  xpass.expected = "a known failure (known.txt:4)";
  xpass.observed = "5 bytes";
  xpass.expectation = "4 bytes";
  xpass.expectation_where = "known.txt:4";
  sample.cases.push_back(xpass);

  SuiteRun unreachable;
  unreachable.suite = "gone";
  unreachable.spec_path = "conformance/gone/SPEC.md";
  unreachable.spec_error = "spec conformance/gone/SPEC.md is not embedded";
  unreachable.target.name = "gone-target";
  unreachable.target.addresses = {
      {Transport::kTcp, SocketAddress::Loopback(AddressFamily::kIPv4, 4707)}};
  unreachable.seed = 7;
  unreachable.selected = 2;
  unreachable.unreachable = true;
  unreachable.before = {gone};
  return {sample, unreachable};
}

SuiteRun RealGreetingRun(GreetingFaults faults) {
  std::unique_ptr<PosixEventLoop> loop = *PosixEventLoop::Create();
  ServerOptions options;
  options.log = [](absl::string_view) {};
  auto server = std::make_unique<Server>(*loop, RealNetwork(), options);
  BrokenGreetingServer broken(faults);
  conformance::Target target;
  target.name = "loopback";
  target.addresses =
      *broken.Start(*server, SocketAddress::Loopback(AddressFamily::kIPv4, 0));
  std::thread thread([&] { loop->Run().IgnoreError(); });
  conformance::RunOptions run_options;
  run_options.timeout = absl::Milliseconds(1500);
  run_options.options = {{"greet_within", "250ms"}};
  run_options.seed = 99;
  run_options.rerun_command = "wirecheck check greeting loopback";
  SuiteRun run =
      conformance::RunSuite(GreetingSuite(), target, RealNetwork(), run_options);
  loop->Stop();
  thread.join();
  server.reset();
  return run;
}

}  // namespace wirecheck::testing

#include "conformance/runner.h"

#include <atomic>
#include <future>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>

#include "absl/strings/match.h"
#include "conformance/testing/greeting/broken_servers.h"
#include "conformance/testing/greeting/greeting_suite.h"
#include "fakes/harness.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "protocols/common/status_matchers.h"
#include "protocols/transport/posix_network.h"
#include "protocols/transport/server.h"
#include "protocols/transport/stream_util.h"

namespace wirecheck::conformance {
namespace {

using ::testing::AllOf;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Le;
using ::testing::Pair;
using ::testing::UnorderedElementsAre;
using ::wirecheck::testing::BrokenGreetingServer;
using ::wirecheck::testing::GreetingFaults;
using ::wirecheck::testing::GreetingSuite;
using ::wirecheck::testing::Harness;
using ::wirecheck::testing::HarnessFactory;
using Tcp = GreetingFaults::Tcp;
using Udp = GreetingFaults::Udp;

// Real loopback runs cases in parallel; the single-threaded fakes one by
// one. Timeouts are generous for loaded sanitizer runs: they only cost time
// where a broken server makes a case wait for its deadline.
constexpr absl::Duration kTimeout = absl::Milliseconds(1500);

// A harness with a greeting server (broken as asked) running on it.
class World {
 public:
  World(const HarnessFactory& factory, GreetingFaults faults)
      : harness_(factory.make()), broken_(faults) {
    ServerOptions options;
    options.log = [](absl::string_view) {};
    server_ = std::make_unique<Server>(harness_->server_loop(),
                                       harness_->server_network(), options);
    absl::StatusOr<std::map<Transport, SocketAddress>> addresses =
        broken_.Start(*server_, harness_->server_bind_address());
    EXPECT_OK(addresses);
    if (addresses.ok()) target_.addresses = *addresses;
    target_.name = "test-target";
    harness_->StartServers();
  }

  ~World() {
    harness_->StopServers();
    server_.reset();
  }

  Harness& harness() { return *harness_; }
  Target& target() { return target_; }

  RunOptions Options() const {
    RunOptions options;
    options.timeout = kTimeout;
    options.parallelism = harness_->simulated() ? 1 : 4;
    options.options = {{"greet_within", "250ms"}};
    options.seed = 42;
    options.rerun_command = "wirecheck check greeting test-target";
    return options;
  }

  SuiteRun Run(const RunOptions& options) {
    return RunSuite(GreetingSuite(), target_, harness_->client_network(),
                    options);
  }
  SuiteRun Run() { return Run(Options()); }

 private:
  std::unique_ptr<Harness> harness_;
  BrokenGreetingServer broken_;
  std::unique_ptr<Server> server_;
  Target target_;
};

std::map<std::string, std::string> Verdicts(const SuiteRun& run) {
  std::map<std::string, std::string> verdicts;
  for (const CaseResult& result : run.cases) {
    verdicts[result.id] = std::string(VerdictName(result.verdict));
  }
  return verdicts;
}

const CaseResult& Result(const SuiteRun& run, absl::string_view id) {
  for (const CaseResult& result : run.cases) {
    if (result.id == id) return result;
  }
  ADD_FAILURE() << "no result for " << id;
  static const CaseResult* const none = new CaseResult();
  return *none;
}

std::map<std::string, std::string> WithTcp(
    std::map<std::string, std::string> tcp) {
  tcp["greeting/udp-greeting"] = "PASS";
  tcp["greeting/udp-prompt"] = "PASS";
  tcp["greeting/udp-empty"] = "PASS";
  return tcp;
}

std::map<std::string, std::string> WithUdp(
    std::map<std::string, std::string> udp) {
  udp["greeting/tcp-greeting"] = "PASS";
  udp["greeting/tcp-close"] = "PASS";
  udp["greeting/tcp-prompt"] = "PASS";
  udp["greeting/tcp-client-first"] = "INFO";
  return udp;
}

}  // namespace

void PrintTo(const WireEvent& event, std::ostream* os) {
  *os << "{" << WireEventKindName(event.kind) << " " << event.socket << " "
      << event.detail << " [" << event.bytes.size() << " bytes]}";
}

namespace {

class RunnerTest : public ::testing::TestWithParam<HarnessFactory> {};

TEST_P(RunnerTest, CorrectServerPassesEveryCase) {
  World world(GetParam(), {});
  const SuiteRun run = world.Run();
  EXPECT_EQ(Verdicts(run), WithUdp(WithTcp({})));
  EXPECT_EQ(OutcomeOf({run}), Outcome::kPassed);
  EXPECT_FALSE(run.unreachable);
  EXPECT_FALSE(run.target_died);
  ASSERT_EQ(run.before.size(), 2u);
  EXPECT_TRUE(run.before[0].answered);
  EXPECT_TRUE(run.before[1].answered);
  ASSERT_EQ(run.after.size(), 2u);
  EXPECT_TRUE(run.after[0].answered && run.after[1].answered);
  // Every case ran within its timeout and keeps no wire log when it passed.
  for (const CaseResult& result : run.cases) {
    EXPECT_LE(result.elapsed, kTimeout + absl::Milliseconds(500)) << result.id;
    if (result.verdict == Verdict::kPass) {
      EXPECT_THAT(result.wire_log.events, IsEmpty()) << result.id;
      EXPECT_EQ(result.rerun, "") << result.id;
    }
  }
  // The MAY case reports what it saw: behaviour the spec leaves open.
  EXPECT_THAT(Result(run, "greeting/tcp-client-first").observed,
              HasSubstr("\"hello\", then EOF"));
  // The requirements come from the embedded SPEC.md.
  ASSERT_EQ(run.spec_error, "");
  EXPECT_EQ(run.requirements.size(), 7u);
}

TEST_P(RunnerTest, KeepAllWireLogsKeepsPassingCasesLogs) {
  World world(GetParam(), {});
  RunOptions options = world.Options();
  options.keep_all_wire_logs = true;
  const SuiteRun run = world.Run(options);
  const CaseResult& greeting = Result(run, "greeting/tcp-greeting");
  ASSERT_EQ(greeting.verdict, Verdict::kPass);
  bool received = false;
  for (const WireEvent& event : greeting.wire_log.events) {
    received = received || (event.kind == WireEventKind::kReceive &&
                            !event.bytes.empty());
  }
  EXPECT_TRUE(received) << "no bytes received in the passing case's log";
}

TEST_P(RunnerTest, ShortGreetingFailsOnlyTheLengthRequirement) {
  World world(GetParam(), {.tcp = Tcp::kShort});
  const SuiteRun run = world.Run();
  EXPECT_EQ(Verdicts(run), WithTcp({{"greeting/tcp-greeting", "FAIL"},
                                    {"greeting/tcp-close", "PASS"},
                                    {"greeting/tcp-prompt", "PASS"},
                                    {"greeting/tcp-client-first", "INFO"}}));
  const CaseResult& failed = Result(run, "greeting/tcp-greeting");
  EXPECT_THAT(failed.requirements, ElementsAre("GREET-1"));
  EXPECT_EQ(failed.expected, "exactly 5 bytes \"hello\"");
  EXPECT_EQ(failed.observed, "4 bytes: 68 65 6c 6c \"hell\", then EOF");
  EXPECT_EQ(failed.rerun,
            "wirecheck check greeting test-target "
            "--case=greeting/tcp-greeting --seed=42");
  EXPECT_EQ(OutcomeOf({run}), Outcome::kFailed);
}

TEST_P(RunnerTest, LongGreetingFails) {
  World world(GetParam(), {.tcp = Tcp::kLong});
  const SuiteRun run = world.Run();
  EXPECT_EQ(Verdict::kFail, Result(run, "greeting/tcp-greeting").verdict);
  EXPECT_THAT(Result(run, "greeting/tcp-greeting").observed,
              HasSubstr("8 bytes"));
  EXPECT_EQ(Verdict::kPass, Result(run, "greeting/tcp-close").verdict);
  EXPECT_EQ(OutcomeOf({run}), Outcome::kFailed);
}

TEST_P(RunnerTest, ServerThatNeverClosesFailsWithinTheTimeout) {
  World world(GetParam(), {.tcp = Tcp::kNeverCloses});
  const SuiteRun run = world.Run();
  EXPECT_EQ(Verdicts(run), WithTcp({{"greeting/tcp-greeting", "PASS"},
                                    {"greeting/tcp-close", "FAIL"},
                                    {"greeting/tcp-prompt", "PASS"},
                                    {"greeting/tcp-client-first", "INFO"}}));
  const CaseResult& failed = Result(run, "greeting/tcp-close");
  EXPECT_THAT(failed.observed, HasSubstr("connection still open"));
  EXPECT_LE(failed.elapsed, kTimeout + absl::Milliseconds(500));
  // The wire log shows the greeting and the read that timed out.
  EXPECT_THAT(failed.wire_log.events,
              Contains(Field(&WireEvent::kind, WireEventKind::kTimeout)));
  EXPECT_THAT(failed.wire_log.events,
              Contains(Field(&WireEvent::bytes, "hello")));
}

TEST_P(RunnerTest, LateGreetingIsAWarningNotAFailure) {
  World world(GetParam(), {.tcp = Tcp::kLate});
  const SuiteRun run = world.Run();
  EXPECT_EQ(Verdicts(run), WithTcp({{"greeting/tcp-greeting", "PASS"},
                                    {"greeting/tcp-close", "PASS"},
                                    {"greeting/tcp-prompt", "WARN"},
                                    {"greeting/tcp-client-first", "INFO"}}));
  EXPECT_THAT(Result(run, "greeting/tcp-prompt").requirements,
              ElementsAre("GREET-3"));
  EXPECT_EQ(OutcomeOf({run}), Outcome::kPassed);
}

TEST_P(RunnerTest, ServerThatResetsFails) {
  World world(GetParam(), {.tcp = Tcp::kResets});
  const SuiteRun run = world.Run();
  EXPECT_EQ(Verdicts(run), WithTcp({{"greeting/tcp-greeting", "FAIL"},
                                    {"greeting/tcp-close", "FAIL"},
                                    {"greeting/tcp-prompt", "WARN"},
                                    {"greeting/tcp-client-first", "INFO"}}));
  EXPECT_THAT(Result(run, "greeting/tcp-close").observed,
              HasSubstr("reset"));
  EXPECT_THAT(Result(run, "greeting/tcp-close").wire_log.events,
              Contains(Field(&WireEvent::kind, WireEventKind::kPeerReset)));
}

TEST_P(RunnerTest, ServerThatStreamsForeverFailsWithBoundedReads) {
  World world(GetParam(), {.tcp = Tcp::kStreamsForever});
  const SuiteRun run = world.Run();
  EXPECT_EQ(Verdicts(run), WithTcp({{"greeting/tcp-greeting", "FAIL"},
                                    {"greeting/tcp-close", "FAIL"},
                                    {"greeting/tcp-prompt", "PASS"},
                                    {"greeting/tcp-client-first", "INFO"}}));
  EXPECT_THAT(Result(run, "greeting/tcp-close").observed,
              HasSubstr("stopped reading after 64 bytes"));
}

TEST_P(RunnerTest, ServerThatAcceptsAndStallsFailsWithinTheTimeout) {
  World world(GetParam(), {.tcp = Tcp::kStalls});
  const SuiteRun run = world.Run();
  EXPECT_EQ(Verdicts(run), WithTcp({{"greeting/tcp-greeting", "FAIL"},
                                    {"greeting/tcp-close", "FAIL"},
                                    {"greeting/tcp-prompt", "WARN"},
                                    {"greeting/tcp-client-first", "INFO"}}));
  for (const CaseResult& result : run.cases) {
    EXPECT_LE(result.elapsed, kTimeout + absl::Milliseconds(500)) << result.id;
  }
  EXPECT_EQ(Result(run, "greeting/tcp-greeting").observed,
            "0 bytes, then nothing more until the deadline (connection still "
            "open)");
}

TEST_P(RunnerTest, GarbageFailsTheGreeting) {
  World world(GetParam(), {.tcp = Tcp::kGarbage});
  const SuiteRun run = world.Run();
  const CaseResult& failed = Result(run, "greeting/tcp-greeting");
  EXPECT_EQ(failed.verdict, Verdict::kFail);
  EXPECT_EQ(failed.observed,
            "8 bytes: 00 ff 13 80 67 61 72 62, then EOF");
}

TEST_P(RunnerTest, SilentUdpWhileTcpWorksIsUnsupported) {
  World world(GetParam(), {.udp = Udp::kSilent});
  const SuiteRun run = world.Run();
  EXPECT_EQ(Verdicts(run),
            WithUdp({{"greeting/udp-greeting", "UNSUPPORTED"},
                     {"greeting/udp-prompt", "UNSUPPORTED"},
                     {"greeting/udp-empty", "UNSUPPORTED"}}));
  EXPECT_THAT(Result(run, "greeting/udp-greeting").observed,
              HasSubstr("did not answer the liveness probe over udp"));
  ASSERT_EQ(run.before.size(), 2u);
  EXPECT_TRUE(run.before[0].answered);
  EXPECT_FALSE(run.before[1].answered);
  EXPECT_FALSE(run.unreachable);
  EXPECT_FALSE(run.target_died);
  EXPECT_EQ(OutcomeOf({run}), Outcome::kPassed);
}

TEST_P(RunnerTest, LateUdpAnswerIsAWarning) {
  World world(GetParam(), {.udp = Udp::kLate});
  const SuiteRun run = world.Run();
  EXPECT_EQ(Verdicts(run), WithUdp({{"greeting/udp-greeting", "PASS"},
                                    {"greeting/udp-prompt", "WARN"},
                                    {"greeting/udp-empty", "PASS"}}));
}

TEST_P(RunnerTest, WrongUdpAnswerFails) {
  World world(GetParam(), {.udp = Udp::kWrong});
  const SuiteRun run = world.Run();
  EXPECT_EQ(Verdicts(run), WithUdp({{"greeting/udp-greeting", "FAIL"},
                                    {"greeting/udp-prompt", "PASS"},
                                    {"greeting/udp-empty", "INFO"}}));
  EXPECT_EQ(Result(run, "greeting/udp-greeting").observed,
            "a datagram of 6 bytes: 48 45 4c 4c 4f 3f \"HELLO?\"");
}

TEST_P(RunnerTest, UnansweredMayIsInfo) {
  World world(GetParam(), {.udp = Udp::kIgnoresEmpty});
  const SuiteRun run = world.Run();
  const CaseResult& result = Result(run, "greeting/udp-empty");
  EXPECT_EQ(result.verdict, Verdict::kInfo);
  EXPECT_EQ(result.level, Level::kMay);
  EXPECT_EQ(OutcomeOf({run}), Outcome::kPassed);
}

TEST_P(RunnerTest, NothingListeningIsUnreachable) {
  std::unique_ptr<Harness> harness = GetParam().make();
  Network& network = harness->server_network();
  Target target{"nothing", {}};
  {
    ASSERT_OK_AND_ASSIGN(std::unique_ptr<Listener> listener,
                         network.Listen(harness->server_bind_address(), {}));
    ASSERT_OK_AND_ASSIGN(
        std::unique_ptr<DatagramSocket> socket,
        network.OpenDatagram(harness->server_bind_address(), {}));
    target.addresses[Transport::kTcp] = listener->local_address();
    target.addresses[Transport::kUdp] = socket->local_address();
  }
  harness->StartServers();
  RunOptions options;
  options.timeout = kTimeout;
  const SuiteRun run =
      RunSuite(GreetingSuite(), target, harness->client_network(), options);
  harness->StopServers();
  EXPECT_TRUE(run.unreachable);
  EXPECT_THAT(run.cases, IsEmpty());
  ASSERT_EQ(run.before.size(), 2u);
  EXPECT_FALSE(run.before[0].answered);
  EXPECT_FALSE(run.before[1].answered);
  EXPECT_THAT(run.before[0].wire_log.events,
              Contains(Field(&WireEvent::kind, WireEventKind::kConnectFailed)));
  EXPECT_EQ(OutcomeOf({run}), Outcome::kUnreachable);
}

TEST_P(RunnerTest, FilterMatchingNothingSelectsNothingAndProbesNothing) {
  World world(GetParam(), {});
  RunOptions options = world.Options();
  options.selection = Selection({"NOPE-*"}, {});
  const SuiteRun run = world.Run(options);
  EXPECT_EQ(run.selected, 0u);
  EXPECT_EQ(run.deselected, 7u);
  EXPECT_THAT(run.before, IsEmpty());
  EXPECT_EQ(OutcomeOf({run}), Outcome::kNothingSelected);
}

TEST_P(RunnerTest, SelectsByRequirementAndCaseWildcardsAndSkips) {
  World world(GetParam(), {});
  RunOptions options = world.Options();
  options.selection =
      Selection({"GREET-3", "greeting/udp-*"}, {"*/udp-empty"});
  const SuiteRun run = world.Run(options);
  EXPECT_EQ(Verdicts(run),
            (std::map<std::string, std::string>{
                {"greeting/tcp-prompt", "PASS"},
                {"greeting/udp-greeting", "PASS"},
                {"greeting/udp-prompt", "PASS"}}));
  EXPECT_EQ(run.deselected, 4u);
}

TEST_P(RunnerTest, TcpOnlyTargetLeavesUdpCasesOutAndDoesNotProbeUdp) {
  World world(GetParam(), {.udp = Udp::kSilent});
  world.target().addresses.erase(Transport::kUdp);
  const SuiteRun run = world.Run();
  EXPECT_EQ(run.cases.size(), 4u);
  EXPECT_EQ(run.deselected, 3u);
  ASSERT_EQ(run.before.size(), 1u);
  EXPECT_EQ(run.before[0].transport, Transport::kTcp);
}

TEST_P(RunnerTest, KnownFailuresAreExpectedAndKnownFailuresThatPassFail) {
  World world(GetParam(), {.tcp = Tcp::kNeverCloses});
  ASSERT_OK_AND_ASSIGN(const Expectations expectations,
                       Expectations::Parse(R"(
target greeting test-*
greeting/tcp-close     connection still open
greeting/tcp-greeting  "4 bytes"
)",
                                           "known.txt"));
  RunOptions options = world.Options();
  options.expectations = &expectations;
  const SuiteRun run = world.Run(options);
  EXPECT_EQ(Result(run, "greeting/tcp-close").verdict, Verdict::kXfail);
  EXPECT_EQ(Result(run, "greeting/tcp-close").expectation_where, "known.txt:3");
  const CaseResult& xpass = Result(run, "greeting/tcp-greeting");
  EXPECT_EQ(xpass.verdict, Verdict::kXpass);
  EXPECT_THAT(xpass.expected, HasSubstr("known failure (known.txt:4)"));
  EXPECT_THAT(xpass.rerun, HasSubstr("--case=greeting/tcp-greeting"));
  EXPECT_EQ(OutcomeOf({run}), Outcome::kFailed);
  const Summary summary = Summarize({run});
  EXPECT_EQ(summary.xfail, 1u);
  EXPECT_EQ(summary.xpass, 1u);
}

TEST_P(RunnerTest, OnlyExpectedFailuresPassTheRun) {
  World world(GetParam(), {.tcp = Tcp::kNeverCloses});
  ASSERT_OK_AND_ASSIGN(
      const Expectations expectations,
      Expectations::Parse("target * *\ngreeting/tcp-close still open\n",
                          "known.txt"));
  RunOptions options = world.Options();
  options.expectations = &expectations;
  const SuiteRun run = world.Run(options);
  EXPECT_EQ(Result(run, "greeting/tcp-close").verdict, Verdict::kXfail);
  EXPECT_EQ(OutcomeOf({run}), Outcome::kPassed);
}

TEST_P(RunnerTest, KnownFailureThatFailsDifferentlyIsAFailure) {
  World world(GetParam(), {.tcp = Tcp::kResets});
  ASSERT_OK_AND_ASSIGN(
      const Expectations expectations,
      Expectations::Parse("target * *\ngreeting/tcp-close still open\n",
                          "known.txt"));
  RunOptions options = world.Options();
  options.expectations = &expectations;
  const SuiteRun run = world.Run(options);
  const CaseResult& result = Result(run, "greeting/tcp-close");
  EXPECT_EQ(result.verdict, Verdict::kFail)
      << result.observed << "\n" << RenderWireLog(result.wire_log);
  EXPECT_EQ(result.expectation, "still open");
  EXPECT_EQ(OutcomeOf({run}), Outcome::kFailed);
}

TEST_P(RunnerTest, TargetThatDiesMidRunIsReported) {
  // The probe, tcp-greeting and tcp-close get answers; then it is gone.
  World world(GetParam(), {.die_after_connections = 3});
  world.target().addresses.erase(Transport::kUdp);
  RunOptions options = world.Options();
  options.parallelism = 1;
  const SuiteRun run = world.Run(options);
  EXPECT_EQ(Verdicts(run), (std::map<std::string, std::string>{
                               {"greeting/tcp-greeting", "PASS"},
                               {"greeting/tcp-close", "PASS"},
                               {"greeting/tcp-prompt", "WARN"},
                               {"greeting/tcp-client-first", "INFO"}}));
  EXPECT_THAT(Result(run, "greeting/tcp-prompt").observed,
              HasSubstr("refused"));
  ASSERT_EQ(run.after.size(), 1u);
  EXPECT_FALSE(run.after[0].answered);
  EXPECT_TRUE(run.target_died);
  EXPECT_EQ(OutcomeOf({run}), Outcome::kFailed);
}

TEST_P(RunnerTest, SameSeedRepeatsEveryCaseSeedEvenForOneCaseAlone) {
  World world(GetParam(), {});
  Suite suite;
  suite.name = "random";
  suite.transports = {Transport::kTcp};
  for (const char* id : {"random/a", "random/b"}) {
    suite.cases.push_back({.id = id,
                           .requirements = {"RANDOM-1"},
                           .level = Level::kMay,
                           .check = [](CaseContext& context) {
                             return Info(std::to_string(context.random()));
                           }});
  }
  const auto observed = [&](uint64_t seed, std::vector<std::string> include) {
    RunOptions options = world.Options();
    options.seed = seed;
    options.selection = Selection(std::move(include), {});
    const SuiteRun run =
        RunSuite(suite, world.target(), world.harness().client_network(),
                 options);
    std::map<std::string, std::string> values;
    for (const CaseResult& result : run.cases) {
      values[result.id] = result.observed;
      EXPECT_EQ(result.seed, CaseSeed(seed, result.id));
    }
    return values;
  };
  const auto both = observed(7, {});
  ASSERT_EQ(both.size(), 2u);
  EXPECT_NE(both.at("random/a"), both.at("random/b"));
  EXPECT_EQ(observed(7, {"random/b"}).at("random/b"), both.at("random/b"));
  EXPECT_NE(observed(8, {"random/b"}).at("random/b"), both.at("random/b"));
}

// Checks that misbehave themselves, on a target that works.
Suite MisbehavingSuite(std::function<Finding(CaseContext&)> check) {
  Suite suite;
  suite.name = "misbehaving";
  suite.transports = {Transport::kTcp};
  suite.cases.push_back({.id = "misbehaving/check",
                         .requirements = {"MIS-1"},
                         .level = Level::kMust,
                         .check = std::move(check)});
  return suite;
}

TEST_P(RunnerTest, CheckThatThrowsIsAnError) {
  World world(GetParam(), {});
  const SuiteRun run =
      RunSuite(MisbehavingSuite([](CaseContext&) -> Finding {
                 throw std::runtime_error("bad state");
               }),
               world.target(), world.harness().client_network(),
               world.Options());
  ASSERT_EQ(run.cases.size(), 1u);
  EXPECT_EQ(run.cases[0].verdict, Verdict::kError);
  EXPECT_THAT(run.cases[0].observed, HasSubstr("the check threw: bad state"));
  EXPECT_EQ(OutcomeOf({run}), Outcome::kHarnessError);
}

TEST_P(RunnerTest, CheckThatOverrunsItsDeadlineIsAnError) {
  World world(GetParam(), {});
  RunOptions options = world.Options();
  options.parallelism = 1;
  options.timeout = absl::Milliseconds(50);
  options.overrun_grace = absl::Milliseconds(50);
  const SuiteRun run = RunSuite(
      MisbehavingSuite([](CaseContext& context) {
        context.clock.SleepUntil(context.deadline + absl::Milliseconds(200));
        return Pass();
      }),
      world.target(), world.harness().client_network(), options);
  ASSERT_EQ(run.cases.size(), 1u);
  EXPECT_EQ(run.cases[0].verdict, Verdict::kError);
  EXPECT_THAT(run.cases[0].observed, HasSubstr("its finding was: PASS"));
}

TEST_P(RunnerTest, InfiniteWaitsInAChecksEndAtTheCaseDeadline) {
  World world(GetParam(), {.tcp = Tcp::kStalls});
  RunOptions options = world.Options();
  options.timeout = absl::Milliseconds(200);
  const SuiteRun run = RunSuite(
      MisbehavingSuite([](CaseContext& context) {
        absl::StatusOr<std::unique_ptr<Stream>> stream =
            context.network.Connect(context.target, absl::InfiniteFuture());
        if (!stream.ok()) return HarnessError(stream.status());
        char byte;
        absl::StatusOr<size_t> n =
            (*stream)->Read(absl::MakeSpan(&byte, 1), absl::InfiniteFuture());
        return Violation("a byte", n.status().ToString());
      }),
      world.target(), world.harness().client_network(), options);
  ASSERT_EQ(run.cases.size(), 1u);
  EXPECT_EQ(run.cases[0].verdict, Verdict::kFail);
  EXPECT_THAT(run.cases[0].observed, HasSubstr("DEADLINE_EXCEEDED"));
  EXPECT_THAT(run.cases[0].wire_log.events,
              Contains(AllOf(Field(&WireEvent::kind, WireEventKind::kTimeout),
                             Field(&WireEvent::detail,
                                   HasSubstr("(the case timeout)")))));
}

TEST_P(RunnerTest, WireLogOfAServerThatStreamsForeverStaysBounded) {
  World world(GetParam(), {.tcp = Tcp::kStreamsForever});
  RunOptions options = world.Options();
  options.timeout = absl::Milliseconds(300);
  options.wire_log_limits.max_bytes = 4096;
  const SuiteRun run = RunSuite(
      MisbehavingSuite([](CaseContext& context) {
        absl::StatusOr<std::unique_ptr<Stream>> stream =
            context.network.Connect(context.target, context.deadline);
        if (!stream.ok()) return HarnessError(stream.status());
        // A careless check: reads up to 1 MiB, then looks at it.
        const StreamCapture capture =
            ReadToEnd(**stream, 1 << 20, absl::InfiniteFuture());
        return Violation("EOF", absl::StrCat(capture.bytes.size(), " bytes"));
      }),
      world.target(), world.harness().client_network(), options);
  ASSERT_EQ(run.cases.size(), 1u);
  const CaseResult& result = run.cases[0];
  EXPECT_EQ(result.verdict, Verdict::kFail);
  EXPECT_LE(result.elapsed, options.timeout + absl::Milliseconds(500));
  EXPECT_TRUE(result.wire_log.truncated());
  size_t recorded = 0;
  for (const WireEvent& event : result.wire_log.events) {
    recorded += event.bytes.size();
  }
  EXPECT_LE(recorded, 4096u);
  EXPECT_GT(result.wire_log.dropped_bytes, 0u);
}

TEST_P(RunnerTest, ExclusiveCasesRunAloneAndAllStillRun) {
  World world(GetParam(), {});
  auto running = std::make_shared<std::atomic<int>>(0);
  auto overlapped = std::make_shared<std::atomic<bool>>(false);
  Suite suite;
  suite.name = "exclusive";
  suite.transports = {Transport::kTcp};
  for (int i = 0; i < 6; ++i) {
    suite.cases.push_back(
        {.id = absl::StrCat("exclusive/", i),
         .requirements = {"EXCL-1"},
         .level = Level::kMust,
         .exclusive = i % 2 == 0,
         .check = [running, overlapped, exclusive = i % 2 == 0](
                      CaseContext& context) {
           const int others = running->fetch_add(1);
           if (exclusive && others > 0) *overlapped = true;
           // Hold the slot across a real wait so overlaps could show.
           absl::StatusOr<std::unique_ptr<Stream>> stream =
               context.network.Connect(context.target, context.deadline);
           if (stream.ok()) {
             ReadToEnd(**stream, 64, context.deadline);
           }
           if (exclusive && running->load() > 1) *overlapped = true;
           running->fetch_sub(1);
           return Pass();
         }});
  }
  const SuiteRun run = RunSuite(suite, world.target(),
                                world.harness().client_network(),
                                world.Options());
  EXPECT_EQ(Summarize({run}).passed, 6u);
  EXPECT_FALSE(*overlapped);
}

INSTANTIATE_TEST_SUITE_P(AllHarnesses, RunnerTest,
                         ::testing::ValuesIn(::wirecheck::testing::AllHarnesses()),
                         ::wirecheck::testing::HarnessTestName);

// Only real threads can get stuck: the watchdog stops waiting for a check
// that ignores its deadline, and the check finishes later on its own.
TEST(RunnerWatchdogTest, StuckCheckInParallelModeIsAnErrorAndDoesNotHangTheRun) {
  auto release = std::make_shared<std::promise<void>>();
  std::shared_future<void> released = release->get_future().share();
  auto finished = std::make_shared<std::promise<void>>();
  std::future<void> check_finished = finished->get_future();
  Suite suite = MisbehavingSuite([released, finished](CaseContext&) {
    released.wait();
    finished->set_value();
    return Pass();
  });
  suite.cases.push_back({.id = "misbehaving/fine",
                         .requirements = {"MIS-1"},
                         .level = Level::kMust,
                         .check = [](CaseContext&) { return Pass(); }});
  // The checks make no connection and the probe is answered for them.
  const Target target{
      "loopback",
      {{Transport::kTcp, SocketAddress::Loopback(AddressFamily::kIPv4, 4707)}}};
  RunOptions options;
  options.parallelism = 2;
  options.timeout = absl::Milliseconds(50);
  options.overrun_grace = absl::Milliseconds(50);
  suite.probe = [](CaseContext&, Transport) { return Pass(); };
  const SuiteRun run = RunSuite(suite, target, RealNetwork(), options);
  EXPECT_EQ(Verdicts(run), (std::map<std::string, std::string>{
                               {"misbehaving/check", "ERROR"},
                               {"misbehaving/fine", "PASS"}}));
  EXPECT_THAT(Result(run, "misbehaving/check").observed,
              HasSubstr("stopped waiting"));
  release->set_value();
  check_finished.wait();
}

TEST(OutcomeTest, FailureOutranksErrorWhichOutranksUnreachable) {
  SuiteRun failed;
  failed.selected = 1;
  failed.cases.push_back({.verdict = Verdict::kFail});
  SuiteRun errored;
  errored.selected = 1;
  errored.cases.push_back({.verdict = Verdict::kError});
  SuiteRun unreachable;
  unreachable.selected = 1;
  unreachable.unreachable = true;
  SuiteRun empty;
  EXPECT_EQ(OutcomeOf({errored, failed, unreachable}), Outcome::kFailed);
  EXPECT_EQ(OutcomeOf({errored, unreachable}), Outcome::kHarnessError);
  EXPECT_EQ(OutcomeOf({unreachable, empty}), Outcome::kUnreachable);
  EXPECT_EQ(OutcomeOf({empty}), Outcome::kNothingSelected);
  EXPECT_EQ(OutcomeOf({}), Outcome::kNothingSelected);
}

TEST(MergeOptionsTest, OverridesKnownOptionsAndRejectsUnknownOnes) {
  const Suite suite = GreetingSuite();
  EXPECT_THAT(MergeOptions(suite, {{"greet_within", "2s"}}),
              ::wirecheck::testing::IsOkAndHolds(
                  ElementsAre(Pair("greet_within", "2s"))));
  EXPECT_THAT(MergeOptions(suite, {{"skew", "1s"}}),
              ::wirecheck::testing::StatusIs(
                  absl::StatusCode::kInvalidArgument,
                  HasSubstr("has no option \"skew\"; it has: greet_within "
                            "(default 1s)")));
}

TEST(ShellQuoteTest, QuotesOnlyWhatNeedsIt) {
  EXPECT_EQ(ShellQuote("--case=time/tcp-four-bytes"),
            "--case=time/tcp-four-bytes");
  EXPECT_EQ(ShellQuote("--case=time/*"), "'--case=time/*'");
  EXPECT_EQ(ShellQuote("it's"), "'it'\\''s'");
  EXPECT_EQ(ShellQuote(""), "''");
}

}  // namespace
}  // namespace wirecheck::conformance

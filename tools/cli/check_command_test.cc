// `wirecheck check` end to end, in process: the greeting suite (registered
// by //conformance/testing/greeting:registered) against its reference server
// and deliberately broken ones on real loopback.
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <tinyxml2.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "conformance/testing/greeting/broken_servers.h"
#include "fakes/harness.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "protocols/common/status_matchers.h"
#include "protocols/transport/server.h"
#include "tools/cli/command.h"

namespace wirecheck::cli {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::wirecheck::testing::BrokenGreetingServer;
using ::wirecheck::testing::GreetingFaults;
using ::wirecheck::testing::Harness;
using Tcp = GreetingFaults::Tcp;
using Udp = GreetingFaults::Udp;
using json = nlohmann::json;

class CheckCommandTest : public ::testing::Test {
 protected:
  ~CheckCommandTest() override {
    if (harness_ != nullptr) harness_->StopServers();
    server_.reset();
  }

  // Starts a greeting server with `faults` on 127.0.0.1; returns "HOST:PORT"
  // of its TCP side (UDP is on the same port).
  std::string Serve(GreetingFaults faults) {
    harness_ = ::wirecheck::testing::LoopbackHarnesses()[0].make();
    broken_ = std::make_unique<BrokenGreetingServer>(faults);
    ServerOptions options;
    options.log = [](absl::string_view) {};
    server_ = std::make_unique<Server>(harness_->server_loop(),
                                       harness_->server_network(), options);
    absl::StatusOr<std::map<Transport, SocketAddress>> addresses =
        broken_->Start(*server_, harness_->server_bind_address());
    EXPECT_OK(addresses);
    harness_->StartServers();
    const SocketAddress tcp = addresses->begin()->second;
    if (addresses->size() == 2) {
      EXPECT_EQ(addresses->at(Transport::kUdp).port(), tcp.port())
          << "the UDP port was taken; this test needs both on one port";
    }
    return tcp.ToString();
  }

  // An address where nothing listens, over TCP or UDP.
  std::string Nothing() {
    harness_ = ::wirecheck::testing::LoopbackHarnesses()[0].make();
    Network& network = harness_->server_network();
    absl::StatusOr<std::unique_ptr<Listener>> listener =
        network.Listen(harness_->server_bind_address(), {});
    EXPECT_OK(listener);
    const std::string address = (*listener)->local_address().ToString();
    return address;
  }

  int Check(std::vector<std::string> args) {
    args.insert(args.begin(), {"wirecheck", "check"});
    out_.str("");
    err_.str("");
    return RunCommandLine(RegisteredCommands(), args, out_, err_);
  }

  // Runs a printed rerun command ("wirecheck check ARGS...").
  int Rerun(const std::string& command) {
    std::vector<std::string> words = absl::StrSplit(command, ' ');
    EXPECT_GE(words.size(), 2u);
    EXPECT_EQ(words[0], "wirecheck");
    EXPECT_EQ(words[1], "check");
    return Check(std::vector<std::string>(words.begin() + 2, words.end()));
  }

  std::string File(const std::string& name) const {
    return absl::StrCat(::testing::TempDir(), "/", name);
  }

  std::string Read(const std::string& path) const {
    std::ifstream file(path);
    std::stringstream text;
    text << file.rdbuf();
    return text.str();
  }

  std::string Write(const std::string& name, const std::string& contents) const {
    const std::string path = File(name);
    std::ofstream(path) << contents;
    return path;
  }

  std::string out() const { return out_.str(); }
  std::string err() const { return err_.str(); }

  // Generous for loaded sanitizer runs; only broken servers make cases wait.
  const std::vector<std::string> kTiming = {"--timeout=1.5s",
                                            "--option=greet_within=250ms"};

  std::vector<std::string> With(std::vector<std::string> args) const {
    args.insert(args.end(), kTiming.begin(), kTiming.end());
    return args;
  }

 private:
  std::unique_ptr<Harness> harness_;
  std::unique_ptr<BrokenGreetingServer> broken_;
  std::unique_ptr<Server> server_;
  std::ostringstream out_;
  std::ostringstream err_;
};

TEST_F(CheckCommandTest, AllChecksEveryReferenceServerAndPasses) {
  const std::string json_path = File("all.json");
  EXPECT_EQ(Check({"--all", "--seed=3", "--json", json_path}), 0) << err();
  EXPECT_THAT(out(), HasSubstr("greeting: checking reference (tcp 127.0.0.1:"));
  EXPECT_THAT(out(), HasSubstr("7 cases: 6 passed, 0 failed, 0 warnings, 0 "
                               "unsupported, 1 info\nPASSED"));
  const json report = json::parse(Read(json_path));
  EXPECT_EQ(report.at("exit_code"), 0);
  EXPECT_EQ(report.at("outcome"), "passed");
  EXPECT_EQ(report.at("command"), "wirecheck check --all --seed=3");
  EXPECT_EQ(report.at("suites").at(0).at("seed"), "3");
}

TEST_F(CheckCommandTest, CorpusOutWritesTheBytesOfEveryCaseAgainstTheReference) {
  const std::string dir = File("corpus_all");
  std::filesystem::remove_all(dir);
  const std::string json_path = File("corpus_all.json");
  EXPECT_EQ(Check({"--all", "--corpus_out", dir, "--json", json_path}), 0)
      << err();
  EXPECT_THAT(err(), HasSubstr("greeting: wrote "));
  // The reference greets with "hello" over TCP (SPEC.md): passing cases
  // are written too, each piece in its own file.
  EXPECT_EQ(Read(absl::StrCat(dir, "/greeting/tcp-greeting-received-1")),
            "hello");
  size_t received = 0;
  size_t sent = 0;
  for (const auto& entry : std::filesystem::directory_iterator(
           absl::StrCat(dir, "/greeting"))) {
    const std::string name = entry.path().filename().string();
    received += name.find("-received-") != std::string::npos;
    sent += name.find("-sent-") != std::string::npos;
    EXPECT_GT(entry.file_size(), 0u) << name;
  }
  EXPECT_GE(received, 4u);
  EXPECT_GE(sent, 1u);
  // The reports still leave passing cases' wire logs out.
  const json report = json::parse(Read(json_path));
  for (const json& c : report.at("suites").at(0).at("cases")) {
    if (c.at("verdict") == "PASS") EXPECT_FALSE(c.contains("wire_log")) << c;
  }
}

TEST_F(CheckCommandTest, UnwritableCorpusOutIsAHarnessError) {
  const std::string target = Serve({});
  const std::string blocker = Write("corpus_blocker", "a file, not a folder");
  EXPECT_EQ(Check(With({"greeting", absl::StrCat("tcp://", target),
                        "--corpus_out", absl::StrCat(blocker, "/sub")})),
            2);
  EXPECT_THAT(err(), HasSubstr("--corpus_out: cannot create"));
}

TEST_F(CheckCommandTest, AllOnIpv6UsesTheIpv6Loopback) {
  EXPECT_EQ(Check({"--all", "--family=ipv6"}), 0) << err();
  EXPECT_THAT(out(), HasSubstr("(tcp [::1]:"));
}

TEST_F(CheckCommandTest, CorrectServerExitsZero) {
  const std::string target = Serve({});
  EXPECT_EQ(Check(With({"greeting", target})), 0) << out() << err();
  EXPECT_THAT(out(), HasSubstr(absl::StrCat("greeting: checking ", target)));
}

TEST_F(CheckCommandTest, BrokenServerExitsOneAndItsRerunCommandRepeatsTheCase) {
  const std::string target = Serve({.tcp = Tcp::kShort});
  EXPECT_EQ(Check(With({"greeting", absl::StrCat("tcp://", target), "--seed=5"})),
            1);
  EXPECT_THAT(out(), HasSubstr("  FAIL         greeting/tcp-greeting"));
  EXPECT_THAT(out(), HasSubstr("  observed: 4 bytes: 68 65 6c 6c \"hell\", then EOF\n"));
  EXPECT_THAT(out(), HasSubstr("|hell|"));
  const std::string rerun = absl::StrCat(
      "wirecheck check greeting tcp://", target,
      " --option=greet_within=250ms --timeout=1.5s --seed=5");
  // Flags are repeated in a fixed order, then the case and seed.
  const std::string expected_line = absl::StrCat(
      "  rerun: wirecheck check greeting tcp://", target,
      " --option=greet_within=250ms --timeout=1.5s --case=greeting/tcp-greeting "
      "--seed=5\n");
  ASSERT_THAT(out(), HasSubstr(expected_line));
  const std::string command = expected_line.substr(9, expected_line.size() - 10);
  EXPECT_EQ(Rerun(command), 1);
  EXPECT_THAT(out(), HasSubstr("1 case: 0 passed, 1 failed"));
  EXPECT_THAT(out(), HasSubstr("seed 5\n"));
}

TEST_F(CheckCommandTest, NothingListeningExitsThree) {
  const std::string target = Nothing();
  EXPECT_EQ(Check(With({"greeting", absl::StrCat("tcp://", target)})), 3);
  EXPECT_THAT(out(), HasSubstr("TARGET UNREACHABLE"));
  EXPECT_THAT(out(), HasSubstr("UNREACHABLE: the target answered no liveness probe"));
}

TEST_F(CheckCommandTest, TargetWithNoAddressOfTheWantedFamilyExitsThree) {
  // A numeric address is not looked up, so this sends nothing anywhere.
  EXPECT_EQ(Check({"greeting", "127.0.0.1:4707", "--family=ipv6"}), 3);
  EXPECT_THAT(err(), HasSubstr("127.0.0.1"));
}

TEST_F(CheckCommandTest, FilterMatchingNothingExitsFour) {
  const std::string target = Serve({});
  EXPECT_EQ(Check(With({"greeting", target, "--case=NOPE-*"})), 4);
  EXPECT_THAT(err(), HasSubstr("warning: --case=NOPE-* matches no case"));
  EXPECT_THAT(out(), HasSubstr("NOTHING SELECTED"));
  EXPECT_EQ(Check({"--all", "--skip=greeting/*"}), 4);
  EXPECT_EQ(Check({"--list", "--case=NOPE-*"}), 4);
}

TEST_F(CheckCommandTest, SelectsByRequirementAndSkips) {
  const std::string target = Serve({});
  EXPECT_EQ(Check(With({"greeting", target, "--case=GREET-3", "--case=GREET-1",
                        "--skip=*/udp-*"})),
            0);
  EXPECT_THAT(out(), HasSubstr("2 cases: 2 passed"));
  EXPECT_THAT(out(), HasSubstr("greeting/tcp-prompt"));
  EXPECT_THAT(out(), Not(HasSubstr("greeting/udp-prompt")));
}

TEST_F(CheckCommandTest, SilentUdpIsUnsupportedAndStillExitsZero) {
  const std::string target = Serve({.udp = Udp::kSilent});
  EXPECT_EQ(Check(With({"greeting", target})), 0) << out();
  EXPECT_THAT(out(), HasSubstr("  UNSUPPORTED  greeting/udp-greeting"));
  EXPECT_THAT(out(), HasSubstr("udp did not answer the liveness probe"));
}

TEST_F(CheckCommandTest, LateAnswerWarnsAndExitsZero) {
  const std::string target = Serve({.tcp = Tcp::kLate});
  EXPECT_EQ(Check(With({"greeting", absl::StrCat("tcp://", target)})), 0);
  EXPECT_THAT(out(), HasSubstr("  WARN         greeting/tcp-prompt"));
  EXPECT_THAT(out(), HasSubstr("\nWARN greeting/tcp-prompt (GREET-3, SHOULD, tcp)"));
}

TEST_F(CheckCommandTest, TargetThatDiesMidRunExitsOne) {
  const std::string target = Serve({.die_after_connections = 3});
  EXPECT_EQ(Check(With({"greeting", absl::StrCat("tcp://", target),
                        "--parallel=1"})),
            1);
  EXPECT_THAT(out(), HasSubstr("TARGET STOPPED ANSWERING"));
  EXPECT_THAT(out(), HasSubstr("FAILED: a target stopped answering"));
}

TEST_F(CheckCommandTest, ExpectationsTurnKnownFailuresIntoXfailAndPassesIntoXpass) {
  const std::string target = Serve({.tcp = Tcp::kNeverCloses});
  const std::string known = Write("known.txt", absl::StrCat(
      "# the server under test never closes\n"
      "target greeting tcp://", target, "\n"
      "greeting/tcp-close   connection still open\n"));
  const std::vector<std::string> args =
      With({"greeting", absl::StrCat("tcp://", target), "--expectations", known});
  EXPECT_EQ(Check(args), 0) << out();
  EXPECT_THAT(out(), HasSubstr("  XFAIL        greeting/tcp-close"));
  EXPECT_THAT(out(), HasSubstr("1 expected failure"));

  const std::string wrong = Write("wrong.txt", absl::StrCat(
      "target greeting *\n"
      "greeting/tcp-close    connection still open\n"
      "greeting/tcp-greeting \"4 bytes\"\n"));
  std::vector<std::string> xpass = args;
  xpass[3] = wrong;
  EXPECT_EQ(Check(xpass), 1);
  EXPECT_THAT(out(), HasSubstr("  XPASS        greeting/tcp-greeting"));
  EXPECT_THAT(out(), HasSubstr("FAILED: a known failure passed"));
}

TEST_F(CheckCommandTest, BadExpectationsFilesAreUsageErrorsNamingTheLine) {
  const std::string target = Serve({});
  EXPECT_EQ(Check({"greeting", target, "--expectations", File("missing.txt")}), 2);
  EXPECT_THAT(err(), HasSubstr("missing.txt"));
  EXPECT_EQ(Check({"greeting", target, "--expectations",
                   Write("early.txt", "greeting/tcp-close x\n")}),
            2);
  EXPECT_THAT(err(), HasSubstr("early.txt:1: entry \"greeting/tcp-close\" "
                               "before any \"target SUITE TARGET\" line"));
  EXPECT_EQ(Check({"greeting", target, "--expectations",
                   Write("typo.txt", "target greeting *\ngreeting/tcp-clsoe x\n")}),
            2);
  EXPECT_THAT(err(), HasSubstr("typo.txt:2: no case \"greeting/tcp-clsoe\""));
}

TEST_F(CheckCommandTest, UsageErrorsExitTwo) {
  // Usage errors are found before any traffic: nothing listens here.
  const std::string target = "127.0.0.1:4707";
  EXPECT_EQ(Check({}), 2);
  EXPECT_EQ(Check({"greeting"}), 2);
  EXPECT_EQ(Check({"nosuch", target}), 2);
  EXPECT_THAT(err(), HasSubstr("no suite named \"nosuch\" (suites: greeting)"));
  EXPECT_EQ(Check({"--all", "greeting"}), 2);
  EXPECT_EQ(Check({"greeting", target, "--option=skew"}), 2);
  EXPECT_EQ(Check({"greeting", target, "--option=skew=1s"}), 2);
  EXPECT_THAT(err(), HasSubstr("has no option \"skew\"; it has: greet_within"));
  EXPECT_EQ(Check({"greeting", target, "--seed=x"}), 2);
  EXPECT_EQ(Check({"greeting", target, "--parallel=0"}), 2);
  EXPECT_EQ(Check({"greeting", target, "--timeout=0"}), 2);
  EXPECT_EQ(Check({"greeting", target, "--color=pink"}), 2);
  EXPECT_EQ(Check({"greeting", target, "--family=ipv5"}), 2);
  EXPECT_EQ(Check({"greeting", "http://" + target}), 2);
}

TEST_F(CheckCommandTest, ListPrintsTheMatrixIncludingRequirementsWithoutACase) {
  EXPECT_EQ(Check({"--list", "--skip=*/udp-*"}), 0);
  EXPECT_THAT(out(), HasSubstr("  GREET-3      SHOULD The server greets within"));
  EXPECT_THAT(out(), HasSubstr("                      greeting/udp-prompt (udp) "
                               "[not selected]\n"));
  EXPECT_THAT(out(), HasSubstr("  GREET-7      MAY    The server may log each "
                               "greeting. (No case can see this.)\n"
                               "                      (no case)\n"));
  EXPECT_THAT(out(), HasSubstr("7 cases, 4 selected; 1 requirement without a case"));
  EXPECT_EQ(Check({"--list", "greeting"}), 0);
  EXPECT_EQ(Check({"--list", "nosuch"}), 2);
}

TEST_F(CheckCommandTest, JsonAndJunitFilesParseBack) {
  const std::string target = Serve({.tcp = Tcp::kStalls});
  const std::string json_path = File("stalls.json");
  const std::string junit_path = File("stalls.xml");
  EXPECT_EQ(Check(With({"greeting", absl::StrCat("tcp://", target), "--seed=11",
                        "--json", json_path, "--junit", junit_path})),
            1);
  const json report = json::parse(Read(json_path));
  EXPECT_EQ(report.at("schema_version"), 1);
  EXPECT_EQ(report.at("exit_code"), 1);
  EXPECT_EQ(report.at("summary").at("failed"), 2);
  EXPECT_EQ(report.at("summary").at("warnings"), 1);
  const json& cases = report.at("suites").at(0).at("cases");
  ASSERT_EQ(cases.size(), 4u);
  EXPECT_EQ(cases.at(0).at("verdict"), "FAIL");
  EXPECT_EQ(cases.at(0).at("rerun"),
            absl::StrCat("wirecheck check greeting tcp://", target,
                         " --option=greet_within=250ms --timeout=1.5s "
                         "--case=greeting/tcp-greeting --seed=11"));

  tinyxml2::XMLDocument junit;
  ASSERT_EQ(junit.LoadFile(junit_path.c_str()), tinyxml2::XML_SUCCESS)
      << junit.ErrorStr();
  const tinyxml2::XMLElement* suites = junit.RootElement();
  ASSERT_NE(suites, nullptr);
  EXPECT_STREQ(suites->Attribute("tests"), "4");
  EXPECT_STREQ(suites->Attribute("failures"), "2");
  EXPECT_STREQ(suites->FirstChildElement("testsuite")->Attribute("name"),
               "greeting");
}

TEST_F(CheckCommandTest, UnwritableReportIsAHarnessError) {
  const std::string target = Serve({});
  EXPECT_EQ(Check(With({"greeting", absl::StrCat("tcp://", target), "--json",
                        File("no/such/dir/report.json")})),
            2);
  EXPECT_THAT(err(), HasSubstr("cannot write"));
}

}  // namespace
}  // namespace wirecheck::cli

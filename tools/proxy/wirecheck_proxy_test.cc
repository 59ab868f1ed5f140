// `wirecheck proxy` as users run it: the built binary in a child process,
// its printed address and seed, traffic through it, its fault log on
// stderr, and a graceful stop on SIGTERM.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "fakes/datagram_fault_engine.h"
#include "fakes/fake_clock.h"
#include "fakes/fault_plan.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "protocols/common/status_matchers.h"
#include "protocols/transport/posix_network.h"
#include "protocols/transport/stream_util.h"
#include "tools/proxy/udp_proxy.h"

extern char** environ;

namespace wirecheck::proxy {
namespace {

using ::testing::HasSubstr;

constexpr absl::Duration kLong = absl::Seconds(10);
constexpr absl::Duration kShort = absl::Milliseconds(20);

absl::Time In(absl::Duration d) { return RealClock().Now() + d; }

std::string Binary() {
  return absl::StrCat(std::getenv("TEST_SRCDIR"), "/wirecheck/tools/wirecheck");
}

// The binary running in a child process: stdout through a pipe, read line
// by line with deadlines; stderr into a file, read once it has exited.
class Child {
 public:
  explicit Child(std::vector<std::string> args) {
    static int count = 0;
    stderr_path_ = absl::StrCat(std::getenv("TEST_TMPDIR"), "/stderr",
                                ++count, ".txt");
    int out[2];
    if (pipe2(out, O_CLOEXEC) != 0) {
      ADD_FAILURE() << "pipe2 failed";
      return;
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO,
                                     stderr_path_.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0644);
    args.insert(args.begin(), Binary());
    std::vector<char*> argv;
    for (std::string& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    const int rc = posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(),
                               environ);
    posix_spawn_file_actions_destroy(&actions);
    close(out[1]);
    stdout_fd_ = out[0];
    if (rc != 0) {
      ADD_FAILURE() << "posix_spawn " << argv[0] << ": " << rc;
      pid_ = -1;
    }
  }

  ~Child() {
    if (pid_ > 0 && !exit_code_.has_value()) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    if (stdout_fd_ >= 0) close(stdout_fd_);
  }

  // The next line of stdout, without its newline; nullopt at EOF or when
  // none comes by the deadline.
  std::optional<std::string> ReadLine(absl::Time deadline) {
    for (;;) {
      if (const size_t newline = pending_.find('\n');
          newline != std::string::npos) {
        std::string line = pending_.substr(0, newline);
        pending_.erase(0, newline + 1);
        return line;
      }
      const absl::Duration left = deadline - RealClock().Now();
      if (left <= absl::ZeroDuration()) return std::nullopt;
      pollfd entry = {stdout_fd_, POLLIN, 0};
      if (poll(&entry, 1, static_cast<int>(absl::ToInt64Milliseconds(left)) + 1) <= 0) {
        continue;
      }
      char buffer[4096];
      const ssize_t n = read(stdout_fd_, buffer, sizeof(buffer));
      if (n <= 0) return std::nullopt;
      pending_.append(buffer, static_cast<size_t>(n));
    }
  }

  // Reads stdout up to the line starting "seed ", keeping every line.
  std::vector<std::string> ReadBanner() {
    std::vector<std::string> lines;
    while (std::optional<std::string> line = ReadLine(In(kLong))) {
      lines.push_back(*line);
      if (absl::StartsWith(*line, "seed ")) break;
    }
    return lines;
  }

  void Signal(int signo) { kill(pid_, signo); }

  // The exit code, waiting up to `timeout`; nullopt if it is still running
  // or died of a signal.
  std::optional<int> Wait(absl::Duration timeout) {
    if (exit_code_.has_value()) return exit_code_;
    const int pidfd = static_cast<int>(syscall(SYS_pidfd_open, pid_, 0));
    if (pidfd < 0) {
      ADD_FAILURE() << "pidfd_open failed";
      return std::nullopt;
    }
    pollfd entry = {pidfd, POLLIN, 0};
    const int ready =
        poll(&entry, 1, static_cast<int>(absl::ToInt64Milliseconds(timeout)));
    close(pidfd);
    if (ready <= 0) return std::nullopt;
    int status = 0;
    if (waitpid(pid_, &status, 0) != pid_) return std::nullopt;
    if (!WIFEXITED(status)) {
      exit_code_ = -1;
      return std::nullopt;
    }
    exit_code_ = WEXITSTATUS(status);
    return exit_code_;
  }

  // Everything written to stderr so far.
  std::string Stderr() const {
    std::ifstream file(stderr_path_);
    std::stringstream text;
    text << file.rdbuf();
    return text.str();
  }

 private:
  pid_t pid_ = -1;
  int stdout_fd_ = -1;
  std::string pending_;
  std::string stderr_path_;
  std::optional<int> exit_code_;
};

// The address in a "listening on tcp://127.0.0.1:40000" line.
std::optional<SocketAddress> ListeningAddress(const std::vector<std::string>& lines,
                                              absl::string_view scheme) {
  for (absl::string_view line : lines) {
    if (absl::ConsumePrefix(&line, absl::StrCat("listening on ", scheme, "://"))) {
      absl::StatusOr<SocketAddress> address = SocketAddress::Parse(line);
      if (address.ok()) return *address;
    }
  }
  return std::nullopt;
}

// The seed in a "seed 42 (replay with --seed=42)" line.
std::optional<uint64_t> PrintedSeed(const std::vector<std::string>& lines) {
  for (absl::string_view line : lines) {
    if (!absl::ConsumePrefix(&line, "seed ")) continue;
    uint64_t seed = 0;
    if (absl::SimpleAtoi(line.substr(0, line.find(' ')), &seed)) return seed;
  }
  return std::nullopt;
}

TEST(WirecheckProxyTest, TcpRunPrintsItsAddressAndSeedLogsFaultsAndStopsOnSigterm) {
  ASSERT_OK_AND_ASSIGN(
      std::unique_ptr<Listener> upstream,
      RealNetwork().Listen(SocketAddress::Loopback(AddressFamily::kIPv4, 0),
                           ListenOptions()));
  const std::string upstream_address = upstream->local_address().ToString();
  Child proxy({"proxy", "--listen", "127.0.0.1:0", "--upstream",
               absl::StrCat("tcp://", upstream_address), "--fault",
               "down:slice=1", "--fault", "up:half_close_after=5", "--seed",
               "42"});
  const std::vector<std::string> banner = proxy.ReadBanner();
  const std::optional<SocketAddress> listening = ListeningAddress(banner, "tcp");
  ASSERT_TRUE(listening.has_value()) << proxy.Stderr();
  EXPECT_THAT(banner, ::testing::Contains(absl::StrCat("upstream tcp://",
                                                       upstream_address)));
  EXPECT_THAT(banner, ::testing::Contains(
                          "faults: down:slice=1 up:half_close_after=5"));
  EXPECT_THAT(banner, ::testing::Contains("seed 42 (replay with --seed=42)"));

  ASSERT_OK_AND_ASSIGN(std::unique_ptr<Stream> client,
                       RealNetwork().Connect(*listening, In(kLong)));
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<Stream> server, upstream->Accept(In(kLong)));
  ASSERT_OK(WriteAll(*client, "hello world", In(kLong)));
  const StreamCapture request = ReadToEnd(*server, 1024, In(kLong));
  EXPECT_TRUE(request.eof);
  EXPECT_EQ(request.bytes, "hello");
  ASSERT_OK(WriteAll(*server, "HELLO", In(kLong)));
  server->Close();
  const StreamCapture reply = ReadToEnd(*client, 1024, In(kLong));
  EXPECT_TRUE(reply.eof);
  EXPECT_EQ(reply.bytes, "HELLO");
  client->Close();

  proxy.Signal(SIGTERM);
  EXPECT_EQ(proxy.Wait(kLong), 0);
  const std::string log = proxy.Stderr();
  const std::string path = absl::StrCat(client->local_address().ToString(),
                                        "->", upstream_address);
  EXPECT_THAT(log, HasSubstr(absl::StrCat(
                       "fault: ", path,
                       " up #5 half_close_after: EOF after 5 bytes")));
  EXPECT_THAT(log, HasSubstr(absl::StrCat(
                       "fault: ", path, " down #0 slice: 5 bytes as 5 segments")));
  EXPECT_THAT(log, HasSubstr("connected to upstream"));
  EXPECT_THAT(log, HasSubstr("signal 15: shutting down"));
}

TEST(WirecheckProxyTest, UdpRunWithARandomSeedReplaysFromThePrintedSeed) {
  ASSERT_OK_AND_ASSIGN(
      std::unique_ptr<DatagramSocket> upstream,
      RealNetwork().OpenDatagram(SocketAddress::Loopback(AddressFamily::kIPv6, 0),
                                 DatagramOptions()));
  Child proxy({"proxy", "--listen", "[::1]:0", "--upstream",
               absl::StrCat("udp://", upstream->local_address().ToString()),
               "--fault", "up:drop=0.5"});
  const std::vector<std::string> banner = proxy.ReadBanner();
  const std::optional<SocketAddress> listening = ListeningAddress(banner, "udp");
  const std::optional<uint64_t> seed = PrintedSeed(banner);
  ASSERT_TRUE(listening.has_value()) << proxy.Stderr();
  ASSERT_TRUE(seed.has_value());

  // What the printed seed says happens to each datagram.
  fakes::FakeClock clock;
  fakes::DatagramFaultEngine engine(
      fakes::ParseFaultPlan("up:drop=0.5")->datagram(fakes::Direction::kUp),
      UdpProxy::EngineSeed(*seed, fakes::Direction::kUp), clock, nullptr, "");
  ASSERT_OK_AND_ASSIGN(
      std::unique_ptr<DatagramSocket> client,
      RealNetwork().OpenDatagram(SocketAddress::Loopback(AddressFamily::kIPv6, 0),
                                 DatagramOptions()));
  std::vector<uint64_t> dropped;
  std::string buffer(1024, '\0');
  for (int i = 1; i <= 40; ++i) {
    const std::string payload = absl::StrCat("datagram ", i);
    ASSERT_OK(client->SendTo(payload, *listening));
    if (engine.Process(payload).empty()) {
      dropped.push_back(i);
      continue;
    }
    ASSERT_OK_AND_ASSIGN(ReceivedDatagram got,
                         upstream->ReceiveFrom(absl::MakeSpan(buffer), In(kLong)));
    ASSERT_EQ(buffer.substr(0, got.size), payload);
  }
  EXPECT_THAT(upstream->ReceiveFrom(absl::MakeSpan(buffer), In(kShort)),
              testing::StatusIs(absl::StatusCode::kDeadlineExceeded));
  ASSERT_FALSE(dropped.empty());

  proxy.Signal(SIGTERM);
  EXPECT_EQ(proxy.Wait(kLong), 0);
  const std::string log = proxy.Stderr();
  for (uint64_t index : dropped) {
    EXPECT_THAT(log, HasSubstr(absl::StrCat(" up #", index, " drop: drop=0.5\n")));
  }
  EXPECT_THAT(log, HasSubstr("new client"));
}

TEST(WirecheckProxyTest, RejectsAStreamFaultForAUdpUpstreamNamingIt) {
  Child proxy({"proxy", "--upstream", "udp://127.0.0.1:9999", "--fault",
               "drop=0.1", "--fault", "up:half_close_after=100"});
  EXPECT_EQ(proxy.Wait(kLong), 2);
  EXPECT_THAT(proxy.Stderr(),
              HasSubstr("\"up:half_close_after=100\": half_close_after is a "
                        "stream fault"));
}

TEST(WirecheckProxyTest, RejectsBadUsage) {
  {
    Child proxy({"proxy"});
    EXPECT_EQ(proxy.Wait(kLong), 2);
    EXPECT_THAT(proxy.Stderr(), HasSubstr("--upstream is required"));
  }
  {
    Child proxy({"proxy", "--upstream", "127.0.0.1:9999"});
    EXPECT_EQ(proxy.Wait(kLong), 2);
    EXPECT_THAT(proxy.Stderr(), HasSubstr("say which transport"));
  }
  {
    Child proxy({"proxy", "--upstream", "tcp://127.0.0.1:9999", "--fault",
                 "slice=fast"});
    EXPECT_EQ(proxy.Wait(kLong), 2);
    EXPECT_THAT(proxy.Stderr(), HasSubstr("\"slice=fast\""));
  }
  {
    Child proxy({"proxy", "--upstream", "tcp://no-such-host.invalid:9999"});
    EXPECT_EQ(proxy.Wait(kLong), 3);
  }
}

}  // namespace
}  // namespace wirecheck::proxy

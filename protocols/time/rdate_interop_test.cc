// Interop with a real third-party RFC 868 client: Debian's rdate, always
// with -p (print only; without it rdate would set this machine's clock),
// over TCP and UDP against the reference server on loopback.
#include <cstdio>
#include <memory>
#include <string>
#include <unistd.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"
#include "fakes/loopback_harness.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "protocols/common/status_matchers.h"
#include "protocols/time/time_server.h"

namespace wirecheck::timeproto {
namespace {

constexpr char kRdate[] = "/usr/sbin/rdate";

// Runs `command`, returning its stdout and exit status.
std::pair<std::string, int> RunCommand(const std::string& command) {
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return {"", -1};
  std::string output;
  char buffer[256];
  while (fgets(buffer, sizeof(buffer), pipe) != nullptr) output += buffer;
  return {output, pclose(pipe)};
}

class RdateInteropTest : public ::testing::TestWithParam<Transport> {
 protected:
  void SetUp() override {
    if (access(kRdate, X_OK) != 0) {
      GTEST_SKIP() << "rdate is not installed, so interop with it was NOT "
                      "tested (tools/bazel installs it: apt-get install rdate)";
    }
  }
};

TEST_P(RdateInteropTest, RdatePrintsTheReferenceServersTime) {
  wirecheck::testing::LoopbackHarness harness(AddressFamily::kIPv4);
  Server server(harness.server_loop(), harness.server_network());
  ASSERT_OK_AND_ASSIGN(auto bound, ServeTime(server, harness.clock(), {},
                                             harness.server_bind_address()));
  harness.StartServers();
  const Transport transport = GetParam();
  const std::string command = absl::StrCat(
      kRdate, " -p", transport == Transport::kUdp ? " -u" : "", " -o ",
      bound[transport].port(), " 127.0.0.1 2>&1");
  auto [output, status] = RunCommand(command);
  harness.StopServers();
  ASSERT_EQ(status, 0) << command << " printed: " << output;

  // rdate -p prints the remote time as ctime does, with the zone:
  // "Sat Nov 21 23:53:34 UTC 2026".
  absl::string_view line = absl::StripAsciiWhitespace(output);
  absl::Time printed;
  std::string error;
  ASSERT_TRUE(absl::ParseTime("%a %b %e %H:%M:%S UTC %Y", std::string(line),
                              absl::UTCTimeZone(), &printed, &error))
      << "could not read rdate's output \"" << line << "\": " << error;
  EXPECT_LE(absl::AbsDuration(printed - harness.clock().WallNow()),
            absl::Seconds(2));
}

INSTANTIATE_TEST_SUITE_P(
    TcpAndUdp, RdateInteropTest,
    ::testing::Values(Transport::kTcp, Transport::kUdp),
    [](const ::testing::TestParamInfo<Transport>& info) {
      return std::string(TransportName(info.param));
    });

}  // namespace
}  // namespace wirecheck::timeproto

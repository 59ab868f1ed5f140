#include "tools/cli/serve_util.h"

#include <signal.h>

#include <sstream>
#include <thread>
#include <vector>

#include "absl/flags/declare.h"
#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "protocols/common/status_macros.h"
#include "protocols/common/status_matchers.h"
#include "protocols/transport/posix_network.h"
#include "protocols/transport/stream_util.h"
#include "tools/cli/command.h"

ABSL_DECLARE_FLAG(int, threads);

namespace wirecheck::cli {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::wirecheck::testing::StatusIs;

class HelloSession : public StreamSession {
 public:
  void OnOpen(Connection& connection) override {
    connection.Send("hi\n");
    connection.Finish();
  }
  void OnData(Connection&, absl::string_view) override {}
};

TEST(ParseListenAddressesTest, AcceptsAddressesNamesAndBarePorts) {
  EXPECT_THAT(*ParseListenAddresses("127.0.0.1:1037"),
              ElementsAre(*SocketAddress::Parse("127.0.0.1:1037")));
  EXPECT_THAT(*ParseListenAddresses("[::1]:0"),
              ElementsAre(*SocketAddress::Parse("[::1]:0")));
  EXPECT_THAT(*ParseListenAddresses("1037"),
              ElementsAre(*SocketAddress::Parse("0.0.0.0:1037"),
                          *SocketAddress::Parse("[::]:1037")));
  EXPECT_THAT(*ParseListenAddresses("127.0.0.1:1037,[::1]:1037"),
              ElementsAre(*SocketAddress::Parse("127.0.0.1:1037"),
                          *SocketAddress::Parse("[::1]:1037")));
  EXPECT_THAT(ParseListenAddresses("127.0.0.1:1037,"),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ParseListenAddresses("70000"),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ParseListenAddresses("nowhere.invalid:1"),
              StatusIs(absl::StatusCode::kNotFound));
}

TEST(ServeUntilSignalledTest, ServesUntilSigtermThenExitsCleanly) {
  std::ostringstream out, err;
  std::string reply;
  std::thread client;
  const int code = ServeUntilSignalled(
      "serve hello", ServerOptions(),
      [&](Server& server, EventLoop& loop, std::ostream&) -> absl::Status {
        ASSIGN_OR_RETURN(
            SocketAddress address,
            server.ServeStream(SocketAddress::Loopback(AddressFamily::kIPv4, 0),
                               [] { return std::make_unique<HelloSession>(); }));
        // Once serving, act as a client on another thread, then signal.
        loop.Post([address, &reply, &client] {
          client = std::thread([address, &reply] {
            auto stream = RealNetwork().Connect(
                address, RealClock().Now() + absl::Seconds(5));
            if (stream.ok()) {
              reply = ReadToEnd(**stream, 64,
                                RealClock().Now() + absl::Seconds(5))
                          .bytes;
            }
            kill(getpid(), SIGTERM);
          });
        });
        return absl::OkStatus();
      },
      out, err);
  client.join();
  EXPECT_EQ(code, kExitSuccess) << err.str();
  EXPECT_EQ(reply, "hi\n");
}

TEST(ServeUntilSignalledTest, ThreadsRunTheSetupOnEachLoopOnTheSamePorts) {
  absl::SetFlag(&FLAGS_threads, 2);
  std::ostringstream out, err;
  std::vector<SocketAddress> bound;
  std::vector<std::string> replies;
  std::thread client;
  const int code = ServeUntilSignalled(
      "serve hello", ServerOptions(),
      [&](Server& server, EventLoop& loop, std::ostream& banner) -> absl::Status {
        ASSIGN_OR_RETURN(
            SocketAddress address,
            server.ServeStream(SocketAddress::Loopback(AddressFamily::kIPv4, 0),
                               [] { return std::make_unique<HelloSession>(); }));
        banner << "listening on " << address.ToString() << "\n";
        bound.push_back(address);
        if (bound.size() > 1) return absl::OkStatus();
        loop.Post([address, &replies, &client] {
          client = std::thread([address, &replies] {
            for (int i = 0; i < 20; ++i) {
              auto stream = RealNetwork().Connect(
                  address, RealClock().Now() + absl::Seconds(5));
              if (!stream.ok()) break;
              replies.push_back(ReadToEnd(**stream, 64,
                                          RealClock().Now() + absl::Seconds(5))
                                    .bytes);
            }
            kill(getpid(), SIGTERM);
          });
        });
        return absl::OkStatus();
      },
      out, err);
  client.join();
  absl::SetFlag(&FLAGS_threads, 1);

  EXPECT_EQ(code, kExitSuccess) << err.str();
  ASSERT_EQ(bound.size(), 2u);
  EXPECT_EQ(bound[0], bound[1]);
  EXPECT_THAT(replies, ::testing::Each(std::string("hi\n")));
  EXPECT_EQ(replies.size(), 20u);
  // Only the first loop's set-up speaks.
  EXPECT_EQ(out.str(), absl::StrCat("listening on ", bound[0].ToString(),
                                    "\nserving on 2 threads\n"));
}

TEST(ServeUntilSignalledTest, SetupErrorsAreReportedAsUsageErrors) {
  std::ostringstream out, err;
  const int code = ServeUntilSignalled(
      "serve nothing", ServerOptions(),
      [](Server&, EventLoop&, std::ostream&) {
        return absl::UnavailableError("bind 127.0.0.1:1: Permission denied");
      },
      out, err);
  EXPECT_EQ(code, kExitUsage);
  EXPECT_THAT(err.str(), HasSubstr("wirecheck serve nothing: UNAVAILABLE: bind"));
}

}  // namespace
}  // namespace wirecheck::cli

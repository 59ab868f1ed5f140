// The framing suites' cases, run directly against the reference echo server
// (every case passes) and against deliberately broken servers (the case for
// the broken requirement fails, with the right finding), on every harness.
#include "conformance/framing/framing_suites.h"

#include <map>
#include <memory>
#include <random>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "conformance/testing/case_runner.h"
#include "fakes/harness.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "protocols/common/status_matchers.h"
#include "protocols/framing/echo_server.h"
#include "protocols/framing/samples.h"
#include "protocols/framing/spec_vectors.h"

namespace wirecheck::conformance {
namespace {

using testing::RunCase;

using framing::Variant;
using ::testing::HasSubstr;
using ::wirecheck::testing::Harness;
using ::wirecheck::testing::HarnessFactory;

// A session that decodes frames and hands them to callbacks: the building
// block of the broken servers below.
class ScriptedSession : public StreamSession {
 public:
  struct Script {
    Variant variant = Variant::kRaw;
    size_t max_frame_size = framing::kDefaultMaxFrameSize;
    // Called for each frame; the default echoes it re-encoded.
    std::function<void(Connection&, absl::string_view payload)> on_frame;
    // Called on a decode error; the default finishes.
    std::function<void(Connection&)> on_error;
    // Called at end of input; the default finishes.
    std::function<void(Connection&)> on_eof;
  };

  explicit ScriptedSession(Script script)
      : script_(std::move(script)),
        decoder_(framing::MakeDecoder(
            script_.variant, {.max_frame_size = script_.max_frame_size})),
        encoder_(framing::MakeEncoder(script_.variant)) {}

  void OnData(Connection& connection, absl::string_view data) override {
    const absl::Status status =
        decoder_->Feed(data, [&](const framing::Frame& frame) {
          if (script_.on_frame) {
            script_.on_frame(connection, frame.payload);
          } else {
            Echo(connection, frame.payload);
          }
        });
    if (!status.ok()) {
      if (script_.on_error) {
        script_.on_error(connection);
      } else {
        connection.Finish();
      }
    }
  }

  void OnEndOfInput(Connection& connection) override {
    if (script_.on_eof) {
      script_.on_eof(connection);
    } else {
      connection.Finish();
    }
  }

  void Echo(Connection& connection, absl::string_view payload) {
    std::string frame;
    ASSERT_OK(encoder_->Encode(payload, frame));
    connection.Send(frame);
  }

 private:
  Script script_;
  std::unique_ptr<framing::Decoder> decoder_;
  std::unique_ptr<framing::Encoder> encoder_;
};

using Param = std::tuple<HarnessFactory, Variant>;

std::string ParamName(const ::testing::TestParamInfo<Param>& info) {
  return absl::StrCat(std::get<0>(info.param).name, "_",
                      framing::VariantName(std::get<1>(info.param)));
}

class FramingSuiteTest : public ::testing::TestWithParam<Param> {
 protected:
  void SetUp() override {
    harness_ = std::get<0>(GetParam()).make();
    variant_ = std::get<1>(GetParam());
    suite_ = FramingSuite(variant_);
    ServerOptions options;
    options.log = [](absl::string_view) {};
    server_ = std::make_unique<Server>(harness_->server_loop(),
                                       harness_->server_network(), options);
  }
  void TearDown() override {
    harness_->StopServers();
    server_.reset();
  }

  void StartReference() {
    absl::StatusOr<std::map<Transport, SocketAddress>> addresses =
        suite_.start_reference(*server_, harness_->server_bind_address());
    ASSERT_OK(addresses);
    targets_ = *addresses;
    harness_->StartServers();
  }

  void StartStream(StreamSessionFactory factory) {
    absl::StatusOr<SocketAddress> address =
        server_->ServeStream(harness_->server_bind_address(), factory);
    ASSERT_OK(address);
    targets_[Transport::kTcp] = *address;
    harness_->StartServers();
  }

  // Serves a ScriptedSession with `script` (its variant set to the test's).
  void StartScripted(ScriptedSession::Script script) {
    script.variant = variant_;
    StartStream([script] { return std::make_unique<ScriptedSession>(script); });
  }

  const Case& FindCase(absl::string_view name) {
    const std::string id =
        absl::StrCat(suite_.name, "/", name);
    for (const Case& c : suite_.cases) {
      if (c.id == id) return c;
    }
    ADD_FAILURE() << "no case " << id;
    return suite_.cases.front();
  }

  bool HasCase(absl::string_view name) {
    const std::string id = absl::StrCat(suite_.name, "/", name);
    for (const Case& c : suite_.cases) {
      if (c.id == id) return true;
    }
    return false;
  }

  Finding Run(const Case& c,
              const std::map<std::string, std::string>& overrides = {}) {
    return RunCase(suite_, c.id, *harness_, targets_[c.transport],
                   Settings(absl::Seconds(60), overrides));
  }

  Finding Run(absl::string_view name,
              const std::map<std::string, std::string>& overrides = {}) {
    return Run(FindCase(name), overrides);
  }

  Finding RunProbe(Transport transport,
                   const std::map<std::string, std::string>& overrides = {}) {
    return testing::RunProbe(suite_, transport, *harness_, targets_[transport],
                             Settings(absl::Seconds(10), overrides));
  }

  testing::RunSettings Settings(
      absl::Duration timeout,
      const std::map<std::string, std::string>& overrides) {
    testing::RunSettings settings;
    settings.timeout = timeout;
    settings.options = overrides;
    settings.notes = &notes_;
    return settings;
  }

  // Options that keep expected violations quick: they wait out the
  // close timeout.
  std::map<std::string, std::string> Quick() {
    return {{"close_timeout", absl::FormatDuration(
                                  harness_->short_timeout() * 10)},
            {"pause", "1ms"}};
  }

  std::unique_ptr<Harness> harness_;
  Variant variant_ = Variant::kRaw;
  Suite suite_;
  std::unique_ptr<Server> server_;
  std::map<Transport, SocketAddress> targets_;
  std::vector<std::string> notes_;
};

TEST_P(FramingSuiteTest, ReferenceServerPassesEveryCase) {
  StartReference();
  for (const Case& c : suite_.cases) {
    const Finding finding = Run(c);
    if (c.level == Level::kMay) {
      EXPECT_EQ(finding.kind, Finding::Kind::kInfo) << c.id;
      EXPECT_THAT(finding.observed, HasSubstr("echoed intact")) << c.id;
    } else {
      EXPECT_EQ(finding.kind, Finding::Kind::kPass)
          << c.id << ": " << ::testing::PrintToString(finding);
    }
  }
}

TEST_P(FramingSuiteTest, ProbeAnswersOnEveryTransportOfTheReference) {
  StartReference();
  for (Transport transport : suite_.transports) {
    EXPECT_EQ(RunProbe(transport).kind, Finding::Kind::kPass)
        << TransportName(transport);
  }
}

TEST_P(FramingSuiteTest, ProbeCountsAnAcceptedConnectionAndSaysItWasNotEchoed) {
  StartStream([] {
    struct Silent : StreamSession {
      void OnData(Connection&, absl::string_view) override {}
    };
    return std::make_unique<Silent>();
  });
  const Finding finding = RunProbe(Transport::kTcp, Quick());
  EXPECT_EQ(finding.kind, Finding::Kind::kPass) << ::testing::PrintToString(finding);
  EXPECT_THAT(finding.observed, HasSubstr("was not echoed"));
}

TEST_P(FramingSuiteTest, ServerWithoutAFrameLimitFailsOversized) {
  if (!HasCase("oversized")) GTEST_SKIP() << "no oversized case";
  ScriptedSession::Script script;
  script.max_frame_size = size_t{1} << 30;
  StartScripted(script);
  auto options = Quick();
  options["max_frame_size"] = "1000";
  const Finding finding = Run("oversized", options);
  EXPECT_EQ(finding.kind, Finding::Kind::kViolation) << ::testing::PrintToString(finding);
  EXPECT_THAT(finding.observed,
              HasSubstr("the server may be waiting for the rest of the frame"));
  EXPECT_THAT(finding.expected, HasSubstr("over max_frame_size=1000"));
}

TEST_P(FramingSuiteTest, ByteEchoServerFailsTheFramingCases) {
  if (variant_ == Variant::kRaw) GTEST_SKIP() << "raw is byte echo";
  StartStream([] { return framing::MakeEchoSession(Variant::kRaw); });
  auto options = Quick();
  options["max_frame_size"] = "1000";
  Finding partial = Run("partial-frame-at-eof", options);
  EXPECT_EQ(partial.kind, Finding::Kind::kViolation) << ::testing::PrintToString(partial);
  EXPECT_THAT(partial.observed, HasSubstr("truncated frame"));
  if (HasCase("oversized")) {
    Finding oversized = Run("oversized", options);
    EXPECT_EQ(oversized.kind, Finding::Kind::kViolation) << ::testing::PrintToString(oversized);
    EXPECT_THAT(oversized.observed, HasSubstr("the server sent"));
  }
  if (HasCase("malformed")) {
    Finding malformed = Run("malformed", options);
    EXPECT_EQ(malformed.kind, Finding::Kind::kViolation) << ::testing::PrintToString(malformed);
    EXPECT_THAT(malformed.observed, HasSubstr("not valid"));
  }
  // What it does right still passes.
  EXPECT_EQ(Run("many-frames-one-segment").kind, Finding::Kind::kPass);
}

TEST_P(FramingSuiteTest, ServerEchoingOnlyAtEndOfInputFailsSlowWrites) {
  if (variant_ == Variant::kRaw) GTEST_SKIP() << "see the raw tests";
  struct Batching : StreamSession {
    void OnData(Connection&, absl::string_view data) override {
      received.append(data.data(), data.size());
    }
    void OnEndOfInput(Connection& connection) override {
      connection.Send(received);
      connection.Finish();
    }
    std::string received;
  };
  StartStream([] { return std::make_unique<Batching>(); });
  const Finding finding = Run("interleaved-slow-writes", Quick());
  EXPECT_EQ(finding.kind, Finding::Kind::kViolation) << ::testing::PrintToString(finding);
  EXPECT_THAT(finding.observed,
              HasSubstr("connection 1, frame 1: only 0 of 1 echoes arrived"));
  EXPECT_THAT(finding.expected, HasSubstr("without further input"));
  // It does echo everything at the half-close.
  EXPECT_EQ(Run("half-close").kind, Finding::Kind::kPass);
}

TEST_P(FramingSuiteTest, ServerThatTakesEachReadForAFrameFailsSplits) {
  if (variant_ == Variant::kRaw) GTEST_SKIP() << "raw has no frames";
  const Variant variant = variant_;
  StartStream([variant] {
    // A fresh decoder per read: frames split across reads are lost.
    struct PerRead : StreamSession {
      explicit PerRead(Variant v) : variant(v) {}
      void OnData(Connection& connection, absl::string_view data) override {
        ScriptedSession::Script script;
        script.variant = variant;
        ScriptedSession fresh(script);
        fresh.OnData(connection, data);
      }
      Variant variant;
    };
    return std::make_unique<PerRead>(variant);
  });
  // A pause long enough that the two writes arrive as two reads.
  auto options = Quick();
  options["pause"] = "20ms";
  const Finding finding = Run("split-at-every-byte", options);
  EXPECT_EQ(finding.kind, Finding::Kind::kViolation) << ::testing::PrintToString(finding);
  EXPECT_THAT(finding.observed, HasSubstr("split after byte "));
}

TEST_P(FramingSuiteTest, ServerThatNeverClosesFailsHalfCloseAndPartialFrame) {
  if (variant_ == Variant::kRaw) GTEST_SKIP() << "see the raw tests";
  ScriptedSession::Script script;
  script.on_eof = [](Connection&) {};
  StartScripted(script);
  const Finding half_close = Run("half-close", Quick());
  EXPECT_EQ(half_close.kind, Finding::Kind::kViolation) << ::testing::PrintToString(half_close);
  EXPECT_THAT(half_close.observed,
              HasSubstr("echoes arrived but no end of stream followed: "
                        "nothing more arrived in time"));
  const Finding partial = Run("partial-frame-at-eof", Quick());
  EXPECT_EQ(partial.kind, Finding::Kind::kViolation) << ::testing::PrintToString(partial);
}

TEST_P(FramingSuiteTest, ServerThatDropsEmptyFramesFailsEmptyFrame) {
  if (variant_ == Variant::kRaw) GTEST_SKIP() << "raw has no frames";
  ScriptedSession::Script script;
  script.variant = variant_;
  script.on_frame = [variant = variant_](Connection& connection,
                                         absl::string_view payload) {
    if (payload.empty()) return;
    connection.Send(*framing::EncodeFrame(variant, payload));
  };
  StartScripted(script);
  const Finding finding = Run("empty-frame", Quick());
  EXPECT_EQ(finding.kind, Finding::Kind::kViolation) << ::testing::PrintToString(finding);
  EXPECT_THAT(finding.observed, HasSubstr("echo 1 of 3 differs: sent 0 bytes"));
}

TEST_P(FramingSuiteTest, ServerThatTruncatesLargeFramesFailsMaxSize) {
  if (variant_ == Variant::kRaw) GTEST_SKIP() << "raw has no frames";
  ScriptedSession::Script script;
  script.on_frame = [variant = variant_](Connection& connection,
                                         absl::string_view payload) {
    connection.Send(*framing::EncodeFrame(variant, payload.substr(0, 1000)));
  };
  StartScripted(script);
  const Finding finding = Run("max-size-frame", Quick());
  EXPECT_EQ(finding.kind, Finding::Kind::kViolation) << ::testing::PrintToString(finding);
  EXPECT_THAT(finding.observed, HasSubstr("echo 1 of 1 differs"));
  EXPECT_THAT(finding.observed, HasSubstr("got 1000 bytes"));
}

TEST_P(FramingSuiteTest, ServerThatClosesEveryConnectionOnErrorFailsMalformed) {
  if (!HasCase("malformed")) GTEST_SKIP() << "no malformed input";
  auto open = std::make_shared<std::set<Connection*>>();
  const Variant variant = variant_;
  StartStream([open, variant] {
    struct ClosesAll : ScriptedSession {
      ClosesAll(Variant v, std::shared_ptr<std::set<Connection*>> o)
          : ScriptedSession(MakeScript(v, o)), open(o) {}
      static Script MakeScript(Variant v,
                               std::shared_ptr<std::set<Connection*>> o) {
        Script script;
        script.variant = v;
        script.on_error = [o](Connection&) {
          const std::set<Connection*> all = *o;
          for (Connection* c : all) c->Finish();
        };
        return script;
      }
      void OnOpen(Connection& connection) override {
        self = &connection;
        open->insert(self);
      }
      void OnClosed(const absl::Status&) override { open->erase(self); }
      std::shared_ptr<std::set<Connection*>> open;
      Connection* self = nullptr;
    };
    return std::make_unique<ClosesAll>(variant, open);
  });
  const Finding finding = Run("malformed", Quick());
  EXPECT_EQ(finding.kind, Finding::Kind::kViolation) << ::testing::PrintToString(finding);
  EXPECT_THAT(finding.expected,
              HasSubstr("other connections unaffected by malformed input"));
  EXPECT_THAT(finding.observed,
              HasSubstr("a connection opened earlier is no longer served"));
}

TEST_P(FramingSuiteTest, RawServerThatClosesAfterOneReadFailsSlowWrites) {
  if (variant_ != Variant::kRaw) GTEST_SKIP() << "raw only";
  struct OneShot : StreamSession {
    void OnData(Connection& connection, absl::string_view data) override {
      connection.Send(data);
      connection.Finish();
    }
  };
  StartStream([] { return std::make_unique<OneShot>(); });
  const Finding finding = Run("interleaved-slow-writes", Quick());
  EXPECT_EQ(finding.kind, Finding::Kind::kViolation) << ::testing::PrintToString(finding);
  EXPECT_THAT(finding.observed, HasSubstr("connection 1, write 2"));
}

TEST_P(FramingSuiteTest, RawServerThatNeverClosesFailsHalfClose) {
  if (variant_ != Variant::kRaw) GTEST_SKIP() << "raw only";
  struct Stubborn : StreamSession {
    void OnData(Connection& connection, absl::string_view data) override {
      connection.Send(data);
    }
    void OnEndOfInput(Connection&) override {}
  };
  StartStream([] { return std::make_unique<Stubborn>(); });
  const Finding finding = Run("half-close", Quick());
  EXPECT_EQ(finding.kind, Finding::Kind::kViolation) << ::testing::PrintToString(finding);
  EXPECT_THAT(finding.observed,
              HasSubstr("the echo was complete but no end of stream followed"));
  EXPECT_EQ(Run("tcp-echo").kind, Finding::Kind::kPass);
}

// Answers datagrams through `reply_from`, cut to `limit` bytes, ignoring
// empty ones when `ignore_empty`.
class BrokenDatagramEcho : public DatagramService {
 public:
  BrokenDatagramEcho(size_t limit, bool ignore_empty,
                     DatagramSocket* reply_from = nullptr)
      : limit_(limit), ignore_empty_(ignore_empty), reply_from_(reply_from) {}
  void OnDatagram(DatagramSocket& socket, const ReceivedDatagram& datagram,
                  absl::string_view payload) override {
    if (payload.empty() && ignore_empty_) return;
    DatagramSocket& out = reply_from_ != nullptr ? *reply_from_ : socket;
    out.SendTo(payload.substr(0, limit_), datagram.from).IgnoreError();
  }

 private:
  const size_t limit_;
  const bool ignore_empty_;
  DatagramSocket* const reply_from_;
};

TEST_P(FramingSuiteTest, UdpServerThatTruncatesAndIgnoresEmptyDatagrams) {
  if (variant_ != Variant::kRaw) GTEST_SKIP() << "raw only";
  BrokenDatagramEcho service(1024, /*ignore_empty=*/true);
  ASSERT_OK_AND_ASSIGN(targets_[Transport::kUdp],
                       server_->ServeDatagrams(harness_->server_bind_address(),
                                               service));
  harness_->StartServers();
  const Finding echo = Run("udp-echo", Quick());
  EXPECT_EQ(echo.kind, Finding::Kind::kViolation) << ::testing::PrintToString(echo);
  EXPECT_THAT(echo.observed, HasSubstr("got 1024 bytes"));
  EXPECT_THAT(echo.expected, HasSubstr("same 1472 bytes"));
  const Finding empty = Run("udp-empty-datagram", Quick());
  EXPECT_EQ(empty.kind, Finding::Kind::kViolation) << ::testing::PrintToString(empty);
  EXPECT_THAT(empty.observed, HasSubstr("no answer within"));
  const Finding largest = Run("udp-largest-datagram", Quick());
  EXPECT_EQ(largest.kind, Finding::Kind::kInfo) << ::testing::PrintToString(largest);
  EXPECT_THAT(largest.observed, HasSubstr("was answered with 1024 bytes"));
  harness_->StopServers();
}

TEST_P(FramingSuiteTest, UdpServerAnsweringFromAnotherPortFailsUdpEcho) {
  if (variant_ != Variant::kRaw) GTEST_SKIP() << "raw only";
  ASSERT_OK_AND_ASSIGN(
      std::unique_ptr<DatagramSocket> other,
      harness_->server_network().OpenDatagram(harness_->server_bind_address(),
                                              {}));
  BrokenDatagramEcho service(65536, false, other.get());
  ASSERT_OK_AND_ASSIGN(targets_[Transport::kUdp],
                       server_->ServeDatagrams(harness_->server_bind_address(),
                                               service));
  harness_->StartServers();
  const Finding finding = Run("udp-echo", Quick());
  EXPECT_EQ(finding.kind, Finding::Kind::kViolation) << ::testing::PrintToString(finding);
  EXPECT_THAT(finding.observed,
              HasSubstr(absl::StrCat("the answer came from ",
                                     other->local_address().ToString())));
  harness_->StopServers();
}

TEST_P(FramingSuiteTest, ProbeOfAClosedPortIsUnsupported) {
  StartReference();
  const SocketAddress closed = targets_[Transport::kTcp];
  harness_->StopServers();
  server_.reset();
  targets_[Transport::kTcp] = closed;
  const Finding finding = RunProbe(Transport::kTcp, Quick());
  EXPECT_EQ(finding.kind, Finding::Kind::kUnsupported) << ::testing::PrintToString(finding);
}

TEST_P(FramingSuiteTest, SlowCasesAskForMoreThanTheDefaultTimeout) {
  for (const Case& c : suite_.cases) {
    if (c.id.find("max-size-frame") != std::string::npos ||
        c.id.find("oversized") != std::string::npos ||
        c.id.find("malformed") != std::string::npos) {
      EXPECT_GE(c.timeout, absl::Seconds(10)) << c.id;
    }
  }
}

TEST_P(FramingSuiteTest, BadOptionsAreHarnessErrors) {
  StartReference();
  const Finding finding =
      Run(suite_.cases.front(), {{"max_frame_size", "lots"}});
  EXPECT_EQ(finding.kind, Finding::Kind::kError);
  EXPECT_THAT(finding.observed, HasSubstr("option max_frame_size=lots"));
}

INSTANTIATE_TEST_SUITE_P(
    AllHarnessesAndVariants, FramingSuiteTest,
    ::testing::Combine(::testing::ValuesIn(::wirecheck::testing::AllHarnesses()),
                       ::testing::ValuesIn(framing::AllVariants().begin(),
                                           framing::AllVariants().end())),
    ParamName);

// The requirement bullets of SPEC.md: ID -> level.
std::map<std::string, Level> SpecRequirements() {
  absl::StatusOr<std::string> spec =
      framing::testing::ReadRunfile("protocols/framing/SPEC.md");
  EXPECT_OK(spec);
  std::map<std::string, Level> requirements;
  const std::regex bullet(R"(^- \*\*([A-Z0-9-]+-[0-9]+)\*\* \((MUST|SHOULD|MAY)\) )");
  std::istringstream lines(spec.value_or(""));
  for (std::string line; std::getline(lines, line);) {
    std::smatch match;
    if (!std::regex_search(line, match, bullet)) continue;
    requirements[match[1]] = match[2] == "MUST"     ? Level::kMust
                             : match[2] == "SHOULD" ? Level::kShould
                                                    : Level::kMay;
  }
  return requirements;
}

TEST(FramingTraceabilityTest, EveryMustAndShouldHasACase) {
  const std::map<std::string, Level> requirements = SpecRequirements();
  ASSERT_GT(requirements.size(), 30u);
  std::set<std::string> covered;
  for (Variant variant : framing::AllVariants()) {
    for (const Case& c : FramingSuite(variant).cases) {
      covered.insert(c.requirements.begin(), c.requirements.end());
    }
  }
  for (const auto& [id, level] : requirements) {
    if (level == Level::kMay) continue;
    EXPECT_EQ(covered.count(id), 1u) << id << " has no case";
  }
}

TEST(FramingTraceabilityTest, CasesNameRealRequirementsAtTheirStrongestLevel) {
  const std::map<std::string, Level> requirements = SpecRequirements();
  std::set<std::string> ids;
  for (Variant variant : framing::AllVariants()) {
    const Suite suite = FramingSuite(variant);
    for (const Case& c : suite.cases) {
      EXPECT_TRUE(ids.insert(c.id).second) << "duplicate " << c.id;
      EXPECT_TRUE(std::regex_match(c.id, std::regex("framing:[a-z0-9]+/[a-z0-9-]+")))
          << c.id;
      ASSERT_FALSE(c.requirements.empty()) << c.id;
      Level strongest = Level::kMay;
      for (const std::string& id : c.requirements) {
        ASSERT_EQ(requirements.count(id), 1u) << c.id << " names " << id;
        strongest = std::min(strongest, requirements.at(id));
      }
      EXPECT_EQ(c.level, strongest) << c.id;
      EXPECT_FALSE(c.description.empty()) << c.id;
    }
  }
}

TEST(FramingRegistryTest, EveryVariantIsRegisteredAsASuite) {
  std::set<std::string> names;
  for (const Suite* suite : RegisteredSuites()) names.insert(suite->name);
  for (Variant variant : framing::AllVariants()) {
    EXPECT_EQ(names.count(absl::StrCat("framing:", framing::VariantName(variant))),
              1u);
  }
}

TEST(FramingRegistryTest, RawServesBothTransportsTheOthersTcp) {
  const Suite raw = FramingSuite(Variant::kRaw);
  EXPECT_EQ(raw.transports, (std::vector<Transport>{Transport::kTcp,
                                                    Transport::kUdp}));
  EXPECT_EQ(FramingSuite(Variant::kLine).transports,
            (std::vector<Transport>{Transport::kTcp}));
  EXPECT_EQ(FramingRequirementPrefix(Variant::kU32be), "FRAME-U32");
  EXPECT_EQ(FramingRequirementPrefix(Variant::kCrlf), "FRAME-CRLF");
}

}  // namespace
}  // namespace wirecheck::conformance

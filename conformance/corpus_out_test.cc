#include "conformance/corpus_out.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "protocols/common/status_matchers.h"

namespace wirecheck::conformance {
namespace {

namespace fs = std::filesystem;

using ::wirecheck::testing::IsOkAndHolds;
using ::wirecheck::testing::StatusIs;

std::string Read(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

WireEvent Event(WireEventKind kind, std::string socket, std::string bytes) {
  WireEvent event;
  event.kind = kind;
  event.socket = std::move(socket);
  event.size = bytes.size();
  event.bytes = std::move(bytes);
  return event;
}

fs::path FreshDir(const std::string& name) {
  const fs::path dir = fs::path(std::getenv("TEST_TMPDIR")) / name;
  fs::remove_all(dir);
  return dir;
}

TEST(CorpusOutTest, StreamPiecesJoinPerSocketAndDatagramsStayApart) {
  SuiteRun run;
  run.suite = "framing:line";
  CaseResult result;
  result.id = "framing:line/tcp-echo";
  result.wire_log.events = {
      Event(WireEventKind::kConnect, "tcp#1", ""),
      Event(WireEventKind::kSend, "tcp#1", "he"),
      Event(WireEventKind::kSend, "tcp#1", "llo\n"),
      Event(WireEventKind::kReceive, "tcp#1", "hel"),
      Event(WireEventKind::kSend, "tcp#2", "x\n"),
      Event(WireEventKind::kReceive, "tcp#1", "lo\n"),
      Event(WireEventKind::kReceive, "udp#1", "d1"),
      Event(WireEventKind::kReceive, "udp#1", "d2"),
      Event(WireEventKind::kReceive, "udp#1", ""),
  };
  run.cases.push_back(result);
  const fs::path dir = FreshDir("pieces");
  EXPECT_THAT(WriteCorpus(run, dir.string()), IsOkAndHolds(5));
  const fs::path suite = dir / "framing" / "line";
  EXPECT_EQ(Read(suite / "tcp-echo-sent-1"), "hello\n");
  EXPECT_EQ(Read(suite / "tcp-echo-sent-2"), "x\n");
  EXPECT_EQ(Read(suite / "tcp-echo-received-1"), "hello\n");
  EXPECT_EQ(Read(suite / "tcp-echo-received-2"), "d1");
  EXPECT_EQ(Read(suite / "tcp-echo-received-3"), "d2");
  EXPECT_FALSE(fs::exists(suite / "tcp-echo-received-4"));
}

TEST(CorpusOutTest, CasesWithoutBytesWriteNothing) {
  SuiteRun run;
  run.suite = "time";
  CaseResult result;
  result.id = "time/udp-reply";
  run.cases.push_back(result);
  const fs::path dir = FreshDir("nothing");
  EXPECT_THAT(WriteCorpus(run, dir.string()), IsOkAndHolds(0));
  EXPECT_TRUE(fs::is_directory(dir / "time"));
}

TEST(CorpusOutTest, UnwritableFolderIsAnError) {
  const fs::path dir = FreshDir("blocked");
  fs::create_directories(dir.parent_path());
  std::ofstream(dir) << "a file where the folder should be";
  SuiteRun run;
  run.suite = "time";
  EXPECT_THAT(WriteCorpus(run, (dir / "sub").string()),
              StatusIs(absl::StatusCode::kInternal));
}

}  // namespace
}  // namespace wirecheck::conformance

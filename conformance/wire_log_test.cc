#include "conformance/wire_log.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace wirecheck::conformance {
namespace {

using ::testing::HasSubstr;

// A clock the test moves by hand.
class ManualClock : public Clock {
 public:
  absl::Time Now() override { return now; }
  absl::Time WallNow() override { return now; }
  void SleepUntil(absl::Time deadline) override { now = std::max(now, deadline); }
  absl::Time now = absl::UnixEpoch() + absl::Hours(1);
};

TEST(WireLogTest, RecordsEventsTimedFromTheStart) {
  ManualClock clock;
  WireLog log(clock, clock.now);
  EXPECT_EQ(log.NewSocketName("tcp"), "tcp#1");
  EXPECT_EQ(log.NewSocketName("udp"), "udp#1");
  EXPECT_EQ(log.NewSocketName("tcp"), "tcp#2");
  clock.now += absl::Milliseconds(3);
  log.Record(WireEventKind::kReceive, "tcp#1", "", "hello");
  const WireLogSnapshot snapshot = log.Snapshot();
  ASSERT_EQ(snapshot.events.size(), 1u);
  EXPECT_EQ(snapshot.events[0].at, absl::Milliseconds(3));
  EXPECT_EQ(snapshot.events[0].bytes, "hello");
  EXPECT_EQ(snapshot.events[0].size, 5u);
  EXPECT_FALSE(snapshot.truncated());
}

TEST(WireLogTest, StaysWithinItsByteLimitAndCountsWhatItDrops) {
  ManualClock clock;
  WireLog log(clock, clock.now, {.max_bytes = 1024, .max_events = 1000});
  const std::string chunk(300, 'x');
  for (int i = 0; i < 100; ++i) log.Record(WireEventKind::kReceive, "tcp#1", "", chunk);
  const WireLogSnapshot snapshot = log.Snapshot();
  size_t stored = 0;
  for (const WireEvent& event : snapshot.events) stored += event.bytes.size();
  EXPECT_LE(stored, 1024u);
  EXPECT_TRUE(snapshot.truncated());
  // Every byte is either stored or counted as dropped.
  EXPECT_EQ(stored + snapshot.dropped_bytes, 100u * 300u);
  EXPECT_EQ(snapshot.events.size() + snapshot.dropped_events, 100u);
  // The last recorded event keeps its real size though its bytes were cut.
  EXPECT_EQ(snapshot.events.back().size, 300u);
}

TEST(WireLogTest, StaysWithinItsEventLimit) {
  ManualClock clock;
  WireLog log(clock, clock.now, {.max_bytes = 1 << 20, .max_events = 10});
  for (int i = 0; i < 50; ++i) log.Record(WireEventKind::kTimeout, "tcp#1", "read");
  const WireLogSnapshot snapshot = log.Snapshot();
  EXPECT_EQ(snapshot.events.size(), 10u);
  EXPECT_EQ(snapshot.dropped_events, 40u);
}

TEST(HexDumpTest, SixteenBytesPerLineWithOffsetsAndPrintableText) {
  EXPECT_EQ(HexDump("hello"),
            "0000  68 65 6c 6c 6f                                    |hello|\n");
  EXPECT_EQ(HexDump(std::string("0123456789abcdef\x00\xff", 18), "  "),
            "  0000  30 31 32 33 34 35 36 37  38 39 61 62 63 64 65 66  "
            "|0123456789abcdef|\n"
            "  0010  00 ff                                             |..|\n");
  EXPECT_EQ(HexDump(""), "");
}

TEST(RenderWireLogTest, SaysWhoClosedOrResetAndMarksTruncation) {
  WireLogSnapshot log;
  log.max_bytes = 100;
  log.events = {
      {absl::Microseconds(10), WireEventKind::kConnect, "tcp#1", "to 1.2.3.4:5", "", 0},
      {absl::Microseconds(20), WireEventKind::kSend, "tcp#1", "", "hi", 2},
      {absl::Microseconds(30), WireEventKind::kPeerClosed, "tcp#1", "", "", 0},
      {absl::Microseconds(40), WireEventKind::kPeerReset, "tcp#2", "", "", 0},
      {absl::Microseconds(50), WireEventKind::kAbort, "tcp#3", "(RST)", "", 0},
      {absl::Microseconds(60), WireEventKind::kTimeout, "udp#1",
       "receive: nothing after waiting 2s (the case timeout)", "", 0},
      {absl::Microseconds(70), WireEventKind::kNote, "", "evil \x1b[2J note", "", 0},
  };
  log.dropped_events = 1;
  log.dropped_bytes = 5;
  EXPECT_EQ(RenderWireLog(log),
            "+0.010ms tcp#1 connect to 1.2.3.4:5\n"
            "+0.020ms tcp#1 > 2 bytes\n"
            "    0000  68 69                                             |hi|\n"
            "+0.030ms tcp#1 target closed its side (EOF)\n"
            "+0.040ms tcp#2 target reset the connection\n"
            "+0.050ms tcp#3 runner reset the connection (RST)\n"
            "+0.060ms udp#1 timeout receive: nothing after waiting 2s (the case "
            "timeout)\n"
            "+0.070ms note: evil \\x1b[2J note\n"
            "... wire log truncated at 100 bytes: 1 more event and 5 more bytes "
            "not recorded\n");
}

}  // namespace
}  // namespace wirecheck::conformance

#include "fakes/stream_fault_engine.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "fakes/fake_clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "protocols/common/status_matchers.h"

namespace wirecheck::fakes {
namespace {

using ::testing::ElementsAre;
using Kind = StreamFaultEngine::Action::Kind;

StreamFaults Faults(absl::string_view text) {
  absl::StatusOr<FaultPlan> plan = ParseFaultPlan(text);
  EXPECT_OK(plan);
  return plan.ok() ? plan->stream(Direction::kUp) : StreamFaults();
}

std::vector<std::string> DataOf(const StreamFaultEngine::Output& output) {
  std::vector<std::string> data;
  for (const auto& action : output.actions) {
    if (action.kind == Kind::kData) data.push_back(action.bytes);
  }
  return data;
}

class StreamFaultEngineTest : public ::testing::Test {
 protected:
  StreamFaultEngine Make(absl::string_view plan) {
    return StreamFaultEngine(Faults(plan), clock_, &log_, "conn up");
  }

  FakeClock clock_;
  FaultLog log_;
};

TEST_F(StreamFaultEngineTest, NoFaultsPassesWritesWhole) {
  StreamFaultEngine engine = Make("");
  const auto out = engine.OnData("hello");
  ASSERT_EQ(out.actions.size(), 1u);
  EXPECT_EQ(out.actions[0].bytes, "hello");
  EXPECT_EQ(out.actions[0].at, clock_.Now());
  const auto end = engine.OnEnd();
  ASSERT_EQ(end.actions.size(), 1u);
  EXPECT_EQ(end.actions[0].kind, Kind::kEnd);
  EXPECT_TRUE(log_.records().empty());
}

TEST_F(StreamFaultEngineTest, SliceOneMakesEveryByteItsOwnSegment) {
  StreamFaultEngine engine = Make("slice=1");
  EXPECT_THAT(DataOf(engine.OnData("abcd")), ElementsAre("a", "b", "c", "d"));
  EXPECT_THAT(DataOf(engine.OnData("ef")), ElementsAre("e", "f"));
  ASSERT_EQ(log_.Find("slice").size(), 2u);
  EXPECT_EQ(log_.Find("slice")[1].ToString(),
            "conn up #4 slice: 2 bytes as 2 segments");
}

TEST_F(StreamFaultEngineTest, SliceNKeepsTheRemainder) {
  StreamFaultEngine engine = Make("slice=3");
  EXPECT_THAT(DataOf(engine.OnData("abcdefgh")),
              ElementsAre("abc", "def", "gh"));
}

TEST_F(StreamFaultEngineTest, DelayAppliesToDataAndEnd) {
  StreamFaultEngine engine = Make("delay=100ms");
  const absl::Time start = clock_.Now();
  EXPECT_EQ(engine.OnData("x").actions[0].at, start + absl::Milliseconds(100));
  clock_.Advance(absl::Milliseconds(30));
  EXPECT_EQ(engine.OnEnd().actions[0].at, start + absl::Milliseconds(130));
}

TEST_F(StreamFaultEngineTest, HalfCloseAfterEndsTheDirectionAtExactlyThatByte) {
  StreamFaultEngine engine = Make("half_close_after=100");
  const auto first = engine.OnData(std::string(60, 'a'));
  EXPECT_THAT(DataOf(first), ElementsAre(std::string(60, 'a')));
  const auto second = engine.OnData(std::string(60, 'b'));
  ASSERT_EQ(second.actions.size(), 2u);
  EXPECT_EQ(second.actions[0].bytes, std::string(40, 'b'));
  EXPECT_EQ(second.actions[1].kind, Kind::kEnd);
  EXPECT_EQ(second.discarded, 20u);
  EXPECT_TRUE(engine.ended());
  const auto third = engine.OnData("more");
  EXPECT_TRUE(third.actions.empty());
  EXPECT_EQ(third.discarded, 4u);
  EXPECT_TRUE(engine.OnEnd().actions.empty());
  EXPECT_THAT(log_.Indices("half_close_after"), ElementsAre(100));
}

TEST_F(StreamFaultEngineTest, ZeroByteTriggersApplyOnOpen) {
  StreamFaultEngine closed = Make("half_close_after=0");
  const auto open = closed.OnOpen();
  ASSERT_EQ(open.actions.size(), 1u);
  EXPECT_EQ(open.actions[0].kind, Kind::kEnd);
  StreamFaultEngine reset = Make("reset_after=0");
  EXPECT_EQ(reset.OnOpen().actions[0].kind, Kind::kReset);
  // Without OnOpen, the first data applies them.
  StreamFaultEngine late = Make("half_close_after=0");
  const auto data = late.OnData("x");
  ASSERT_EQ(data.actions.size(), 1u);
  EXPECT_EQ(data.actions[0].kind, Kind::kEnd);
  EXPECT_EQ(data.discarded, 1u);
}

TEST_F(StreamFaultEngineTest, ResetAfterDeliversNBytesThenResets) {
  StreamFaultEngine engine = Make("reset_after=5");
  const auto out = engine.OnData("0123456789");
  ASSERT_EQ(out.actions.size(), 2u);
  EXPECT_EQ(out.actions[0].bytes, "01234");
  EXPECT_EQ(out.actions[1].kind, Kind::kReset);
  EXPECT_EQ(out.discarded, 5u);
  EXPECT_TRUE(engine.ended());
}

TEST_F(StreamFaultEngineTest, ResetWinsOverHalfCloseOnTheSameByte) {
  StreamFaultEngine engine = Make("reset_after=3 half_close_after=3");
  const auto out = engine.OnData("abcdef");
  ASSERT_EQ(out.actions.size(), 2u);
  EXPECT_EQ(out.actions[1].kind, Kind::kReset);
}

TEST_F(StreamFaultEngineTest, StallHoldsEverythingIncludingTheEnd) {
  StreamFaultEngine engine = Make("stall");
  const auto out = engine.OnData("abc");
  EXPECT_TRUE(out.actions.empty());
  EXPECT_EQ(out.held, 3u);
  EXPECT_TRUE(engine.stalled());
  EXPECT_TRUE(engine.OnEnd().actions.empty());
  EXPECT_EQ(log_.Find("stall").size(), 1u);
}

TEST_F(StreamFaultEngineTest, StallAfterDeliversThePrefix) {
  StreamFaultEngine engine = Make("stall_after=2");
  const auto out = engine.OnData("abcde");
  EXPECT_THAT(DataOf(out), ElementsAre("ab"));
  EXPECT_EQ(out.held, 3u);
  EXPECT_THAT(log_.Indices("stall_after"), ElementsAre(2));
}

TEST_F(StreamFaultEngineTest, BandwidthPacesBytesInTenMillisecondSegments) {
  StreamFaultEngine engine = Make("bandwidth=1000");  // bytes per second
  const absl::Time start = clock_.Now();
  const auto out = engine.OnData(std::string(35, 'x'));
  // 10 bytes per 10 ms: segments of 10, 10, 10 and 5 bytes.
  ASSERT_EQ(out.actions.size(), 4u);
  EXPECT_EQ(out.actions[0].bytes.size(), 10u);
  EXPECT_EQ(out.actions[0].at, start + absl::Milliseconds(10));
  EXPECT_EQ(out.actions[2].at, start + absl::Milliseconds(30));
  EXPECT_EQ(out.actions[3].bytes.size(), 5u);
  EXPECT_EQ(out.actions[3].at, start + absl::Milliseconds(35));
  // The link stays busy: a write right after queues behind.
  EXPECT_EQ(engine.OnData("y").actions[0].at, start + absl::Milliseconds(36));
  // An idle link starts afresh.
  clock_.Advance(absl::Seconds(10));
  EXPECT_EQ(engine.OnData("z").actions[0].at,
            clock_.Now() + absl::Milliseconds(1));
}

// Found by //fuzz/fakes:fault_plan_fuzzer (corpus file huge_bandwidth_segment):
// a rate whose 10 ms segment does not fit in size_t was converted to size_t,
// which is undefined behaviour; such a rate is simply unlimited.
TEST_F(StreamFaultEngineTest, HugeBandwidthKeepsWritesWhole) {
  StreamFaultEngine engine = Make(
      absl::StrCat("bandwidth=", std::string(30, '9'), "GB/s"));
  const absl::Time start = clock_.Now();
  const auto out = engine.OnData(std::string(1000, 'x'));
  ASSERT_EQ(out.actions.size(), 1u);
  EXPECT_EQ(out.actions[0].bytes.size(), 1000u);
  EXPECT_LE(out.actions[0].at, start + absl::Nanoseconds(1));
}

TEST_F(StreamFaultEngineTest, SlowCloseDelaysOnlyTheEnd) {
  StreamFaultEngine engine = Make("slow_close=2s");
  const absl::Time start = clock_.Now();
  EXPECT_EQ(engine.OnData("x").actions[0].at, start);
  const auto end = engine.OnEnd();
  ASSERT_EQ(end.actions.size(), 1u);
  EXPECT_EQ(end.actions[0].kind, Kind::kEnd);
  EXPECT_EQ(end.actions[0].at, start + absl::Seconds(2));
  EXPECT_EQ(log_.Find("slow_close").size(), 1u);
}

TEST_F(StreamFaultEngineTest, ActionsNeverArriveOutOfOrder) {
  StreamFaultEngine engine = Make("delay=1s slice=2");
  absl::Time last = absl::InfinitePast();
  for (int i = 0; i < 10; ++i) {
    for (const auto& action : engine.OnData("abcde").actions) {
      EXPECT_GE(action.at, last);
      last = action.at;
    }
    clock_.Advance(absl::Milliseconds(100));
  }
  EXPECT_EQ(engine.bytes_in(), 50u);
}

}  // namespace
}  // namespace wirecheck::fakes

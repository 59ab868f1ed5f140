#include "fakes/fault_plan.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "protocols/common/status_matchers.h"

namespace wirecheck::fakes {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::wirecheck::testing::StatusIs;

FaultPlan Parse(absl::string_view text) {
  absl::StatusOr<FaultPlan> plan = ParseFaultPlan(text);
  EXPECT_OK(plan);
  return plan.value_or(FaultPlan());
}

TEST(FaultPlanTest, EmptyTextIsTheEmptyPlan) {
  const FaultPlan plan = Parse("  ;  ");
  EXPECT_TRUE(plan.empty());
  EXPECT_TRUE(plan.datagram(Direction::kUp).empty());
  EXPECT_TRUE(plan.stream(Direction::kDown).empty());
}

TEST(FaultPlanTest, UnprefixedTermsApplyToBothDirections) {
  const FaultPlan plan = Parse("drop=0.3 delay=100ms");
  for (const Direction d : {Direction::kUp, Direction::kDown}) {
    EXPECT_DOUBLE_EQ(plan.datagram(d).drop, 0.3);
    EXPECT_EQ(plan.datagram(d).delay, absl::Milliseconds(100));
    EXPECT_EQ(plan.stream(d).delay, absl::Milliseconds(100));
  }
}

TEST(FaultPlanTest, DirectionPrefixAppliesToOneDirection) {
  const FaultPlan plan = Parse("up:half_close_after=100;down:slice=1");
  EXPECT_EQ(plan.stream(Direction::kUp).half_close_after, 100u);
  EXPECT_FALSE(plan.stream(Direction::kDown).half_close_after.has_value());
  EXPECT_EQ(plan.stream(Direction::kDown).slice, 1u);
  EXPECT_EQ(plan.stream(Direction::kUp).slice, 0u);
}

TEST(FaultPlanTest, EveryDatagramTermParses) {
  const FaultPlan plan = Parse(
      "drop=30% drop_every=3 drop_first=2 drop_indices=9,1,5,5 "
      "gilbert_elliott=0.05,0.25 duplicate=0.1 reorder=0.2,3 reorder_hold=1s "
      "jitter=20ms truncate=100,0.5 corrupt=0.01");
  const DatagramFaults& up = plan.datagram(Direction::kUp);
  EXPECT_DOUBLE_EQ(up.drop, 0.3);
  EXPECT_EQ(up.drop_every, 3u);
  EXPECT_EQ(up.drop_first, 2u);
  EXPECT_THAT(up.drop_indices, ElementsAre(1, 5, 9));
  ASSERT_TRUE(up.gilbert_elliott.has_value());
  EXPECT_DOUBLE_EQ(up.gilbert_elliott->good_to_bad, 0.05);
  EXPECT_DOUBLE_EQ(up.gilbert_elliott->bad_to_good, 0.25);
  EXPECT_DOUBLE_EQ(up.gilbert_elliott->bad_loss, 1);
  EXPECT_DOUBLE_EQ(up.gilbert_elliott->good_loss, 0);
  EXPECT_DOUBLE_EQ(up.duplicate, 0.1);
  EXPECT_DOUBLE_EQ(up.reorder, 0.2);
  EXPECT_EQ(up.reorder_gap, 3u);
  EXPECT_EQ(up.reorder_hold, absl::Seconds(1));
  EXPECT_EQ(up.jitter, absl::Milliseconds(20));
  EXPECT_EQ(up.truncate, 100u);
  EXPECT_DOUBLE_EQ(up.truncate_probability, 0.5);
  EXPECT_DOUBLE_EQ(up.corrupt, 0.01);
}

TEST(FaultPlanTest, EveryStreamTermParses) {
  const FaultPlan plan = Parse(
      "slice=1 half_close_after=100 reset_after=4096 stall_after=10 "
      "slow_close=2s bandwidth=64KiB/s");
  const StreamFaults& down = plan.stream(Direction::kDown);
  EXPECT_EQ(down.slice, 1u);
  EXPECT_EQ(down.half_close_after, 100u);
  EXPECT_EQ(down.reset_after, 4096u);
  EXPECT_EQ(down.stall_after, 10u);
  EXPECT_EQ(down.slow_close, absl::Seconds(2));
  EXPECT_DOUBLE_EQ(down.bandwidth, 65536);
  EXPECT_EQ(Parse("stall").stream(Direction::kUp).stall_after, 0u);
}

TEST(FaultPlanTest, BandwidthUnits) {
  EXPECT_DOUBLE_EQ(Parse("bandwidth=1000").stream(Direction::kUp).bandwidth,
                   1000);
  EXPECT_DOUBLE_EQ(Parse("bandwidth=2KB").stream(Direction::kUp).bandwidth,
                   2000);
  EXPECT_DOUBLE_EQ(Parse("bandwidth=1MiB/s").stream(Direction::kUp).bandwidth,
                   1048576);
  EXPECT_DOUBLE_EQ(Parse("bandwidth=1Mbit").stream(Direction::kUp).bandwidth,
                   125000);
  EXPECT_DOUBLE_EQ(Parse("bandwidth=64kbit/s").stream(Direction::kUp).bandwidth,
                   8000);
}

TEST(FaultPlanTest, ToStringParsesBackToTheSamePlan) {
  const FaultPlan plan = Parse("up:drop=0.3;  down:slice=1\tstall");
  EXPECT_EQ(plan.ToString(), "up:drop=0.3 down:slice=1 stall");
  EXPECT_EQ(Parse(plan.ToString()).ToString(), plan.ToString());
}

TEST(FaultPlanTest, ErrorsNameTheBadTerm) {
  EXPECT_THAT(ParseFaultPlan("delay=1s drop=1.5"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("\"drop=1.5\": drop wants a probability")));
  EXPECT_THAT(ParseFaultPlan("dorp=0.1"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("\"dorp=0.1\": unknown fault \"dorp\"")));
  EXPECT_THAT(ParseFaultPlan("left:drop=0.1"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("unknown direction \"left\"")));
  EXPECT_THAT(ParseFaultPlan("delay=soon"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("\"delay=soon\"")));
  EXPECT_THAT(ParseFaultPlan("delay=-1s"),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ParseFaultPlan("slice=0"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("\"slice=0\"")));
  EXPECT_THAT(ParseFaultPlan("drop"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("drop needs a value")));
  EXPECT_THAT(ParseFaultPlan("stall=1"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("stall takes no value")));
  EXPECT_THAT(ParseFaultPlan("drop_indices=1,x"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("\"drop_indices=1,x\"")));
  EXPECT_THAT(ParseFaultPlan("gilbert_elliott=0.1"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("p,r")));
  EXPECT_THAT(ParseFaultPlan("bandwidth=fast"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("\"bandwidth=fast\"")));
  EXPECT_THAT(ParseFaultPlan("reset_after=-5"),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(FaultPlanTest, ATermGivenTwiceForADirectionIsAnError) {
  EXPECT_THAT(ParseFaultPlan("drop=0.1 up:drop=0.2"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("\"up:drop=0.2\": drop is given twice for "
                                 "the up direction")));
  EXPECT_THAT(ParseFaultPlan("stall stall_after=3"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("given twice")));
  EXPECT_OK(ParseFaultPlan("up:drop=0.1 down:drop=0.2"));
}

TEST(FaultPlanTest, KindChecksNameTheTermThatDoesNotApply) {
  const FaultPlan mixed = Parse("delay=1s drop=0.1 slice=3");
  EXPECT_THAT(CheckDatagramFaultsOnly(mixed),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("\"slice=3\": slice is a stream fault")));
  EXPECT_THAT(CheckStreamFaultsOnly(mixed),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("\"drop=0.1\": drop is a datagram fault")));
  EXPECT_OK(CheckDatagramFaultsOnly(Parse("delay=1s drop=0.1")));
  EXPECT_OK(CheckStreamFaultsOnly(Parse("delay=1s slice=3")));
  EXPECT_THAT(CheckUndirected(Parse("drop=0.1 down:delay=1s")),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("\"down:delay=1s\"")));
  EXPECT_OK(CheckUndirected(Parse("drop=0.1 delay=1s")));
}

}  // namespace
}  // namespace wirecheck::fakes

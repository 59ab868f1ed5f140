// The pinger and the lossy reference server under fault plans: counts and
// statistics asserted exactly for a seed.
#include <algorithm>
#include <memory>
#include <numeric>
#include <set>
#include <vector>

#include "fakes/datagram_fault_engine.h"
#include "fakes/fake_clock.h"
#include "fakes/fake_harness.h"
#include "fakes/fault_plan.h"
#include "fakes/harness.h"
#include "fakes/seed.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "protocols/common/status_matchers.h"
#include "protocols/ping/ping_client.h"
#include "protocols/ping/ping_server.h"

namespace wirecheck::ping {
namespace {

using ::testing::ElementsAreArray;
using ::wirecheck::testing::Harness;
using ::wirecheck::testing::HarnessFactory;
using Kind = PingEvent::Kind;

// What a fresh engine with `plan` and `seed` does to `count` datagrams:
// which (1-based) ones it drops and how many copies it adds.
struct Prediction {
  std::set<uint32_t> dropped;
  int duplicates = 0;
};
Prediction Predict(absl::string_view plan_text, uint64_t seed, int count) {
  const fakes::FaultPlan plan = *fakes::ParseFaultPlan(plan_text);
  fakes::FakeClock clock;
  fakes::DatagramFaultEngine engine(plan.datagram(fakes::Direction::kDown),
                                    seed, clock, nullptr, "prediction");
  Prediction prediction;
  for (int i = 1; i <= count; ++i) {
    const auto deliveries = engine.Process("x");
    if (deliveries.empty()) prediction.dropped.insert(i);
    for (const auto& delivery : deliveries) prediction.duplicates += delivery.duplicate;
  }
  return prediction;
}

class LossyServerTest : public ::testing::TestWithParam<HarnessFactory> {
 protected:
  void SetUp() override {
    harness_ = GetParam().make();
    server_ = std::make_unique<Server>(harness_->server_loop(),
                                       harness_->server_network());
    options_.count = 20;
    options_.interval = harness_->short_timeout() / 2;
    options_.timeout = harness_->short_timeout() * 5;
  }
  void TearDown() override {
    harness_->StopServers();
    server_.reset();
  }

  absl::StatusOr<PingStatistics> PingLossy(const std::string& faults, uint64_t seed) {
    absl::StatusOr<SocketAddress> target = ServePing(
        *server_, {.faults = faults, .seed = seed}, harness_->server_bind_address());
    if (!target.ok()) return target.status();
    harness_->StartServers();
    return RunPing(harness_->client_network(), *target, options_,
                   [this](const PingEvent& event) { events_.push_back(event); });
  }

  std::unique_ptr<Harness> harness_;
  std::unique_ptr<Server> server_;
  PingOptions options_;
  std::vector<PingEvent> events_;
};

TEST_P(LossyServerTest, DropLosesExactlyThePingsTheSeedImplies) {
  wirecheck::testing::TestSeed seed(17);
  const Prediction prediction = Predict("drop=0.3", seed.value(), 20);
  ASSERT_FALSE(prediction.dropped.empty());
  ASSERT_OK_AND_ASSIGN(PingStatistics statistics, PingLossy("drop=0.3", seed.value()));
  EXPECT_EQ(statistics.transmitted, 20);
  EXPECT_EQ(statistics.received, 20 - static_cast<int>(prediction.dropped.size()));
  std::set<uint32_t> timed_out;
  for (const PingEvent& event : events_) {
    if (event.kind == Kind::kTimeout) timed_out.insert(event.sequence);
  }
  EXPECT_EQ(timed_out, prediction.dropped);
  EXPECT_DOUBLE_EQ(statistics.loss_percent(),
                   100.0 * prediction.dropped.size() / 20);
}

TEST_P(LossyServerTest, DuplicateGivesExactlyThePredictedDups) {
  wirecheck::testing::TestSeed seed(5);
  const Prediction prediction = Predict("duplicate=0.4", seed.value(), 20);
  ASSERT_GT(prediction.duplicates, 0);
  ASSERT_OK_AND_ASSIGN(PingStatistics statistics,
                       PingLossy("duplicate=0.4", seed.value()));
  EXPECT_EQ(statistics.received, 20);
  EXPECT_EQ(statistics.duplicates, prediction.duplicates);
  EXPECT_THAT(FormatStatistics("h", statistics),
              ::testing::HasSubstr(absl::StrCat("+", prediction.duplicates,
                                                " duplicates")));
}

TEST_P(LossyServerTest, BadPlansAreRefusedByName) {
  EXPECT_THAT(ServePing(*server_, {.faults = "drop=2"},
                        harness_->server_bind_address()),
              wirecheck::testing::StatusIs(absl::StatusCode::kInvalidArgument,
                                           ::testing::HasSubstr("drop=2")));
  EXPECT_THAT(ServePing(*server_, {.faults = "slice=1"},
                        harness_->server_bind_address()),
              wirecheck::testing::StatusIs(absl::StatusCode::kInvalidArgument,
                                           ::testing::HasSubstr("slice")));
  EXPECT_THAT(ServePing(*server_, {.faults = "up:drop=0.1"},
                        harness_->server_bind_address()),
              wirecheck::testing::StatusIs(absl::StatusCode::kInvalidArgument));
}

INSTANTIATE_TEST_SUITE_P(AllHarnesses, LossyServerTest,
                         ::testing::ValuesIn(wirecheck::testing::AllHarnesses()),
                         wirecheck::testing::HarnessTestName);

// The client on a simulated link with faults: the seed's classic 10 pings,
// 1 s apart, 1 s timeout, in microseconds of real time.
class PingOnFaultyLinkTest : public ::testing::Test {
 protected:
  absl::StatusOr<PingStatistics> Ping(absl::string_view link_faults,
                                      uint64_t seed, PingOptions options = {}) {
    server_.reset();  // it runs on the old harness's loop
    harness_ = std::make_unique<wirecheck::testing::FakeHarness>(
        AddressFamily::kIPv4, seed);
    if (absl::Status s = harness_->network().SetLinkFaults(harness_->link(),
                                                          link_faults);
        !s.ok()) {
      return s;
    }
    server_ = std::make_unique<Server>(harness_->server_loop(),
                                       harness_->server_network());
    absl::StatusOr<SocketAddress> target =
        ServePing(*server_, {}, harness_->server_bind_address());
    if (!target.ok()) return target.status();
    events_.clear();
    return RunPing(harness_->client_network(), *target, options,
                   [this](const PingEvent& event) { events_.push_back(event); });
  }

  std::vector<Kind> Kinds() const {
    std::vector<Kind> kinds;
    for (const PingEvent& event : events_) kinds.push_back(event.kind);
    return kinds;
  }

  void TearDown() override { server_.reset(); }

  std::unique_ptr<wirecheck::testing::FakeHarness> harness_;
  std::unique_ptr<Server> server_;
  std::vector<PingEvent> events_;
};

TEST_F(PingOnFaultyLinkTest, RepliesSlowerThanTheTimeoutAreLateAndLost) {
  // 600 ms each way: every answer comes 1.2 s after its ping.
  ASSERT_OK_AND_ASSIGN(PingStatistics statistics, Ping("delay=600ms", 1));
  EXPECT_EQ(statistics.transmitted, 10);
  EXPECT_EQ(statistics.received, 0);
  // The last answer would come after the session ends.
  EXPECT_EQ(statistics.late, 9);
  EXPECT_EQ(statistics.loss_percent(), 100);
  EXPECT_EQ(events_[0].kind, Kind::kTimeout);
  EXPECT_EQ(events_[1].kind, Kind::kLate);
  EXPECT_EQ(events_[1].sequence, 1u);
  EXPECT_EQ(events_[1].round_trip, absl::Milliseconds(1200));
  EXPECT_EQ(FormatEvent(events_[1]).find("(late: counted as lost)") !=
                std::string::npos,
            true);
}

TEST_F(PingOnFaultyLinkTest, ExactStatisticsOnASlowLink) {
  ASSERT_OK_AND_ASSIGN(PingStatistics statistics, Ping("delay=25ms", 1));
  EXPECT_EQ(statistics.received, 10);
  EXPECT_EQ(statistics.min, absl::Milliseconds(50));
  EXPECT_EQ(statistics.max, absl::Milliseconds(50));
  EXPECT_EQ(statistics.avg, absl::Milliseconds(50));
  EXPECT_EQ(statistics.mdev, absl::ZeroDuration());
  // Nine intervals, then the last answer.
  EXPECT_EQ(statistics.elapsed, absl::Seconds(9) + absl::Milliseconds(50));
  EXPECT_EQ(FormatStatistics("server", statistics),
            "--- server ping statistics ---\n"
            "10 packets transmitted, 10 received, 0% packet loss, time 9050ms\n"
            "rtt min/avg/max/mdev = 50.000/50.000/50.000/0.000 ms\n");
}

TEST_F(PingOnFaultyLinkTest, ReorderedRepliesAreMatchedBySequence) {
  PingOptions burst;
  burst.count = 20;
  burst.interval = absl::ZeroDuration();
  ASSERT_OK_AND_ASSIGN(PingStatistics statistics,
                       Ping("delay=10ms reorder=0.5,3", 9, burst));
  EXPECT_EQ(statistics.received, 20);
  EXPECT_EQ(statistics.corrupted, 0);
  std::vector<uint32_t> order;
  for (const PingEvent& event : events_) order.push_back(event.sequence);
  EXPECT_FALSE(std::is_sorted(order.begin(), order.end()));
  std::vector<uint32_t> sorted = order;
  std::sort(sorted.begin(), sorted.end());
  std::vector<uint32_t> all(20);
  std::iota(all.begin(), all.end(), 1);
  EXPECT_THAT(sorted, ElementsAreArray(all));
}

TEST_F(PingOnFaultyLinkTest, DuplicatedRepliesAreDupsAndCountedOnce) {
  ASSERT_OK_AND_ASSIGN(PingStatistics statistics, Ping("duplicate=0.3", 4));
  EXPECT_EQ(statistics.received, 10);
  EXPECT_GT(statistics.duplicates, 0);
  const std::vector<Kind> kinds = Kinds();
  EXPECT_EQ(std::count(kinds.begin(), kinds.end(), Kind::kDuplicate),
            statistics.duplicates);
  EXPECT_EQ(statistics.loss_percent(), 0);
}

TEST_F(PingOnFaultyLinkTest, CorruptedRepliesAreNotReceived) {
  ASSERT_OK_AND_ASSIGN(PingStatistics statistics, Ping("corrupt=1", 2));
  EXPECT_EQ(statistics.received, 0);
  EXPECT_EQ(statistics.corrupted, 10);
  const std::vector<Kind> kinds = Kinds();
  EXPECT_EQ(std::count(kinds.begin(), kinds.end(), Kind::kTimeout), 10);
}

TEST_F(PingOnFaultyLinkTest, TheSameSeedReplaysTheSameSession) {
  const std::string plan = "drop=0.2 duplicate=0.2 delay=100ms jitter=80ms";
  ASSERT_OK_AND_ASSIGN(PingStatistics first, Ping(plan, 1234));
  const std::string first_summary = FormatStatistics("h", first);
  std::vector<Kind> first_kinds = Kinds();
  ASSERT_OK_AND_ASSIGN(PingStatistics second, Ping(plan, 1234));
  EXPECT_EQ(FormatStatistics("h", second), first_summary);
  EXPECT_EQ(Kinds(), first_kinds);
  EXPECT_GT(first.mdev, absl::ZeroDuration());
  ASSERT_OK_AND_ASSIGN(PingStatistics other, Ping(plan, 4321));
  EXPECT_NE(FormatStatistics("h", other), first_summary);
}

}  // namespace
}  // namespace wirecheck::ping

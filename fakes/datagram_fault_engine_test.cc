#include "fakes/datagram_fault_engine.h"

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "fakes/fake_clock.h"
#include "fakes/seed.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "protocols/common/status_matchers.h"

namespace wirecheck::fakes {
namespace {

using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::Each;
using ::wirecheck::testing::TestSeed;

DatagramFaults Faults(absl::string_view text) {
  absl::StatusOr<FaultPlan> plan = ParseFaultPlan(text);
  EXPECT_OK(plan);
  return plan.ok() ? plan->datagram(Direction::kUp) : DatagramFaults();
}

// Sends `count` datagrams ("1", "2", ...) through a fresh engine at one
// instant; returns the numbers delivered, in delivery order.
std::vector<uint64_t> Delivered(absl::string_view plan, uint64_t seed,
                                int count, FaultLog* log = nullptr) {
  FakeClock clock;
  DatagramFaultEngine engine(Faults(plan), seed, clock, log, "test");
  std::vector<uint64_t> delivered;
  for (int i = 1; i <= count; ++i) {
    for (const auto& delivery : engine.Process(absl::StrCat(i))) {
      delivered.push_back(delivery.index);
    }
  }
  return delivered;
}

std::vector<uint64_t> Dropped(absl::string_view plan, uint64_t seed,
                              int count) {
  FaultLog log;
  Delivered(plan, seed, count, &log);
  return log.Indices("drop");
}

TEST(DatagramFaultEngineTest, NoFaultsDeliversEverythingAtOnce) {
  FakeClock clock;
  DatagramFaultEngine engine(DatagramFaults(), 1, clock, nullptr, "test");
  const auto deliveries = engine.Process("hello");
  ASSERT_EQ(deliveries.size(), 1u);
  EXPECT_EQ(deliveries[0].payload, "hello");
  EXPECT_EQ(deliveries[0].at, clock.Now());
  EXPECT_EQ(deliveries[0].index, 1u);
  EXPECT_FALSE(deliveries[0].duplicate);
}

TEST(DatagramFaultEngineTest, DropWithASeedDropsTheSameDatagramsEveryRun) {
  // Exactly these, on every machine: the choices come only from the seed.
  EXPECT_THAT(Dropped("drop=0.3", 42, 20),
              ElementsAre(2, 3, 4, 7, 12, 14, 19));
  EXPECT_EQ(Dropped("drop=0.3", 42, 10000), Dropped("drop=0.3", 42, 10000));
  EXPECT_NE(Dropped("drop=0.3", 42, 100), Dropped("drop=0.3", 43, 100));
}

TEST(DatagramFaultEngineTest, DropProbabilityHoldsOverManyDatagrams) {
  TestSeed seed(20240101);
  const size_t dropped = Dropped("drop=0.3", seed.value(), 10000).size();
  // 30% of 10,000, within four standard deviations (46 each).
  EXPECT_GT(dropped, 2816u);
  EXPECT_LT(dropped, 3184u);
}

TEST(DatagramFaultEngineTest, DeterministicDropRulesPickExactlyTheirDatagrams) {
  EXPECT_THAT(Dropped("drop_every=3", 1, 10), ElementsAre(3, 6, 9));
  EXPECT_THAT(Dropped("drop_first=2", 1, 10), ElementsAre(1, 2));
  EXPECT_THAT(Dropped("drop_indices=1,5,9", 1, 10), ElementsAre(1, 5, 9));
  EXPECT_THAT(Delivered("drop_indices=1,5,9", 1, 10),
              ElementsAre(2, 3, 4, 6, 7, 8, 10));
  EXPECT_THAT(Dropped("drop_first=2 drop_every=4", 1, 12),
              ElementsAre(1, 2, 4, 8, 12));
}

TEST(DatagramFaultEngineTest, OneTermsChoicesDoNotDependOnTheOthers) {
  FaultLog alone;
  FaultLog combined;
  Delivered("drop=0.3", 9, 1000, &alone);
  Delivered("drop=0.3 duplicate=0.5 corrupt=0.2 jitter=5ms reorder=0.1", 9,
            1000, &combined);
  EXPECT_EQ(alone.Indices("drop"), combined.Indices("drop"));
}

// Lengths of the runs of consecutive dropped datagrams.
std::vector<int> LossBursts(const std::vector<uint64_t>& dropped) {
  std::vector<int> bursts;
  for (size_t i = 0; i < dropped.size(); ++i) {
    if (i > 0 && dropped[i] == dropped[i - 1] + 1) {
      ++bursts.back();
    } else {
      bursts.push_back(1);
    }
  }
  return bursts;
}

double Mean(const std::vector<int>& values) {
  double sum = 0;
  for (int v : values) sum += v;
  return values.empty() ? 0 : sum / values.size();
}

TEST(DatagramFaultEngineTest, GilbertElliottLosesDatagramsInBursts) {
  TestSeed seed(7);
  // Goes bad 5% of the time, recovers 25%: 1/6 lost, in bursts of 4 on
  // average.
  const std::vector<uint64_t> bursty =
      Dropped("gilbert_elliott=0.05,0.25", seed.value(), 10000);
  const double rate = bursty.size() / 10000.0;
  EXPECT_GT(rate, 0.12);
  EXPECT_LT(rate, 0.22);
  EXPECT_GT(Mean(LossBursts(bursty)), 3.0);
  EXPECT_LT(Mean(LossBursts(bursty)), 5.0);
  // Independent loss at the same rate has bursts of about 1.2.
  const std::vector<uint64_t> independent =
      Dropped(absl::StrCat("drop=", rate), seed.value(), 10000);
  EXPECT_LT(Mean(LossBursts(independent)), 1.5);
  EXPECT_EQ(bursty, Dropped("gilbert_elliott=0.05,0.25", seed.value(), 10000));
}

TEST(DatagramFaultEngineTest, GilbertElliottLossProbabilitiesPerState) {
  // Never leaves the good state, which loses nothing: no loss at all.
  EXPECT_TRUE(Dropped("gilbert_elliott=0,1", 3, 1000).empty());
  // Goes bad at once and stays; the bad state loses everything.
  EXPECT_EQ(Dropped("gilbert_elliott=1,0.000001", 3, 100).size(), 99u);
}

TEST(DatagramFaultEngineTest, DuplicateDeliversASecondCopy) {
  FakeClock clock;
  FaultLog log;
  DatagramFaultEngine engine(Faults("duplicate=0.1"), 5, clock, &log, "test");
  int copies = 0;
  std::vector<uint64_t> duplicated;
  for (int i = 1; i <= 10000; ++i) {
    const auto deliveries = engine.Process(absl::StrCat("datagram ", i));
    ASSERT_GE(deliveries.size(), 1u);
    ASSERT_LE(deliveries.size(), 2u);
    if (deliveries.size() == 2) {
      EXPECT_EQ(deliveries[1].payload, deliveries[0].payload);
      EXPECT_EQ(deliveries[1].index, deliveries[0].index);
      EXPECT_TRUE(deliveries[1].duplicate);
      duplicated.push_back(deliveries[0].index);
      ++copies;
    }
  }
  EXPECT_GT(copies, 880);
  EXPECT_LT(copies, 1120);
  EXPECT_EQ(log.Indices("duplicate"), duplicated);
  // And the same ones on every run.
  FaultLog again;
  Delivered("duplicate=0.1", 5, 10000, &again);
  EXPECT_EQ(again.Indices("duplicate"), duplicated);
}

TEST(DatagramFaultEngineTest, ReorderLetsTheNextDatagramOvertake) {
  FaultLog log;
  const std::vector<uint64_t> order = Delivered("reorder=0.25", 11, 12, &log);
  // Every datagram arrives once; each held one right after the one that
  // overtook it.
  std::vector<uint64_t> sorted = order;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_THAT(sorted, ElementsAre(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12));
  EXPECT_THAT(order, ElementsAre(1, 2, 3, 4, 6, 5, 7, 8, 10, 9, 11, 12));
  // Each held one is logged when held and when delivered.
  EXPECT_THAT(log.Indices("reorder"), ElementsAre(5, 5, 9, 9));
}

TEST(DatagramFaultEngineTest, HeldDatagramsAreDeliveredWhenTheHoldRunsOut) {
  // reorder=1 holds every datagram, so none ever overtakes another.
  FakeClock clock;
  DatagramFaultEngine engine(Faults("reorder=1,3 reorder_hold=250ms"), 1,
                             clock, nullptr, "test");
  EXPECT_TRUE(engine.Process("a").empty());
  EXPECT_TRUE(engine.Process("b").empty());
  ASSERT_TRUE(engine.next_release().has_value());
  EXPECT_EQ(*engine.next_release(), clock.Now() + absl::Milliseconds(250));
  clock.Advance(absl::Milliseconds(249));
  EXPECT_TRUE(engine.ReleaseExpired().empty());
  clock.Advance(absl::Milliseconds(1));
  const auto released = engine.ReleaseExpired();
  ASSERT_EQ(released.size(), 2u);
  EXPECT_EQ(released[0].payload, "a");
  EXPECT_EQ(released[1].payload, "b");
  EXPECT_EQ(released[0].at, clock.Now());
  EXPECT_FALSE(engine.next_release().has_value());
}

TEST(DatagramFaultEngineTest, HeldDatagramWaitsForItsGap) {
  // Seed 11 holds datagram 5 (see ReorderLetsTheNextDatagramOvertake); with
  // a gap of 3 it comes after 6, 7 and 8.
  EXPECT_THAT(Delivered("reorder=0.25,3", 11, 8),
              ElementsAre(1, 2, 3, 4, 6, 7, 8, 5));
}

TEST(DatagramFaultEngineTest, DelayIsExact) {
  FakeClock clock;
  DatagramFaultEngine engine(Faults("delay=100ms"), 1, clock, nullptr, "test");
  clock.Advance(absl::Seconds(3));
  const auto deliveries = engine.Process("x");
  ASSERT_EQ(deliveries.size(), 1u);
  EXPECT_EQ(deliveries[0].at, clock.Now() + absl::Milliseconds(100));
}

TEST(DatagramFaultEngineTest, JitterStaysWithinItsRangeAndRepeatsForASeed) {
  auto delays = [](uint64_t seed) {
    FakeClock clock;
    DatagramFaultEngine engine(Faults("delay=100ms jitter=20ms"), seed, clock,
                               nullptr, "test");
    std::vector<absl::Duration> result;
    for (int i = 0; i < 1000; ++i) {
      result.push_back(engine.Process("x")[0].at - clock.Now());
    }
    return result;
  };
  const std::vector<absl::Duration> first = delays(3);
  EXPECT_THAT(first, Each(::testing::Ge(absl::Milliseconds(80))));
  EXPECT_THAT(first, Each(::testing::Le(absl::Milliseconds(120))));
  EXPECT_NE(*std::min_element(first.begin(), first.end()),
            *std::max_element(first.begin(), first.end()));
  EXPECT_EQ(first, delays(3));
  EXPECT_NE(first, delays(4));
}

TEST(DatagramFaultEngineTest, JitterNeverMakesADelayNegative) {
  FakeClock clock;
  DatagramFaultEngine engine(Faults("jitter=50ms"), 2, clock, nullptr, "test");
  for (int i = 0; i < 100; ++i) {
    ASSERT_GE(engine.Process("x")[0].at, clock.Now());
  }
}

TEST(DatagramFaultEngineTest, TruncateCutsLongDatagramsOnly) {
  FakeClock clock;
  FaultLog log;
  DatagramFaultEngine engine(Faults("truncate=10"), 1, clock, &log, "test");
  EXPECT_EQ(engine.Process(std::string(25, 'a'))[0].payload,
            std::string(10, 'a'));
  EXPECT_EQ(engine.Process("short")[0].payload, "short");
  ASSERT_EQ(log.Find("truncate").size(), 1u);
  EXPECT_EQ(log.Find("truncate")[0].detail, "25 -> 10 bytes");
}

TEST(DatagramFaultEngineTest, TruncateWithProbability) {
  FaultLog log;
  FakeClock clock;
  DatagramFaultEngine engine(Faults("truncate=1,0.5"), 8, clock, &log, "test");
  for (int i = 0; i < 1000; ++i) engine.Process("long enough");
  EXPECT_GT(log.Find("truncate").size(), 430u);
  EXPECT_LT(log.Find("truncate").size(), 570u);
}

TEST(DatagramFaultEngineTest, CorruptFlipsExactlyTheLoggedBit) {
  FakeClock clock;
  FaultLog log;
  DatagramFaultEngine engine(Faults("corrupt=1"), 6, clock, &log, "test");
  const std::string original = "The quick brown fox";
  for (int i = 0; i < 50; ++i) {
    const std::string corrupted = engine.Process(original)[0].payload;
    ASSERT_EQ(corrupted.size(), original.size());
    int bits = 0;
    size_t where = 0;
    int which = 0;
    for (size_t b = 0; b < original.size(); ++b) {
      const unsigned diff = static_cast<unsigned char>(original[b] ^ corrupted[b]);
      for (int bit = 0; bit < 8; ++bit) {
        if (diff & (1u << bit)) {
          ++bits;
          where = b;
          which = bit;
        }
      }
    }
    ASSERT_EQ(bits, 1);
    EXPECT_EQ(log.records().back().detail,
              absl::StrCat("byte ", where, " bit ", which));
  }
  // An empty datagram has nothing to corrupt.
  EXPECT_EQ(engine.Process("")[0].payload, "");
}

TEST(DatagramFaultEngineTest, EveryFaultIsLoggedWithItsDatagramNumber) {
  FaultLog log;
  Delivered("drop_indices=2 duplicate=1 delay=5ms", 1, 3, &log);
  std::vector<std::string> lines;
  for (const FaultRecord& record : log.records()) {
    lines.push_back(record.ToString());
  }
  EXPECT_THAT(lines, ElementsAreArray({
                         "test #1 duplicate: second copy",
                         "test #1 delay: 5ms, copy 5ms",
                         "test #2 drop: drop_indices",
                         "test #3 duplicate: second copy",
                         "test #3 delay: 5ms, copy 5ms",
                     }));
}

}  // namespace
}  // namespace wirecheck::fakes

// Seeds for tests with random faults: printed when a test fails and
// accepted back, so a failing run replays exactly.
//
//   TEST(DiscoveryTest, SurvivesLoss) {
//     TestSeed seed(42);  // or TestSeed seed(TestSeed::kRandom);
//     SimulatedNetwork network(clock, seed.value());
//     ...  // a failure here also prints "seed 42: replay with
//          //   bazel test --test_env=WIRECHECK_SEED=42 ..."
//   }
//
// WIRECHECK_SEED in the environment overrides every TestSeed's default:
//   tools/bazel test //fakes:simulated_network_test --test_env=WIRECHECK_SEED=7
#ifndef WIRECHECK_FAKES_SEED_H_
#define WIRECHECK_FAKES_SEED_H_

#include <cstdint>
#include <optional>

#include "gtest/gtest.h"

namespace wirecheck::testing {

// The seed in $WIRECHECK_SEED (a decimal or 0x-prefixed hex number); nullopt
// when unset. A set but malformed value aborts the test run with a message,
// rather than silently testing something else.
std::optional<uint64_t> SeedFromEnvironment();

// Holds one test's seed and, while it lives, adds the seed and how to replay
// it to every failure message (a gtest SCOPED_TRACE), and records it as the
// test's "wirecheck_seed" property in the XML report. Make it on the test's
// thread, inside the test.
class TestSeed {
 public:
  enum RandomTag { kRandom };

  // $WIRECHECK_SEED if set, else `fallback`: the test is deterministic
  // unless told otherwise.
  explicit TestSeed(uint64_t fallback);
  // $WIRECHECK_SEED if set, else a fresh random seed: each run explores a
  // new one, and a failure says which.
  explicit TestSeed(RandomTag);

  TestSeed(const TestSeed&) = delete;
  TestSeed& operator=(const TestSeed&) = delete;

  uint64_t value() const { return value_; }

 private:
  const uint64_t value_;
  ::testing::ScopedTrace trace_;
};

}  // namespace wirecheck::testing

#endif  // WIRECHECK_FAKES_SEED_H_

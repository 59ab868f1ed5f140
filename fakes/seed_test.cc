#include "fakes/seed.h"

#include <cstdlib>

#include "gtest/gtest-spi.h"
#include "gtest/gtest.h"

namespace wirecheck::testing {
namespace {

class SeedTest : public ::testing::Test {
 protected:
  void TearDown() override { unsetenv("WIRECHECK_SEED"); }
};

TEST_F(SeedTest, FallbackIsUsedWhenTheEnvironmentSaysNothing) {
  unsetenv("WIRECHECK_SEED");
  EXPECT_FALSE(SeedFromEnvironment().has_value());
  TestSeed seed(42);
  EXPECT_EQ(seed.value(), 42u);
}

TEST_F(SeedTest, EnvironmentOverridesTheFallback) {
  setenv("WIRECHECK_SEED", "1234", 1);
  EXPECT_EQ(SeedFromEnvironment(), 1234u);
  TestSeed seed(42);
  EXPECT_EQ(seed.value(), 1234u);
  TestSeed random(TestSeed::kRandom);
  EXPECT_EQ(random.value(), 1234u);
  setenv("WIRECHECK_SEED", "0xff", 1);
  EXPECT_EQ(SeedFromEnvironment(), 255u);
}

TEST_F(SeedTest, RandomSeedsDiffer) {
  unsetenv("WIRECHECK_SEED");
  TestSeed a(TestSeed::kRandom);
  TestSeed b(TestSeed::kRandom);
  EXPECT_NE(a.value(), b.value());
}

TEST_F(SeedTest, FailuresSayHowToReplayTheSeed) {
  EXPECT_NONFATAL_FAILURE(
      {
        TestSeed seed(77);
        ADD_FAILURE() << "something went wrong";
      },
      "replay with bazel test --test_env=WIRECHECK_SEED=77");
}

TEST_F(SeedTest, AMalformedSeedStopsTheRun) {
  setenv("WIRECHECK_SEED", "forty-two", 1);
  EXPECT_DEATH(SeedFromEnvironment(), "is not a number");
}

}  // namespace
}  // namespace wirecheck::testing

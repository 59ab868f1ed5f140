#include "fakes/seed.h"

#include <cstdlib>
#include <iostream>
#include <random>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace wirecheck::testing {
namespace {

std::string ReplayMessage(uint64_t seed) {
  return absl::StrCat("seed ", seed,
                      ": replay with bazel test --test_env=WIRECHECK_SEED=",
                      seed, " (or WIRECHECK_SEED=", seed,
                      " in the test's environment)");
}

uint64_t Record(uint64_t seed) {
  if (::testing::UnitTest::GetInstance()->current_test_info() != nullptr) {
    ::testing::Test::RecordProperty("wirecheck_seed", std::to_string(seed));
  }
  return seed;
}

uint64_t FreshSeed() {
  std::random_device device;
  return (static_cast<uint64_t>(device()) << 32) ^ device();
}

}  // namespace

std::optional<uint64_t> SeedFromEnvironment() {
  const char* text = std::getenv("WIRECHECK_SEED");
  if (text == nullptr || *text == '\0') return std::nullopt;
  uint64_t seed = 0;
  const absl::string_view value(text);
  const bool parsed = absl::StartsWithIgnoreCase(value, "0x")
                          ? absl::SimpleHexAtoi(value.substr(2), &seed)
                          : absl::SimpleAtoi(value, &seed);
  if (!parsed) {
    std::cerr << "WIRECHECK_SEED=\"" << text
              << "\" is not a number (decimal, or hex with 0x)" << std::endl;
    std::abort();
  }
  return seed;
}

TestSeed::TestSeed(uint64_t fallback)
    : value_(Record(SeedFromEnvironment().value_or(fallback))),
      trace_(__FILE__, __LINE__, ReplayMessage(value_)) {}

TestSeed::TestSeed(RandomTag)
    : value_(Record(SeedFromEnvironment().value_or(FreshSeed()))),
      trace_(__FILE__, __LINE__, ReplayMessage(value_)) {}

}  // namespace wirecheck::testing

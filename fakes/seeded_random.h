// Deterministic randomness for fault injection: the same seed gives the same
// choices on every machine, compiler and library version, so a failing run
// replays exactly from its seed.
//
// std::mt19937_64's output is fixed by the C++ standard; the standard
// distributions and absl::BitGen are not (they may change between library
// versions), so the conversions below are written out here.
#ifndef WIRECHECK_FAKES_SEEDED_RANDOM_H_
#define WIRECHECK_FAKES_SEEDED_RANDOM_H_

#include <cstdint>
#include <random>

#include "absl/strings/string_view.h"

namespace wirecheck::fakes {

// Derives an independent seed for one use of `seed` (one direction, one
// fault kind, one link), so adding a fault or a link does not change the
// choices of the others. SplitMix64 of the two.
uint64_t MixSeed(uint64_t seed, uint64_t salt);
// The same with a name as the salt (hashed with 64-bit FNV-1a).
uint64_t MixSeed(uint64_t seed, absl::string_view salt);

// A stream of random choices from one seed. Not thread-safe.
class SeededRandom {
 public:
  explicit SeededRandom(uint64_t seed) : engine_(seed) {}

  uint64_t Next() { return engine_(); }
  // Uniform in [0, 1), with 53 random bits.
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  // True with probability `p` (always uses exactly one draw).
  bool Chance(double p) { return Uniform() < p; }
  // Uniform in [0, n); 0 when n is 0 (always uses exactly one draw).
  uint64_t Below(uint64_t n) {
    return static_cast<uint64_t>(Uniform() * static_cast<double>(n));
  }

 private:
  std::mt19937_64 engine_;
};

}  // namespace wirecheck::fakes

#endif  // WIRECHECK_FAKES_SEEDED_RANDOM_H_

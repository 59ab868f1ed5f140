#include "fakes/seeded_random.h"

namespace wirecheck::fakes {

uint64_t MixSeed(uint64_t seed, uint64_t salt) {
  uint64_t z = seed + 0x9e3779b97f4a7c15ull * (salt + 1);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

uint64_t MixSeed(uint64_t seed, absl::string_view salt) {
  uint64_t hash = 0xcbf29ce484222325ull;
  for (const char c : salt) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001b3ull;
  }
  return MixSeed(seed, hash);
}

}  // namespace wirecheck::fakes

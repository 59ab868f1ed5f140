#include "fuzz/framing/seed_corpus.h"

#include <cstdint>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "protocols/framing/codec.h"

namespace wirecheck::framing {
namespace {

std::string Name(absl::string_view contents) {
  uint64_t hash = 0xcbf29ce484222325u;  // FNV-1a
  for (char byte : contents) {
    hash = (hash ^ static_cast<unsigned char>(byte)) * 0x100000001b3u;
  }
  return absl::StrFormat("spec_%016x", hash);
}

size_t IndexOf(Variant variant) {
  const auto variants = AllVariants();
  for (size_t i = 0; i < variants.size(); ++i) {
    if (variants[i] == variant) return i;
  }
  return 0;
}

}  // namespace

std::map<std::string, std::string> SeedCorpus(
    const std::vector<testing::SpecVector>& vectors) {
  std::map<std::string, std::string> corpus;
  for (const testing::SpecVector& vector : vectors) {
    const std::string variant(VariantName(vector.variant));
    if (!vector.encode) {
      if (!vector.input.empty()) {
        corpus[absl::StrCat(variant, "/", Name(vector.input))] = vector.input;
      }
      continue;
    }
    if (vector.outcome == testing::SpecVector::Outcome::kRejected) continue;
    corpus[absl::StrCat(variant, "/", Name(vector.expected[0]))] =
        vector.expected[0];
    // The round-trip fuzzer's input: variant index, an 8-byte seed, payload.
    std::string roundtrip(9, '\0');
    roundtrip[0] = static_cast<char>(IndexOf(vector.variant));
    roundtrip += vector.input;
    corpus[absl::StrCat("roundtrip/", Name(roundtrip))] = roundtrip;
  }
  return corpus;
}

}  // namespace wirecheck::framing

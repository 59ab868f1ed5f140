// The framing fuzzers' seed corpora, made from SPEC.md's test vectors: every
// decode vector's input, every encode vector's frame, and for the round-trip
// fuzzer every encoded payload. write_seed_corpus writes them into corpus/;
// seed_corpus_test checks they are all there.
#ifndef WIRECHECK_FUZZ_FRAMING_SEED_CORPUS_H_
#define WIRECHECK_FUZZ_FRAMING_SEED_CORPUS_H_

#include <map>
#include <string>
#include <vector>

#include "protocols/framing/spec_vectors.h"

namespace wirecheck::framing {

// Path under fuzz/framing/corpus ("line/spec_0123abcd...") -> contents.
// Names are content hashes, so editing SPEC.md only adds files.
std::map<std::string, std::string> SeedCorpus(
    const std::vector<testing::SpecVector>& vectors);

}  // namespace wirecheck::framing

#endif  // WIRECHECK_FUZZ_FRAMING_SEED_CORPUS_H_

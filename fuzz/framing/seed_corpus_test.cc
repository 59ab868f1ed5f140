// Every seed made from SPEC.md's vectors is in the checked-in corpus (run
// write_seed_corpus after adding vectors).
#include "fuzz/framing/seed_corpus.h"

#include <fstream>
#include <iterator>

#include "gtest/gtest.h"
#include "protocols/common/status_matchers.h"
#include "protocols/framing/spec_vectors.h"

namespace wirecheck::framing {
namespace {

TEST(SeedCorpusTest, EverySpecVectorIsInTheCorpus) {
  ASSERT_OK_AND_ASSIGN(std::string spec,
                       testing::ReadRunfile("protocols/framing/SPEC.md"));
  ASSERT_OK_AND_ASSIGN(std::vector<testing::SpecVector> vectors,
                       testing::ParseSpecVectors(spec));
  const std::map<std::string, std::string> corpus = SeedCorpus(vectors);
  EXPECT_GT(corpus.size(), 150u);
  for (const auto& [path, contents] : corpus) {
    absl::StatusOr<std::string> file =
        testing::ReadRunfile("fuzz/framing/corpus/" + path);
    ASSERT_TRUE(file.ok()) << path << " is missing: run write_seed_corpus";
    EXPECT_EQ(*file, contents) << path;
  }
}

}  // namespace
}  // namespace wirecheck::framing

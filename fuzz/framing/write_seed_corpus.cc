// Writes the seed corpora made from SPEC.md's vectors:
//   bazel run //fuzz/framing:write_seed_corpus -- $PWD/protocols/framing/SPEC.md $PWD/fuzz/framing/corpus
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>

#include "fuzz/framing/seed_corpus.h"
#include "protocols/framing/spec_vectors.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: write_seed_corpus SPEC.md CORPUS_DIR\n";
    return 2;
  }
  std::ifstream spec(argv[1], std::ios::binary);
  const std::string text((std::istreambuf_iterator<char>(spec)), {});
  const auto vectors = wirecheck::framing::testing::ParseSpecVectors(text);
  if (!vectors.ok()) {
    std::cerr << vectors.status() << "\n";
    return 1;
  }
  int written = 0;
  for (const auto& [path, contents] : wirecheck::framing::SeedCorpus(*vectors)) {
    const std::filesystem::path file = std::filesystem::path(argv[2]) / path;
    std::filesystem::create_directories(file.parent_path());
    std::ofstream(file, std::ios::binary) << contents;
    ++written;
  }
  std::cout << "wrote " << written << " files under " << argv[2] << "\n";
  return 0;
}

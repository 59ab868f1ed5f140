// Replays inputs through a fuzz target's LLVMFuzzerTestOneInput without
// libFuzzer: the main() of every fuzz target in the default build and of its
// corpus test. Arguments are files or folders (searched recursively), and
// "--dict=FILE" to check that a libFuzzer dictionary parses. Relative paths
// are also looked up in the test's runfiles. Fails when no input was found.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

#include "fuzz/dictionary.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);
extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv)
    __attribute__((weak));

namespace {

namespace fs = std::filesystem;

fs::path Locate(const std::string& argument) {
  fs::path path(argument);
  if (fs::exists(path) || path.is_absolute()) return path;
  const char* srcdir = std::getenv("TEST_SRCDIR");
  const char* workspace = std::getenv("TEST_WORKSPACE");
  if (srcdir != nullptr && workspace != nullptr) {
    fs::path runfile = fs::path(srcdir) / workspace / argument;
    if (fs::exists(runfile)) return runfile;
  }
  return path;
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

int main(int argc, char** argv) {
  if (LLVMFuzzerInitialize != nullptr) LLVMFuzzerInitialize(&argc, &argv);
  std::vector<fs::path> inputs;
  for (int i = 1; i < argc; ++i) {
    const std::string argument = argv[i];
    if (argument.rfind("--dict=", 0) == 0) {
      const fs::path dict = Locate(argument.substr(7));
      std::string error;
      const auto entries =
          wirecheck::fuzz::ParseDictionary(ReadFile(dict), &error);
      if (!entries.has_value()) {
        std::cerr << "dictionary " << dict << ": " << error << "\n";
        return 1;
      }
      if (entries->empty()) {
        std::cerr << "dictionary " << dict << " has no entries\n";
        return 1;
      }
      std::cout << "dictionary " << dict << ": " << entries->size()
                << " entries\n";
      continue;
    }
    const fs::path path = Locate(argument);
    if (fs::is_directory(path)) {
      for (const auto& entry : fs::recursive_directory_iterator(path)) {
        if (entry.is_regular_file()) inputs.push_back(entry.path());
      }
    } else if (fs::is_regular_file(path)) {
      inputs.push_back(path);
    } else {
      std::cerr << "no such input: " << argument << "\n";
      return 1;
    }
  }
  if (inputs.empty()) {
    std::cerr << "no inputs: the corpus is empty\n";
    return 1;
  }
  std::sort(inputs.begin(), inputs.end());
  for (const fs::path& input : inputs) {
    const std::string bytes = ReadFile(input);
    LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(bytes.data()),
                           bytes.size());
  }
  std::cout << "replayed " << inputs.size() << " inputs\n";
  return 0;
}

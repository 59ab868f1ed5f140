#include "conformance/spec_registry.h"

#include <map>
#include <mutex>

#include "absl/strings/str_cat.h"
#include "protocols/common/status_macros.h"

namespace wirecheck::conformance {
namespace {

struct Registry {
  std::mutex mutex;
  std::map<std::string, absl::string_view, std::less<>> texts;
};

Registry& GetRegistry() {
  static auto* const registry = new Registry();
  return *registry;
}

}  // namespace

bool RegisterSpecText(absl::string_view path, absl::string_view text) {
  Registry& registry = GetRegistry();
  std::lock_guard<std::mutex> lock(registry.mutex);
  registry.texts[std::string(path)] = text;
  return true;
}

absl::StatusOr<absl::string_view> EmbeddedSpecText(absl::string_view path) {
  Registry& registry = GetRegistry();
  std::lock_guard<std::mutex> lock(registry.mutex);
  const auto it = registry.texts.find(path);
  if (it == registry.texts.end()) {
    return absl::NotFoundError(absl::StrCat(
        "spec ", path,
        " is not embedded in this binary (add wirecheck_spec() from "
        "//conformance:spec.bzl to its BUILD file and depend on it)"));
  }
  return it->second;
}

std::vector<std::string> EmbeddedSpecPaths() {
  Registry& registry = GetRegistry();
  std::lock_guard<std::mutex> lock(registry.mutex);
  std::vector<std::string> paths;
  for (const auto& [path, text] : registry.texts) paths.push_back(path);
  return paths;
}

absl::StatusOr<Spec> LoadSpec(absl::string_view path) {
  ASSIGN_OR_RETURN(const absl::string_view text, EmbeddedSpecText(path));
  return ParseSpec(path, text);
}

}  // namespace wirecheck::conformance

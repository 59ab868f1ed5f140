#include "conformance/case.h"

#include <algorithm>
#include <utility>

namespace wirecheck::conformance {
namespace {

std::vector<Suite>& Registry() {
  static auto* const registry = new std::vector<Suite>();
  return *registry;
}

}  // namespace

absl::string_view LevelName(Level level) {
  switch (level) {
    case Level::kMust:
      return "MUST";
    case Level::kShould:
      return "SHOULD";
    case Level::kMay:
      break;
  }
  return "MAY";
}

Finding Pass(std::string observed) {
  return {Finding::Kind::kPass, "", std::move(observed)};
}

Finding Violation(std::string expected, std::string observed) {
  return {Finding::Kind::kViolation, std::move(expected), std::move(observed)};
}

Finding Info(std::string observed) {
  return {Finding::Kind::kInfo, "", std::move(observed)};
}

Finding Unsupported(std::string why) {
  return {Finding::Kind::kUnsupported, "", std::move(why)};
}

Finding HarnessError(const absl::Status& status) {
  return {Finding::Kind::kError, "", status.ToString()};
}

bool RegisterSuite(Suite suite) {
  Registry().push_back(std::move(suite));
  return true;
}

std::vector<const Suite*> RegisteredSuites() {
  std::vector<const Suite*> suites;
  for (const Suite& suite : Registry()) suites.push_back(&suite);
  std::sort(suites.begin(), suites.end(),
            [](const Suite* a, const Suite* b) { return a->name < b->name; });
  return suites;
}

Case MakeCase(std::string id, std::vector<std::string> requirements,
              Level level, Transport transport, std::string description,
              std::function<Finding(CaseContext&)> check, bool exclusive) {
  Case c;
  c.id = std::move(id);
  c.requirements = std::move(requirements);
  c.level = level;
  c.transport = transport;
  c.description = std::move(description);
  c.exclusive = exclusive;
  c.check = std::move(check);
  return c;
}

}  // namespace wirecheck::conformance

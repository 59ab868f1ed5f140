#include "conformance/testing/case_runner.h"

#include <random>

#include "gtest/gtest.h"

namespace wirecheck::conformance {

void PrintTo(const Finding& finding, std::ostream* os) {
  *os << testing::KindName(finding.kind);
  if (!finding.expected.empty()) *os << ", expected \"" << finding.expected << "\"";
  *os << ", observed \"" << finding.observed << "\"";
}

namespace testing {
namespace {

class CollectingNotes : public NoteSink {
 public:
  explicit CollectingNotes(std::vector<std::string>* notes) : notes_(notes) {}
  void Note(absl::string_view line) override {
    if (notes_ != nullptr) notes_->emplace_back(line);
  }

 private:
  std::vector<std::string>* notes_;
};

}  // namespace

absl::string_view KindName(Finding::Kind kind) {
  switch (kind) {
    case Finding::Kind::kPass:
      return "PASS";
    case Finding::Kind::kViolation:
      return "VIOLATION";
    case Finding::Kind::kInfo:
      return "INFO";
    case Finding::Kind::kUnsupported:
      return "UNSUPPORTED";
    case Finding::Kind::kError:
      break;
  }
  return "ERROR";
}

const Case& FindCase(const Suite& suite, absl::string_view id) {
  for (const Case& c : suite.cases) {
    if (c.id == id) return c;
  }
  ADD_FAILURE() << "suite " << suite.name << " has no case " << id;
  static const Case* const none = new Case();
  return *none;
}

namespace {

// The context a check or probe runs in, and what it needs to stay alive.
struct Context {
  Context(const Suite& suite, wirecheck::testing::Harness& harness,
          const SocketAddress& target, absl::Duration timeout,
          const RunSettings& settings)
      : options(suite.default_options),
        random(settings.seed),
        notes(settings.notes),
        context{harness.client_network(),
                harness.clock(),
                target,
                harness.clock().Now() + timeout,
                settings.seed,
                random,
                options,
                notes} {
    for (const auto& [key, value] : settings.options) options[key] = value;
  }

  std::map<std::string, std::string> options;
  std::mt19937_64 random;
  CollectingNotes notes;
  CaseContext context;
};

}  // namespace

Finding RunCase(const Suite& suite, absl::string_view id,
                wirecheck::testing::Harness& harness,
                const SocketAddress& target, const RunSettings& settings) {
  const Case& c = FindCase(suite, id);
  if (!c.check) return HarnessError(absl::NotFoundError(std::string(id)));
  harness.StartServers();
  Context run(suite, harness, target, std::max(settings.timeout, c.timeout),
              settings);
  return c.check(run.context);
}

Finding RunCase(const Suite& suite, absl::string_view id,
                wirecheck::testing::Harness& harness,
                const SocketAddress& target, absl::Duration timeout) {
  RunSettings settings;
  settings.timeout = timeout;
  return RunCase(suite, id, harness, target, settings);
}

Finding RunProbe(const Suite& suite, Transport transport,
                 wirecheck::testing::Harness& harness,
                 const SocketAddress& target, const RunSettings& settings) {
  harness.StartServers();
  Context run(suite, harness, target, settings.timeout, settings);
  return suite.probe(run.context, transport);
}

Finding RunProbe(const Suite& suite, Transport transport,
                 wirecheck::testing::Harness& harness,
                 const SocketAddress& target, absl::Duration timeout) {
  RunSettings settings;
  settings.timeout = timeout;
  return RunProbe(suite, transport, harness, target, settings);
}

}  // namespace testing
}  // namespace wirecheck::conformance

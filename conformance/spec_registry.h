// SPEC.md texts compiled into the binary, so `wirecheck check --list` and the
// traceability test work from any directory, without the source tree.
//
// A protocol embeds its spec with the wirecheck_spec macro (spec.bzl):
//
//   load("//conformance:spec.bzl", "wirecheck_spec")
//   wirecheck_spec(name = "spec", src = "SPEC.md")   # in protocols/time/BUILD
//
// which generates a .cc file registering the text under its workspace path
// ("protocols/time/SPEC.md", the Suite's spec_path), and an alwayslink
// cc_library ":spec" for the suite's library to depend on.
#ifndef WIRECHECK_CONFORMANCE_SPEC_REGISTRY_H_
#define WIRECHECK_CONFORMANCE_SPEC_REGISTRY_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "conformance/spec.h"

namespace wirecheck::conformance {

// Records `text` as the spec at `path` (relative to the workspace). Returns
// true, to initialise a namespace-scope constant. The generated code calls
// it; `text` must live forever (it is a static array there).
bool RegisterSpecText(absl::string_view path, absl::string_view text);

// The embedded text of the spec at `path`. Errors: NOT_FOUND naming the path
// and saying how to embed it.
absl::StatusOr<absl::string_view> EmbeddedSpecText(absl::string_view path);

// The paths of every embedded spec, sorted.
std::vector<std::string> EmbeddedSpecPaths();

// The embedded spec at `path`, parsed. Errors: those of EmbeddedSpecText and
// ParseSpec.
absl::StatusOr<Spec> LoadSpec(absl::string_view path);

}  // namespace wirecheck::conformance

#endif  // WIRECHECK_CONFORMANCE_SPEC_REGISTRY_H_

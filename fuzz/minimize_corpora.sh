#!/usr/bin/env bash
# Minimises checked-in seed corpora with libFuzzer's -merge=1: keeps only
# the inputs that add coverage.
#
#   fuzz/minimize_corpora.sh [TARGET...]     (default: every fuzz target)
#
# TARGET is as for tools/fuzz (a label or a target's name). Files with a
# chosen name are kept whatever their coverage: SPEC.md vectors (spec_*,
# which //fuzz/framing:seed_corpus_test requires), crash reproducers named
# for what they caught, and hand-written seeds. Only generated names are
# minimised: conf_* (fuzz/regenerate_corpora.sh) and libFuzzer's 40-hex-digit
# names. Each corpus is merged into a new folder, which then replaces it.
set -euo pipefail
cd "$(dirname "$0")/.."

targets=("$@")
if ((${#targets[@]} == 0)); then
  mapfile -t targets < <(tools/fuzz --list)
fi
labels=()
for target in "${targets[@]}"; do
  labels+=("$(tools/fuzz --list | grep -E "(^|:)${target#//*:}\$" | head -1)")
done
tools/bazel build --config=fuzz "${labels[@]}" >&2
bin=$(tools/bazel info --config=fuzz bazel-bin 2>/dev/null)

is_generated() {
  [[ "$1" == conf_* || "$1" =~ ^[0-9a-f]{40}$ ]]
}

for label in "${labels[@]}"; do
  package=${label#//}
  package=${package%%:*}
  name=${label##*:}
  corpus=$(tools/bazel query --output=build "$label" 2>/dev/null |
    sed -nE 's/.*"wirecheck_fuzz_corpus=([^"]+)".*/\1/p')
  merged=$(mktemp -d "${TMPDIR:-/tmp}/wirecheck-merge-$name.XXXXXX")
  # Kept files go in first, so the merge adds only what they do not cover.
  while IFS= read -r -d '' file; do
    is_generated "$(basename "$file")" || cp "$file" "$merged/"
  done < <(find "$corpus" -maxdepth 1 -type f -print0)
  before=$(find "$corpus" -maxdepth 1 -type f | wc -l)
  "$bin/$package/$name" -merge=1 "$merged" "$corpus" >"$merged.log" 2>&1 || {
    echo "minimize_corpora: $label: merge failed; log in $merged.log" >&2
    exit 1
  }
  # The merge names what it adds by SHA-1; a kept input can come back under
  # that name (its first run also covers one-off static initialisation).
  while IFS= read -r -d '' file; do
    is_generated "$(basename "$file")" && continue
    rm -f "$merged/$(sha1sum "$file" | cut -d' ' -f1)"
  done < <(find "$merged" -maxdepth 1 -type f -print0)
  find "$corpus" -maxdepth 1 -type f -delete
  cp -R "$merged/." "$corpus/"
  rm -rf "$merged" "$merged.log"
  echo "$corpus: $before -> $(find "$corpus" -maxdepth 1 -type f | wc -l) files"
done

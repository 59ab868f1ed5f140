#!/usr/bin/env bash
# Adds the bytes of a real conformance run to the checked-in seed corpora:
# runs `wirecheck check --all --corpus_out=TMP` (every suite against its
# reference server) and copies each file into the corpus of the fuzz target
# that decodes it, named conf_<content hash> so reruns add only new inputs.
#
#   fuzz/regenerate_corpora.sh [CORPUS_OUT_DIR]
#
# With CORPUS_OUT_DIR (the output of `wirecheck check ... --corpus_out=DIR`
# against your own server) it copies from there instead of running the
# reference check. Follow with fuzz/minimize_corpora.sh to keep only the
# inputs that add coverage.
set -euo pipefail
cd "$(dirname "$0")/.."

if (($# > 1)); then
  echo "usage: fuzz/regenerate_corpora.sh [CORPUS_OUT_DIR]" >&2
  exit 2
fi

if (($# == 1)); then
  source_dir=$1
else
  source_dir=$(mktemp -d "${TMPDIR:-/tmp}/wirecheck-corpus-out.XXXXXX")
  trap 'rm -rf "$source_dir"' EXIT
  tools/bazel build //tools:wirecheck >&2
  status=0
  "$(tools/bazel info bazel-bin 2>/dev/null)/tools/wirecheck" check --all \
    --color=never --corpus_out="$source_dir" >/dev/null || status=$?
  # 1 means a MUST failed against a reference server: its bytes still make
  # good seeds, but say so. Anything else means the run itself broke.
  if ((status == 1)); then
    echo "regenerate_corpora: warning: wirecheck check --all failed a case" >&2
  elif ((status != 0)); then
    echo "regenerate_corpora: wirecheck check --all exited $status" >&2
    exit 1
  fi
fi

# copy FROM_GLOB_DIR PATTERN TO_DIR: files of FROM matching PATTERN (a find
# -name pattern) into TO as conf_<first 16 hex digits of their SHA-1>.
copy() {
  local from=$1 pattern=$2 to=$3 file hash added=0
  [[ -d "$from" ]] || return 0
  mkdir -p "$to"
  while IFS= read -r -d '' file; do
    hash=$(sha1sum "$file" | cut -c1-16)
    if [[ ! -e "$to/conf_$hash" ]]; then
      cp "$file" "$to/conf_$hash"
      added=$((added + 1))
    fi
  done < <(find "$from" -maxdepth 1 -type f -name "$pattern" -print0)
  echo "$to: $added new"
}

# Which suite's bytes feed which decoder. Framing: both directions are
# frames of the variant (the cases send malformed ones too). Time and
# daytime: only the server's replies are the formats the fuzzers parse.
for variant_dir in "$source_dir"/framing/*/; do
  variant=$(basename "$variant_dir")
  copy "$variant_dir" '*' "fuzz/framing/corpus/$variant"
done
copy "$source_dir/time" '*-received-*' fuzz/time/corpus/time_reply
copy "$source_dir/daytime" '*-received-*' fuzz/time/corpus/daytime
copy "$source_dir/ping" '*' fuzz/ping/corpus/ping_message
copy "$source_dir/discovery" '*' fuzz/discovery/corpus/discovery_message

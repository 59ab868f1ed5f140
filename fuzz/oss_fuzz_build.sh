#!/usr/bin/env bash
# OSS-Fuzz style build of every fuzz target (the binaries tagged
# wirecheck_fuzz, see fuzz/fuzz.bzl), from the environment OSS-Fuzz sets:
#
#   CC CXX CFLAGS CXXFLAGS LIB_FUZZING_ENGINE OUT
#
# Bazel compiles with $CC/$CXX and those flags (CFLAGS for C, CXXFLAGS for
# C++), links with $CXXFLAGS $LIB_FUZZING_ENGINE, and this script writes per
# target:
#   $OUT/<target>                   the fuzzer
#   $OUT/<target>_seed_corpus.zip   its checked-in corpus
#   $OUT/<target>.dict              its dictionary, if it has one
#   $OUT/<target>.options           [libfuzzer] dict and max_len
#
# Try it locally:
#   CC=clang-14 CXX=clang++-14 CFLAGS="-fsanitize=address,fuzzer-no-link" \
#   CXXFLAGS="-fsanitize=address,fuzzer-no-link" \
#   LIB_FUZZING_ENGINE=-fsanitize=fuzzer OUT=/tmp/out fuzz/oss_fuzz_build.sh
#   /tmp/out/line_decoder_fuzzer -max_total_time=5 /tmp/out/...
#
# Abseil and the other libraries are Debian's system libraries (third_party/
# wraps them), so the build downloads nothing.
set -euo pipefail
cd "$(dirname "$0")/.."

for var in CC CXX LIB_FUZZING_ENGINE OUT; do
  if [[ -z "${!var:-}" ]]; then
    echo "oss_fuzz_build: \$$var is not set" >&2
    exit 2
  fi
done
mkdir -p "$OUT"

# A separate output directory (platform_suffix) so this build does not
# replace the --config=fuzz or default outputs.
flags=(--platform_suffix=ossfuzz --define=wirecheck_fuzz=oss_fuzz
       "--repo_env=CC=$CC" "--repo_env=CXX=$CXX"
       --copt=-fno-omit-frame-pointer --copt=-g)
for flag in ${CFLAGS:-}; do flags+=("--conlyopt=$flag"); done
for flag in ${CXXFLAGS:-}; do flags+=("--cxxopt=$flag" "--linkopt=$flag"); done
for flag in $LIB_FUZZING_ENGINE; do flags+=("--linkopt=$flag"); done

mapfile -t targets < <(tools/fuzz --list)
echo "oss_fuzz_build: building ${#targets[@]} targets" >&2
tools/bazel build "${flags[@]}" "${targets[@]}" >&2
bin=$(tools/bazel info "${flags[@]}" bazel-bin 2>/dev/null)

for label in "${targets[@]}"; do
  package=${label#//}
  package=${package%%:*}
  name=${label##*:}
  tags=$(tools/bazel query --output=build "$label" 2>/dev/null | grep '^  tags = ')
  corpus=$(sed -nE 's/.*"wirecheck_fuzz_corpus=([^"]+)".*/\1/p' <<<"$tags")
  dict=$(sed -nE 's/.*"wirecheck_fuzz_dict=([^"]+)".*/\1/p' <<<"$tags")

  install -m 755 "$bin/$package/$name" "$OUT/$name"
  rm -f "$OUT/${name}_seed_corpus.zip"
  # python3's zipfile: no zip package needed. Flat names, as OSS-Fuzz
  # unpacks the zip into one folder.
  python3 - "$corpus" "$OUT/${name}_seed_corpus.zip" <<'PY'
import os, sys, zipfile
corpus, out = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
    for root, _, files in os.walk(corpus):
        for f in sorted(files):
            path = os.path.join(root, f)
            z.write(path, os.path.relpath(path, corpus).replace(os.sep, "_"))
PY
  # Room for the largest seed, and at least 4 KiB to grow into.
  largest=$(find "$corpus" -type f -printf '%s\n' | sort -n | tail -1)
  max_len=$((largest > 4096 ? largest : 4096))
  {
    echo "[libfuzzer]"
    if [[ -n "$dict" ]]; then
      cp "$dict" "$OUT/$name.dict"
      echo "dict = $name.dict"
    fi
    echo "max_len = $max_len"
  } >"$OUT/$name.options"
  echo "$OUT/$name" >&2
done
echo "oss_fuzz_build: ${#targets[@]} targets in $OUT" >&2

#!/usr/bin/env bash
# End to end, as a user would run it: each reference server started with
# `wirecheck serve ...` on loopback port 0, then checked with
# `wirecheck check <suite> <target>` over each transport it has. Every
# check must pass (exit 0); a suite pointed at the wrong service must not.
set -uo pipefail
wirecheck="$TEST_SRCDIR/wirecheck/tools/wirecheck"
failures=0
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
  wait 2>/dev/null
}
trap cleanup EXIT

# start NAME ARGS...: runs `wirecheck serve ARGS` and waits for its
# "listening on" lines (saved in $TEST_TMPDIR/NAME.out).
start() {
  local name=$1
  shift
  "$wirecheck" serve "$@" >"$TEST_TMPDIR/$name.out" 2>"$TEST_TMPDIR/$name.err" &
  pids+=($!)
  for _ in $(seq 100); do
    grep -q 'listening on' "$TEST_TMPDIR/$name.out" && return 0
    sleep 0.05
  done
  echo "FAIL: serve $* did not start: $(cat "$TEST_TMPDIR/$name.err")"
  failures=$((failures + 1))
  return 1
}

# address NAME SCHEME: the first "listening on SCHEME://..." address.
address() {
  grep -o "listening on $2://[^ ]*" "$TEST_TMPDIR/$1.out" | head -1 | sed 's/listening on //'
}

check() {  # check WANT-EXIT SUITE TARGET [FLAGS...]
  local want=$1 suite=$2 target=$3
  shift 3
  "$wirecheck" check "$suite" "$target" "$@" >"$TEST_TMPDIR/check.out" 2>&1
  local got=$?
  if [[ $got -ne $want ]]; then
    echo "FAIL: check $suite $target: exit $got, want $want"
    sed 's/^/    /' "$TEST_TMPDIR/check.out" | tail -30
    failures=$((failures + 1))
  else
    echo "ok: check $suite $target -> $got ($(tail -2 "$TEST_TMPDIR/check.out" | head -1))"
  fi
}

start time time --listen 127.0.0.1:0 &&
  check 0 time "$(address time tcp)" &&
  check 0 time "$(address time udp)"
start daytime daytime --listen '[::1]:0' &&
  check 0 daytime "$(address daytime tcp)" &&
  check 0 daytime "$(address daytime udp)"
start ping ping --listen 127.0.0.1:0 --uppercase &&
  check 0 ping "$(address ping udp)"
start discovery discovery --listen 127.0.0.1:0 --service echo:7007 \
  --name reference --announce none &&
  check 0 discovery "$(address discovery udp)"
start line echo --framing line --listen 127.0.0.1:0 &&
  check 0 framing:line "$(address line tcp)"
start raw echo --framing raw --listen 127.0.0.1:0 &&
  check 0 framing:raw "$(address raw tcp)" &&
  check 0 framing:raw "$(address raw udp)"

# The wrong service fails the MUSTs: a daytime server is not a time server.
check 1 time "$(address daytime tcp)"
# Nothing listening (a server that has stopped): unreachable.
start stopped time --transport udp --listen 127.0.0.1:0 &&
  stopped_address=$(address stopped udp) &&
  kill "${pids[-1]}" && wait "${pids[-1]}" 2>/dev/null
check 3 time "$stopped_address" --timeout 0.3s

# load WANT-EXIT PROTOCOL TARGET [FLAGS...]: a short `wirecheck load`; on
# success every reply must have been valid and at least one must have come.
load() {
  local want=$1 protocol=$2 target=$3
  shift 3
  "$wirecheck" load "$protocol" "$target" --duration 0.2s --json "$@" \
    >"$TEST_TMPDIR/load.out" 2>"$TEST_TMPDIR/load.err"
  local got=$?
  if [[ $got -ne $want ]]; then
    echo "FAIL: load $protocol $target $*: exit $got, want $want"
    sed 's/^/    /' "$TEST_TMPDIR/load.out" "$TEST_TMPDIR/load.err" | tail -10
    failures=$((failures + 1))
  elif [[ $want -eq 0 ]] && ! grep -q '"invalid":0,' "$TEST_TMPDIR/load.out"; then
    echo "FAIL: load $protocol $target $*: invalid replies: $(cat "$TEST_TMPDIR/load.out")"
    failures=$((failures + 1))
  else
    echo "ok: load $protocol $target $* -> $got"
  fi
}

load 0 time "$(address time tcp)"
load 0 time "$(address time udp)"
load 0 daytime "$(address daytime tcp)"
load 0 ping "$(address ping udp)" --size 200
load 0 echo "$(address line tcp)" --framing line --depth 4
load 0 echo "$(address raw tcp)" --size 65536
load 0 echo "$(address raw udp)"
# A daytime server's replies are not RFC 868 times; a stopped one answers not.
load 1 time "$(address daytime tcp)"
load 3 time "$stopped_address" --timeout 0.05s
# Two event loops on one port, and the whole load still answered validly.
start threaded time --listen 127.0.0.1:0 --threads 2 &&
  grep -q 'serving on 2 threads' "$TEST_TMPDIR/threaded.out" &&
  load 0 time "$(address threaded tcp)" &&
  load 0 time "$(address threaded udp)" &&
  check 0 time "$(address threaded tcp)"

if [[ $failures -gt 0 ]]; then
  echo "$failures failure(s)"
  exit 1
fi
echo "every reference server passed its suite"

#!/usr/bin/env bash
# The built binary's contract: help, exit codes, usage errors.
set -uo pipefail
wirecheck="$TEST_SRCDIR/wirecheck/tools/wirecheck"
failures=0

expect_exit() {  # expect_exit CODE DESCRIPTION -- COMMAND...
  local want=$1 what=$2
  shift 3
  "$@" >"$TEST_TMPDIR/out" 2>"$TEST_TMPDIR/err"
  local got=$?
  if [[ $got -ne $want ]]; then
    echo "FAIL: $what: exit $got, want $want"
    sed 's/^/  stdout: /' "$TEST_TMPDIR/out"
    sed 's/^/  stderr: /' "$TEST_TMPDIR/err"
    failures=$((failures + 1))
  fi
}

expect_output() {  # expect_output FILE PATTERN DESCRIPTION
  if ! grep -qE -- "$2" "$TEST_TMPDIR/$1"; then
    echo "FAIL: $3: $1 lacks /$2/"
    failures=$((failures + 1))
  fi
}

expect_exit 0 "--help" -- "$wirecheck" --help
expect_output out "resolve" "--help lists commands"
expect_output out "4  nothing selected to run" "--help lists exit codes"

expect_exit 2 "no command" -- "$wirecheck"
expect_exit 2 "unknown command" -- "$wirecheck" frobnicate
expect_output err 'unknown command "frobnicate"' "unknown command is named"

expect_exit 0 "command help" -- "$wirecheck" resolve --help
expect_output out "--family" "resolve --help lists its flags"

expect_exit 2 "unknown flag" -- "$wirecheck" resolve --bogus 127.0.0.1:37
expect_output err "unknown flag --bogus" "unknown flag is named"

expect_exit 0 "resolve a numeric endpoint" -- "$wirecheck" resolve tcp://127.0.0.1:time
expect_output out "IPv4  127.0.0.1:37" "service names resolve to ports"

expect_exit 3 "unresolvable host" -- "$wirecheck" resolve no-such-host.invalid:37
expect_exit 2 "malformed endpoint" -- "$wirecheck" resolve 'http://x:1'

# Every serve command accepts the shared serve flags, whatever order the
# commands registered in during static initialisation.
for service in time daytime ping echo discovery; do
  expect_exit 0 "serve $service --help" -- "$wirecheck" serve "$service" --help
  expect_output out "--grace" "serve $service --help lists the shared serve flags"
done
expect_exit 0 "proxy --help" -- "$wirecheck" proxy --help
expect_output out "--grace" "proxy --help lists the shared serve flags"

expect_exit 0 "interfaces" -- "$wirecheck" interfaces
expect_output out "loopback" "loopback interface is listed"

expect_exit 0 "check help" -- "$wirecheck" check --help
expect_output out "--expectations" "check --help lists its flags"
expect_exit 2 "check without a target" -- "$wirecheck" check
expect_exit 2 "check of an unknown suite" -- "$wirecheck" check no-such-suite 127.0.0.1:4707
expect_output err 'no suite named "no-such-suite"' "unknown suite is named"

# check --all runs what is linked into //conformance:all_suites; with nothing
# linked it must not claim success.
"$wirecheck" check --list >"$TEST_TMPDIR/list" 2>"$TEST_TMPDIR/list_err"
list_status=$?
if [[ $list_status -eq 4 ]]; then
  expect_exit 4 "check --all with no suites" -- "$wirecheck" check --all
  expect_output err "no conformance suites are registered" "check --all says why"
else
  expect_exit 0 "check --list" -- "$wirecheck" check --list
  expect_exit 0 "check --all against the reference servers" -- "$wirecheck" check --all
  expect_output out "PASSED: every selected MUST held" "check --all passes"
fi

if [[ $failures -gt 0 ]]; then
  echo "$failures failure(s)"
  exit 1
fi
echo "all CLI checks passed"

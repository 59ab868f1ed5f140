#!/usr/bin/env bash
# Discovery across real hosts: network namespaces this test creates, joined
# by a bridge. Responders run in two of them, the browser in a third; it
# must find exactly those two by IPv4 directed and limited broadcast, by
# IPv6 link-local multicast, and in legacy mode, and hear announcements and
# goodbyes. Needs root and iproute2; without them it says so and skips.
# Every namespace it makes is deleted on exit. Nothing leaves them.
set -uo pipefail

wirecheck="$TEST_SRCDIR/wirecheck/tools/wirecheck"
tag="wc$$"
hub="$tag-hub"
hosts=(a b c)

skip() {
  echo "SKIPPED: $1: the multi-host discovery test did NOT run"
  exit 0
}
[[ $(id -u) -eq 0 ]] || skip "not root (network namespaces need CAP_SYS_ADMIN)"
command -v ip >/dev/null || skip "iproute2 (ip) is not installed"
ip netns add "$tag-probe" 2>/dev/null || skip "cannot create network namespaces here"
ip netns delete "$tag-probe"

pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
  wait 2>/dev/null
  for h in "${hosts[@]}"; do ip netns delete "$tag-$h" 2>/dev/null; done
  ip netns delete "$hub" 2>/dev/null
}
trap cleanup EXIT

failures=0
fail() {
  echo "FAIL: $1"
  failures=$((failures + 1))
}

in_ns() { ip netns exec "$tag-$1" "${@:2}"; }

# The link: a bridge in the hub namespace, one veth per host.
ip netns add "$hub"
ip -n "$hub" link add br0 type bridge mcast_snooping 0
ip -n "$hub" link set br0 up
n=1
for h in "${hosts[@]}"; do
  ip netns add "$tag-$h"
  # No duplicate-address detection: link-local addresses are usable at once.
  in_ns "$h" sh -c 'echo 0 >/proc/sys/net/ipv6/conf/all/accept_dad; echo 0 >/proc/sys/net/ipv6/conf/default/accept_dad'
  ip -n "$hub" link add "v$h" type veth peer name eth0 netns "$tag-$h"
  ip -n "$hub" link set "v$h" master br0 up
  ip -n "$tag-$h" addr add "10.77.0.$n/24" dev eth0
  ip -n "$tag-$h" link set lo up
  ip -n "$tag-$h" link set eth0 up
  ip -n "$tag-$h" route add default dev eth0
  n=$((n + 1))
done
# Wait for IPv6 link-local addresses.
for h in "${hosts[@]}"; do
  for _ in $(seq 50); do
    in_ns "$h" ip -6 addr show dev eth0 scope link | grep -q 'inet6' && break
    sleep 0.1
  done
done

start_responder() {  # start_responder HOST NAME SERVICE:PORT
  # Not through in_ns: backgrounding a function would make $! a subshell,
  # and the TERM below would not reach wirecheck.
  ip netns exec "$tag-$1" "$wirecheck" serve discovery --name "$2" \
    --service "$3" --attr "host=$1" >"$TEST_TMPDIR/$1.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 50); do
    grep -q 'listening on udp://\[::\]' "$TEST_TMPDIR/$1.log" && return
    sleep 0.1
  done
  fail "responder in $1 did not start: $(cat "$TEST_TMPDIR/$1.log")"
}

# The browser listens first, to hear the start-up announcements.
ip netns exec "$tag-c" "$wirecheck" discover --listen --timeout 60 \
  >"$TEST_TMPDIR/listen.log" 2>&1 &
listener=$!
sleep 0.3
start_responder a alpha echo:7
start_responder b beta time:37

expect_found() {  # expect_found DESCRIPTION DISCOVER-ARGS...
  local what=$1
  shift
  local out
  out=$(in_ns c "$wirecheck" discover --timeout 1 "$@" 2>&1)
  if ! grep -q '"alpha".*10\.77\.0\.1\|alpha.*fe80' <<<"$out" ||
     ! grep -q '"beta"' <<<"$out" || ! grep -q '^2 instances found' <<<"$out"; then
    fail "$what: expected exactly alpha and beta, got:"
    sed 's/^/    /' <<<"$out"
  else
    echo "ok: $what"
  fi
}

expect_found "directed broadcast 10.77.0.255" --address 10.77.0.255
expect_found "limited broadcast 255.255.255.255" --address 255.255.255.255
expect_found "IPv6 multicast ff02::c8df%eth0" --address ff02::c8df%eth0

out=$(in_ns c "$wirecheck" discover --timeout 1 --service time --address 10.77.0.255 2>&1)
if grep -q '"beta"' <<<"$out" && ! grep -q alpha <<<"$out"; then
  echo "ok: service filter"
else
  fail "service filter: $out"
fi

out=$(in_ns c "$wirecheck" discover --timeout 1 --legacy --address 10.77.0.255 2>&1)
if grep -q '10.77.0.1:51423.*I am here' <<<"$out" &&
   grep -q '10.77.0.2:51423.*I am here' <<<"$out"; then
  echo "ok: legacy Hello"
else
  fail "legacy Hello: $out"
fi

# Stopping a responder says goodbye; the listener hears it.
kill -TERM "${pids[0]}"
for _ in $(seq 50); do
  grep -q GOODBYE "$TEST_TMPDIR/listen.log" && break
  sleep 0.1
done
kill "$listener" 2>/dev/null
if grep -q 'ANNOUNCE echo "alpha"' "$TEST_TMPDIR/listen.log" &&
   grep -q 'ANNOUNCE time "beta"' "$TEST_TMPDIR/listen.log" &&
   grep -q 'GOODBYE  echo "alpha"' "$TEST_TMPDIR/listen.log"; then
  echo "ok: announcements and goodbye"
else
  fail "announcements: $(cat "$TEST_TMPDIR/listen.log")"
fi

if [[ $failures -gt 0 ]]; then
  echo "$failures failure(s)"
  exit 1
fi
echo "all multi-host discovery checks passed"

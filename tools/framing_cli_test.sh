#!/usr/bin/env bash
# The framing commands of the built binary: frame encode, frame decode and
# serve echo (on 127.0.0.1, port 0).
set -uo pipefail
wirecheck="$TEST_SRCDIR/wirecheck/tools/wirecheck"
tmp="$TEST_TMPDIR"
failures=0

fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}

# run DESCRIPTION WANT_EXIT STDIN_FILE -- COMMAND...: stdout in $tmp/out,
# stderr in $tmp/err.
run() {
  local what=$1 want=$2 input=$3
  shift 4
  "$@" <"$input" >"$tmp/out" 2>"$tmp/err"
  local got=$?
  if [[ $got -ne $want ]]; then
    fail "$what: exit $got, want $want"
    sed 's/^/  stderr: /' "$tmp/err"
  fi
}

# same_bytes DESCRIPTION FILE EXPECTED_PRINTF_FORMAT
same_bytes() {
  printf "$3" >"$tmp/expected"
  if ! cmp -s "$2" "$tmp/expected"; then
    fail "$1: got $(od -An -c "$2" | tr -s ' ' | head -c 200)"
  fi
}

contains() {  # contains DESCRIPTION FILE PATTERN
  if ! grep -qE -- "$3" "$2"; then
    fail "$1: $(basename "$2") lacks /$3/: $(head -c 300 "$2")"
  fi
}

printf 'hello' >"$tmp/hello"

# --- frame encode ---
run "encode u32be" 0 "$tmp/hello" -- "$wirecheck" frame encode --framing=u32be
same_bytes "encode u32be" "$tmp/out" '\0\0\0\005hello'
run "encode netstring" 0 "$tmp/hello" -- "$wirecheck" frame encode --framing=netstring
same_bytes "encode netstring" "$tmp/out" '5:hello,'
run "encode cobs" 0 "$tmp/hello" -- "$wirecheck" frame encode --framing=cobs
same_bytes "encode cobs" "$tmp/out" '\006hello\0'
run "encode sentinel with a delimiter" 0 "$tmp/hello" -- \
  "$wirecheck" frame encode --framing=sentinel --sentinel=END
same_bytes "encode sentinel" "$tmp/out" 'END\nhelloEND'

printf 'a\nb' >"$tmp/with_lf"
run "encode a payload line cannot carry" 1 "$tmp/with_lf" -- \
  "$wirecheck" frame encode --framing=line
contains "line refusal is explained" "$tmp/err" "line cannot carry this payload: it contains LF"

run "unknown framing" 2 "$tmp/hello" -- "$wirecheck" frame encode --framing=lines
contains "unknown framing lists the names" "$tmp/err" "expected one of line, crlf, nul"

# --- frame decode ---
printf '5:hello,0:,3:abc' >"$tmp/netstrings"
run "decode json, truncated" 1 "$tmp/netstrings" -- \
  "$wirecheck" frame decode --framing=netstring --format=json
same_bytes "json lines before the error" "$tmp/out" \
  '{"offset":0,"length":5,"hex":"68656c6c6f"}\n{"offset":8,"length":0,"hex":""}\n'
contains "truncation names its offset" "$tmp/err" \
  "netstring: truncated frame: the stream ended at offset 16 inside the frame that starts at offset 11"

printf 'a\r\nb\n' >"$tmp/bare_lf"
run "decode hex, malformed" 1 "$tmp/bare_lf" -- \
  "$wirecheck" frame decode --framing=crlf --format=hex
same_bytes "hex line before the error" "$tmp/out" '61\n'
contains "malformed input names its offset" "$tmp/err" "crlf: malformed at offset 4: LF not preceded by CR"

printf '\0\0\0\377' >"$tmp/too_long"
run "decode oversized" 1 "$tmp/too_long" -- \
  "$wirecheck" frame decode --framing=u32be --max_frame_size=100
contains "oversized names the limit" "$tmp/err" "the maximum frame size is 100 bytes"

# Every byte value survives encode | decode.
for i in $(seq 0 255); do printf "\\$(printf '%03o' "$i")"; done >"$tmp/all_bytes"
for framing in escaped base64 sentinel decimal8 u16be u32be netstring varint cobs; do
  "$wirecheck" frame encode --framing=$framing <"$tmp/all_bytes" >"$tmp/frame" ||
    fail "encode all bytes with $framing"
  run "decode $framing" 0 "$tmp/frame" -- "$wirecheck" frame decode --framing=$framing
  cmp -s "$tmp/out" "$tmp/all_bytes" || fail "$framing round trip of all byte values"
done

run "bad format" 2 "$tmp/hello" -- "$wirecheck" frame decode --framing=line --format=xml
contains "bad format is named" "$tmp/err" 'must be raw, hex or json, not "xml"'

# --- serve echo ---
run "serve echo needs --listen" 2 /dev/null -- "$wirecheck" serve echo --framing=line

# start_server LOG ARGS...: runs serve echo with stdout on fd 4 (a fifo),
# and sets $server_pid.
start_server() {
  local log=$1
  shift
  rm -f "$tmp/fifo"
  mkfifo "$tmp/fifo"
  "$wirecheck" serve echo "$@" >"$tmp/fifo" 2>"$log" &
  server_pid=$!
  exec 4<"$tmp/fifo"
}

# stop_server: SIGTERM, then the exit code must be 0.
stop_server() {
  kill -TERM "$server_pid"
  wait "$server_pid"
  local code=$?
  [[ $code -eq 0 ]] || fail "serve echo exited $code after SIGTERM"
  exec 4<&-
}

start_server "$tmp/line.log" --framing=line --listen 127.0.0.1:0 --max_frame_size=8
if read -r -t 10 banner <&4 && [[ $banner =~ ^listening\ on\ tcp://127\.0\.0\.1:([0-9]+)\ \(line\ echo\)$ ]]; then
  port=${BASH_REMATCH[1]}
  exec 3<>"/dev/tcp/127.0.0.1/$port"
  printf 'hello\nwor' >&3
  read -r -t 5 first <&3 || first="(nothing)"
  [[ $first == hello ]] || fail "first line echo: $first"
  printf 'ld\n' >&3
  read -r -t 5 second <&3 || second="(nothing)"
  [[ $second == world ]] || fail "line completed later: $second"
  exec 3>&-

  # Over the 8-byte limit: that connection closes, others carry on.
  exec 3<>"/dev/tcp/127.0.0.1/$port"
  printf 'abcdefghijk' >&3
  if read -r -t 5 extra <&3; then fail "oversized line was answered: $extra"; fi
  exec 3>&-
  exec 3<>"/dev/tcp/127.0.0.1/$port"
  printf 'again\n' >&3
  read -r -t 5 again <&3 || again="(nothing)"
  [[ $again == again ]] || fail "a new connection after the oversized one: $again"
  exec 3>&-
else
  fail "serve echo did not say where it listens: ${banner:-(nothing)}"
fi
stop_server
contains "the oversized line is logged" "$tmp/line.log" \
  "closing: line: the frame at offset 0 has no LF within 8 payload bytes"

start_server "$tmp/raw.log" --framing=raw --listen 127.0.0.1:0
read -r -t 10 tcp_banner <&4
read -r -t 10 udp_banner <&4
if [[ ${udp_banner:-} =~ ^listening\ on\ udp://127\.0\.0\.1:([0-9]+)\ \(raw\ echo\)$ ]]; then
  exec 5<>"/dev/udp/127.0.0.1/${BASH_REMATCH[1]}"
  printf 'datagram\n' >&5
  # One read(2) of the whole datagram: bash's read would take one byte and
  # lose the rest.
  echoed=$(timeout 5 dd bs=65536 count=1 <&5 2>/dev/null)
  [[ $echoed == datagram ]] || fail "UDP echo: ${echoed:-(nothing)}"
  exec 5>&-
else
  fail "raw echo did not serve UDP: ${tcp_banner:-} / ${udp_banner:-}"
fi
stop_server

if [[ $failures -gt 0 ]]; then
  echo "$failures failure(s)"
  exit 1
fi
echo "all framing CLI checks passed"

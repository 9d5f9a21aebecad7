#!/usr/bin/env bash
# kill9.sh — crash safety (issue "OP ... measured", item 9): `kill -9` the server while two
# clients drive orders through the OP path; after a restart on the same database every order
# whose create answered 201 is there (GET /orders/{n} → 200) and `osb check` exits 0.
#
#   tests/crash/kill9.sh path/to/osb        (scripts/run-tests.sh passes the release binary)
#
# Builds nothing of osb (uses $1); compiles the load generator bench/op_load.c with cc into
# its temporary directory. Exit 0 = pass. Takes a few seconds; every process it starts is
# killed on any exit.
set -u

osb=${1:?usage: kill9.sh path/to/osb}
case $osb in /*) ;; *) osb=$PWD/$osb ;; esac
root=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/osb-kill9.XXXXXX")
srv=""
load=""

cleanup() {
  {
    [ -n "$load" ] && kill -9 "$load"
    [ -n "$srv" ] && kill -9 "$srv"
    wait
  } 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

fail() {
  echo "kill9: FAIL: $*" >&2
  for f in "$tmp"/server*.log "$tmp/load.out"; do
    [ -s "$f" ] && { echo "--- $(basename "$f")" >&2; tail -20 "$f" >&2; }
  done
  exit 1
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Starts `osb serve` on a free loopback port; sets srv and port.
start_server() {
  local log=$1 try
  for try in 1 2 3 4 5 6 7 8 9 10; do
    port=$((20000 + RANDOM % 40000))
    port_open "$port" && continue
    "$osb" serve --db "$tmp/crash.db" --listen "127.0.0.1:$port" --threads 4 >"$log" 2>&1 &
    srv=$!
    local i
    for i in $(seq 100); do
      kill -0 "$srv" 2>/dev/null || break
      port_open "$port" && return 0
      sleep 0.05
    done
    { kill -9 "$srv"; wait "$srv"; } 2>/dev/null
    srv=""
  done
  fail "the server did not start"
}

[ -x "$osb" ] || fail "no osb binary at $osb"
cc -std=c11 -D_GNU_SOURCE -O2 -o "$tmp/op_load" "$root/bench/op_load.c" -lcurl -lpthread ||
  fail "cannot build bench/op_load.c"

export OSB_KDF=fast
"$osb" init --db "$tmp/crash.db" --admin-password admin123 >/dev/null || fail "osb init"
"$osb" demo --db "$tmp/crash.db" >/dev/null || fail "osb demo"

start_server "$tmp/server1.log"
"$tmp/op_load" run --url "http://127.0.0.1:$port" --demo -c 2 -l 1 -t 30 \
  --log "$tmp/created.txt" >"$tmp/load.out" 2>&1 &
load=$!
sleep 2
kill -0 "$load" 2>/dev/null || fail "the load generator ended before the kill"
{ kill -9 "$srv"; wait "$srv"; } 2>/dev/null
srv=""
# Without its server the load generator stops at its next call; give it a moment.
for i in $(seq 50); do
  kill -0 "$load" 2>/dev/null || break
  sleep 0.1
done
{ kill -9 "$load"; wait "$load"; } 2>/dev/null
load=""

created=$(grep -c . "$tmp/created.txt" 2>/dev/null)
[ "${created:-0}" -gt 0 ] || fail "no order was created before the kill"

start_server "$tmp/server2.log"
"$tmp/op_load" verify --url "http://127.0.0.1:$port" --log "$tmp/created.txt" \
  >"$tmp/verify.out" 2>&1 || { cat "$tmp/verify.out" >&2; fail "orders lost after kill -9"; }
kill -TERM "$srv"
wait "$srv" 2>/dev/null
srv=""

"$osb" check --db "$tmp/crash.db" >"$tmp/check.out" 2>&1 ||
  { cat "$tmp/check.out" >&2; fail "osb check after kill -9"; }
echo "kill9: ok: $created orders created before kill -9 all present after restart; osb check ok"
exit 0

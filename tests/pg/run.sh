#!/usr/bin/env bash
# run.sh — OSB on PostgreSQL: a throwaway PostgreSQL 15 cluster in a temporary directory
# (initdb as the `postgres` OS user when run as root, listening on a free loopback port and a
# private socket directory), `osb init` + `osb demo` + `osb serve` against it, the smoke
# scenario of tests/pg/smoke.py over HTTP, then `osb check` on the same database.
#
#   tests/pg/run.sh path/to/osb        (scripts/run-tests.sh passes the sanitizer binary)
#
# Exit 0 = pass. Everything it starts is stopped on any exit; each wait is bounded.
set -u

osb=${1:?usage: run.sh path/to/osb}
case $osb in /*) ;; *) osb=$PWD/$osb ;; esac
here=$(cd "$(dirname "$0")" && pwd)

. "$here/cluster.sh"
pg_find_bin || { echo "pg: FAIL: no initdb/pg_ctl (install postgresql: scripts/deps.sh)" >&2; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/osb-pg.XXXXXX")
chmod 755 "$tmp" # the postgres user must reach its data and socket directories below it
srv=""

cleanup() {
  {
    [ -n "$srv" ] && kill -9 "$srv" && wait "$srv"
    pg_cluster_stop immediate
  } >/dev/null 2>&1
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

fail() {
  echo "pg: FAIL: $*" >&2
  for f in "$tmp/pg/log" "$tmp/server.log" "$tmp/smoke.out"; do
    [ -s "$f" ] && { echo "--- $(basename "$f")" >&2; tail -25 "$f" >&2; }
  done
  exit 1
}

pg_cluster_start -c fsync=off

as_pg timeout 30 "$pgbin/createdb" -h "$tmp/pg/sock" -p "$pgport" -U postgres osb \
  >"$tmp/createdb.log" 2>&1 || { cat "$tmp/createdb.log" >&2; fail "createdb"; }
url="postgresql://postgres@127.0.0.1:$pgport/osb"

export OSB_KDF=fast
timeout 120 "$osb" init --db "$url" --admin-password admin123 >"$tmp/init.log" 2>&1 ||
  { cat "$tmp/init.log" >&2; fail "osb init"; }
timeout 300 "$osb" demo --db "$url" >"$tmp/demo.log" 2>&1 ||
  { cat "$tmp/demo.log" >&2; fail "osb demo"; }

osb_serve_start "$osb" "$url" 4 "$tmp/server.log"

timeout 300 python3 "$here/smoke.py" --port "$port" >"$tmp/smoke.out" 2>&1 || fail "smoke scenario"
sed 's/^/  /' "$tmp/smoke.out"

kill -TERM "$srv" 2>/dev/null
for _ in $(seq 100); do kill -0 "$srv" 2>/dev/null || break; sleep 0.05; done
kill -9 "$srv" 2>/dev/null
wait "$srv" 2>/dev/null
srv=""
if grep -qE "AddressSanitizer|runtime error:|LeakSanitizer" "$tmp/server.log"; then
  fail "sanitizer report in the server's log"
fi
# SQL that PostgreSQL refused anywhere (the scheduler's jobs answer no HTTP request).
if grep -hE " error (postgresql|script failed|scheduler)" "$tmp"/*.log >&2; then
  fail "PostgreSQL refused SQL (above)"
fi

timeout 120 "$osb" check --db "$url" >"$tmp/check.out" 2>&1 || { cat "$tmp/check.out" >&2; fail "osb check"; }
sed 's/^/  /' "$tmp/check.out"
echo "pg: ok"

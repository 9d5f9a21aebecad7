#!/usr/bin/env bash
# bench-lists-pg.sh — `make bench-lists`'s timings on PostgreSQL (issue #17 item 8).
#
#   scripts/bench-lists-pg.sh [orders ...]        (default: 10000 100000)
#
# For each size: the SQLite database of `make bench-lists` (build/bench/lists-<orders>.db; run
# that first with LISTS_KEEP=1 LISTS_LOAD_ONLY=1) copied into a fresh PostgreSQL cluster
# (throwaway, loopback, --locale=C, fsync off, shared_buffers 256 MB) that `osb init` made at
# the same schema (bench/sqlite_to_pg.py: every table, sequences set, ANALYZE); then `osb
# serve --test-clock` on it and bench/lists_bench.py with --pg-postmaster (the CPU per request
# is the server's plus every PostgreSQL backend's). LISTS_BIN: another osb binary;
# LISTS_BINS="a b": each of several binaries in turn on the same copy (A/B).
set -eu
export LC_ALL=C
here="$(cd "$(dirname "$0")/.." && pwd)"
cd "$here"
sizes="${*:-10000 100000}"
bin="${LISTS_BIN:-build/osb}"
fail() { echo "bench-lists-pg: $*" >&2; exit 1; }
. tests/pg/cluster.sh
pg_find_bin || fail "no PostgreSQL server binaries (scripts/deps.sh)"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/osb-lists-pg.XXXXXX")
chmod 755 "$tmp"
srv=""
cleanup() {
  if [ -n "$srv" ]; then kill "$srv" 2>/dev/null; wait "$srv" 2>/dev/null; fi
  pg_cluster_stop fast >/dev/null 2>&1
  rm -rf "$tmp"
}
trap cleanup EXIT
export OSB_KDF=fast
pg_cluster_start -c fsync=off -c shared_buffers=256MB -c max_connections=100
for n in $sizes; do
  db=build/bench/lists-$n.db
  [ -s "$db" ] || fail "$db is missing: LISTS_KEEP=1 LISTS_LOAD_ONLY=1 make bench-lists LISTS_SIZES=$n"
  nc=$(sqlite3 "$db" "SELECT count(*) FROM customers")
  as_pg "$pgbin/createdb" -h 127.0.0.1 -p "$pgport" -U postgres "l$n" || fail "createdb"
  url="postgresql://postgres@127.0.0.1:$pgport/l$n"
  "$bin" init --db "$url" --admin-password bench-lists >/dev/null || fail "osb init"
  start=$(date +%s)
  python3 bench/sqlite_to_pg.py "$db" "$pgbin/psql" "$url" 2>"$tmp/copy.log" ||
    { cat "$tmp/copy.log" >&2; fail "copy"; }
  echo "== $n orders copied into PostgreSQL in $(( $(date +%s) - start )) s"
  # --test-clock: no due jobs at start (their first run reads every invoice one at a time on
  # PostgreSQL before the server listens); lists_bench.py waits until it answers
  for b in ${LISTS_BINS:-$bin}; do
    port=$(free_port) || fail "no free port"
    "$b" serve --db "$url" --listen "127.0.0.1:$port" --threads 4 --test-clock \
      >build/bench/lists-pg-serve.log 2>&1 &
    srv=$!
    pm=$(head -1 "$tmp/pg/data/postmaster.pid")
    echo "== $b"
    python3 bench/lists_bench.py --url "http://127.0.0.1:$port" --orders "$n" --customers "$nc" \
      --pid "$srv" --pg-postmaster "$pm"
    kill "$srv"; wait "$srv" 2>/dev/null || true; srv=""
  done
  as_pg "$pgbin/dropdb" -h 127.0.0.1 -p "$pgport" -U postgres "l$n" || true
done

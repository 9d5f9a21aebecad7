#!/usr/bin/env bash
# bench-serve-start.sh — how long `osb serve` takes to listen, and to end the scheduler's first
# run, on a PostgreSQL database with N open invoices long past due (issue #15 item 11b): each
# one is a bc_due_5d deadline missed, so the first run of the deadline job opens N entries.
# Usage: scripts/bench-serve-start.sh [OSB_BINARY...]   (default build/osb); N=100000,
# LISTEN_WAIT=240 (seconds), RUN_WAIT=0 (seconds to wait for the first run's end; 0: do not).
# Made with a throwaway cluster (fsync off), `osb init` + `osb demo` and one INSERT … SELECT
# generate_series into invoices, cloned (CREATE DATABASE … TEMPLATE) for each binary.
set -uo pipefail
export LC_ALL=C
cd "$(dirname "$0")/.."
n=${N:-100000}
listen_wait=${LISTEN_WAIT:-240}
run_wait=${RUN_WAIT:-0}
[ $# -gt 0 ] || set -- "$PWD/build/osb"
die() { echo "bench-serve-start: $*" >&2; exit 1; }
fail() { die "$*"; }
. tests/pg/cluster.sh
pg_find_bin || die "no PostgreSQL server binaries"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/osb-serve-start.XXXXXX")
chmod 755 "$tmp"
srv=""
cleanup() {
  [ -n "$srv" ] && { kill -9 "$srv"; wait "$srv"; } 2>/dev/null
  pg_cluster_stop immediate >/dev/null 2>&1
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP
pg_cluster_start -c fsync=off -c synchronous_commit=off -c max_connections=100
psql_() { psql -X -q -A -t -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$pgport" -U postgres "$@"; }
psql_ -d postgres -c "CREATE DATABASE base" || die "createdb"
base="postgresql://postgres@127.0.0.1:$pgport/base"
export OSB_KDF=fast
"$1" init --db "$base" --admin-password admin123 >/dev/null || die "osb init"
"$1" demo --db "$base" >/dev/null || die "osb demo"
psql_ -d base -c "INSERT INTO invoices(number, customer, invoice_date, due_date, amount_fen,
  state, created_at)
  SELECT 'BENCHINV' || lpad(g::text, 7, '0'), c.code, '2026-08-01', '2026-09-01', 100000,
  'open', 1788000000000000 FROM generate_series(1, $n) g
  JOIN (SELECT code, row_number() OVER (ORDER BY code) - 1 AS k FROM customers) c
  ON c.k = g % (SELECT count(*) FROM customers)" || die "insert invoices"
echo "== $(psql_ -d base -c "SELECT count(*) FROM invoices WHERE state = 'open' AND due_date < '2026-10-01'") open invoices past due; load: $(cut -d' ' -f1-3 /proc/loadavg)"
k=0
for bin in "$@"; do
  k=$((k + 1))
  psql_ -d postgres -c "CREATE DATABASE run$k TEMPLATE base" || die "clone"
  log="$tmp/serve$k.log"
  port=$(free_port)
  t0=$(date +%s.%N)
  "$bin" serve --db "postgresql://postgres@127.0.0.1:$pgport/run$k" --listen "127.0.0.1:$port" \
    >"$log" 2>&1 &
  srv=$!
  listened=""
  while kill -0 "$srv" 2>/dev/null; do
    port_open "$port" && { listened=$(date +%s.%N); break; }
    awk -v a="$t0" -v b="$(date +%s.%N)" -v w="$listen_wait" 'BEGIN { exit !(b - a > w) }' && break
    sleep 0.05
  done
  if [ -n "$listened" ]; then
    echo "$bin: listening after $(awk -v a="$t0" -v b="$listened" 'BEGIN { printf "%.2f", b - a }') s (load $(cut -d' ' -f1 /proc/loadavg))"
  else
    echo "$bin: not listening after $listen_wait s (load $(cut -d' ' -f1 /proc/loadavg))"
  fi
  if [ "$run_wait" -gt 0 ]; then
    for _ in $(seq $((run_wait * 10))); do
      grep -q "first run of the due jobs ended" "$log" && break
      sleep 0.1
    done
    grep "first run of the due jobs ended" "$log" || echo "  first run not ended after $run_wait s"
    echo "  entries opened so far: $(psql_ -d "run$k" -c "SELECT count(*) FROM osb_issues WHERE rule = 'bc_due_5d'")"
  fi
  { kill -9 "$srv"; wait "$srv"; } 2>/dev/null
  srv=""
  grep -i "error" "$log" | head -3
done

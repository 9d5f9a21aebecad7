#!/usr/bin/env bash
# make bench-lists (issue #17 item 8): the main list endpoints on large data sets.
#
#   scripts/bench-lists.sh [orders ...]        (default: 10000 100000 1000000)
#
# For each size: a fresh database (osb init), bench/reports_bench --load-only fills it straight
# into the server's tables (customers, products, orders each with lines, shipment, invoice,
# payments, ledger; 1 % of the orders set back to draft so that state=draft finds some), then
# `osb serve` (build/osb) answers while bench/lists_bench.py times each list request one at a
# time over one kept-alive connection: p50 and p99 in ms, with and without filters. The load
# average is printed before and after each size: on a shared machine compare figures taken at
# a similar load only.
#
# LISTS_KEEP=1 keeps each size's database (build/bench/lists-<orders>.db) and reuses it when it
# is there (the 1M load takes 10-20 CPU minutes); LISTS_LOAD_ONLY=1 fills and stops (start the
# 1M load early, time it later). Without LISTS_KEEP each database is deleted after its size.
set -eu
here="$(cd "$(dirname "$0")/.." && pwd)"
cd "$here"
sizes="${*:-10000 100000 1000000}"
bin=build/osb
bench=build/bench/reports_bench
[ -x "$bin" ] && [ -x "$bench" ] || { echo "bench-lists: build/osb and $bench first (make bench-lists)" >&2; exit 2; }
keep="${LISTS_KEEP:-0}"
pid=""
cleanup() { if [ -n "$pid" ]; then kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; fi; }
trap cleanup EXIT
export OSB_KDF=fast
for n in $sizes; do
  db=build/bench/lists-$n.db
  nc=$(( n / 20 )); [ "$nc" -lt 1000 ] && nc=1000; [ "$nc" -gt 50000 ] && nc=50000
  if [ "$keep" != 1 ] || [ ! -s "$db" ]; then
    rm -f "$db" "$db-wal" "$db-shm"
    "$bin" init --db "$db" --admin-password bench-lists >/dev/null
    "$bench" --db "$db" -n "$n" -c "$nc" --load-only
    sqlite3 "$db" "UPDATE orders SET state = 'draft' WHERE id % 100 = 0; ANALYZE;"
  fi
  [ "${LISTS_LOAD_ONLY:-0}" = 1 ] && continue
  port="$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')"
  # --test-clock: no due jobs at start (at 1M orders the monthly credit grade's start-up run
  # reads every invoice for minutes before the server listens); the lists are not affected
  "$bin" serve --db "$db" --listen "127.0.0.1:$port" --threads 4 --test-clock \
    >build/bench/lists-serve.log 2>&1 &
  pid=$!
  python3 bench/lists_bench.py --url "http://127.0.0.1:$port" --orders "$n" --customers "$nc" --pid "$pid"
  kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""
  [ "$keep" = 1 ] || rm -f "$db" "$db-wal" "$db-shm"
done

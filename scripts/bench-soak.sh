#!/usr/bin/env bash
# bench-soak.sh — `make bench-soak` (issue #15 item 11): memory that stays flat. Drives
# SOAK_ORDERS orders (default 200,000) through the whole OP path (bench/op_load.c: create →
# verify → approve-market → accept → check → approve → print-delivery-note → release) against
# one `osb serve` (the release build), in chunks of SOAK_EVERY orders (default 10,000), and
# prints the server's own resident memory (RssAnon + RssShmem of /proc/PID/status: VmRSS less
# the pages of the database file SQLite maps, which are the kernel's page cache) after every
# chunk, and VmRSS beside it. The last
# line is "rss-growth: <max RSS after the first chunk ÷ RSS after the first chunk - 1>" (target:
# within 20 %). Setup as `make bench`: osb init + demo, 10,000 customers and 5,000 products with
# stock imported through the API. bench/README.md keeps the figures.
# Knobs (environment): SOAK_ORDERS=200000 SOAK_EVERY=10000 SOAK_CLIENTS=2 SOAK_LINES=2.
set -euo pipefail
export LC_ALL=C
cd "$(dirname "$0")/.."

orders=${SOAK_ORDERS:-200000}
every=${SOAK_EVERY:-10000}
clients=${SOAK_CLIENTS:-2}
lines=${SOAK_LINES:-2}
osb=$PWD/build/osb
w=$PWD/build/bench/soak

die() {
  echo "bench-soak: $*" >&2
  exit 1
}

[ -x "$osb" ] || die "build/osb is missing (run: make bench-soak)"
[ "$every" -ge 1 ] && [ "$orders" -ge "$every" ] || die "SOAK_ORDERS must be at least SOAK_EVERY"
mkdir -p "$w"
. scripts/bench-server.sh
cc -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror -Wshadow -o "$w/op_load" bench/op_load.c \
  -lcurl -lpthread

rss_kb() { awk '/^(RssAnon|RssShmem):/ { n += $2 } END { print n }' "/proc/$srv/status"; }
vmrss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$srv/status"; }

export OSB_KDF=fast
rm -f "$w"/soak.db "$w"/soak.db-wal "$w"/soak.db-shm "$w/server.log"
echo "== setup: osb init + demo, then 10,000 customers, 5,000 products and their stock via the API"
"$osb" init --db "$w/soak.db" --admin-password admin123 >/dev/null
"$osb" demo --db "$w/soak.db" >/dev/null
bench_server_start "$w/soak.db" "$w/server.log"
"$w/op_load" setup --url "http://127.0.0.1:$port" -c 2 >/dev/null
echo "== soak: $orders orders in chunks of $every ($clients clients, $lines lines an order)"
printf '%10s %10s %10s %10s %8s\n' orders rss_kb vmrss_kb orders/s seconds
echo "$(printf '%10d %10d %10d %10s %8s' 0 "$(rss_kb)" "$(vmrss_kb)" - -)"
done_n=0 first=0 max_after=0
t0=$(date +%s)
while [ "$done_n" -lt "$orders" ]; do
  n=$every
  [ $((done_n + n)) -gt "$orders" ] && n=$((orders - done_n))
  c0=$(date +%s.%N)
  "$w/op_load" run --url "http://127.0.0.1:$port" -c "$clients" -n "$n" -l "$lines" \
    >"$w/chunk.out" || { tail -5 "$w/chunk.out"; die "op_load reported errors"; }
  c1=$(date +%s.%N)
  done_n=$((done_n + n))
  r=$(rss_kb)
  printf '%10d %10d %10d %10.1f %8.1f\n' "$done_n" "$r" "$(vmrss_kb)" \
    "$(awk -v n="$n" -v a="$c0" -v b="$c1" 'BEGIN { print n / (b - a) }')" \
    "$(awk -v a="$c0" -v b="$c1" 'BEGIN { print b - a }')"
  if [ "$first" -eq 0 ]; then first=$r; elif [ "$r" -gt "$max_after" ]; then max_after=$r; fi
done
echo "== $done_n orders in $(($(date +%s) - t0)) s; osb check:"
bench_server_stop
"$osb" check --db "$w/soak.db" | tail -3 || echo "osb check FAILED"
[ "$max_after" -gt 0 ] || max_after=$first
awk -v f="$first" -v m="$max_after" 'BEGIN {
  printf "rss-growth: %.1f %% (first chunk %d kB, highest after it %d kB; target within 20 %%)\n",
         (m / f - 1) * 100, f, m }'

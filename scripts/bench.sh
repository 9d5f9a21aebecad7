#!/usr/bin/env bash
# bench.sh — `make bench`: the OP path over HTTP against the same writes straight into SQLite
# (issue "OP ... measured", item 8; bench/README.md explains the method and keeps the figures).
#
#   1. builds bench/op_load.c and bench/raw_sqlite.c into build/bench (build/osb is built by
#      make before this script runs),
#   2. creates build/bench/base.db: osb init + osb demo, then `op_load setup` through the API
#      (10,000 customers and 5,000 products by CSV import, stock for every product),
#   3. copies it twice (osb backup): op.db served by `osb serve` on a free loopback port, raw.db
#      written by raw_sqlite,
#   4. alternates BENCH_ROUNDS rounds of op_load (BENCH_CLIENTS clients: 2 keep the one writer
#      busy on this 2-core machine, more only add contention, see bench/README.md) and
#      raw_sqlite, each BENCH_SECONDS long, so both sides see the same machine,
#   5. prints the rows each side wrote per order, table by table (they must agree), runs
#      `osb check` on both databases, prints both figures and last the line
#      "ratio: <OP orders/s ÷ raw orders/s>".
# Knobs (environment): BENCH_CLIENTS=2 BENCH_SECONDS=10 BENCH_ROUNDS=2 BENCH_LINES=2.
set -euo pipefail
export LC_ALL=C
cd "$(dirname "$0")/.."

clients=${BENCH_CLIENTS:-2}
secs=${BENCH_SECONDS:-10}
rounds=${BENCH_ROUNDS:-2}
lines=${BENCH_LINES:-2}
osb=$PWD/build/osb
w=$PWD/build/bench

die() {
  echo "bench: $*" >&2
  exit 1
}

[ -x "$osb" ] || die "build/osb is missing (run: make bench)"
mkdir -p "$w"
. scripts/bench-server.sh
CFLAGS="-std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror -Wshadow"
cc $CFLAGS -o "$w/op_load" bench/op_load.c -lcurl -lpthread
cc $CFLAGS -o "$w/raw_sqlite" bench/raw_sqlite.c \
  $(pkg-config --cflags --libs sqlite3 jansson libsodium)

# "table rows" for every table of $1 (logins left out: op_load logs in before it measures).
counts() {
  local t w
  local q="SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
  for t in $(sqlite3 "$1" "$q ORDER BY name"); do
    case $t in sessions) continue ;; audit) w=" WHERE action <> 'login'" ;; *) w="" ;; esac
    echo "$t $(sqlite3 "$1" "SELECT count(*) FROM \"$t\"$w")"
  done
}

export OSB_KDF=fast
rm -f "$w"/*.db "$w"/*.db-wal "$w"/*.db-shm "$w/server.log"
echo "== setup: osb init + demo, then 10,000 customers, 5,000 products and their stock via the API"
"$osb" init --db "$w/base.db" --admin-password admin123 >/dev/null
"$osb" demo --db "$w/base.db" >/dev/null
bench_server_start "$w/base.db" "$w/server.log" OSB_COUNT_SQL=1
"$w/op_load" setup --url "http://127.0.0.1:$port" -c 2
bench_server_stop
"$osb" backup --db "$w/base.db" --to "$w/op.db" >/dev/null
"$osb" backup --db "$w/base.db" --to "$w/raw.db" >/dev/null

counts "$w/op.db" >"$w/op.before"
counts "$w/raw.db" >"$w/raw.before"
bench_server_start "$w/op.db" "$w/server.log" OSB_COUNT_SQL=1
op_n=0 op_s=0 raw_n=0 raw_s=0
for r in $(seq "$rounds"); do
  echo "== round $r/$rounds: OP path over HTTP ($clients clients, ${secs} s, $lines lines an order)"
  "$w/op_load" run --url "http://127.0.0.1:$port" -c "$clients" -t "$secs" -l "$lines" \
    | tee "$w/op.out" || die "op_load reported errors"
  read -r n s < <(sed -n 's/^op_load: [0-9]* clients, \([0-9]*\) orders .* in \([0-9.]*\) s,.*/\1 \2/p' "$w/op.out")
  op_n=$((op_n + n)); op_s=$(awk -v a="$op_s" -v b="$s" 'BEGIN { print a + b }')
  echo "== round $r/$rounds: the same writes straight into SQLite (1 connection, ${secs} s)"
  "$w/raw_sqlite" --db "$w/raw.db" -t "$secs" -l "$lines" | tee "$w/raw.out"
  read -r n s < <(sed -n 's/^raw_sqlite: \([0-9]*\) orders .* in \([0-9.]*\) s$/\1 \2/p' "$w/raw.out")
  raw_n=$((raw_n + n)); raw_s=$(awk -v a="$raw_s" -v b="$s" 'BEGIN { print a + b }')
done
bench_server_stop

# Rows each side added per order, table by table: the raw program must write what the server
# writes.
counts "$w/op.db" >"$w/op.after"
counts "$w/raw.db" >"$w/raw.after"
echo "== rows written per order (OP path | raw)"
join "$w/op.before" "$w/op.after" | join - <(join "$w/raw.before" "$w/raw.after") |
  awk -v on="$op_n" -v rn="$raw_n" '{
    o = ($3 - $2) / on; r = ($5 - $4) / rn
    if (o == 0 && r == 0) next
    d = o - r; if (d < 0) d = -d
    flag = d > 0.01 ? "   <-- differs" : ""
    if (flag != "") bad++
    printf "  %-22s %7.2f | %7.2f%s\n", $1, o, r, flag
  } END { if (bad) print "bench: WARNING: raw_sqlite no longer writes what the OP path writes" }'

echo "== osb check"
"$osb" check --db "$w/op.db" || die "osb check failed on the OP database"
"$osb" check --db "$w/raw.db" || die "osb check failed on the raw database"

echo "== result"
awk -v on="$op_n" -v os="$op_s" -v rn="$raw_n" -v rs="$raw_s" -v c="$clients" 'BEGIN {
  op = on / os; raw = rn / rs
  printf "OP path (HTTP, %d clients): %d orders in %.2f s = %.2f orders/s\n", c, on, os, op
  printf "raw SQLite (same writes):   %d orders in %.2f s = %.2f orders/s\n", rn, rs, raw
  printf "ratio: %.2f\n", op / raw
}'

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
#   4. runs BENCH_ROUNDS interleaved rounds, each BENCH_SECONDS long, of op_load
#      (BENCH_CLIENTS clients: 2 keep the one writer busy on this 2-core machine, more only add
#      contention, see bench/README.md) and raw_sqlite; odd rounds run OP then raw, even rounds
#      raw then OP, so neither side always follows the other. Both processes run with
#      bench/fsync_count.so preloaded, which counts their fsync()/fdatasync() calls (WAL and
#      database file apart) and the time each took,
#   5. prints the rows each side wrote per order, table by table (they must agree), runs
#      `osb check` on both databases, prints a table of the rounds (orders/s, flushes per order,
#      ms per flush for both sides), the median of each side with its spread, the flushes per
#      order of both sides (they must agree: both pay the same durability), and last the line
#      "ratio: <median OP orders/s ÷ median raw orders/s>".
# Knobs (environment): BENCH_CLIENTS=2 BENCH_SECONDS=4 BENCH_ROUNDS=8 BENCH_LINES=2, and
# BENCH_OSB=path (another build of osb, for an A/B run; default build/osb).
set -euo pipefail
export LC_ALL=C
cd "$(dirname "$0")/.."

clients=${BENCH_CLIENTS:-2}
secs=${BENCH_SECONDS:-4}
rounds=${BENCH_ROUNDS:-8}
lines=${BENCH_LINES:-2}
osb=${BENCH_OSB:-$PWD/build/osb}
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
cc $CFLAGS -shared -fPIC -o "$w/fsync_count.so" bench/fsync_count.c -ldl

# The six flush counters a side printed for its timed part (bench/flushes.h): WAL n ns, db n
# ns, other n ns.
flushes() { sed -n 's/^[a-z_]* flushes: WAL \([0-9]*\) \([0-9]*\), db \([0-9]*\) \([0-9]*\), other \([0-9]*\) \([0-9]*\)$/\1 \2 \3 \4 \5 \6/p' "$1"; }

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
head -c 48 /dev/zero >"$w/op.fsync"
head -c 48 /dev/zero >"$w/raw.fsync"
bench_server_start "$w/op.db" "$w/server.log" OSB_COUNT_SQL=1 \
  LD_PRELOAD="$w/fsync_count.so" FSYNC_COUNT_FILE="$w/op.fsync"
: >"$w/rounds"
op_n=0 raw_n=0
op_round() {
  echo "== round $r/$rounds: OP path over HTTP ($clients clients, ${secs} s, $lines lines an order)"
  local n s
  "$w/op_load" run --url "http://127.0.0.1:$port" -c "$clients" -t "$secs" -l "$lines" \
    --flushes "$w/op.fsync" | tee "$w/op.out" || die "op_load reported errors"
  read -r n s < <(sed -n 's/^op_load: [0-9]* clients, \([0-9]*\) orders .* in \([0-9.]*\) s,.*/\1 \2/p' "$w/op.out")
  op_n=$((op_n + n))
  echo "op $r $n $s $(flushes "$w/op.out")" >>"$w/rounds"
}
raw_round() {
  echo "== round $r/$rounds: the same writes straight into SQLite (1 connection, ${secs} s)"
  local n s
  LD_PRELOAD="$w/fsync_count.so" FSYNC_COUNT_FILE="$w/raw.fsync" \
    "$w/raw_sqlite" --db "$w/raw.db" -t "$secs" -l "$lines" --flushes "$w/raw.fsync" \
    | tee "$w/raw.out"
  read -r n s < <(sed -n 's/^raw_sqlite: \([0-9]*\) orders .* in \([0-9.]*\) s$/\1 \2/p' "$w/raw.out")
  raw_n=$((raw_n + n))
  echo "raw $r $n $s $(flushes "$w/raw.out")" >>"$w/rounds"
}
for r in $(seq "$rounds"); do
  if [ $((r % 2)) -eq 1 ]; then op_round; raw_round; else raw_round; op_round; fi
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
# Per round: orders/s of each side, and the flushes each side paid per order in that round
# (WAL = one per commit plus one per checkpoint; db = the checkpoints' flush of the database
# file), with the disk's mean time per flush. Then the median of each side, the spread, and the
# ratio of the medians.
awk -v c="$clients" '
  function median(a, n,   i, j, t, b) {
    for (i = 1; i <= n; i++) b[i] = a[i]
    for (i = 2; i <= n; i++) for (j = i; j > 1 && b[j - 1] > b[j]; j--) { t = b[j]; b[j] = b[j - 1]; b[j - 1] = t }
    return n % 2 ? b[(n + 1) / 2] : (b[n / 2] + b[n / 2 + 1]) / 2
  }
  function lo(a, n,   i, m) { m = a[1]; for (i = 2; i <= n; i++) if (a[i] < m) m = a[i]; return m }
  function hi(a, n,   i, m) { m = a[1]; for (i = 2; i <= n; i++) if (a[i] > m) m = a[i]; return m }
  {
    side = $1; r = $2; n = $3; s = $4
    wal = $5; walns = $6; dbf = $7; dbns = $8; oth = $9
    ops[side, r] = n / s; N[side, r] = n
    W[side, r] = wal; D[side, r] = dbf; O[side, r] = oth
    ms[side, r] = (wal + dbf) ? (walns + dbns) / (wal + dbf) / 1e6 : 0
    tn[side] += n; tw[side] += wal; td[side] += dbf; to[side] += oth
    if (r > R) R = r
  }
  END {
    printf "%-5s | %9s %9s %6s | %-20s %-20s | %8s %8s\n", "round", "OP/s", "raw/s", "ratio",
      "OP flushes/order", "raw flushes/order", "OP ms/fl", "raw ms/fl"
    for (r = 1; r <= R; r++) {
      o[r] = ops["op", r]; w[r] = ops["raw", r]; q[r] = w[r] ? o[r] / w[r] : 0
      printf "%-5d | %9.2f %9.2f %6.2f | %5.2f (WAL %5.2f) %5.2f (WAL %5.2f) | %8.2f %8.2f\n", r,
        o[r], w[r], q[r], (W["op", r] + D["op", r]) / N["op", r], W["op", r] / N["op", r],
        (W["raw", r] + D["raw", r]) / N["raw", r], W["raw", r] / N["raw", r],
        ms["op", r], ms["raw", r]
    }
    mo = median(o, R); mw = median(w, R)
    printf "OP path (HTTP, %d clients): %d orders in %d rounds, median %.2f orders/s (rounds %.2f-%.2f)\n",
      c, tn["op"], R, mo, lo(o, R), hi(o, R)
    printf "raw SQLite (same writes):   %d orders in %d rounds, median %.2f orders/s (rounds %.2f-%.2f)\n",
      tn["raw"], R, mw, lo(w, R), hi(w, R)
    fo = (tw["op"] + td["op"]) / tn["op"]; fr = (tw["raw"] + td["raw"]) / tn["raw"]
    printf "flushes per order: OP %.2f (WAL %.2f, database file %.2f) | raw %.2f (WAL %.2f, database file %.2f); other flushes OP %d raw %d\n",
      fo, tw["op"] / tn["op"], td["op"] / tn["op"], fr, tw["raw"] / tn["raw"], td["raw"] / tn["raw"],
      to["op"], to["raw"]
    if (fo < fr * 0.97 || fo > fr * 1.03)
      print "bench: WARNING: the two sides do not pay the same flushes per order"
    printf "round ratios (OP ÷ the raw round beside it): median %.2f, %.2f-%.2f\n", median(q, R), lo(q, R), hi(q, R)
    printf "ratio: %.2f\n", mw ? mo / mw : 0
  }' "$w/rounds"

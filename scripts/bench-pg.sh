#!/usr/bin/env bash
# bench-pg.sh — `make bench-pg` (issue #16): the OP path of bench/op_load.c (create → … →
# release, orders/s and p50/p99 per call) on PostgreSQL with 2 and 8 clients against 1 and 2
# `osb serve` instances, beside pgbench TPC-B on the same PostgreSQL cluster and the same OP
# load on SQLite; the last line is "pg-ratio: <PostgreSQL orders/s ÷ SQLite orders/s, 8
# clients, 1 instance>". Both databases are `osb init` + `osb demo` + `op_load setup` (as
# `make bench`: 10,000 customers with room in their credit, 5,000 products and their stock),
# so every order goes through; failed calls are counted by HTTP status.
#
# Besides orders/s, each PostgreSQL run reports what does not depend on how loaded the machine
# is: SQL statements per order (the servers run with OSB_COUNT_SQL=1), serialization failures
# and deadlocks per 1,000 orders (the servers' "db busy" log lines; each is one transaction run
# again, see src/store/db_pg.c), and the share of request time spent waiting on locks:
# pg_stat_activity is sampled every 0.1 s during the run, and the mean number of backends with
# wait_event_type 'Lock' divided by the number of clients (each client has one request in
# flight all the time) is printed as "pg-lock-wait: N %" (8 clients, 1 instance, last).
#
# The cluster is a throwaway PostgreSQL (fsync on, as SQLite's synchronous=FULL) in a
# temporary directory on a free loopback port, started as the postgres user when run as root.
# Knobs: BENCH_SECONDS=10 (each run), BENCH_LINES=2. Figures: bench/README.md.
set -uo pipefail
export LC_ALL=C
cd "$(dirname "$0")/.."
secs=${BENCH_SECONDS:-10}
lines=${BENCH_LINES:-2}
osb=$PWD/build/osb
w=$PWD/build/bench
mkdir -p "$w"
die() { echo "bench-pg: $*" >&2; exit 1; }
[ -x "$osb" ] || die "build/osb is missing (run: make bench-pg)"
cc -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror -Wshadow -o "$w/op_load" bench/op_load.c \
  -lcurl -lpthread || die "op_load did not build"

. tests/pg/cluster.sh
fail() { die "$*"; }
pg_find_bin && [ -x "$pgbin/pgbench" ] || die "no PostgreSQL server binaries (scripts/deps.sh)"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/osb-bench-pg.XXXXXX")
chmod 755 "$tmp"
srvs=()
cleanup() {
  for p in "${srvs[@]}"; do { kill -9 "$p"; wait "$p"; } 2>/dev/null; done
  pg_cluster_stop fast >/dev/null 2>&1
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

pg_cluster_start -c max_connections=200 # fsync on, as SQLite's synchronous=FULL
as_pg "$pgbin/createdb" -h 127.0.0.1 -p "$pgport" -U postgres osb || die "createdb"
as_pg "$pgbin/createdb" -h 127.0.0.1 -p "$pgport" -U postgres tpcb || die "createdb tpcb"
url="postgresql://postgres@127.0.0.1:$pgport/osb"
export OSB_KDF=fast

echo "== setup: osb init + osb demo on PostgreSQL and on SQLite"
"$osb" init --db "$url" --admin-password admin123 >/dev/null || die "osb init (PostgreSQL)"
"$osb" demo --db "$url" >/dev/null || die "osb demo (PostgreSQL)"
rm -f "$w/pg-sqlite.db"*
"$osb" init --db "$w/pg-sqlite.db" --admin-password admin123 >/dev/null || die "osb init (SQLite)"
"$osb" demo --db "$w/pg-sqlite.db" >/dev/null || die "osb demo (SQLite)"

# start DB: one more `osb serve` on a free port; its port goes into ports[].
ports=()
start() {
  local p
  for _ in $(seq 10); do
    p=$(free_port) || die "no free port"
    OSB_COUNT_SQL=1 "$osb" serve --db "$1" --listen "127.0.0.1:$p" --threads 8 \
      >>"$w/bench-pg-server.log" 2>&1 &
    local pid=$!
    for _ in $(seq 200); do
      kill -0 "$pid" 2>/dev/null || break
      port_open "$p" && { srvs+=("$pid"); ports+=("$p"); return 0; }
      sleep 0.05
    done
    { kill -9 "$pid"; wait "$pid"; } 2>/dev/null
  done
  die "osb serve did not start (build/bench/bench-pg-server.log)"
}
stop_all() {
  for p in "${srvs[@]}"; do kill -TERM "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
  srvs=()
  ports=()
}

echo "== setup: op_load setup (customers, products, stock through the API) on both"
touch "$w/bench-pg-server.log"
for db in "$url" "$w/pg-sqlite.db"; do
  start "$db"
  "$w/op_load" setup --url "http://127.0.0.1:${ports[0]}" -c 2 | sed 's/^/  /' ||
    die "op_load setup failed on $db"
  stop_all
done

declare -A ops lockw busy spo
# Samples pg_stat_activity of database osb every 0.1 s (one psql session, \watch) until
# stop_sampling: per sample a line "S|<requests waiting on a Lock>|<backends in a transaction>",
# and per waiting backend a line "W|<what it waits for>": a table, an advisory key's space
# (db_lock_key: hashtext(space) is the lock's classid), or a row lock named by the statement
# that waits (e.g. "transactionid: INSERT INTO doc_seq"). The servers' audit sealer threads
# (application_name 'osb audit sealer', store/audit.c) are not requests: not in the S count,
# their waits listed as "sealer: …".
cat >"$tmp/sample.sql" <<'SQL'
SELECT 'S', count(*) FILTER (WHERE wait_event_type = 'Lock'
                              AND application_name <> 'osb audit sealer')::text,
       count(*) FILTER (WHERE state IN ('active', 'idle in transaction'))::text
  FROM pg_stat_activity WHERE datname = 'osb' AND pid <> pg_backend_pid()
UNION ALL
SELECT 'W', CASE WHEN a.application_name = 'osb audit sealer' THEN 'sealer: ' ELSE '' END
       || CASE l.locktype
         WHEN 'advisory' THEN 'advisory ' || coalesce((SELECT s FROM unnest(ARRAY['customer',
           'doc:order', 'doc:invoice', 'doc:delivery_note', 'doc:quota', 'doc:shipment',
           'doc:expense_application', 'budget', 'jobs', 'quota:' || to_char(now(), 'YYYY-MM')]) s
           WHERE (hashtext(s)::bigint & 4294967295) = l.classid::bigint), 'other')
         WHEN 'relation' THEN 'table ' || l.relation::regclass::text
         ELSE l.locktype || ': ' || coalesce(substring(a.query FROM
           '^\s*((INSERT INTO|UPDATE|DELETE FROM|SELECT|LOCK TABLE) [a-z_]+)'), left(a.query, 30))
       END, ''
  FROM pg_stat_activity a JOIN pg_locks l ON l.pid = a.pid AND NOT l.granted
 WHERE a.datname = 'osb'
\watch 0.1
SQL
chmod 644 "$tmp/sample.sql"
spid=""
start_sampling() {
  as_pg timeout 600 "$pgbin/psql" -X -q -A -t -F '|' -h 127.0.0.1 -p "$pgport" -U postgres -d osb \
    -f "$tmp/sample.sql" >"$tmp/locks" 2>/dev/null &
  spid=$!
}
stop_sampling() {
  [ -n "$spid" ] && { kill -TERM "$spid" 2>/dev/null; wait "$spid" 2>/dev/null; }
  spid=""
}
# load NAME CLIENTS [pg]: op_load against every started instance, the clients shared out;
# prints each part's table and records the summed orders/s under NAME; with pg, also the
# lock-wait share, serialization failures per 1,000 orders and SQL statements per order.
load() {
  local name=$1 clients=$2 pg=${3:-} n=${#ports[@]} k total=0 done_n=0 pids=() spid=""
  local log_from
  log_from=$(wc -l <"$w/bench-pg-server.log")
  [ -n "$pg" ] && start_sampling
  for k in $(seq 0 $((n - 1))); do
    "$w/op_load" run --url "http://127.0.0.1:${ports[$k]}" -c $((clients / n)) -t "$secs" \
      -l "$lines" >"$tmp/load.$k" 2>&1 &
    pids+=($!)
  done
  for k in $(seq 0 $((n - 1))); do wait "${pids[$k]}" || echo "  (op_load reported errors, see below)"; done
  stop_sampling
  for k in $(seq 0 $((n - 1))); do
    [ "$n" -gt 1 ] && echo "  -- instance $((k + 1)) of $n"
    sed 's/^/  /' "$tmp/load.$k"
    total=$(awk -v a="$total" '/^OP orders\/s:/ { a += $3 } END { print a }' "$tmp/load.$k")
    done_n=$(awk -v a="$done_n" '/^op_load: .* orders through/ { a += $4 } END { print a }' "$tmp/load.$k")
  done
  ops[$name]=$total
  echo "  => $name: $total orders/s"
  # statements per order: the sum over the calls of their mean X-OSB-Statements
  spo[$name]=$(awk '/^[a-z-]+ +[0-9]+ +[0-9.]+ +[0-9.]+ +[0-9.]+ +[0-9.]+ \/ / { s += $6 }
    END { printf "%.1f", s }' "$tmp/load.0")
  if [ -n "$pg" ]; then
    local nbusy
    nbusy=$(tail -n +"$((log_from + 1))" "$w/bench-pg-server.log" | grep -c 'db busy')
    busy[$name]=$(awk -v b="$nbusy" -v o="$done_n" 'BEGIN { printf "%.0f", (o > 0 ? 1000 * b / o : 0) }')
    lockw[$name]=$(awk -F'|' -v c="$clients" '$1 == "S" { l += $2; n++ }
      END { printf "%.1f", (n && c ? 100 * l / n / c : 0) }' "$tmp/locks")
    echo "  => $name: ${spo[$name]} SQL statements per order; $nbusy serialization failures/deadlocks" \
      "(${busy[$name]} per 1000 orders); lock waits ${lockw[$name]} % of request time" \
      "($(grep -c '^S|' "$tmp/locks") samples)"
    # what the waits were on: each one's share of request time, as the total above
    awk -F'|' -v c="$clients" '$1 == "S" { n++ } $1 == "W" { w[$2]++ }
      END { for (k in w) printf "%.1f %s\n", (n && c ? 100 * w[k] / n / c : 0), k }' "$tmp/locks" |
      sort -rn | head -6 | sed 's/^\([0-9.]*\) \(.*\)/     waiting on: \2 (\1 %)/'
    tail -n +"$((log_from + 1))" "$w/bench-pg-server.log" | grep 'db busy' |
      sed 's/.*db busy (\([0-9A-Z]*\)): .* in: \(.\{0,60\}\).*/\1 \2/' | sort | uniq -c |
      sort -rn | head -5 | sed 's/^/     failed at: /'
  fi
}

for inst in 1 2; do
  start "$url"
  [ "$inst" = 2 ] && start "$url"
  for c in 2 8; do
    echo "== PostgreSQL: $c clients, $inst instance(s), ${secs} s"
    load "pg-$c-$inst" "$c" pg
  done
  stop_all
done

start "$w/pg-sqlite.db"
for c in 2 8; do
  echo "== SQLite: $c clients, 1 instance, ${secs} s"
  load "sqlite-$c" "$c"
done
stop_all

echo "== pgbench TPC-B on the same PostgreSQL cluster (scale 10)"
as_pg "$pgbin/pgbench" -h 127.0.0.1 -p "$pgport" -U postgres -i -s 10 -q tpcb >/dev/null 2>&1 || die "pgbench -i"
declare -A tps
for c in 2 8; do
  tps[$c]=$(as_pg "$pgbin/pgbench" -h 127.0.0.1 -p "$pgport" -U postgres -c "$c" -j 2 -T "$secs" tpcb 2>/dev/null |
    sed -n 's/^tps = \([0-9.]*\) .*/\1/p' | head -1)
  echo "  pgbench TPC-B, $c clients: ${tps[$c]} tps"
done

"$osb" check --db "$url" >/dev/null || die "osb check failed on the PostgreSQL database"

echo "== result (orders/s through the whole OP path; this machine is shared, see bench/README.md)"
printf "  %-34s %10s %10s\n" "" "2 clients" "8 clients"
printf "  %-34s %10s %10s\n" "PostgreSQL, 1 instance" "${ops[pg-2-1]}" "${ops[pg-8-1]}"
printf "  %-34s %10s %10s\n" "PostgreSQL, 2 instances" "${ops[pg-2-2]}" "${ops[pg-8-2]}"
printf "  %-34s %10s %10s\n" "SQLite, 1 instance" "${ops[sqlite-2]}" "${ops[sqlite-8]}"
printf "  %-34s %10s %10s\n" "pgbench TPC-B (tps)" "${tps[2]}" "${tps[8]}"
printf "  %-34s %10s %10s\n" "PostgreSQL SQL statements/order" "${spo[pg-2-1]}" "${spo[pg-8-1]}"
printf "  %-34s %10s %10s\n" "SQLite SQL statements/order" "${spo[sqlite-2]}" "${spo[sqlite-8]}"
printf "  %-34s %10s %10s\n" "serialization failures/1000 orders" "${busy[pg-2-1]}" "${busy[pg-8-1]}"
printf "  %-34s %10s %10s\n" "  the same, 2 instances" "${busy[pg-2-2]}" "${busy[pg-8-2]}"
printf "  %-34s %10s %10s\n" "lock waits, % of request time" "${lockw[pg-2-1]}" "${lockw[pg-8-1]}"
printf "  %-34s %10s %10s\n" "  the same, 2 instances" "${lockw[pg-2-2]}" "${lockw[pg-8-2]}"
echo "  load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "pg-lock-wait: ${lockw[pg-8-1]} %"
awk -v p="${ops[pg-8-1]}" -v s="${ops[sqlite-8]}" 'BEGIN { printf "pg-ratio: %.2f\n", (s > 0 ? p / s : 0) }'

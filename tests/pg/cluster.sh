# cluster.sh — a throwaway PostgreSQL cluster on loopback, sourced by tests/pg/run.sh,
# tests/pg/restart.sh and scripts/bench-pg.sh (one copy of the start-up they share).
#
# The sourcing script sets $tmp (a private directory, mode 755, that cleanup removes) and
# defines fail() (says why and exits). Then:
#   pg_find_bin                 $pgbin: the server binaries (Debian keeps them out of PATH)
#   as_pg CMD...                runs CMD as the cluster's owner (postgres refuses root)
#   port_open PORT, free_port   a loopback port in use?; a free one on stdout
#   pg_cluster_start [-c k=v]…  initdb + pg_ctl start in $tmp/pg on a free port, with the
#                               extra server settings given; sets $pgport and pg_started=1
#   pg_cluster_stop [MODE]      pg_ctl stop (default immediate) when it was started
#   osb_serve_start OSB URL THREADS LOG
#                               one `osb serve` on a free port; sets $srv (pid) and $port
# Every wait is bounded.

pgbin=""
pgport=""
pg_started=0

pg_find_bin() {
  local d
  for d in "$(pg_config --bindir 2>/dev/null)" $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    [ -n "$d" ] && [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && { pgbin=$d; return 0; }
  done
  return 1
}

as_pg() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
free_port() {
  local p
  for _ in $(seq 50); do
    p=$((20000 + RANDOM % 40000))
    port_open "$p" || { echo "$p"; return 0; }
  done
  return 1
}

pg_cluster_start() {
  local opts="" a
  for a in "$@"; do opts="$opts $a"; done
  mkdir -p "$tmp/pg/sock"
  [ "$(id -u)" -eq 0 ] && chown -R postgres: "$tmp/pg"
  as_pg timeout 120 "$pgbin/initdb" -D "$tmp/pg/data" -A trust -U postgres -E UTF8 --locale=C \
    --no-sync >"$tmp/initdb.log" 2>&1 || { cat "$tmp/initdb.log" >&2; fail "initdb"; }
  # A free port may be taken between the probe and the bind: try another one then.
  for _ in 1 2 3 4 5; do
    pgport=$(free_port) || fail "no free port"
    if as_pg timeout 60 "$pgbin/pg_ctl" -D "$tmp/pg/data" -l "$tmp/pg/log" -w -t 30 \
         -o "-p $pgport -k $tmp/pg/sock -c listen_addresses=127.0.0.1$opts" start \
         >"$tmp/pg_ctl.log" 2>&1; then
      pg_started=1
      return 0
    fi
  done
  cat "$tmp/pg_ctl.log" >&2
  fail "PostgreSQL did not start"
}

pg_cluster_stop() {
  [ "$pg_started" = 1 ] && as_pg timeout 60 "$pgbin/pg_ctl" -D "$tmp/pg/data" -m "${1:-immediate}" -w stop
  pg_started=0
}

osb_serve_start() {
  local bin=$1 url=$2 threads=$3 log=$4
  srv=""
  for _ in 1 2 3 4 5 6 7 8 9 10; do
    port=$(free_port) || fail "no free port"
    "$bin" serve --db "$url" --listen "127.0.0.1:$port" --threads "$threads" >"$log" 2>&1 &
    srv=$!
    for _ in $(seq 200); do
      kill -0 "$srv" 2>/dev/null || break
      port_open "$port" && break
      sleep 0.05
    done
    port_open "$port" && kill -0 "$srv" 2>/dev/null && return 0
    { kill -9 "$srv"; wait "$srv"; } 2>/dev/null
    srv=""
  done
  fail "osb serve did not start"
}

#!/usr/bin/env bash
# ha-up.sh — OSB on highly available PostgreSQL, on loopback, as root scripts (no systemd):
#   etcd (one member, v3 API)  →  three Patroni nodes (PostgreSQL 15, synchronous_mode: an
#   acknowledged commit is on two nodes; ttl 10, master_start_timeout 0)  →  HAProxy routing
#   to the primary by Patroni's GET /primary (and to replicas by /replica)  →  pgbouncer
#   (transaction pooling)  →  two `osb serve` instances  →  HAProxy in front of them.
#
#   deploy/ha-up.sh DIR [path/to/osb]     DIR must not exist; everything lives below it
#   deploy/ha-down.sh DIR                 stops all of it (by the pids recorded in DIR/pids)
#
# Ports: OSB_HA_PORT (default 27000) + 0..19, see ports below; DIR/env records them for the
# tests (tests/ha/run.sh) and for you. Every wait is bounded; a failure stops what started.
# The OSB database is made with createdb + `osb init` + `osb demo` unless OSB_HA_NO_DEMO=1.
set -u

dir=${1:?usage: ha-up.sh DIR [osb binary]}
osb=${2:-$(cd "$(dirname "$0")/.." && pwd)/build/osb}
case $osb in /*) ;; *) osb=$PWD/$osb ;; esac
here=$(cd "$(dirname "$0")" && pwd)
[ -e "$dir" ] && { echo "ha-up: $dir exists" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || { echo "ha-up: run as root (PostgreSQL, pgbouncer run as postgres)" >&2; exit 1; }
for b in etcd patroni haproxy pgbouncer; do
  command -v "$b" >/dev/null || { echo "ha-up: $b missing (scripts/deps.sh)" >&2; exit 1; }
done
pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r | head -1)
[ -x "$pgbin/initdb" ] || { echo "ha-up: no PostgreSQL server binaries" >&2; exit 1; }

base=${OSB_HA_PORT:-27000}
ETCD=$base ETCD_PEER=$((base + 1))
PG=($((base + 2)) $((base + 3)) $((base + 4)))      # PostgreSQL of node 1..3
REST=($((base + 5)) $((base + 6)) $((base + 7)))    # Patroni REST API of node 1..3
HA_PRIMARY=$((base + 8)) HA_REPLICA=$((base + 9)) HA_STATS=$((base + 10))
BOUNCER=$((base + 11)) OSB1=$((base + 12)) OSB2=$((base + 13)) HA_OSB=$((base + 14))

mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
chmod 755 "$dir"
: >"$dir/pids"

fail() {
  echo "ha-up: FAIL: $*" >&2
  for f in "$dir"/log/*.log; do [ -s "$f" ] && { echo "--- $f" >&2; tail -15 "$f" >&2; }; done
  "$here/ha-down.sh" "$dir" --keep >/dev/null 2>&1
  exit 1
}
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
wait_for() { # wait_for SECONDS WHAT COMMAND...
  local n=$(($1 * 10)) what=$2
  shift 2
  for _ in $(seq "$n"); do "$@" && return 0; sleep 0.1; done
  fail "$what did not come up in time"
}
for p in $ETCD $ETCD_PEER "${PG[@]}" "${REST[@]}" $HA_PRIMARY $HA_REPLICA $HA_STATS $BOUNCER $OSB1 $OSB2 $HA_OSB; do
  port_open "$p" && fail "port $p is taken (set OSB_HA_PORT)"
done
mkdir -p "$dir/log" "$dir/etcd" "$dir/run"
chown postgres: "$dir/log" "$dir/run"

# ---- etcd ------------------------------------------------------------------------------------
etcd --name e1 --data-dir "$dir/etcd" \
  --listen-client-urls "http://127.0.0.1:$ETCD" --advertise-client-urls "http://127.0.0.1:$ETCD" \
  --listen-peer-urls "http://127.0.0.1:$ETCD_PEER" \
  --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER" \
  --initial-cluster "e1=http://127.0.0.1:$ETCD_PEER" --initial-cluster-state new \
  >"$dir/log/etcd.log" 2>&1 &
echo "etcd $!" >>"$dir/pids"
wait_for 20 etcd port_open "$ETCD"

# ---- three Patroni nodes ---------------------------------------------------------------------
for i in 1 2 3; do
  n=$((i - 1))
  mkdir -p "$dir/pg$i" "$dir/sock$i"
  chmod 700 "$dir/pg$i"
  cat >"$dir/patroni$i.yml" <<YML
scope: osb
namespace: /osb/
name: pg$i
restapi:
  listen: 127.0.0.1:${REST[$n]}
  connect_address: 127.0.0.1:${REST[$n]}
etcd3:
  hosts: 127.0.0.1:$ETCD
bootstrap:
  dcs:
    ttl: 10
    loop_wait: 1
    retry_timeout: 4
    maximum_lag_on_failover: 1048576
    master_start_timeout: 0
    synchronous_mode: true
    postgresql:
      use_pg_rewind: true
      use_slots: true
      parameters:
        wal_level: replica
        hot_standby: "on"
        wal_log_hints: "on"
        max_wal_senders: 10
        max_replication_slots: 10
        max_connections: 200
  initdb:
  - encoding: UTF8
  - locale: C
  pg_hba:
  - local all all trust
  - host replication replicator 127.0.0.1/32 trust
  - host all all 127.0.0.1/32 trust
postgresql:
  listen: 127.0.0.1:${PG[$n]}
  connect_address: 127.0.0.1:${PG[$n]}
  data_dir: $dir/pg$i/data
  bin_dir: $pgbin
  pgpass: $dir/run/pgpass$i
  authentication:
    replication: {username: replicator, password: replicator}
    superuser: {username: postgres, password: postgres}
    rewind: {username: postgres, password: postgres}
  parameters:
    unix_socket_directories: $dir/sock$i
YML
  chown -R postgres: "$dir/pg$i" "$dir/sock$i" "$dir/patroni$i.yml"
  runuser -u postgres -- patroni "$dir/patroni$i.yml" >"$dir/log/patroni$i.log" 2>&1 &
  echo "patroni$i $!" >>"$dir/pids"
  if [ "$i" = 1 ]; then # the first node bootstraps; the others clone from it
    wait_for 60 "the first Patroni node" curl -sf -o /dev/null "http://127.0.0.1:${REST[0]}/primary"
  fi
done
sync_ok() { curl -sf "http://127.0.0.1:${REST[0]}/cluster" | grep -q '"sync_standby"'; }
wait_for 90 "a synchronous standby" sync_ok

# ---- HAProxy: PostgreSQL by role, and the two OSB instances ----------------------------------
cat >"$dir/haproxy.cfg" <<CFG
global
    maxconn 2000
    pidfile $dir/run/haproxy.pid
defaults
    mode tcp
    timeout connect 2s
    timeout client 30m
    timeout server 30m
    timeout check 1s
listen stats
    mode http
    bind 127.0.0.1:$HA_STATS
    stats enable
    stats uri /
listen pg_primary
    bind 127.0.0.1:$HA_PRIMARY
    option httpchk GET /primary
    http-check expect status 200
    default-server inter 1s fall 2 rise 1 on-marked-down shutdown-sessions
    server pg1 127.0.0.1:${PG[0]} check port ${REST[0]}
    server pg2 127.0.0.1:${PG[1]} check port ${REST[1]}
    server pg3 127.0.0.1:${PG[2]} check port ${REST[2]}
listen pg_replica
    bind 127.0.0.1:$HA_REPLICA
    balance roundrobin
    option httpchk GET /replica
    http-check expect status 200
    default-server inter 1s fall 2 rise 1 on-marked-down shutdown-sessions
    server pg1 127.0.0.1:${PG[0]} check port ${REST[0]}
    server pg2 127.0.0.1:${PG[1]} check port ${REST[1]}
    server pg3 127.0.0.1:${PG[2]} check port ${REST[2]}
listen osb
    mode http
    bind 127.0.0.1:$HA_OSB
    balance roundrobin
    timeout client 120s
    timeout server 120s
    option httpchk GET /api/v1/metrics
    default-server inter 2s fall 3 rise 1
    server osb1 127.0.0.1:$OSB1 check
    server osb2 127.0.0.1:$OSB2 check
CFG
haproxy -f "$dir/haproxy.cfg" -db >"$dir/log/haproxy.log" 2>&1 &
echo "haproxy $!" >>"$dir/pids"
primary_ok() { port_open "$HA_PRIMARY" && runuser -u postgres -- "$pgbin/psql" -h 127.0.0.1 -p "$HA_PRIMARY" -U postgres -Atc "SELECT NOT pg_is_in_recovery()" postgres 2>/dev/null | grep -q t; }
wait_for 30 "HAProxy's primary port" primary_ok

# ---- pgbouncer (transaction pooling: OSB sets its timeouts with SET LOCAL) -------------------
mkdir -p "$dir/pgbouncer"
echo '"postgres" "postgres"' >"$dir/pgbouncer/userlist.txt"
cat >"$dir/pgbouncer/pgbouncer.ini" <<INI
[databases]
osb = host=127.0.0.1 port=$HA_PRIMARY dbname=osb
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $BOUNCER
unix_socket_dir =
auth_type = trust
auth_file = $dir/pgbouncer/userlist.txt
pool_mode = transaction
max_client_conn = 500
default_pool_size = 40
server_connect_timeout = 3
server_login_retry = 1
logfile = $dir/log/pgbouncer.log
pidfile = $dir/run/pgbouncer.pid
INI
chown -R postgres: "$dir/pgbouncer"
runuser -u postgres -- pgbouncer "$dir/pgbouncer/pgbouncer.ini" >/dev/null 2>&1 &
echo "pgbouncer $!" >>"$dir/pids"
wait_for 20 pgbouncer port_open "$BOUNCER"

# ---- the OSB database and two instances ------------------------------------------------------
direct="postgresql://postgres@127.0.0.1:${PG[0]},127.0.0.1:${PG[1]},127.0.0.1:${PG[2]}/osb?target_session_attrs=read-write&connect_timeout=3"
url="postgresql://postgres@127.0.0.1:$BOUNCER/osb?connect_timeout=3"
replica="postgresql://postgres@127.0.0.1:$HA_REPLICA/osb?connect_timeout=3"
timeout 30 runuser -u postgres -- "$pgbin/createdb" -h 127.0.0.1 -p "$HA_PRIMARY" -U postgres osb \
  >"$dir/log/createdb.log" 2>&1 || fail "createdb"
export OSB_KDF=${OSB_KDF:-fast}
timeout 120 "$osb" init --db "$direct" --admin-password "${OSB_ADMIN_PASSWORD:-admin123}" \
  >"$dir/log/init.log" 2>&1 || fail "osb init"
if [ "${OSB_HA_NO_DEMO:-0}" != 1 ]; then
  timeout 600 "$osb" demo --db "$direct" >"$dir/log/demo.log" 2>&1 || fail "osb demo"
fi
# pgbouncer 1.18 in transaction mode cannot carry prepared statements: OSB_PG_PREPARE=0.
for k in 1 2; do
  p=$OSB1
  [ "$k" = 2 ] && p=$OSB2
  OSB_PG_PREPARE=0 OSB_REPLICA_URL="$replica" "$osb" serve --db "$url" --listen "127.0.0.1:$p" \
    --threads "${OSB_HA_THREADS:-8}" >"$dir/log/osb$k.log" 2>&1 &
  echo "osb$k $!" >>"$dir/pids"
done
wait_for 30 "osb instance 1" port_open "$OSB1"
wait_for 30 "osb instance 2" port_open "$OSB2"
wait_for 30 "HAProxy's OSB port" curl -sf -o /dev/null "http://127.0.0.1:$HA_OSB/api/v1/metrics"

cat >"$dir/env" <<ENV
HA_DIR=$dir
PGBIN=$pgbin
ETCD_PORT=$ETCD
PG_PORTS="${PG[*]}"
REST_PORTS="${REST[*]}"
HA_PRIMARY=$HA_PRIMARY
HA_REPLICA=$HA_REPLICA
BOUNCER=$BOUNCER
OSB_PORTS="$OSB1 $OSB2"
HA_OSB=$HA_OSB
DB_URL='$url'
DB_DIRECT='$direct'
ENV
echo "ha-up: ok — OSB at http://127.0.0.1:$HA_OSB/ (instances :$OSB1 :$OSB2), PostgreSQL primary via HAProxy :$HA_PRIMARY, pgbouncer :$BOUNCER, Patroni REST :${REST[*]}; stop with deploy/ha-down.sh $dir"

#!/usr/bin/env bash
# ha-down.sh DIR [--keep] — stops what deploy/ha-up.sh DIR started (the pids it recorded, OSB
# and the proxies first, then Patroni, which stops its PostgreSQL, then etcd), each wait
# bounded, and removes DIR unless --keep.
set -u
dir=${1:?usage: ha-down.sh DIR [--keep]}
[ -f "$dir/pids" ] || { echo "ha-down: $dir/pids missing" >&2; exit 1; }
pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r | head -1)

stop_pid() { # stop_pid PID SECONDS
  kill -0 "$1" 2>/dev/null || return 0
  kill -TERM "$1" 2>/dev/null
  for _ in $(seq $(($2 * 10))); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done
  kill -KILL "$1" 2>/dev/null
}
pid_of() { awk -v n="$1" '$1 == n { print $2 }' "$dir/pids" | tail -1; }

for n in osb1 osb2 haproxy pgbouncer; do
  p=$(pid_of "$n")
  [ -n "$p" ] && stop_pid "$p" 10
done
for f in "$dir"/run/pgbouncer.pid; do [ -f "$f" ] && stop_pid "$(cat "$f")" 5; done
for i in 1 2 3; do
  p=$(pid_of "patroni$i")
  [ -n "$p" ] && stop_pid "$p" 30
done
# A PostgreSQL left behind (its Patroni killed by a test): stop it by its data directory.
for i in 1 2 3; do
  d=$dir/pg$i/data
  [ -f "$d/postmaster.pid" ] && runuser -u postgres -- timeout 30 "$pgbin/pg_ctl" -D "$d" -m immediate -w stop >/dev/null 2>&1
done
p=$(pid_of etcd)
[ -n "$p" ] && stop_pid "$p" 10
# What a recorded pid left behind: a process started through runuser is runuser's child, and a
# test that SIGKILLs the recorded pid orphans it. Everything whose command line names DIR/.
if pgrep -f -- "$dir/" >/dev/null; then
  pkill -TERM -f -- "$dir/"
  for _ in $(seq 50); do pgrep -f -- "$dir/" >/dev/null || break; sleep 0.1; done
  pkill -KILL -f -- "$dir/"
fi
[ "${2:-}" = --keep ] || rm -rf "$dir"
echo "ha-down: stopped"

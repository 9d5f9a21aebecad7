#!/usr/bin/env bash
# restart.sh — OSB survives a PostgreSQL restart under a running server (issue #16): a
# throwaway PostgreSQL cluster as in tests/pg/run.sh, `osb init` + `osb demo` + `osb serve
# --threads 4` on it, calls before (restart.py --phase before), `pg_ctl restart -m fast`, then
# 40 calls (restart.py --phase after) of which none may answer 5xx: every stale connection is
# reset at its next BEGIN, and a request whose connection breaks mid-way runs again on a new one
# (src/store/db_pg.c, src/http/router.c rerun_after_loss).
#
#   tests/pg/restart.sh path/to/osb
#
# Exit 0 = pass. Everything it starts is stopped on any exit; each wait is bounded.
set -u

osb=${1:?usage: restart.sh path/to/osb}
case $osb in /*) ;; *) osb=$PWD/$osb ;; esac
here=$(cd "$(dirname "$0")" && pwd)

. "$here/cluster.sh"
pg_find_bin || { echo "pg-restart: FAIL: no initdb/pg_ctl (scripts/deps.sh)" >&2; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/osb-pgr.XXXXXX")
chmod 755 "$tmp"
srv=""

cleanup() {
  {
    [ -n "$srv" ] && kill -9 "$srv" && wait "$srv"
    pg_cluster_stop immediate
  } >/dev/null 2>&1
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

fail() {
  echo "pg-restart: FAIL: $*" >&2
  for f in "$tmp/pg/log" "$tmp/server.log"; do
    [ -s "$f" ] && { echo "--- $(basename "$f")" >&2; tail -25 "$f" >&2; }
  done
  exit 1
}

pg_cluster_start -c fsync=off
as_pg timeout 30 "$pgbin/createdb" -h "$tmp/pg/sock" -p "$pgport" -U postgres osb \
  >"$tmp/createdb.log" 2>&1 || { cat "$tmp/createdb.log" >&2; fail "createdb"; }
# A multi-host URL as production uses (docs/operations.md): the first host answers nothing,
# libpq goes on to the second, which must accept writes.
dead=$(free_port) || fail "no free port"
url="postgresql://postgres@127.0.0.1:$dead,127.0.0.1:$pgport/osb?target_session_attrs=read-write&connect_timeout=5"

export OSB_KDF=fast
timeout 120 "$osb" init --db "$url" --admin-password admin123 >"$tmp/init.log" 2>&1 ||
  { cat "$tmp/init.log" >&2; fail "osb init"; }
timeout 300 "$osb" demo --db "$url" >"$tmp/demo.log" 2>&1 ||
  { cat "$tmp/demo.log" >&2; fail "osb demo"; }

osb_serve_start "$osb" "$url" 4 "$tmp/server.log"

timeout 120 python3 "$here/restart.py" --port "$port" --phase before --state "$tmp/token" ||
  fail "calls before the restart"
# Every server thread touches the database before the restart, so each holds a connection.
for _ in $(seq 8); do python3 "$here/restart.py" --port "$port" --phase before --state "$tmp/t2" >/dev/null || fail "warm-up"; done

as_pg timeout 60 "$pgbin/pg_ctl" -D "$tmp/pg/data" -l "$tmp/pg/log" -w -t 30 -m fast \
  -o "-p $pgport -k $tmp/pg/sock -c listen_addresses=127.0.0.1 -c fsync=off" restart \
  >"$tmp/pg_ctl.log" 2>&1 || { cat "$tmp/pg_ctl.log" >&2; fail "PostgreSQL did not restart"; }
echo "pg-restart: PostgreSQL restarted under the server"

timeout 300 python3 "$here/restart.py" --port "$port" --phase after --state "$tmp/token" ||
  fail "calls after the restart"
resets=$(grep -c "connection reset" "$tmp/server.log")
[ "$resets" -ge 1 ] || fail "the server never reset a connection (did the restart reach it?)"
echo "pg-restart: $resets connection(s) reset"

kill -TERM "$srv" 2>/dev/null
for _ in $(seq 100); do kill -0 "$srv" 2>/dev/null || break; sleep 0.05; done
kill -9 "$srv" 2>/dev/null
wait "$srv" 2>/dev/null
srv=""
if grep -qE "AddressSanitizer|runtime error:|LeakSanitizer" "$tmp/server.log"; then
  fail "sanitizer report in the server's log"
fi
timeout 120 "$osb" check --db "$url" >"$tmp/check.out" 2>&1 || { cat "$tmp/check.out" >&2; fail "osb check"; }
echo "pg-restart: ok"

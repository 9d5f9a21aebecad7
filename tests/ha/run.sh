#!/usr/bin/env bash
# run.sh — `make test-ha`: deploy/ha-up.sh in a temporary directory (three Patroni nodes on
# etcd, HAProxy, pgbouncer, two `osb serve`), tests/ha/failover.py against it (two crashes of
# the primary under load), `osb check` on the database, deploy/ha-down.sh. Root only (the
# PostgreSQL servers run as the postgres user). Exit 0 = pass. About 4-5 minutes.
#
#   tests/ha/run.sh [path/to/osb]
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
osb=${1:-$root/build/osb}
case $osb in /*) ;; *) osb=$PWD/$osb ;; esac
dir=$(mktemp -u "${TMPDIR:-/tmp}/osb-ha.XXXXXX")
trap '[ -f "$dir/pids" ] && "$root/deploy/ha-down.sh" "$dir" >/dev/null 2>&1' EXIT
trap 'exit 1' INT TERM HUP
t0=$(date +%s)
"$root/deploy/ha-up.sh" "$dir" "$osb" || { echo "ha: FAIL: the cluster did not come up" >&2; exit 1; }
echo "ha: cluster up in $(($(date +%s) - t0)) s"
# shellcheck disable=SC1091
. "$dir/env"
if ! timeout 900 python3 "$here/failover.py" --env "$dir/env"; then
  for f in "$dir"/log/osb*.log; do echo "--- $f" >&2; grep -E "error|FAIL" "$f" | tail -10 >&2; done
  exit 1
fi
timeout 300 "$osb" check --db "$DB_DIRECT" >"$dir/check.out" 2>&1 || {
  cat "$dir/check.out" >&2
  echo "ha: FAIL: osb check" >&2
  exit 1
}
sed 's/^/  /' "$dir/check.out"
if grep -qE "AddressSanitizer|runtime error:" "$dir"/log/osb*.log; then
  echo "ha: FAIL: sanitizer report in a server's log" >&2
  exit 1
fi
echo "ha: ok ($(($(date +%s) - t0)) s)"

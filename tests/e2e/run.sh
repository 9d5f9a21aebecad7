#!/usr/bin/env bash
# Browser tests of the web UI:  tests/e2e/run.sh <osb-binary> <results-file>
#
# Creates a demo database (OSB_KDF=fast), serves it with the checkout's web/ on a free loopback
# port, runs tests/e2e/*.test.mjs with Node's test runner (playwright-core driving
# /usr/bin/chromium), stops the server and writes the runner's output to <results-file>, whose
# last line is "N passed, M failed". Exits non-zero when anything failed or could not run.
# Screenshots go to build/results/ (OSB_RESULTS_DIR overrides); OSB_E2E_FILES picks test files.
set -u
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
if [ $# -ne 2 ]; then
  echo "usage: $0 <osb-binary> <results-file>" >&2
  exit 2
fi
bin="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
mkdir -p "$(dirname "$2")"
results="$(cd "$(dirname "$2")" && pwd)/$(basename "$2")"
: > "$results"

fail_setup() {
  echo "e2e: $*" | tee -a "$results" >&2
  echo "0 passed, 1 failed" >> "$results"
  exit 1
}

[ -x "$bin" ] || fail_setup "no osb binary at $1"
[ -x /usr/bin/chromium ] || fail_setup "/usr/bin/chromium is missing (run scripts/web-deps.sh)"
command -v node >/dev/null || fail_setup "node is missing (run scripts/web-deps.sh)"
[ -d "$here/node_modules/playwright-core" ] || fail_setup "playwright-core is not installed (run scripts/web-deps.sh)"

tmp="$(mktemp -d /tmp/osb-e2e.XXXXXX)"
pid=""
cleanup() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT

export OSB_KDF=fast
db="$tmp/e2e.db"
"$bin" init --db "$db" --admin-password admin123 > "$tmp/init.log" 2>&1 || { cat "$tmp/init.log" >&2; fail_setup "osb init failed"; }
"$bin" demo --db "$db" > "$tmp/demo.log" 2>&1 || { cat "$tmp/demo.log" >&2; fail_setup "osb demo failed"; }

# A free loopback port: bind to port 0 and read what the kernel gave; retry if the server
# loses the race for it.
free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}
up=0
for attempt in 1 2 3; do
  port="$(free_port)"
  "$bin" serve --db "$db" --listen "127.0.0.1:$port" --web "$repo/web" > "$tmp/serve.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 100); do
    if ! kill -0 "$pid" 2>/dev/null; then break; fi
    if node -e 'fetch(process.argv[1]).then(r=>process.exit(r.status===401?0:1),()=>process.exit(1))' \
         "http://127.0.0.1:$port/api/v1/me" 2>/dev/null; then
      up=1
      break
    fi
    sleep 0.1
  done
  [ "$up" = 1 ] && break
  kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; pid=""
done
[ "$up" = 1 ] || { cat "$tmp/serve.log" >&2; fail_setup "the server did not start"; }
echo "e2e: osb serve on http://127.0.0.1:$port (pid $pid)"

export OSB_URL="http://127.0.0.1:$port"
export OSB_RESULTS_DIR="${OSB_RESULTS_DIR:-$repo/build/results}"
mkdir -p "$OSB_RESULTS_DIR"
cd "$here"
# OSB_E2E_FILES="a.test.mjs b.test.mjs" runs only those files (while working on one page).
# shellcheck disable=SC2086
node --test --test-concurrency=1 --test-reporter=spec ${OSB_E2E_FILES:-./*.test.mjs} > "$tmp/out.txt" 2>&1
rc=$?
cat "$tmp/out.txt"
cat "$tmp/out.txt" >> "$results"

pass="$(sed -n 's/^ℹ pass \([0-9][0-9]*\)$/\1/p' "$tmp/out.txt" | tail -1)"
failed="$(sed -n 's/^ℹ fail \([0-9][0-9]*\)$/\1/p' "$tmp/out.txt" | tail -1)"
cancelled="$(sed -n 's/^ℹ cancelled \([0-9][0-9]*\)$/\1/p' "$tmp/out.txt" | tail -1)"
pass="${pass:-0}"
failed=$(( ${failed:-0} + ${cancelled:-0} ))
if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
if [ "$pass" -eq 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
echo "$pass passed, $failed failed" | tee -a "$results"
[ "$failed" -eq 0 ]

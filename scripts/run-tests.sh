#!/usr/bin/env bash
# The whole test suite, as `make check` runs it (after building):
#   lint      make lint: clang-format --dry-run over src/ and cppcheck (1 passed or 1 failed)
#   unit      cmocka binaries in build/unit (ASan+UBSan)
#   scenario  tests/scenario/run.py: the real `osb serve` (sanitizer build) driven over HTTP
#   crash     tests/crash/*.sh scripts (kill -9 during load, restart, osb check)
#   pg        tests/pg/run.sh: a throwaway PostgreSQL cluster, osb init/demo/serve on it, a smoke
#             scenario over HTTP, osb check (exit 0 = 1 passed); then the whole scenario suite
#             on PostgreSQL (run.py --pg), printed as its own line "pg: N passed, M failed"
#   ha        tests/ha/run.sh (make test-ha): three Patroni nodes on etcd, HAProxy, pgbouncer and
#             two `osb serve` on loopback; the primary is killed twice under load; writes must
#             resume within 30 s, nothing acknowledged lost, nothing mailed twice, osb check
#             clean (1 passed or 1 failed; needs root, as the PostgreSQL servers run as postgres)
#   fuzz      each libFuzzer target for a bounded time (FUZZ_SECONDS, default 20)
#   e2e       browser tests (Playwright + Debian Chromium) when tests/e2e/run.sh exists
# Each part adds to the totals; the last line is "N passed, M failed".
set -u
cd "$(dirname "$0")/.."
mkdir -p build/results
pass=0
fail=0
add() { pass=$((pass + $1)); fail=$((fail + $2)); }
# The names of what failed, repeated on the last lines: CI shows only the tail of the output.
failed_names=""
failed() { failed_names="$failed_names
  $*"; }

echo "== lint"
if make -s lint > build/results/lint.txt 2>&1; then
  add 1 0; echo "  ok make lint"
else
  add 0 1; failed lint; echo "  FAIL make lint"; tail -40 build/results/lint.txt
fi

echo "== unit"
for t in build/unit/test_*; do
  [ -x "$t" ] || continue
  out=$("$t" 2>&1)
  rc=$?
  echo "$out" | grep -E '^\[  (PASSED|FAILED)  \]|^\[  ERROR   \]|FAILED' | sed "s|^|  $(basename "$t"): |"
  p=$(echo "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' | tail -1)
  f=$(echo "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' | tail -1)
  p=${p:-0}; f=${f:-0}
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; echo "$out" | tail -20; fi
  if [ "$f" -ne 0 ]; then
    failed "unit $(basename "$t"): $(echo "$out" | sed -n 's/^\[  FAILED  \] \(test_.*\)/\1/p' | tr '\n' ' ')"
  fi
  add "$p" "$f"
done

echo "== scenario"
if [ -f tests/scenario/run.py ]; then
  python3 tests/scenario/run.py --bin build/san/osb --results build/results/scenario.txt
  rc=$?
  read -r p f < <(sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed.*/\1 \2/p' build/results/scenario.txt 2>/dev/null | tail -1)
  p=${p:-0}; f=${f:-0}
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; failed "scenario: exit $rc"; fi
  while IFS= read -r l; do failed "scenario ${l:0:300}"; done < <(grep '^FAIL' build/results/scenario.txt 2>/dev/null)
  add "$p" "$f"
fi

echo "== crash"
for s in tests/crash/*.sh; do
  [ -f "$s" ] || continue
  if bash "$s" build/osb; then add 1 0; echo "  ok $(basename "$s")"; else add 0 1; failed "crash $(basename "$s")"; echo "  FAIL $(basename "$s")"; fi
done

echo "== pg"
if [ -x tests/pg/run.sh ]; then
  if tests/pg/run.sh build/san/osb > build/results/pg.txt 2>&1; then
    add 1 0; echo "  ok pg/run.sh ($(grep -c '^  ok ' build/results/pg.txt) steps)"
  else
    add 0 1; failed "pg/run.sh: $(grep -v '^  ok ' build/results/pg.txt | tail -1)"; echo "  FAIL pg/run.sh"; tail -40 build/results/pg.txt
  fi
fi

# The whole scenario suite again with every server on PostgreSQL (run.py --pg: one throwaway
# cluster, a database per module cloned from the template; tests marked lib.sqlite_only are
# left out). Its own line "pg: N passed, M failed" and its time; it adds to the totals.
if [ -f tests/scenario/run.py ]; then
  pg_start=$(date +%s)
  python3 tests/scenario/run.py --bin build/san/osb --pg --results build/results/pg-scenario.txt \
    > build/results/pg-scenario.log 2>&1
  rc=$?
  grep '^FAIL' build/results/pg-scenario.log | sed 's/^/  pg /'
  while IFS= read -r l; do failed "pg ${l:0:300}"; done < <(grep '^FAIL' build/results/pg-scenario.log)
  read -r p f < <(sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed.*/\1 \2/p' build/results/pg-scenario.txt 2>/dev/null | tail -1)
  p=${p:-0}; f=${f:-0}
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; failed "pg scenario: exit $rc"; tail -20 build/results/pg-scenario.log; fi
  echo "pg: $p passed, $f failed ($(( $(date +%s) - pg_start ))s)"
  add "$p" "$f"
fi

echo "== ha"
if [ -x tests/ha/run.sh ]; then
  if tests/ha/run.sh build/osb > build/results/ha.txt 2>&1; then
    add 1 0; echo "  $(grep '^ha: ok' build/results/ha.txt | tail -1)"
    grep -E '^ha: (crash|[0-9]+ orders)' build/results/ha.txt | sed 's/^/  /'
  else
    add 0 1; failed "ha/run.sh: $(tail -1 build/results/ha.txt)"; echo "  FAIL ha/run.sh"; tail -40 build/results/ha.txt
  fi
fi

echo "== fuzz"
for f in build/fuzz/fuzz_*; do
  [ -x "$f" ] || continue
  n=$(basename "$f")
  mkdir -p "build/fuzz/corpus-$n"
  seeds=""
  [ -d "tests/fuzz/corpus/$n" ] && seeds="tests/fuzz/corpus/$n"
  if "$f" -max_total_time="${FUZZ_SECONDS:-20}" -print_final_stats=0 "build/fuzz/corpus-$n" $seeds \
       > "build/results/$n.log" 2>&1; then
    add 1 0; echo "  ok $n ($(grep -c . "build/results/$n.log") log lines)"
  else
    add 0 1; failed "fuzz $n: $(grep -m1 -E 'ERROR|SUMMARY' "build/results/$n.log")"; echo "  FAIL $n"; tail -30 "build/results/$n.log"
  fi
done

echo "== e2e"
if [ -x tests/e2e/run.sh ]; then
  tests/e2e/run.sh build/osb build/results/e2e.txt
  rc=$?
  read -r p f < <(sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed.*/\1 \2/p' build/results/e2e.txt 2>/dev/null | tail -1)
  p=${p:-0}; f=${f:-0}
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
  if [ "$f" -ne 0 ]; then
    failed "e2e: $f failed"
    while IFS= read -r l; do failed "e2e ${l:0:200}"; done < <(grep '^✖' build/results/e2e.txt 2>/dev/null | sort -u)
  fi
  add "$p" "$f"
fi

[ -n "$failed_names" ] && echo "failed:$failed_names"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]

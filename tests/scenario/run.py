#!/usr/bin/env python3
"""
run.py — the scenario suite: every tests/scenario/test_*.py module against a real `osb serve`.

    python3 tests/scenario/run.py --bin build/san/osb [--results FILE] [-k SUBSTRING] [-j N]
                                  [--start YYYY-MM-DD] [--alone] [--reverse] [--pg]

Per module: a fresh temporary directory, a copy of the demo database (built once with
`osb init` + `osb demo`, OSB_KDF=fast), one server with --test-clock on a free loopback port.
The module's functions named test_* run in the order they are written, each receiving the
module's T (lib.py). A server that dies during a test fails that test and is restarted. When
the module ends the server is stopped, and a sanitizer report in its stderr (or in the stderr
of a command a test ran) is one more failure.

With --alone every selected test runs by itself: a fresh load of its module, its own copy of
the database and its own server (so a test that leans on an earlier test's data or clock fails).
The last line is then "N passed alone, M failed". With --reverse each module's tests run in
the reverse of their source order: a test that leans on what a later test leaves fails.

One line per test (ok / FAIL with the reason); the last line of the output and of --results is
exactly "N passed, M failed". Exit status 1 when anything failed.
"""

import argparse
import concurrent.futures
import importlib.util
import inspect
import os
import shutil
import sys
import tempfile
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import lib  # noqa: E402


def load_module(path):
    name = os.path.splitext(os.path.basename(path))[0]
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


REVERSE = False  # --reverse


def tests_of(mod):
    fns = [f for n, f in vars(mod).items()
           if n.startswith("test_") and inspect.isfunction(f) and f.__module__ == mod.__name__]
    return sorted(fns, key=lambda f: f.__code__.co_firstlineno, reverse=REVERSE)


def reason(exc):
    """One line: the assertion message plus where in the test it failed."""
    tb = traceback.extract_tb(exc.__traceback__)
    where = ""
    for fr in reversed(tb):
        if os.path.basename(fr.filename).startswith("test_"):
            where = f" [{os.path.basename(fr.filename)}:{fr.lineno}]"
            break
    if isinstance(exc, AssertionError):
        msg = str(exc) or (tb[-1].line if tb else "assertion failed")
    else:
        msg = f"{type(exc).__name__}: {exc}"
    return (msg.replace("\n", " ") + where)[:1500]


def run_module(path, binary, template, tmproot, selector, only=None):
    """Runs one module (or, when only names a test, that test alone); returns
    (lines, passed, failed)."""
    mod_name = os.path.splitext(os.path.basename(path))[0]
    lines = []
    passed = failed = 0
    try:
        mod = load_module(path)
    except Exception as exc:  # a broken module is one failure, not a crash of the runner
        return [f"FAIL {mod_name}: cannot load: {reason(exc)}"], 0, 1
    if only is not None:
        selected = [f for f in tests_of(mod) if f.__name__ == only]
    else:
        selected = [f for f in tests_of(mod)
                    if not selector or selector in f"{mod_name}::{f.__name__}"]
    if not selected:
        return [], 0, 0
    if lib.PG:  # tests that need the SQLite file itself are left out of the PostgreSQL run
        selected = [f for f in selected if not getattr(f, "sqlite_only", None)]
    else:  # and those that need a PostgreSQL server out of the SQLite run
        selected = [f for f in selected if not getattr(f, "pg_only", None)]
    if not selected:
        return [], 0, 0
    workdir = os.path.join(tmproot, mod_name if only is None else f"{mod_name}.{only}")
    os.makedirs(workdir)
    if lib.PG:
        db = lib.PG.clone(template, mod_name if only is None else f"{mod_name}_{only}")
    else:
        db = os.path.join(workdir, "osb.db")
        lib.copy_db(template, db)
    server = lib.Server(binary, db, workdir, test_clock=True, name="server")
    t = lib.T(binary, workdir, server, template)
    try:
        server.start()
    except Exception as exc:
        return [f"FAIL {mod_name}: server: {reason(exc)}"], 0, len(selected)
    for fn in selected:
        name = f"{mod_name}::{fn.__name__}"
        start = time.time()
        t.case = {}
        try:
            try:
                fn(t)
            finally:
                while t.cleanups:
                    t.cleanups.pop()()
            if not server.alive():
                raise lib.TestFailure("the server died during this test")
            passed += 1
            lines.append(f"ok   {name} ({time.time() - start:.2f}s)")
        except Exception as exc:
            failed += 1
            lines.append(f"FAIL {name}: {reason(exc)}")
            if not server.alive():
                lines.append(f"     (server exited with {server.proc.returncode if server.proc else '?'}; restarting)")
                try:
                    server.stop()
                    server.start()
                    t.tokens.clear()
                except Exception as exc2:
                    lines.append(f"FAIL {mod_name}: cannot restart the server: {reason(exc2)}")
                    failed += 1
                    break
    for s in [server] + t.extra_servers:
        s.stop()
    found = server.sanitizer_report()
    for s in t.extra_servers:
        found.extend(s.sanitizer_report())
    found.extend(t.sanitizer)
    if found:
        failed += 1
        lines.append(f"FAIL {mod_name}::sanitizer: " + " | ".join(x.strip() for x in found[:40]))
    return lines, passed, failed


def alone_tests(modules, selector):
    """(module path, test name) of every selected test, in module and source order. A module
    that cannot load is listed once with the name None (run_module then reports it)."""
    out = []
    for path in modules:
        mod_name = os.path.splitext(os.path.basename(path))[0]
        try:
            mod = load_module(path)
        except Exception:
            out.append((path, None))
            continue
        out.extend((path, f.__name__) for f in tests_of(mod)
                   if not selector or selector in f"{mod_name}::{f.__name__}")
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bin", default="build/san/osb", help="the osb binary to test")
    ap.add_argument("--results", help="also write the lines and the summary to this file")
    ap.add_argument("-k", dest="selector", help="run only tests whose module::name contains this")
    ap.add_argument("-j", dest="jobs", type=int, default=None,
                    help="modules (with --alone: tests) run in parallel (default 3, --alone 2)")
    ap.add_argument("--alone", action="store_true",
                    help="run every selected test by itself: own module load, database, server")
    ap.add_argument("--reverse", action="store_true",
                    help="run each module's tests in the reverse of their source order")
    ap.add_argument("--pg", action="store_true",
                    help="run against PostgreSQL: a throwaway cluster, one database per module")
    ap.add_argument("--keep", action="store_true", help="keep the temporary directory")
    ap.add_argument("--start", default=os.environ.get("OSB_TEST_START", "2026-12-01"),
                    help="the day (YYYY-MM-DD) the servers' test clock starts at, 09:00 +08:00")
    args = ap.parse_args()
    try:
        time.strptime(args.start, "%Y-%m-%d")
    except ValueError:
        ap.error(f"--start takes YYYY-MM-DD, not {args.start!r}")
    os.environ["OSB_TEST_START"] = args.start
    global REVERSE
    REVERSE = args.reverse

    binary = os.path.abspath(args.bin)
    if not os.access(binary, os.X_OK):
        print(f"run.py: no executable at {binary}", file=sys.stderr)
        summary = "0 passed, 1 failed"
        if args.results:
            os.makedirs(os.path.dirname(os.path.abspath(args.results)), exist_ok=True)
            with open(args.results, "w") as f:
                f.write(summary + "\n")
        print(summary)
        return 1

    started = time.time()
    tmproot = tempfile.mkdtemp(prefix="osb-scenario-")
    out_lines = []
    passed = failed = 0
    try:
        if args.pg:
            lib.PG = lib.PgCluster(tmproot).start()
        template = lib.make_template(binary, tmproot)
        modules = sorted(os.path.join(HERE, f) for f in os.listdir(HERE)
                         if f.startswith("test_") and f.endswith(".py"))
        jobs = args.jobs or (2 if args.alone else 3)
        with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
            if args.alone:
                futs = [pool.submit(run_module, m, binary, template, tmproot, None, name)
                        for m, name in alone_tests(modules, args.selector)]
            else:
                futs = [pool.submit(run_module, m, binary, template, tmproot, args.selector)
                        for m in modules]
            for fut in futs:  # in module order, each as soon as it and those before are done
                lines, p, f = fut.result()
                for ln in lines:
                    print(ln, flush=True)
                out_lines.extend(lines)
                passed += p
                failed += f
    except Exception as exc:
        line = f"FAIL suite: {reason(exc)}"
        print(line)
        out_lines.append(line)
        failed += 1
    finally:
        if lib.PG:
            lib.PG.stop()
        if args.keep:
            print(f"(kept {tmproot})")
        else:
            shutil.rmtree(tmproot, ignore_errors=True)
    summary = f"{passed} passed{' alone' if args.alone else ''}, {failed} failed"
    print(f"scenario{' --alone' if args.alone else ''}{' --pg' if args.pg else ''}: "
          f"{time.time() - started:.1f}s "
          f"(clock started {args.start})")
    print(summary)
    if args.results:
        os.makedirs(os.path.dirname(os.path.abspath(args.results)), exist_ok=True)
        with open(args.results, "w") as f:
            f.write("\n".join(out_lines + [summary]) + "\n")
    return 0 if failed == 0 and passed > 0 else 1


if __name__ == "__main__":
    sys.exit(main())

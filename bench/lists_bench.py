#!/usr/bin/env python3
"""lists_bench.py — times the main list endpoints of a running osb serve (scripts/bench-lists.sh).

Signs in as admin, creates a general manager (who reads every list and all money), then asks
each list REPEAT times one request at a time over one kept-alive connection after WARM warm-up
asks, and prints p50 / p99 / max in ms, the rows answered and (--pid) the server's CPU time per
request in ms, user + system, from /proc (10 ms ticks over REPEAT requests)."""

import argparse
import http.client
import json
import os
import re
import time

WARM, REPEAT = 5, int(os.environ.get("LISTS_REPEAT", "60"))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", required=True)
    ap.add_argument("--orders", type=int, required=True)
    ap.add_argument("--customers", type=int, required=True)
    ap.add_argument("--pid", type=int, help="the server's process: its CPU time per request too")
    ap.add_argument("--pg-postmaster", type=int,
                    help="PostgreSQL's postmaster: its backends' CPU is added (the server's SQL runs there)")
    a = ap.parse_args()
    host, port = a.url.split("//")[1].split(":")
    c = http.client.HTTPConnection(host, int(port), timeout=120)
    for _ in range(1200):  # a large database on a loaded machine takes a while to open
        try:
            c.request("GET", "/api/v1/me")
            c.getresponse().read()
            break
        except OSError:
            c.close()
            time.sleep(0.1)

    def call(method, path, body=None, token=None):
        h = {"Content-Type": "application/json"}
        if token:
            h["Authorization"] = f"Bearer {token}"
        c.request(method, "/api/v1" + path, body=json.dumps(body) if body is not None else None, headers=h)
        r = c.getresponse()
        data = r.read()
        return r.status, (json.loads(data) if data else None)

    # LISTS_ADMIN_PW: the administrator's password of a data set not made by bench-lists.sh
    # (e.g. reports_bench's 1M load, made with --admin-password bench-reports)
    pw = os.environ.get("LISTS_ADMIN_PW", "bench-lists")
    st, b = call("POST", "/login", {"username": "admin", "password": pw})
    assert st == 200, (st, b)
    admin = b["token"]
    st, b = call("POST", "/users", {"username": "bench_gm", "name": "bench", "role": "gm",
                                    "password": "bench-lists-1"}, admin)
    assert st in (201, 409), (st, b)  # 409: a data set timed before
    st, b = call("POST", "/login", {"username": "bench_gm", "password": "bench-lists-1"})
    assert st == 200, (st, b)
    gm = b["token"]
    st, b = call("GET", "/orders?limit=50", token=gm)
    assert st == 200, (st, b)
    page2 = b["next_cursor"]
    # q= of each shape (api.md §5.1): a whole number, a day of numbers, a customer code, a SKU
    num, day = page2, page2[2:10]
    cust = f"BC{min(12, a.customers - 1):05d}"
    searched = [num.lower(), day, cust.lower(), "bp0013"]
    paths = [
        "/orders?limit=50",
        f"/orders?limit=50&cursor={page2}",
        "/orders?limit=50&state=draft",
        "/orders?limit=50&state=draft,submitted",
        "/orders?limit=50&q=b0001",
        *[f"/orders?limit=50&q={q}" for q in searched],
        "/invoices?limit=50",
        "/invoices?limit=50&state=open",
        "/invoices?limit=50&q=b0001",
        *[f"/invoices?limit=50&q={q}" for q in searched],
        "/customers?limit=50",
        "/customers?limit=50&q=b0001",
        # the customer search with the rows it has at 10k (18: bench-lists' loader gives that
        # customer 18 orders at 10k and 1M, 22 at 100k; reports_bench's 1M set, 5,000
        # customers, ~200): the same work compared at every size and on any data set
        f"/orders?limit=18&q={cust.lower()}",
        f"/invoices?limit=18&q={cust.lower()}",
        # the day search likewise: its day (page 2's) holds 9 orders at 10k, 50+ from 100k
        f"/orders?limit=9&q={day}",
        f"/invoices?limit=9&q={day}",
    ]
    paths += os.environ.get("LISTS_EXTRA", "").split()  # e.g. a plain page of older rows
    only = os.environ.get("LISTS_ONLY")
    if only:
        paths = [p for p in paths if re.search(only, p)]
    load = lambda: open("/proc/loadavg").read().split()[:3]
    print(f"== {a.orders} orders, {a.customers} customers; load average {' '.join(load())}")
    print(f"{'list':44} {'rows':>5} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8} {'cpu ms':>7}")
    tick = os.sysconf("SC_CLK_TCK")

    def ticks(pid):
        f = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
        return int(f[11]) + int(f[12]), int(f[1])  # utime + stime, parent

    def cpu():  # the server's user + system CPU seconds (less bent by a loaded machine)
        if not a.pid:
            return 0.0
        n = ticks(a.pid)[0]
        if a.pg_postmaster:  # + every backend (the server keeps its connections open)
            for d in os.listdir("/proc"):
                try:
                    t, parent = ticks(int(d)) if d.isdigit() else (0, 0)
                except OSError:
                    continue
                if parent == a.pg_postmaster:
                    n += t
        return n / tick

    for p in paths:
        times = []
        rows = 0
        c0 = 0.0
        for i in range(WARM + REPEAT):
            if i == WARM:
                c0 = cpu()
            t0 = time.perf_counter()
            st, b = call("GET", p, token=gm)
            dt = (time.perf_counter() - t0) * 1000
            assert st == 200, (p, st, b)
            rows = len(b["items"])
            if i >= WARM:
                times.append(dt)
        times.sort()
        p50 = times[len(times) // 2]
        p99 = times[min(len(times) - 1, int(len(times) * 0.99))]
        per = (cpu() - c0) * 1000 / REPEAT
        print(f"{p:44} {rows:5d} {p50:8.1f} {p99:8.1f} {times[-1]:8.1f} {per:7.2f}")
    print(f"   load average after: {' '.join(load())}")


if __name__ == "__main__":
    main()

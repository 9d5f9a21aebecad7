"""Heavy work in a bounded pool with a per-user limit (issue #15 item 9, docs/operations.md
"Heavy work").

One user's parallel statement PDFs made everyone's GET /me wait (1 ms became 1.4-5.8 s): the
PDF was rendered on the MHD thread that also served other connections. Now a heavy request
(report, export, rendered file, import) runs on a pool thread, at most OSB_HEAVY_PER_USER of one
user at once; a user with OSB_HEAVY_PENDING of them waiting or running gets 429 rate_limited with
Retry-After. Heavy reads run on reader threads at nice +10, heavy work that writes (imports)
on a writer at the server's own priority, so an import neither starves holding the write gate
nor waits behind PDFs. Each test runs its own server with small limits, loopback only, bounded in count
(at most 16 requests at once) and time (every request at most 60 s).
"""

import os
import re
import threading
import time

import lib
from lib import DEMO_PASSWORD, check, customer, dispatch, eq, pay, product, released, set_clock


def statement_world(t):
    """A customer with an invoice and 20 receipts: its statement PDF is a real rendering."""
    set_clock(t, "2026-12-01", "10:00")
    sku = product(t, price=1234, case=1)
    cust = customer(t, name="重任务测试客户")
    _order, ship = released(t, cust, [(sku, 100)])
    dispatch(t, ship)
    for i in range(20):
        pay(t, cust, 100 + i)
    return f"/customers/{cust}/statement?from=2026-12-01&to=2026-12-31&format=pdf"


def finance_user(t):
    name = t.uniq("fin")
    t.ok(t.post("/users", {"username": name, "name": "财务重任务", "password": DEMO_PASSWORD,
                           "role": "finance"}), 201, "create a finance user")
    return name


def parallel(t, n, fn):
    """Runs fn(i) in n threads started together; answers the results in order."""
    out = [None] * n
    gate = threading.Barrier(n)

    def one(i):
        gate.wait(timeout=30)
        out[i] = fn(i)

    th = [threading.Thread(target=one, args=(i,)) for i in range(n)]
    for x in th:
        x.start()
    for x in th:
        x.join(timeout=120)
    return out


def timed_get(t, path, token):
    t0 = time.time()
    r = t.get(path, token=token)
    return r, t0, time.time()


def metric(t, name):
    body = t.get("/metrics", user=None).body
    m = re.search(rf"^{name} (\d+)$", body, re.M)
    check(m is not None, f"{name} in /metrics")
    return int(m.group(1))


def test_parallel_pdfs_of_one_user_leave_me_fast(t):
    lib.own_server(t, "heavy-me", use=True, OSB_HEAVY_WORKERS=2, OSB_HEAVY_PER_USER=2,
                   OSB_HEAVY_PENDING=12)
    pdf = statement_world(t)
    fin = t.login("finance")
    gm = t.login("gm")
    eq(t.get(pdf, token=fin).status, 200, "one statement PDF")
    res = {}

    def pdfs():
        res["pdf"] = parallel(t, 8, lambda i: timed_get(t, pdf, fin))

    bg = threading.Thread(target=pdfs)
    bg.start()
    # GET /me, one after another, while the PDFs run (no more than 40 of them)
    me = []
    time.sleep(0.05)
    while bg.is_alive() and len(me) < 40:
        me.append(timed_get(t, "/me", gm))
    bg.join(timeout=120)
    check(not bg.is_alive(), "the PDFs ended")
    done = res["pdf"]
    for r, _, _ in done:
        eq(r.status, 200, "every PDF is rendered (8 is within the user's pending limit)")
        check(r.raw.startswith(b"%PDF"), "a PDF")
    start = min(a for _, a, _ in done)
    end = max(b for _, _, b in done)
    wall = end - start
    check(len(me) >= 3, f"GET /me ran while the PDFs ran ({len(me)} times)")
    for r, _, _ in me:
        eq(r.status, 200, "GET /me")
    worst = max(b - a for _, a, b in me)
    # the PDFs ran two at a time (per-user limit 2): GET /me never waited for one of them, so
    # it took a small part of their time; behind 4 MHD threads rendering 8 PDFs it took as
    # long as about half of them.
    check(worst < wall / 4 and worst < 3,
          f"slowest GET /me {worst:.3f} s while 8 PDFs took {wall:.2f} s")
    eq(metric(t, "osb_heavy_running"), 0, "nothing runs after")
    eq(metric(t, "osb_heavy_waiting"), 0, "nothing waits after")


def test_one_users_limit_answers_429_and_others_pass(t):
    lib.own_server(t, "heavy-429", use=True, OSB_HEAVY_WORKERS=2, OSB_HEAVY_PER_USER=1,
                   OSB_HEAVY_PENDING=3)
    pdf = statement_world(t)
    other = finance_user(t)
    fin = t.login("finance")
    tok2 = t.login(other)
    before = metric(t, "osb_heavy_refused_total")

    # 14 PDFs of finance and, in the middle of them, 2 of the other finance user
    def one(i):
        return timed_get(t, pdf, tok2 if i in (7, 8) else fin)

    out = parallel(t, 16, one)
    mine = [out[i] for i in range(16) if i not in (7, 8)]
    theirs = [out[7], out[8]]
    ok = [x for x in mine if x[0].status == 200]
    refused = [x for x in mine if x[0].status == 429]
    eq(len(ok) + len(refused), len(mine), "each answer is a PDF or a 429")
    check(len(refused) >= 1, "more than the user's pending limit at once gets 429")
    check(len(ok) >= 3, f"the first ones are served ({len(ok)})")
    for r, _, _ in refused:
        d = t.expect_error((r.status, r.body), 429, "rate_limited", rule="heavy_requests")
        check(d is not None, "details")
        eq(r.headers.get("retry-after"), "2", "Retry-After")
    for r, _, _ in theirs:
        eq(r.status, 200, "another user's PDF is not refused for finance's")
        check(r.raw.startswith(b"%PDF"), "a PDF")
    # the other user's PDFs did not wait for all of finance's
    last_mine = max(b for _, _, b in ok)
    check(min(b for _, _, b in theirs) < last_mine,
          "another user's PDF is answered before the last of finance's")
    eq(metric(t, "osb_heavy_refused_total") - before, len(refused), "refusals counted")
    # afterwards the server answers normally, heavy work included
    eq(t.get("/me", token=fin).status, 200, "GET /me after")
    eq(t.get(pdf, token=fin).status, 200, "a PDF after")


def test_heavy_request_without_a_session_is_401_at_once(t):
    lib.own_server(t, "heavy-401", use=True, OSB_HEAVY_WORKERS=1)
    r = t.get("/reports/sales_by?from=2026-12-01&to=2026-12-31", user=None)
    t.expect_error((r.status, r.body), 401, "unauthenticated")
    check("bearer" in r.headers.get("www-authenticate", "").lower(), "WWW-Authenticate")
    r = t.get("/reports/no_such_report", user="finance")
    check(r.status in (400, 404), f"an unknown report through the pool: {r.status}")
    eq(t.get("/me", user="finance").status, 200, "GET /me")


def thread_nices(pid):
    """The nice value of each thread of a process (/proc/PID/task/TID/stat, field 19)."""
    out = []
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/stat") as f:
                st = f.read()
        except FileNotFoundError:
            continue  # ended meanwhile
        out.append(int(st[st.rindex(")") + 2:].split()[16]))
    return out


def test_heavy_reads_run_at_low_priority_writes_at_the_servers(t):
    # 3 reader threads at 10 above the server's nice, 1 writer at the server's own
    s = lib.own_server(t, "heavy-nice", use=True, OSB_HEAVY_WORKERS=3)
    with open(f"/proc/{s.proc.pid}/stat") as f:
        st = f.read()
    base = int(st[st.rindex(")") + 2:].split()[16])
    low = min(base + 10, 19)
    until = time.time() + 10  # each reader sets its own nice as it starts
    while (nices := thread_nices(s.proc.pid)).count(low) < 3 and time.time() < until:
        time.sleep(0.05)
    eq(nices.count(low), 3, f"three heavy-work readers at nice {low} ({nices})")
    check(nices.count(base) >= 2, f"the main thread and the writer at nice {base} ({nices})")
    eq(len(nices), nices.count(low) + nices.count(base), f"no other nice value ({nices})")


def test_an_import_does_not_wait_behind_pdfs(t):
    # one reader renders finance's four PDFs one at a time; admin's import, sent while two of
    # them wait, runs on the writer (normal priority) and is answered before the last PDF (four,
    # not more: at nice +10 on a machine loaded to 40 eight took longer than the client's 60 s)
    lib.own_server(t, "heavy-import", use=True, OSB_HEAVY_WORKERS=1, OSB_HEAVY_PER_USER=2,
                   OSB_HEAVY_PENDING=12)
    pdf = statement_world(t)
    fin = t.login("finance")
    admin = t.login("admin")
    res = {}

    def pdfs():
        res["pdf"] = parallel(t, 4, lambda i: timed_get(t, pdf, fin))

    bg = threading.Thread(target=pdfs)
    bg.start()
    waited = time.time() + 30
    while metric(t, "osb_heavy_waiting") < 2 and time.time() < waited and bg.is_alive():
        time.sleep(0.02)
    code = t.uniq("HV")
    csv = ("code,name,market,region,kam,credit_limit_fen,payment_term_days\n"
           f"{code},重任务导入客户,S,GZ,kam_GZ,0,30\n")
    r = t.request("POST", "/customers/import", raw=csv.encode("utf-8"),
                  content_type="text/csv", token=admin)
    imported = time.time()
    bg.join(timeout=180)
    check(not bg.is_alive(), "the PDFs ended")
    eq(t.ok(r, 201, "the import")["created"], 1, "one customer imported")
    done = res["pdf"]
    for x, _, _ in done:
        eq(x.status, 200, "every PDF is rendered")
    last = max(b for _, _, b in done)
    check(imported < last, f"the import was answered {last - imported:.2f} s before the last PDF")
    eq(metric(t, "osb_heavy_waiting"), 0, "nothing waits after")


def test_me_runs_one_statement(t):
    # GET /me answers from the session read alone (bench-p99 times it beside the heavy work):
    # no BEGIN and COMMIT around a handler that reads nothing (3 statements before)
    lib.own_server(t, "me-statements", use=True, OSB_COUNT_SQL=1)
    tok = t.login("gm")
    for _ in range(3):
        r = t.get("/me", token=tok)
        eq(r.status, 200, "GET /me")
        eq(r.headers.get("x-osb-statements"), "1", "statements GET /me ran")
    eq(t.get("/me", user=None).status, 401, "without a session")

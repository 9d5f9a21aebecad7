"""Concurrency and failure: parallel writers keep the audit chain whole, If-Match stops lost
updates, idempotent replays race safely, and a write the database cannot take answers 500
internal without saying anything internal, half-writing anything or stopping the server."""

import sqlite3
import threading
import time

import lib
from lib import check, eq


def parallel(n, fn):
    """Runs fn(i) in n threads at once; returns the results in order."""
    results = [None] * n
    start = threading.Barrier(n)

    def run(i):
        start.wait()
        try:
            results[i] = fn(i)
        except Exception as exc:  # reported as a result so the test names it
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    return results


def test_parallel_writers_keep_the_chain(t):
    for u in ("admin", "warehouse", "csr_a", "marketing"):
        t.login(u)
    prefix = t.uniq("PW")

    def work(i):
        out = []
        for k in range(10):
            code = f"{prefix}x{i}x{k}"
            if i % 4 == 0:
                r = t.post("/warehouses", {"code": code, "name": "并发仓"})
            elif i % 4 == 1:
                r = t.post("/stock/receipts", {"warehouse": "WH-GZ", "sku": "M-IF1-900",
                                               "batch": prefix, "qty": 12}, user="warehouse")
            elif i % 4 == 2:
                r = t.post("/customers", {"code": code, "name": "并发客户", "market": "S",
                                          "region": "GZ", "kam": "kam_GZ"}, user="csr_a")
            else:
                r = t.patch("/products/M-RICE-225", {"cost_fen": 1000 + k}, user="marketing")
            out.append(r.status)
        return out

    results = parallel(8, work)
    for i, res in enumerate(results):
        if isinstance(res, Exception):
            raise res
        want = 200 if i % 4 == 3 else 201
        eq(res, [want] * 10, f"writer {i}")
    # the shared lot got every receipt: 2 writers × 10 × 12
    lot = [x for x in t.ok(t.get("/stock?sku=M-IF1-900&warehouse=WH-GZ", user="warehouse"))["items"]
           if x["batch"] == prefix]
    eq(lot[0]["on_hand"], 240, "no receipt lost")
    eq(t.ok(t.get("/products/M-RICE-225"))["version"], 1 + 20, "every PATCH counted")
    t.server.stop()
    rc, out, err = t.osb("check", "--db", t.server.db)
    eq(rc, 0, f"osb check after parallel writes: {out} {err}")
    t.server.start()


def test_if_match_stops_lost_updates(t):
    for i in range(8):
        t.login("admin")
    v = t.ok(t.get("/customers/SZ01"))["version"]

    def edit(i):
        return t.patch("/customers/SZ01", {"owner": f"editor{i}"},
                       headers={"If-Match": str(v)}).status

    results = parallel(8, edit)
    eq(sorted(results), [200] + [409] * 7, "exactly one editor wins")
    got = t.ok(t.get("/customers/SZ01"))
    eq(got["version"], v + 1, "one change")
    winner = results.index(200)
    eq(got["owner"], f"editor{winner}", "the winner's change is the one kept")


def test_idempotent_replays_race(t):
    t.login("warehouse")
    body = {"warehouse": "WH-SH", "sku": "M-KID-800", "batch": t.uniq("RACE"), "qty": 24}
    key = "race-" + t.uniq("k")

    def send(i):
        r = t.post("/stock/receipts", body, user="warehouse", headers={"Idempotency-Key": key})
        return r.status, r.body

    results = parallel(8, send)
    eq({st for st, _ in results}, {201}, "every sender gets 201")
    numbers = {b["number"] for _, b in results}
    eq(len(numbers), 1, f"one document number for all: {numbers}")
    eq(t.sql("SELECT count(*) FROM stock_receipts WHERE batch = ?", (body["batch"],))[0][0], 1,
       "created once")
    lot = [x for x in t.ok(t.get("/stock?sku=M-KID-800&warehouse=WH-SH", user="warehouse"))["items"]
           if x["batch"] == body["batch"]]
    eq(lot[0]["on_hand"], 24, "stock received once")


@lib.sqlite_only("holds SQLite's file write lock from outside")
def test_503_when_the_database_refuses_a_write(t):
    # Another process holds the write lock longer than the server's busy timeout: the write
    # fails. The answer is 503 unavailable with Retry-After (the database is busy, nothing is
    # wrong with the request or the server: not 500), with nothing internal in it, nothing is
    # half-written, reads go on meanwhile, and the server serves the retry.
    t.login("admin")
    code = t.uniq("LK")
    con = sqlite3.connect(t.server.db, timeout=1, isolation_level=None)
    con.execute("BEGIN IMMEDIATE")
    try:
        started = time.time()
        t.ok(t.get("/customers/GZ01"), 200, "reads while another writer holds the lock")
        r = t.post("/warehouses", {"code": code, "name": "锁住了"})
        waited = time.time() - started
    finally:
        con.execute("ROLLBACK")
        con.close()
    d = t.expect_error(r, 503, "unavailable")
    check(r.headers.get("retry-after", "").isdigit(), f"Retry-After: {r.headers}")
    msg = r.body["error"]["message"].lower()
    eq(msg, "the database is unavailable, try again", "the message")
    for word in ("sqlite", "select", "insert", "busy", "lock", ".c:", "warehouses"):
        check(word not in msg, f"the 503 message says nothing internal: {msg!r}")
    eq(d, {}, "no details on a 503")
    check(waited >= 2, f"the server waited for the lock ({waited:.1f}s)")
    t.expect_error(t.get(f"/warehouses/{code}"), 404, "not_found")
    eq(t.sql("SELECT count(*) FROM audit WHERE object_key = ?", (code,))[0][0], 0,
       "nothing audited")
    t.ok(t.post("/warehouses", {"code": code, "name": "锁住了"}), 201, "the retry works")

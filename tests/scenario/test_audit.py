"""Audit (numbering-and-rules.md §6): every create and patch writes one audit row with before
and after, readable by the auditor; the rows are hash-chained and `osb check` finds a row
altered behind the application's back."""

import os
import shutil
import sqlite3

import lib
from lib import check, eq


def audit_for(t, otype, key):
    return t.ok(t.get(f"/audit?object_type={otype}&object_key={key}&limit=1000",
                      user="auditor"))["items"]


def max_seq(t):
    return t.sql("SELECT max(seq) FROM audit")[0][0]


def login_all(t, *users):
    """Logins are audited too: log the users in before counting rows."""
    for u in users + ("admin", "auditor"):
        t.login(u)


def test_every_create_and_patch_is_audited(t):
    m, r, u, c, p, w = (t.uniq(x) for x in "MRuCPW")
    cases = [
        ("markets", "market", m, {"code": m, "name": "审计大区", "slt_supervisor": "director"},
         {"name": "审计大区二"}, "admin"),
        ("regions", "region", r, {"code": r, "name": "审计区域", "market": "S"},
         {"name": "审计区域二"}, "admin"),
        ("users", "user", u, {"username": u, "name": "审计用户", "password": "pw123456",
                              "role": "csr"}, {"name": "审计用户二"}, "admin"),
        ("customers", "customer", c, {"code": c, "name": "审计客户", "market": "S", "region": "GZ",
                                      "kam": "kam_GZ"},
         {"name": "审计客户二"}, "csr_a"),
        ("products", "product", p, {"sku": p, "name": "审计产品", "spec": "1", "unit": "个",
                                    "case_size": 1, "price_fen": 1}, {"name": "审计产品二"},
         "marketing"),
        ("warehouses", "warehouse", w, {"code": w, "name": "审计仓"}, {"name": "审计仓二"},
         "admin"),
    ]
    login_all(t, "csr_a", "marketing")
    for coll, otype, key, body, patch, user in cases:
        start = max_seq(t)
        t.ok(t.post(f"/{coll}", body, user=user), 201, f"create {coll}")
        t.ok(t.patch(f"/{coll}/{key}", patch, user=user), 200, f"patch {coll}")
        eq(max_seq(t), start + 2, f"{coll}: exactly two audit rows")
        rows = audit_for(t, otype, key)
        eq([x["action"] for x in rows], ["create", "update"], f"{coll} actions")
        eq({x["actor"] for x in rows}, {user}, f"{coll} actor")
        create, update = rows
        eq(create["before"], None, f"{coll} create.before")
        eq(create["after"]["name"], body["name"], f"{coll} create.after")
        eq(update["before"]["name"], body["name"], f"{coll} update.before")
        eq(update["after"]["name"], patch["name"], f"{coll} update.after")
        eq((update["before"]["version"], update["after"]["version"]), (1, 2), f"{coll} versions")
        for x in rows:
            check(x["ip"] == "127.0.0.1", f"{coll}: ip recorded: {x['ip']}")
            check(x["request_id"], f"{coll}: request id recorded")
            check("password" not in (x["after"] or {}) and "password_hash" not in (x["after"] or {}),
                  f"{coll}: no password in audit")


def test_stock_and_quota_are_audited(t):
    login_all(t, "warehouse", "marketing")
    start = max_seq(t)
    rec = t.ok(t.post("/stock/receipts", {"warehouse": "WH-GZ", "sku": "M-BAG-400",
                                          "batch": t.uniq("B"), "qty": 30}, user="warehouse"), 201)
    q = t.ok(t.post("/quotas", {"period": "2032-01", "sku": "M-BAG-400", "region": "SZ",
                                "qty": 300}, user="marketing"), 201)
    t.ok(t.patch(f"/quotas/{q['id']}", {"qty": 360}, user="marketing"))
    eq(max_seq(t), start + 3, "three audit rows")
    rows = t.ok(t.get(f"/audit?limit=3&cursor={start}", user="auditor"))["items"]
    eq([(x["actor"], x["action"], x["object_type"]) for x in rows],
       [("warehouse", "receive", "stock_lot"), ("marketing", "create", "quota"),
        ("marketing", "update", "quota")], "rows in order")
    eq(rows[0]["object_key"], rec["number"], "receipt keyed by its number")
    eq((rows[2]["before"]["qty"], rows[2]["after"]["qty"]), (300, 360), "quota before/after")


def test_refused_requests_write_nothing(t):
    login_all(t, "kam_GZ")
    start = max_seq(t)
    t.post("/markets", {"code": "NOPE1", "name": "x", "slt_supervisor": "kam_GZ"})  # 422
    t.post("/markets", {"code": "NOPE2", "name": "x", "slt_supervisor": "director"},
           user="kam_GZ")  # 403
    t.patch("/customers/GZ01", {"name": "x"}, headers={"If-Match": "999"})  # 409
    t.post("/customers", {"code": "GZ01", "name": "x", "market": "S", "region": "GZ",
                          "kam": "kam_GZ", "credit_limit_fen": 0, "payment_term_days": 0})  # 409
    t.get("/customers/GZ01")  # reads are not audited
    eq(max_seq(t), start, "no audit row for refused requests or reads")


def test_audit_rows_shape_and_chain(t):
    rows = t.list_all("/audit", user="auditor", limit=200)
    check(len(rows) > 100, f"the demo wrote many rows ({len(rows)})")
    seqs = [x["seq"] for x in rows]
    eq(seqs, list(range(1, len(rows) + 1)), "seq 1..n without gaps, in order")
    for prev, cur in zip(rows, rows[1:]):
        if cur["prev_hash"] != prev["hash"]:
            raise AssertionError(f"chain broken at seq {cur['seq']}")
    eq(rows[0]["prev_hash"], "0" * 64, "first row chains to zeros")
    for x in rows[:5]:
        check({"seq", "at", "actor", "action", "object_type", "object_key", "before", "after",
               "hash", "prev_hash"} <= set(x), f"audit row keys: {sorted(x)}")


def test_audit_filters(t):
    sku = t.uniq("AF")  # marketing writes a row of its own, so the actor filter has one to find
    t.ok(t.post("/products", {"sku": sku, "name": "审计筛选品", "spec": "1", "unit": "个",
                              "case_size": 1, "price_fen": 1}, user="marketing"), 201)
    rows = t.ok(t.get("/audit?actor=marketing&limit=1000", user="gm"))["items"]
    check(rows and all(x["actor"] == "marketing" for x in rows), "actor filter")
    rows = t.ok(t.get("/audit?object_type=customer&object_key=GZ01", user="gm"))["items"]
    check(rows and all(x["object_key"] == "GZ01" for x in rows), "object filter")
    eq(rows[0]["action"], "create", "GZ01 created by the demo")
    rows = t.ok(t.get("/audit?action=login&limit=1000", user="admin"))["items"]
    check(rows and all(x["action"] == "login" for x in rows), "action filter")


@lib.sqlite_only('tampers with a copy of the SQLite file and puts it back')
def test_osb_check_clean_then_tampered(t):
    # a change through the API, so the tampered row is a real one
    t.ok(t.patch("/customers/GZ02", {"owner": "审计前"}, user="csr_a"))
    row = audit_for(t, "customer", "GZ02")[-1]
    seq = row["seq"]
    t.server.stop()
    rc, out, err = t.osb("check", "--db", t.server.db)
    eq(rc, 0, f"osb check on the untouched database ({out} {err})")
    check(out.startswith("ok"), f"check says ok: {out!r}")
    saved = os.path.join(t.workdir, "before-tamper.db")
    shutil.copyfile(t.server.db, saved)
    # alter one row behind the application's back
    con = sqlite3.connect(t.server.db)
    after = con.execute("SELECT after FROM audit WHERE seq = ?", (seq,)).fetchone()[0]
    check("审计前" in after, "found the row to tamper with")
    con.execute("UPDATE audit SET after = ? WHERE seq = ?", (after.replace("审计前", "审计后"), seq))
    con.commit()
    con.close()
    rc, out, err = t.osb("check", "--db", t.server.db)
    eq(rc, 1, f"osb check finds the altered row ({out} {err})")
    check(f"seq={seq}" in out, f"the output names seq {seq}: {out!r}")
    bad_lines = [ln for ln in out.splitlines() if ln.startswith("FAIL")]
    eq(len(bad_lines), 1, f"only the altered row is reported: {out!r}")
    # a deleted row is found too (a gap, and the next row's prev_hash)
    shutil.copyfile(saved, t.server.db)
    con = sqlite3.connect(t.server.db)
    con.execute("DELETE FROM audit WHERE seq = ?", (seq - 1,))
    con.commit()
    con.close()
    rc, out, err = t.osb("check", "--db", t.server.db)
    eq(rc, 1, "osb check finds the deleted row")
    check(f"seq={seq}" in out, f"the row after the gap is named: {out!r}")
    # restore and serve again
    shutil.copyfile(saved, t.server.db)
    for suffix in ("-wal", "-shm"):
        if os.path.exists(t.server.db + suffix):
            os.remove(t.server.db + suffix)
    rc, out, err = t.osb("check", "--db", t.server.db)
    eq(rc, 0, f"restored copy checks clean ({out})")
    t.server.start()
    t.ok(t.get("/customers/GZ02"))


@lib.sqlite_only('tampers with a copy of the SQLite file and puts it back')
def test_osb_check_finds_stock_that_moves_do_not_explain(t):
    t.server.stop()
    saved = os.path.join(t.workdir, "before-stock.db")
    shutil.copyfile(t.server.db, saved)
    con = sqlite3.connect(t.server.db)
    con.execute("UPDATE stock_lots SET on_hand = on_hand + 1 WHERE warehouse = 'WH-SH'"
                " AND sku = 'M-IF1-900' AND batch = 'B2026A'")
    con.commit()
    con.close()
    rc, out, err = t.osb("check", "--db", t.server.db)
    eq(rc, 1, f"check finds the lot ({out})")
    check("WH-SH/M-IF1-900/B2026A" in out and "stock" in out, f"names the lot: {out!r}")
    shutil.copyfile(saved, t.server.db)
    for suffix in ("-wal", "-shm"):
        if os.path.exists(t.server.db + suffix):
            os.remove(t.server.db + suffix)
    t.server.start()

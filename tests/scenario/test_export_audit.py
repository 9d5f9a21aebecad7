"""Files taken away and notifications read leave an audit row (issue #15 finding 7;
numbering-and-rules.md §6.1: every export is audited). A statement (the customer's, as PDF or
XLSX, and a statement document DZ), and a delivery note as PDF each write one `export` row
naming the document, the path, the query, the file type and its size, before the file is
answered; the same reads as JSON are not exports and write nothing. Marking a notification read
writes a `read` row (once: reading it again changes nothing), and read-all one `read_all` row
with how many it marked."""

import lib
from lib import check, customer, dispatch, eq, pay, product, released, set_clock


def exports(t, object_type, key):
    return t.sql("SELECT actor, after FROM audit WHERE action = 'export' AND object_type = ?"
                 " AND object_key = ? ORDER BY seq", (object_type, key))


def world(t):
    if "w" in t.case:
        return t.case["w"]
    set_clock(t, "2026-12-01", "10:00")
    sku = product(t, price=1234, case=1)
    cust = customer(t, name="导出审计测试客户")
    order, ship = released(t, cust, [(sku, 10)])
    dispatch(t, ship)
    pay(t, cust, 500)
    w = t.case["w"] = {"cust": cust, "order": order}
    return w


def test_customer_statement_files_are_audited(t):
    import json
    w = world(t)
    q = f"/customers/{w['cust']}/statement?from=2026-12-01&to=2026-12-31"
    t.ok(t.get(q, user="finance"), 200, "JSON")
    eq(exports(t, "customer_statement", w["cust"]), [], "reading JSON is no export")
    pdf = t.get(q + "&format=pdf", user="finance")
    eq(pdf.status, 200, "pdf")
    check(pdf.raw.startswith(b"%PDF"), "a PDF")
    xlsx = t.get(q + "&format=xlsx", user="csr_a")
    eq(xlsx.status, 200, "xlsx")
    rows = exports(t, "customer_statement", w["cust"])
    eq([r[0] for r in rows], ["finance", "csr_a"], "one export row per file, by its user")
    a = json.loads(rows[0][1])
    eq((a["path"], a["type"], a["bytes"], a["query"]["format"], a["query"]["from"]),
       (f"/customers/{w['cust']}/statement", "application/pdf", len(pdf.raw), "pdf",
        "2026-12-01"), "what was exported")
    eq(json.loads(rows[1][1])["bytes"], len(xlsx.raw), "the XLSX's size")
    # a refused export writes nothing
    t.expect_error(t.get(q + "&format=pdf", user="warehouse"), 403, "forbidden")
    eq(len(exports(t, "customer_statement", w["cust"])), 2, "no row for a refused file")


def test_delivery_note_pdf_is_audited(t):
    w = world(t)
    dn = t.ok(t.get(f"/orders/{w['order']}", user="finance"))["delivery_note"]
    t.ok(t.get(f"/delivery-notes/{dn}", user="finance"), 200, "JSON")
    eq(exports(t, "delivery_note", dn), [], "reading JSON is no export")
    r = t.get(f"/delivery-notes/{dn}.pdf", user="finance")
    eq(r.status, 200, "pdf")
    rows = exports(t, "delivery_note", dn)
    eq([x[0] for x in rows], ["finance"], "one export row")
    aud = t.ok(t.get(f"/audit?object_type=delivery_note&object_key={dn}", user="auditor"))
    check("export" in [x["action"] for x in aud["items"]], "GET /audit shows it")


def test_statement_document_files_are_audited(t):
    set_clock(t, "2031-08-05", "10:00")
    c = lib.customer(t, lib.UNLIMITED)
    pay(t, c, 7000, received_on="2031-08-05")
    n = t.ok(t.post("/statements", {"customer": c, "kind": "adhoc", "from": "2031-08-01",
                                    "to": "2031-08-05"}, user="csr_a"), 201)["number"]
    t.ok(t.get(f"/statements/{n}", user="finance"), 200, "JSON")
    eq(exports(t, "statement", n), [], "reading JSON is no export")
    for fmt, magic in (("pdf", b"%PDF"), ("xlsx", b"PK")):
        r = t.get(f"/statements/{n}?format={fmt}", user="finance")
        check(r.status == 200 and r.raw.startswith(magic), fmt)
    eq(len(exports(t, "statement", n)), 2, "two files, two rows")


def test_reading_a_notification_is_audited(t):
    set_clock(t, "2027-09-09", "09:00")
    n, n2 = (t.ok(t.post("/support-requests", {"kind": "ad_design", "details": f"审计{k}"},
                         user="um_GZ"), 201, "request")["number"] for k in (1, 2))
    for x in (n, n2):
        lib.act(t, "support-requests", x, "forward", "csr_a", {"handler": "设计部"})
    mine = [x for x in t.list_all("/notifications?unread=true", user="um_GZ")
            if x["document"] == n]
    check(mine, "the UM is told")
    nid = mine[0]["id"]

    def reads():
        return t.sql("SELECT actor, before, after FROM audit WHERE action = 'read'"
                     " AND object_type = 'notification' AND object_key = ?", (str(nid),))

    eq(reads(), [], "nothing yet")
    got = t.ok(t.post(f"/notifications/{nid}/read", {}, user="um_GZ"), 200, "read")
    check(got["read"], "read")
    rows = reads()
    eq([r[0] for r in rows], ["um_GZ"], "one row, by the reader")
    t.ok(t.post(f"/notifications/{nid}/read", {}, user="um_GZ"), 200, "again")
    eq(len(reads()), 1, "reading it again changes nothing and writes nothing")
    t.expect_error(t.post(f"/notifications/{nid}/read", {}, user="csr_a"), 404, "not_found")
    eq(len(reads()), 1, "someone else's: no row")
    before = t.sql("SELECT count(*) FROM audit WHERE action = 'read_all'"
                   " AND object_key = 'um_GZ'")[0][0]
    left = len(t.list_all("/notifications?unread=true", user="um_GZ"))
    check(left >= 1, "the second request's notification is unread")
    r = t.ok(t.post("/notifications/read-all", {}, user="um_GZ"), 200, "read all")
    eq(r["marked"], left, "marked what was unread")
    rows = t.sql("SELECT after FROM audit WHERE action = 'read_all' AND object_key = 'um_GZ'"
                 " ORDER BY seq")
    eq(len(rows), before + 1, "one read_all row")
    check(f'"marked":{left}' in rows[-1][0].replace(" ", ""), f"marked in {rows[-1][0]}")
    t.ok(t.post("/notifications/read-all", {}, user="um_GZ"), 200, "nothing left")
    eq(len(t.sql("SELECT 1 FROM audit WHERE action = 'read_all' AND object_key = 'um_GZ'")),
       len(rows), "nothing marked, no row")

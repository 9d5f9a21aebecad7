"""api.md §5.1 q= on the lists that had none: notifications (document, subject or event),
the audit log (object key, actor, object type or action) and stock (SKU, warehouse, batch);
case-insensitive substrings, '%' and '_' match themselves."""

from lib import check, eq, set_clock


def test_notifications_q(t):
    set_clock(t, "2027-10-03", "09:00")
    n = t.ok(t.post("/support-requests", {"kind": "ad_design", "details": "海报"}, user="um_GZ"),
             201, "request")["number"]
    got = t.list_all(f"/notifications?q={n.lower()}", user="csr_a")
    check(got, "found by its document number, any case")
    for x in got:
        eq(x["document"], n, "only that document's")
    eq(t.list_all("/notifications?q=%25_nothing", user="csr_a"), [], "% and _ are literal")


def test_audit_q(t):
    set_clock(t, "2027-10-03", "09:00")
    n = t.ok(t.post("/support-requests", {"kind": "ad_design", "details": "海报"}, user="um_GZ"),
             201, "request")["number"]
    got = t.list_all(f"/audit?q={n[-6:].lower()}", user="admin")
    check(any(x["object_key"] == n for x in got), "the request's audit row")
    for x in got:
        check(n[-6:].lower() in " ".join(str(x.get(k) or "") for k in
                                         ("object_key", "actor", "object_type", "action")).lower(),
              f"matches q: {x}")


def test_stock_q(t):
    items = t.list_all("/stock", user="admin")
    check(items, "the demo has stock")
    sku = items[0]["sku"]
    got = t.list_all(f"/stock?q={sku.lower()}", user="admin")
    check(got, "found by SKU")
    for x in got:
        check(sku.lower() in (x["sku"] + x["warehouse"] + (x["batch"] or "")).lower(), str(x))
    eq(t.list_all("/stock?q=%25%25none", user="admin"), [], "nothing")

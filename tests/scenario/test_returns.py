"""Returns (TH) with red-ink documents (api.md §3.6, flows.md §6): every path — received,
refused at inspection, cancelled — the over_return / not_returnable rules, who may act, the
warehouse's view without prices, and the credit note's re-check on money."""

import lib
from lib import (check, checked, credit, customer, dispatch, eq, invoices_of, ledger,
                 ledger_consistent, order_act, osb_check, pay, product, release, released, WH)


def setup(t):
    """The test's product, customer and a dispatched order of 20 (made on first use, once per
    test)."""
    if "setup" in t.case:
        return t.case["setup"]
    F = t.case["setup"] = {}
    F["sku"] = product(t, price=2500, batch="RTB1")
    F["cust"] = customer(t)
    n, ship = released(t, F["cust"], [(F["sku"], 20)])
    dispatch(t, ship)
    F["order"], F["ship"] = n, ship
    return F


def create(t, lines, order=None, user="kam_GZ", status=201):
    f = setup(t)
    return t.ok(t.post("/returns", {"order": order or f["order"], "lines": lines}, user=user),
                status, "create return")


def act(t, number, action, user, body=None, status=200):
    return lib.act(t, "returns", number, action, user, body, status)


def on_hand(t, sku, batch):
    for it in t.ok(t.get(f"/stock?sku={sku}&warehouse={WH}"))["items"]:
        if it["batch"] == batch:
            return it["on_hand"]
    raise AssertionError("no lot")


def test_return_received_puts_stock_back_and_credits_the_invoice(t):
    f = setup(t)
    inv = invoices_of(t, f["cust"], order=f["order"])[0]
    stock0 = on_hand(t, f["sku"], "RTB1")
    r = create(t, [{"sku": f["sku"], "batch": "RTB1", "qty": 4, "reason": "外包装破损",
                    "reason_code": "damaged"}])
    check("TH" in r["number"], "TH number")
    eq((r["state"], r["total_fen"], r["lines"][0]["price_fen"]), ("requested", 10000, 2500),
       "requested at the original price")
    r = act(t, r["number"], "confirm", "um_GZ")
    eq(r["state"], "confirmed", "confirmed")
    r = act(t, r["number"], "inspect", "service", {"genuine": True})
    eq((r["state"], r["inspection"]["genuine"]), ("inspected", True), "inspected")
    r = act(t, r["number"], "approve", "mm_S")
    eq(r["state"], "approved", "approved")
    eq(r["red_ink_note"]["number"], r["number"], "red-ink delivery note under the TH number")
    eq(on_hand(t, f["sku"], "RTB1"), stock0, "no stock before receipt")
    r = act(t, r["number"], "receive", "warehouse")
    eq(r["state"], "received", "received")
    eq(on_hand(t, f["sku"], "RTB1"), stock0 + 4, "stock back into its batch")
    moves = t.sql("SELECT kind, qty FROM stock_moves WHERE document = ?", (r["number"],))
    eq(moves, [("return_in", 4)], "return_in move")
    cn = r["credit_note"]
    check(cn and "HZ" in cn, f"credit note {cn}")
    hz = t.ok(t.get(f"/credit-notes/{cn}", user="finance"))
    eq((hz["invoice"], hz["reason"], hz["return"], hz["amount_fen"]),
       (inv["number"], "return", r["number"], 10000), "HZ against the invoice")
    eq((hz["lines"][0]["invoice_line"], hz["lines"][0]["qty"], hz["lines"][0]["batch"]),
       (1, 4, "RTB1"), "linked line by line")
    inv2 = t.ok(t.get(f"/invoices/{inv['number']}", user="finance"))
    eq((inv2["credited_fen"], inv2["open_fen"], inv2["state"]), (10000, 40000, "partial"),
       "invoice credited")
    led = ledger(t, f["cust"])
    eq((led[-1]["kind"], led[-1]["document"], led[-1]["credit_fen"]), ("credit_note", cn, 10000),
       "ledger credited")
    ledger_consistent(t, f["cust"])
    eq(osb_check(t)[0], 0, "osb check clean")


def test_refused_at_inspection_changes_nothing_else(t):
    f = setup(t)
    stock0 = on_hand(t, f["sku"], "RTB1")
    led0 = len(ledger(t, f["cust"]))
    r = create(t, [{"sku": f["sku"], "batch": "RTB1", "qty": 2, "reason": "疑似假货"}])
    act(t, r["number"], "confirm", "um_GZ")
    r = act(t, r["number"], "inspect", "service", {"genuine": False})
    eq((r["state"], r["inspection"]["genuine"]), ("refused", False), "refused")
    eq(on_hand(t, f["sku"], "RTB1"), stock0, "stock unchanged")
    eq(len(ledger(t, f["cust"])), led0, "ledger unchanged")
    eq(r["credit_note"], None, "no credit note")
    for action, user in (("approve", "mm_S"), ("receive", "warehouse"), ("cancel", "kam_GZ")):
        t.expect_error(t.post(f"/returns/{r['number']}/{action}", {}, user=user), 409,
                       "invalid_state")


def test_cancel_before_approval(t):
    f = setup(t)
    r = create(t, [{"sku": f["sku"], "batch": "RTB1", "qty": 1, "reason": "下错单"}])
    t.expect_error(t.post(f"/returns/{r['number']}/cancel", {}, user="csr_a"), 403, "forbidden")
    r = act(t, r["number"], "cancel", "kam_GZ")
    eq(r["state"], "cancelled", "cancelled by its creator")
    r = create(t, [{"sku": f["sku"], "batch": "RTB1", "qty": 1, "reason": "下错单"}])
    act(t, r["number"], "confirm", "um_GZ")
    act(t, r["number"], "inspect", "service", {"genuine": True})
    r = act(t, r["number"], "cancel", "um_GZ")
    eq(r["state"], "cancelled", "cancelled by the UM")
    r = create(t, [{"sku": f["sku"], "batch": "RTB1", "qty": 1, "reason": "下错单"}])
    for action, user, body in (("confirm", "um_GZ", None), ("inspect", "service",
                                                            {"genuine": True}),
                               ("approve", "mm_S", None)):
        act(t, r["number"], action, user, body)
    t.expect_error(t.post(f"/returns/{r['number']}/cancel", {}, user="kam_GZ"), 409,
                   "invalid_state")
    act(t, r["number"], "receive", "warehouse")


def test_over_return_and_not_returnable(t):
    f = setup(t)
    live = t.sql("SELECT coalesce(sum(l.qty), 0) FROM return_lines l JOIN returns r ON"
                 " r.number = l.return_no WHERE r.order_no = ? AND r.state NOT IN"
                 " ('refused', 'cancelled')", (f["order"],))[0][0]
    left = 20 - live
    before = t.sql("SELECT count(*) FROM returns")[0][0]
    d = t.expect_error(t.post("/returns", {"order": f["order"], "lines": [
        {"sku": f["sku"], "batch": "RTB1", "qty": left + 1, "reason": "x"}]}, user="kam_GZ"),
        422, "validation_failed", rule="over_return")
    eq((d["shipped"], d["returned"]), (20, live), "details say shipped and returned")
    t.expect_error(t.post("/returns", {"order": f["order"], "lines": [
        {"sku": f["sku"], "batch": "RTB1", "qty": left, "reason": "x"},
        {"sku": f["sku"], "batch": "RTB1", "qty": 1, "reason": "y"}]}, user="kam_GZ"),
        422, "validation_failed", rule="over_return")
    t.expect_error(t.post("/returns", {"order": f["order"], "lines": [
        {"sku": f["sku"], "batch": "NOPE", "qty": 1, "reason": "x"}]}, user="kam_GZ"),
        422, "validation_failed", rule="over_return")
    t.expect_error(t.post("/returns", {"order": f["order"], "lines": [
        {"sku": f["sku"], "batch": "RTB1", "qty": 0, "reason": "x"}]}, user="kam_GZ"),
        422, "validation_failed", rule="zero_qty")
    # an order not yet dispatched, and a sample line, are not returnable
    o = checked(t, f["cust"], [(f["sku"], 3)])
    t.expect_error(t.post("/returns", {"order": o["number"], "lines": [
        {"sku": f["sku"], "batch": "RTB1", "qty": 1, "reason": "x"}]}, user="kam_GZ"),
        422, "validation_failed", rule="not_returnable")
    order_act(t, o["number"], "cancel", "ssg_leader")
    sample = product(t, price=0, kind="sample", batch="SMP1")
    n, ship = released(t, f["cust"], [(f["sku"], 1), (sample, 2)])
    dispatch(t, ship)
    t.expect_error(t.post("/returns", {"order": n, "lines": [
        {"sku": sample, "batch": "SMP1", "qty": 1, "reason": "x"}]}, user="kam_GZ"),
        422, "validation_failed", rule="not_returnable")
    eq(t.sql("SELECT count(*) FROM returns")[0][0], before, "nothing created")
    # exactly what is left is fine
    r = create(t, [{"sku": f["sku"], "batch": "RTB1", "qty": left, "reason": "全部退回"}])
    act(t, r["number"], "cancel", "kam_GZ")


def test_who_may_act(t):
    f = setup(t)
    t.expect_error(t.post("/returns", {"order": f["order"], "lines": [
        {"sku": f["sku"], "batch": "RTB1", "qty": 1, "reason": "x"}]}, user="csr_a"),
        403, "forbidden")
    t.expect_error(t.post("/returns", {"order": f["order"], "lines": [
        {"sku": f["sku"], "batch": "RTB1", "qty": 1, "reason": "x"}]}, user="kam_BJ"),
        422, "validation_failed", rule="unknown_reference")
    r = create(t, [{"sku": f["sku"], "batch": "RTB1", "qty": 1, "reason": "x"}])
    n = r["number"]
    t.expect_error(t.post(f"/returns/{n}/confirm", {}, user="kam_GZ"), 403, "forbidden")
    t.expect_error(t.post(f"/returns/{n}/confirm", {}, user="um_SZ"), 404, "not_found")
    act(t, n, "confirm", "um_GZ")
    t.expect_error(t.post(f"/returns/{n}/inspect", {"genuine": True}, user="um_GZ"), 403,
                   "forbidden")
    t.expect_error(t.post(f"/returns/{n}/inspect", {}, user="service"), 422,
                   "validation_failed", rule="required")
    act(t, n, "inspect", "service", {"genuine": True})
    t.expect_error(t.post(f"/returns/{n}/approve", {}, user="um_GZ"), 403, "forbidden")
    t.expect_error(t.post(f"/returns/{n}/approve", {}, user="mm_E"), 404, "not_found")
    act(t, n, "approve", "mm_S")
    t.expect_error(t.post(f"/returns/{n}/receive", {}, user="finance"), 403, "forbidden")
    w = t.ok(t.get(f"/returns/{n}", user="warehouse"))
    check("total_fen" not in w and "price_fen" not in w["lines"][0], "no prices for warehouse")
    act(t, n, "receive", "warehouse")
    items = t.ok(t.get(f"/returns?order={f['order']}", user="kam_GZ"))["items"]
    check(any(i["number"] == n for i in items), "listed")
    eq(t.ok(t.get("/returns", user="kam_BJ"))["items"], [], "scope")


def test_return_credit_releases_a_waiting_prepay_order(t):
    f = setup(t)
    cust = customer(t, limit=0, prepay_only=True)
    pay(t, cust, 50000)
    a = checked(t, cust, [(f["sku"], 20)])
    eq(a["state"], "pending_approval", "paid order")
    a = release(t, a["number"])
    dispatch(t, a["shipments"][0])
    b = checked(t, cust, [(f["sku"], 4)])
    eq((b["state"], b["credit_check"]["shortfall_fen"]), ("prepay_required", 10000), "waiting")
    r = create(t, [{"sku": f["sku"], "batch": "RTB1", "qty": 4, "reason": "滞销"}],
               order=a["number"])
    for action, user, body in (("confirm", "um_GZ", None),
                               ("inspect", "service", {"genuine": True}),
                               ("approve", "mm_S", None), ("receive", "warehouse", None)):
        r = act(t, r["number"], action, user, body)
    hz = t.ok(t.get(f"/credit-notes/{r['credit_note']}", user="finance"))
    eq(hz["amount_fen"], 10000, "credit note")
    b2 = t.ok(t.get(f"/orders/{b['number']}"))
    eq((b2["state"], b2["credit_check"]["result"]), ("pending_approval", "prepaid"),
       "the credit is money: re-check moved the waiting order")
    invs = invoices_of(t, cust, order=b["number"])
    eq([(i["amount_fen"], i["state"]) for i in invs], [(10000, "paid")],
       "and invoiced it from the credit")
    eq(credit(t, cust)["prepayment_fen"], 0, "credit used")
    ledger_consistent(t, cust)
    eq(osb_check(t)[0], 0, "osb check clean")


def test_a_return_spanning_two_shipments_credits_both_invoices(t):
    f = setup(t)
    cust = customer(t)
    n, ship = released(t, cust, [(f["sku"], 10)])
    s = dispatch(t, ship, {"lines": [{"sku": f["sku"], "batch": "RTB1", "qty": 6}]})
    bo = s["backorders"][0]["number"]
    fh2 = t.ok(t.post(f"/backorders/{bo}/schedule", {}, user="csr_a"))["scheduled_shipment"]
    dispatch(t, fh2)
    invs = invoices_of(t, cust)
    eq([i["amount_fen"] for i in invs], [15000, 10000], "one invoice per dispatch")
    r = create(t, [{"sku": f["sku"], "batch": "RTB1", "qty": 8, "reason": "滞销"}], order=n)
    for action, user, body in (("confirm", "um_GZ", None),
                               ("inspect", "service", {"genuine": True}),
                               ("approve", "mm_S", None), ("receive", "warehouse", None)):
        r = act(t, r["number"], action, user, body)
    eq(len(r["credit_notes"]), 2, "one credit note per invoice")
    got = [t.ok(t.get(f"/credit-notes/{c}", user="finance")) for c in r["credit_notes"]]
    eq(sorted((g["invoice"], g["amount_fen"], g["lines"][0]["qty"]) for g in got),
       [(invs[0]["number"], 15000, 6), (invs[1]["number"], 5000, 2)],
       "the first shipment's invoice, then the second's")
    eq([t.ok(t.get(f"/invoices/{i['number']}", user="finance"))["state"] for i in invs],
       ["cancelled", "partial"], "credited")
    ledger_consistent(t, cust)
    eq(osb_check(t)[0], 0, "osb check clean")

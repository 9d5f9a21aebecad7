"""Goods paid from expense money (费用款 free goods; entities.md §5.2 payment_source, flows.md
§2.4 QC-5 and §15 settle "free goods"): an order line {"sku","qty","payment_source":"expense",
"expense_application"} draws (qty − cut) × list price on an approved expense application of the
customer (free-goods form), is 0 to pay (outside credit exposure, never invoiced), and over-draw
fails QC with rule expense_unavailable; a rejected order or a received return gives the amount
back; finance cannot settle a drawn application in another form (422 free_goods_drawn); the
budget figures stay the sums of the applications (`osb check`)."""

import lib
from lib import check, credit, customer, dispatch, eq, invoices_of, osb_check, product, release

_n = [0]


def period():
    _n[0] += 1
    return f"{2060 + _n[0]}-05"


def app(t, cust, amount, settle=True, form="free_goods", actual=None):
    """An expense application of cust approved (and executed and settled in the free-goods
    form unless settle is False); returns its number."""
    per = period()
    t.ok(t.post("/expense-budgets", {"market": "S", "category": "promotion", "period": per,
                                     "amount_fen": 100000000}, user="marketing"), 201, "budget")
    body = {"category": "promotion", "amount_fen": amount, "purpose": "门店赠品",
            "period": per, "customer": cust}
    if form:
        body["settlement_form"] = form
    n = t.ok(t.post("/expense-applications", body, user="kam_GZ"), 201, "apply")["number"]
    lib.act(t, "expense-applications", n, "approve", "mm_S")
    if settle:
        lib.act(t, "expense-applications", n, "execute", "kam_GZ",
                {"actual_fen": actual or amount, "evidence": "赠品清单"})
        lib.act(t, "expense-applications", n, "settle", "finance",
                {"settlement_form": "free_goods"})
    return n


def order(t, cust, lines):
    """An order of lines (dicts) taken through the check; returns it."""
    o = t.ok(t.post("/orders", {"customer": cust, "lines": lines}, user="kam_GZ"), 201,
             "create order")
    for action, user in (("verify", "kam_GZ"), ("approve-market", "mm_S"), ("accept", "csr_a"),
                         ("check", "csr_a")):
        o = lib.order_act(t, o["number"], action, user)
    return o


def free_order(t, day, batch, qty=10, amount=20000):
    """On day, a customer, a product at 1000 of batch, an application of amount and an order of
    qty paid from it taken through the check; returns (cust, sku, application, order)."""
    lib.set_clock(t, day)
    cust = customer(t, lib.UNLIMITED)
    sku = product(t, price=1000, batch=batch)
    n = app(t, cust, amount)
    o = order(t, cust, [{"sku": sku, "qty": qty, "payment_source": "expense",
                         "expense_application": n}])
    return cust, sku, n, o


def fy(t, n):
    return t.ok(t.get(f"/expense-applications/{n}", user="finance"))


def failed_rules(o):
    return [f["rule"] for f in (o.get("qc") or {}).get("failed", [])]


def test_free_goods_line_draws_on_the_application(t):
    lib.set_clock(t, "2030-05-06")
    cust = customer(t, lib.UNLIMITED)
    sku, cash = product(t, price=2000), product(t, price=500)
    n = app(t, cust, 100000)
    a = fy(t, n)
    eq((a["free_goods_fen"], a["free_goods_drawn_fen"], a["free_goods_remaining_fen"]),
       (100000, 0, 100000), "free goods offered by the settled application")
    before = credit(t, cust)
    o = order(t, cust, [{"sku": cash, "qty": 10},
                        {"sku": sku, "qty": 30, "payment_source": "expense",
                         "expense_application": n}])
    eq(o["state"], "pending_approval", f"passes QC and CC ({o.get('qc')})")
    ln = o["lines"][1]
    eq((ln["payment_source"], ln["expense_application"], ln["price_fen"], ln["amount_fen"],
        ln["expense_price_fen"], ln["expense_amount_fen"]),
       ("expense", n, 0, 0, 2000, 60000), "an expense line: 0 to pay, drawn at the list price")
    eq(o["lines"][0]["payment_source"], "cash", "a cash line")
    eq((o["total_fen"], o["cash_total_fen"], o["expense_total_fen"]), (5000, 5000, 60000),
       "cash and expense totals apart")
    after = credit(t, cust)
    eq(after["open_orders_fen"] - before["open_orders_fen"], 5000,
       "only the cash lines count in the exposure")
    a = fy(t, n)
    eq((a["free_goods_drawn_fen"], a["free_goods_remaining_fen"], a["free_goods_shipped_fen"]),
       (60000, 40000, 0), "drawn at the check")
    # over-draw: QC-5
    o2 = order(t, cust, [{"sku": sku, "qty": 21, "payment_source": "expense",
                          "expense_application": n}])
    eq((o2["state"], failed_rules(o2)), ("needs_fix", ["expense_unavailable"]), "over-draw")
    eq(o2["qc"]["failed"][0]["line"], 1, "the line named")
    o3 = order(t, cust, [{"sku": sku, "qty": 20, "payment_source": "expense",
                          "expense_application": n}])
    eq(o3["state"], "pending_approval", "exactly what is left")
    eq(fy(t, n)["free_goods_remaining_fen"], 0, "all drawn")
    # a rejected order gives its draw back
    lib.order_act(t, o3["number"], "reject", "deputy", {"comment": "客户取消"})
    eq(fy(t, n)["free_goods_remaining_fen"], 40000, "a rejected order gives it back")
    # shipment: the draw is shipped; invoice carries only the cash lines
    o = release(t, o["number"])
    dispatch(t, o["shipments"][0])
    a = fy(t, n)
    eq((a["free_goods_drawn_fen"], a["free_goods_shipped_fen"]), (60000, 60000),
       "shipped at dispatch")
    inv = invoices_of(t, cust, order=o["number"])
    eq(sum(i["amount_fen"] for i in inv), 5000, "the invoice charges only the cash lines")
    # a drawn application cannot be settled again in another form (it is settled already: a
    # fresh one executed, drawn, then settled as reimbursement)
    n2 = app(t, cust, 8000, settle=False, form=None)
    lib.act(t, "expense-applications", n2, "execute", "kam_GZ",
            {"actual_fen": 8000, "evidence": "x"})
    o4 = order(t, cust, [{"sku": sku, "qty": 2, "payment_source": "expense",
                          "expense_application": n2}])
    eq(o4["state"], "pending_approval", "an executed application of undecided form")
    t.expect_error(t.post(f"/expense-applications/{n2}/settle",
                          {"settlement_form": "reimbursement"}, user="finance"),
                   422, "validation_failed", rule="free_goods_drawn")
    eq(lib.act(t, "expense-applications", n2, "settle", "finance",
               {"settlement_form": "free_goods"})["state"], "settled", "settled as free goods")
    eq(osb_check(t)[0], 0, "osb check clean (budget sums)")


def test_expense_line_rules(t):
    lib.set_clock(t, "2030-05-07")
    cust, other = customer(t, lib.UNLIMITED), customer(t, lib.UNLIMITED)
    sku = product(t, price=1000)
    mine = app(t, cust, 50000)
    theirs = app(t, other, 50000)
    reimb = app(t, cust, 50000, settle=False, form="reimbursement")
    pending = t.ok(t.post("/expense-applications", {
        "category": "promotion", "amount_fen": 1000, "purpose": "x", "period": period(),
        "customer": cust}, user="kam_GZ"), 201, "apply")["number"]
    for bad in (theirs, reimb, pending, "FY-NONE"):
        o = order(t, cust, [{"sku": sku, "qty": 1, "payment_source": "expense",
                             "expense_application": bad}])
        eq((o["state"], failed_rules(o)), ("needs_fix", ["expense_unavailable"]), bad)
    # the shape of a line
    for line, status, code in (
            ({"sku": sku, "qty": 1, "payment_source": "expense"}, 422, "validation_failed"),
            ({"sku": sku, "qty": 1, "payment_source": "card"}, 400, "bad_request"),
            ({"sku": sku, "qty": 1, "expense_application": mine}, 422, "validation_failed"),
            ({"sku": sku, "qty": 1, "payment_source": "expense", "expense_application": mine,
              "price_fen": 1}, 422, "validation_failed")):
        t.expect_error(t.post("/orders", {"customer": cust, "lines": [line]}, user="kam_GZ"),
                       status, code)
    o = order(t, cust, [{"sku": sku, "qty": 5, "payment_source": "cash"}])
    eq((o["state"], o["lines"][0]["amount_fen"]), ("pending_approval", 5000), "cash is default")


def test_return_gives_free_goods_back(t):
    cust, sku, n, o = free_order(t, "2030-05-08", "FGB1")
    o = release(t, o["number"])
    dispatch(t, o["shipments"][0])
    eq(fy(t, n)["free_goods_remaining_fen"], 10000, "drawn")
    r = t.ok(t.post("/returns", {"order": o["number"], "lines": [
        {"sku": sku, "batch": "FGB1", "qty": 4, "reason": "破损", "reason_code": "damaged"}]},
        user="kam_GZ"), 201, "return")
    for action, user, body in (("confirm", "um_GZ", None), ("inspect", "service",
                                                            {"genuine": True}),
                               ("approve", "mm_S", None), ("receive", "warehouse", None)):
        r = lib.act(t, "returns", r["number"], action, user, body)
    eq(r["state"], "received", "received")
    a = fy(t, n)
    eq((a["free_goods_drawn_fen"], a["free_goods_shipped_fen"], a["free_goods_remaining_fen"]),
       (6000, 6000, 14000), "the return gives its value back")
    check(osb_check(t)[0] == 0, "osb check clean")

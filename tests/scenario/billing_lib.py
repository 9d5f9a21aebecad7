"""billing_lib.py — helpers shared by test_billing.py and test_returns.py: customers and a
product of their own, orders driven through OP to released, shipments to dispatched, receipts,
and an independent reading of a customer's money straight from the database."""

import datetime

from lib import check, eq

WH = "WH-GZ"


def today(t):
    return t.ok(t.get("/test/clock"))["now"][:10]


def set_clock(t, day, time="10:00:00"):
    t.ok(t.put("/test/clock", {"now": f"{day}T{time}+08:00"}), 200, "set clock")


def add_days(day, n):
    d = datetime.date.fromisoformat(day) + datetime.timedelta(days=n)
    return d.isoformat()


def product(t, price=1000, case=1, kind=None, stock=1000000, batch="BLB1"):
    """A product of its own (price in fen, case size 1) with stock in WH-GZ."""
    sku = t.uniq("BL")
    body = {"sku": sku, "name": f"结算测试品{sku}", "spec": "1", "unit": "个",
            "case_size": case, "price_fen": price}
    if kind:
        body["kind"] = kind
    t.ok(t.post("/products", body), 201, "create product")
    if stock:
        t.ok(t.post("/stock/receipts", {"warehouse": WH, "sku": sku, "batch": batch,
                                        "qty": stock, "expires": "2030-12-31"},
                    user="warehouse"), 201, "stock receipt")
    return sku


def customer(t, limit=100000000, prepay_only=False, term=30, name=None):
    code = t.uniq("BC")
    body = {"code": code, "name": name or f"结算客户{code}", "market": "S", "region": "GZ",
            "kam": "kam_GZ", "credit_limit_fen": limit, "payment_term_days": term,
            "consignee": "收货人", "consignee_phone": "13800000000",
            "consignment_station": "广州站"}
    if prepay_only:
        body["prepay_only"] = True
    t.ok(t.post("/customers", body), 201, "create customer")
    return code


def order_act(t, n, action, user, body=None, status=200):
    return t.ok(t.post(f"/orders/{n}/{action}", body or {}, user=user), status,
                f"order {action} by {user}")


def checked(t, cust, lines):
    """Creates an order of [(sku, qty)] and runs it to the credit check; returns the order."""
    o = t.ok(t.post("/orders", {"customer": cust,
                                "lines": [{"sku": s, "qty": q} for s, q in lines]},
                    user="kam_GZ"), 201, "create order")
    n = o["number"]
    for action, user in (("verify", "kam_GZ"), ("approve-market", "mm_S"), ("accept", "csr_a"),
                         ("check", "csr_a")):
        o = order_act(t, n, action, user)
    return o


def release(t, n):
    """pending_approval → approved → billed → released; returns the order."""
    o = t.ok(t.get(f"/orders/{n}"))
    if o["state"] == "pending_approval":
        o = order_act(t, n, "approve", "deputy")
    for action, user in (("print-delivery-note", "finance"), ("release", "csr_a")):
        o = order_act(t, n, action, user)
    eq(o["state"], "released", "released")
    return o


def released(t, cust, lines):
    o = checked(t, cust, lines)
    eq(o["state"], "pending_approval", f"order passes CC ({o.get('credit_check')})")
    o = release(t, o["number"])
    return o["number"], o["shipments"][0]


def dispatch(t, ship, picks=None):
    """receive, pick (FEFO unless picks), check, book, dispatch; returns the shipment."""
    for action, body in (("receive", None), ("pick", picks), ("check", None),
                         ("book", {"carrier": "顺丰物流", "station": "广州站",
                                   "waybill": t.uniq("WB")}), ("dispatch", None)):
        s = t.ok(t.post(f"/shipments/{ship}/{action}", body or {}, user="warehouse"), 200,
                 f"shipment {action}")
    eq(s["state"], "dispatched", "dispatched")
    return s


def invoices_of(t, cust, order=None):
    q = f"/invoices?customer={cust}" + (f"&order={order}" if order else "")
    items = t.ok(t.get(q, user="finance"))["items"]
    return sorted(items, key=lambda i: i["number"])


def pay(t, cust, amount, status=201, **extra):
    body = {"customer": cust, "amount_fen": amount, "method": "bank_transfer",
            "reference": extra.pop("reference", t.uniq("REF")),
            "received_on": extra.pop("received_on", today(t))}
    body.update(extra)
    return t.ok(t.post("/payments", body, user="finance"), status, "payment")


def credit(t, cust):
    return t.ok(t.get(f"/customers/{cust}", user="finance"))["credit"]


def ledger(t, cust):
    return t.ok(t.get(f"/customers/{cust}/ledger", user="finance"))["items"]


def money_from_db(t, cust):
    """(open receivables, unapplied) summed straight from the tables, independent of the API."""
    rec = t.sql("SELECT coalesce(sum(amount_fen - settled_fen - credited_fen - written_off_fen),"
                " 0) FROM invoices WHERE customer = ?", (cust,))[0][0]
    un = t.sql("SELECT coalesce(sum(unapplied_fen), 0) FROM payments WHERE customer = ?",
               (cust,))[0][0]
    un += t.sql("SELECT coalesce(sum(unapplied_fen), 0) FROM credit_notes WHERE customer = ?",
                (cust,))[0][0]
    return rec, un


def ledger_consistent(t, cust):
    """Running balances chain, seq is gapless, and the last balance = receivables − unapplied."""
    items = ledger(t, cust)
    bal = 0
    for i, it in enumerate(items):
        eq(it["seq"], i + 1, "gapless seq")
        check((it["debit_fen"] > 0) != (it["credit_fen"] > 0), f"one side only: {it}")
        bal += it["debit_fen"] - it["credit_fen"]
        eq(it["balance_fen"], bal, f"running balance at seq {it['seq']}")
    rec, un = money_from_db(t, cust)
    eq(bal, rec - un, "ledger balance = open receivables − unapplied prepayment")
    return bal


def osb_check(t):
    rc, out, err = t.osb("check", "--db", t.server.db)
    return rc, out + err

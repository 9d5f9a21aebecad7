"""A randomized run of the whole order-to-cash cycle (fixed seed): orders through the credit
check and release, dispatches with short picks and cancelled backorders, receipts (oldest
first, explicit, for an order, market-expense credits), returns received or refused, orders
rejected and cancelled, the clock moving on, and the corrections of api.md §5.5: receipts
reversed and re-allocated, exchanges (a replacement order at receive) and delivery
discrepancies after POD (a shortage may open a backorder and credit the missing units), and
orders of goods paid from expense money (free goods, #11: a line with payment_source expense
drawing on the customer's free-goods expense application; 0 to pay, never invoiced; dispatched
short, their cancelled backorders give the amount back), themselves returned, exchanged (the
replacement draws on the same application again) and reported short after POD (a backorder
that, cancelled, gives its units back). At the end `osb check` is clean, every customer's ledger
balance equals what this test computes on its own:

    Σ value of goods that stayed with the customer − Σ money received

where the goods value is, for a credit customer, shipped qty × price less what came back, and
for a prepay-only customer (invoiced on payment), the total of each order past the credit check
less cancelled backorders and returns; and every expense application's drawn and shipped
free-goods amounts equal Σ (qty − cancelled backorders − received returns) × price and
Σ (shipped − shortages after POD resolved by a backorder − received returns) × price of the
free-goods orders holding their draw (past QC, not rejected or cancelled) — the replacement
orders of exchanges among them — and its remaining amount what the application offers less
what is drawn.

The run is seeded (SEED below; OSB_RANDOM_SEED=<n> runs another one) and prints its seed; a
failure names it, so `OSB_RANDOM_SEED=<n> make scenario K=test_billing_random` repeats it. Every
seed checks the balances, the free goods and `osb check`; that every path was drawn at least once
is asserted for the default seed."""

import os
import random

from lib import (add_days, check, customer, eq, ledger, ledger_consistent, osb_check, product,
                 set_clock, today)
from test_money_free_goods import app

FREE_GOODS_FEN = 600000  # each customer's free-goods application: runs out, so QC-5 fails too
FREE_SHARE = 0.15  # of new orders, a free-goods order

DEFAULT_SEED = 20261123
SEED = int(os.environ.get("OSB_RANDOM_SEED", str(DEFAULT_SEED)))
STEPS = 1500


class World:
    def __init__(self, t):
        self.t = t
        self.rng = random.Random(SEED)
        self.free_rng = random.Random(SEED + 1)
        self.calls = 0
        self.prices = {}
        self.customers = {}   # code -> {"prepay": bool, "paid": int}
        self.orders = {}      # number -> {"cust", "sku", "qty", "shipped", "returned",
        #                                  "bo_cancelled", "ship", "invoiced", "short"}
        self.payments = {}    # number -> {"cust", "amount", "reversed"}
        self.free = {}        # the free-goods orders, as orders (never on the ledger)
        self.apps = {}        # customer code -> its free-goods expense application
        self.counts = {"reverse": 0, "reallocate": 0, "exchange": 0, "discrepancy": 0,
                       "short": 0, "free": 0, "free_bo_cancelled": 0, "free_unavailable": 0,
                       "free_return": 0, "free_exchange": 0, "free_short": 0,
                       "free_short_bo_cancelled": 0, "free_discrepancy": 0}

    def call(self, method, path, body=None, user="admin"):
        self.calls += 1
        return self.t.request(method, path, body, user=user)

    def ok(self, method, path, body=None, user="admin", status=200):
        r = self.call(method, path, body, user)
        if r.status != status:
            raise AssertionError(f"{method} {path} as {user}: {r.status} {r.body}")
        return r.body

    def order(self, n):
        return self.ok("GET", f"/orders/{n}")


def setup(w):
    t = w.t
    for price in (1234, 9999, 250):
        sku = product(t, price=price, stock=10000000, batch="RB1")
        w.prices[sku] = price
    for limit, prepay, term in ((500000, False, 30), (2000000, False, 10), (100000, False, 0),
                                (0, True, 30), (0, True, 15), (300000, False, 45)):
        code = customer(t, limit=limit, prepay_only=prepay, term=term)
        w.customers[code] = {"prepay": prepay, "paid": 0}
        w.apps[code] = app(t, code, FREE_GOODS_FEN)


def new_order(w, rng, orders, free):
    cust = rng.choice(list(w.customers))
    sku = rng.choice(list(w.prices))
    qty = rng.randint(1, 60)
    line = {"sku": sku, "qty": qty}
    if free:
        line.update({"payment_source": "expense", "expense_application": w.apps[cust]})
    o = w.ok("POST", "/orders", {"customer": cust, "lines": [line]}, user="kam_GZ", status=201)
    n = o["number"]
    for action, user in (("verify", "kam_GZ"), ("approve-market", "mm_S"), ("accept", "csr_a"),
                         ("check", "csr_a")):
        o = w.ok("POST", f"/orders/{n}/{action}", {}, user=user)
    orders[n] = {"cust": cust, "sku": sku, "qty": qty, "shipped": 0, "returned": 0,
                 "bo_cancelled": 0, "ship": None, "short": 0}
    if free:
        w.counts["free"] += 1
        if o["state"] == "needs_fix":
            eq([f["rule"] for f in o["qc"]["failed"]], ["expense_unavailable"],
               f"free-goods order {n} fails only QC-5")
            w.counts["free_unavailable"] += 1


# Free-goods orders are kept apart (w.free) and drawn by a generator of their own (w.free_rng),
# each operation acting on one of them after its paid order: the paid orders' run is the same
# as without them.
def op_new_order(w):
    new_order(w, w.rng, w.orders, False)
    if w.free_rng.random() < FREE_SHARE:
        new_order(w, w.free_rng, w.free, True)


def op_advance(w):
    advance(w, w.orders, w.rng)
    advance(w, w.free, w.free_rng)


def advance(w, orders, rng):
    live = [n for n in orders]
    if not live:
        return
    n = rng.choice(live)
    o = w.order(n)
    st = o["state"]
    if st == "submitted":  # an exchange's replacement order
        w.ok("POST", f"/orders/{n}/accept", {}, user="csr_a")
        w.ok("POST", f"/orders/{n}/check", {}, user="csr_a")
    elif st == "pending_approval":
        w.ok("POST", f"/orders/{n}/approve", {}, user="deputy")
    elif st == "approved":
        w.ok("POST", f"/orders/{n}/print-delivery-note", {}, user="finance")
    elif st == "billed":
        o = w.ok("POST", f"/orders/{n}/release", {}, user="csr_a")
        orders[n]["ship"] = o["shipments"][0]
    elif st == "prepay_required":
        r = rng.random()
        if r < 0.3:
            w.ok("POST", f"/orders/{n}/approve", {}, user="deputy")
        elif r < 0.5:
            w.ok("POST", f"/orders/{n}/reject", {"comment": "随机拒绝"}, user="deputy")


def op_dispatch(w):
    dispatch(w, w.orders, w.rng)
    dispatch(w, w.free, w.free_rng)


def dispatch(w, orders, rng):
    cands = [n for n, o in orders.items() if o["ship"] and o["shipped"] == 0
             and o["bo_cancelled"] == 0]
    if not cands:
        return
    n = rng.choice(cands)
    o = orders[n]
    if w.order(n)["state"] != "released":
        return
    ship = o["ship"]
    s = w.ok("GET", f"/shipments/{ship}")
    if s["state"] != "new":
        return
    k = o["qty"] if rng.random() < 0.7 else rng.randint(1, o["qty"])
    w.ok("POST", f"/shipments/{ship}/receive", {}, user="warehouse")
    w.ok("POST", f"/shipments/{ship}/pick",
         {"lines": [{"sku": o["sku"], "batch": "RB1", "qty": k}]}, user="warehouse")
    w.ok("POST", f"/shipments/{ship}/check", {}, user="warehouse")
    w.ok("POST", f"/shipments/{ship}/book", {"carrier": "德邦", "station": "广州站",
                                              "waybill": w.t.uniq("RW")}, user="warehouse")
    s = w.ok("POST", f"/shipments/{ship}/dispatch", {}, user="warehouse")
    o["shipped"] = k
    if k < o["qty"] and rng.random() < 0.5:
        bo = s["backorders"][0]["number"]
        w.ok("POST", f"/backorders/{bo}/cancel", {"reason": "随机取消"}, user="ssg_leader")
        o["bo_cancelled"] = o["qty"] - k
        if orders is w.free:
            w.counts["free_bo_cancelled"] += 1


def open_invoices(w, cust):
    items = w.ok("GET", f"/invoices?customer={cust}&limit=1000", user="finance")["items"]
    return [i for i in items if i["open_fen"] > 0]


def op_pay(w):
    cust = w.rng.choice(list(w.customers))
    amount = w.rng.randint(1, 60000)
    body = {"customer": cust, "amount_fen": amount, "method": "bank_transfer",
            "reference": w.t.uniq("RP"), "received_on": today(w.t)}
    r = w.rng.random()
    if r < 0.2:
        inv = open_invoices(w, cust)
        if inv:
            i = w.rng.choice(inv)
            body["apply_to"] = [{"invoice": i["number"], "amount_fen":
                                 w.rng.randint(1, min(i["open_fen"], amount))}]
    elif r < 0.3:
        waiting = [n for n, o in w.orders.items() if o["cust"] == cust]
        if waiting:
            n = w.rng.choice(waiting)
            if w.order(n)["state"] == "prepay_required":
                body["for_order"] = n
    elif r < 0.45:
        body["kind"] = "expense"
        body["method"] = "offset"
    p = w.ok("POST", "/payments", body, user="finance", status=201)
    w.customers[cust]["paid"] += amount
    w.payments[p["number"]] = {"cust": cust, "amount": amount, "reversed": False}


def op_return(w):
    ret(w, w.orders, w.rng)
    ret(w, w.free, w.free_rng)


def ret(w, orders, rng):
    cands = [n for n, o in orders.items() if o["shipped"] > o["returned"]]
    if not cands:
        return
    n = rng.choice(cands)
    o = orders[n]
    if o["shipped"] - o["returned"] - o["short"] <= 0:
        return
    q = rng.randint(1, o["shipped"] - o["returned"] - o["short"])
    exchange = rng.random() < 0.3
    r = w.ok("POST", "/returns", {"order": n, "kind": "exchange" if exchange else "return",
                                  "lines": [{"sku": o["sku"], "batch": "RB1",
                                             "qty": q, "reason": "随机退货"}]},
             user="kam_GZ", status=201)
    th = r["number"]
    w.ok("POST", f"/returns/{th}/confirm", {}, user="um_GZ")
    genuine = rng.random() < 0.85
    w.ok("POST", f"/returns/{th}/inspect", {"genuine": genuine}, user="service")
    if not genuine:
        return
    w.ok("POST", f"/returns/{th}/approve", {}, user="mm_S")
    r = w.ok("POST", f"/returns/{th}/receive", {}, user="warehouse")
    o["returned"] += q
    free = orders is w.free
    if free:
        w.counts["free_return"] += 1
    if exchange:
        rep = r["replacement_order"]
        check(rep, f"exchange {th} has its replacement order")
        orders[rep] = {"cust": o["cust"], "sku": o["sku"], "qty": q, "shipped": 0,
                       "returned": 0, "bo_cancelled": 0, "ship": None, "short": 0}
        w.counts["free_exchange" if free else "exchange"] += 1
        if free:
            line = w.order(rep)["lines"][0]
            eq((line["payment_source"], line["expense_application"], line["price_fen"]),
               ("expense", w.apps[o["cust"]], 0),
               f"the replacement {rep} of free goods is free goods of the same application")


def live_payments(w):
    return [n for n, p in w.payments.items() if not p["reversed"]]


def op_reverse(w):
    cands = live_payments(w)
    if not cands:
        return
    n = w.rng.choice(cands)
    p = w.payments[n]
    w.ok("POST", f"/payments/{n}/reverse", {"reason": "随机冲回"}, user="finance")
    p["reversed"] = True
    w.customers[p["cust"]]["paid"] -= p["amount"]
    w.counts["reverse"] += 1


def op_reallocate(w):
    cands = live_payments(w)
    if not cands:
        return
    n = w.rng.choice(cands)
    p = w.ok("GET", f"/payments/{n}", user="finance")
    mine = {}
    for a in p["allocations"]:
        if not a["reversed_by"]:
            mine[a["invoice"]] = mine.get(a["invoice"], 0) + a["amount_fen"]
    room = {i["number"]: i["open_fen"] for i in open_invoices(w, p["customer"])}
    for inv, amt in mine.items():
        room[inv] = room.get(inv, 0) + amt
    left = p["amount_fen"]
    apply_to = []
    for inv in w.rng.sample(sorted(room), min(2, len(room))):
        if left <= 0 or room[inv] <= 0:
            continue
        amt = w.rng.randint(1, min(room[inv], left))
        apply_to.append({"invoice": inv, "amount_fen": amt})
        left -= amt
    r = w.call("POST", f"/payments/{n}/reallocate", {"apply_to": apply_to}, user="finance")
    if r.status == 422 and r.body["error"]["details"].get("rule") == "prepayment_earmarked":
        return  # the money is set aside for an order: refused, nothing changed
    if r.status != 200:
        raise AssertionError(f"reallocate {n} {apply_to}: {r.status} {r.body}")
    w.counts["reallocate"] += 1


def op_discrepancy(w):
    discrepancy(w, w.orders, w.rng)
    discrepancy(w, w.free, w.free_rng)


def discrepancy(w, orders, rng):
    cands = [n for n, o in orders.items() if o["ship"] and o["shipped"] > 0]
    if not cands:
        return
    n = rng.choice(cands)
    o = orders[n]
    free = orders is w.free
    ship = o["ship"]
    s = w.ok("GET", f"/shipments/{ship}")
    if s["state"] == "dispatched":
        s = w.ok("POST", f"/shipments/{ship}/deliver", {"signed_by": "收货人"}, user="warehouse")
    if s["state"] != "delivered":
        return
    left = o["shipped"] - o["returned"] - o["short"]
    if left > 0 and rng.random() < 0.5:
        q = rng.randint(1, left)
        s = w.ok("POST", f"/shipments/{ship}/report-discrepancy",
                 {"lines": [{"sku": o["sku"], "qty": q, "kind": "short",
                             "resolution": "backorder"}], "note": "随机短少"}, user="csr_a")
        if free:
            # nothing to credit (0 to pay); the units stay drawn while the backorder owes them,
            # and a cancelled backorder gives them back
            o["short"] += q
            w.counts["free_short"] += 1
            if rng.random() < 0.5:
                bo = s["discrepancies"][-1]["backorder"]
                check(bo, f"the shortage on {ship} opened a backorder")
                w.ok("POST", f"/backorders/{bo}/cancel", {"reason": "随机取消"},
                     user="ssg_leader")
                o["bo_cancelled"] += q
                w.counts["free_short_bo_cancelled"] += 1
        else:
            if not w.customers[o["cust"]]["prepay"]:
                o["short"] += q  # credited; the backorder stays open (never scheduled here)
            w.counts["short"] += 1
    else:
        kind = rng.choice(["damaged", "wrong_item", "excess"])
        w.ok("POST", f"/shipments/{ship}/report-discrepancy",
             {"lines": [{"sku": o["sku"], "qty": 1, "kind": kind}]}, user="warehouse")
    w.counts["free_discrepancy" if free else "discrepancy"] += 1


def op_cancel(w):
    cancel(w, w.orders, w.rng)
    cancel(w, w.free, w.free_rng)


def cancel(w, orders, rng):
    cands = list(orders)
    if not cands:
        return
    n = rng.choice(cands)
    st = w.order(n)["state"]
    if st in ("accepted", "needs_fix", "pending_approval", "prepay_required", "approved",
              "billed"):
        w.ok("POST", f"/orders/{n}/cancel", {"comment": "随机取消"}, user="ssg_leader")


def op_clock(w):
    set_clock(w.t, add_days(today(w.t), w.rng.randint(1, 12)))
    w.calls += 2


OPS = [(op_new_order, 28), (op_advance, 30), (op_dispatch, 16), (op_pay, 16), (op_return, 4),
       (op_cancel, 3), (op_clock, 3), (op_reverse, 2), (op_reallocate, 3), (op_discrepancy, 3)]


def expected_balance(w, cust):
    c = w.customers[cust]
    goods = 0
    for n, o in w.orders.items():
        if o["cust"] != cust:
            continue
        price = w.prices[o["sku"]]
        if c["prepay"]:
            st = w.order(n)["state"]
            if st in ("pending_approval", "approved", "billed", "released", "closed"):
                goods += (o["qty"] - o["bo_cancelled"] - o["returned"]) * price
        else:
            goods += (o["shipped"] - o["returned"] - o["short"]) * price
    return goods - c["paid"]


HOLDING = ("pending_approval", "prepay_required", "st_pending", "approved", "billed", "released",
           "closed")


def expected_free_goods(w, cust):
    """(drawn, shipped) of cust's application by the free-goods orders holding their draw."""
    drawn = shipped = 0
    for n, o in w.free.items():
        if o["cust"] == cust and w.order(n)["state"] in HOLDING:
            price = w.prices[o["sku"]]
            drawn += (o["qty"] - o["bo_cancelled"] - o["returned"]) * price
            # a shortage after POD resolved by a backorder was not delivered: it counts as
            # shipped only when that backorder ships (never here), so each unit counts once
            shipped += (o["shipped"] - o["short"] - o["returned"]) * price
    return drawn, shipped


def test_random_order_to_cash_keeps_every_ledger_balanced(t):
    print(f"test_billing_random: seed {SEED} (OSB_RANDOM_SEED)", flush=True)
    try:
        run(t)
    except AssertionError as x:
        raise type(x)(f"seed {SEED}: {x}") from x


def run(t):
    w = World(t)
    setup(w)
    fns = [f for f, _ in OPS]
    weights = [wt for _, wt in OPS]
    for _ in range(STEPS):
        w.rng.choices(fns, weights)[0](w)
    print(f"test_billing_random: seed {SEED}, {w.calls} calls, drawn: {w.counts}", flush=True)
    for cust in w.customers:
        items = ledger(t, cust)
        bal = items[-1]["balance_fen"] if items else 0
        eq(bal, expected_balance(w, cust), f"ledger balance of {cust}")
        ledger_consistent(t, cust)
        a = t.ok(t.get(f"/expense-applications/{w.apps[cust]}", user="finance"))
        eq((a["free_goods_drawn_fen"], a["free_goods_shipped_fen"]), expected_free_goods(w, cust),
           f"free goods drawn and shipped of {cust}")
        eq(a["free_goods_remaining_fen"], FREE_GOODS_FEN - a["free_goods_drawn_fen"],
           f"free goods left of {cust}")
    rc, out = osb_check(t)
    eq(rc, 0, f"osb check: {out}")
    if SEED != DEFAULT_SEED:
        return  # another seed may leave a path undrawn; the default one draws them all
    check(w.calls >= 3000, f"thousands of operations ({w.calls})")
    kinds = {x[0] for x in t.sql("SELECT DISTINCT kind FROM ledger")}
    check({"invoice", "payment", "expense_credit", "credit_note"} <= kinds, f"all kinds: {kinds}")
    reasons = {x[0] for x in t.sql("SELECT DISTINCT reason FROM credit_notes")}
    check({"return", "order_cancel", "backorder_cancel"} <= reasons, f"HZ reasons: {reasons}")
    states = {x[0] for x in t.sql("SELECT DISTINCT state FROM invoices")}
    check({"open", "partial", "paid", "cancelled"} <= states, f"invoice states: {states}")
    check({"payment_reversal"} <= kinds, f"reversals posted: {kinds}")
    check(all(v > 0 for v in w.counts.values()), f"every correction drawn: {w.counts}")
    moved = t.sql("SELECT count(*) FROM order_events WHERE action = 'recheck-on-money'")[0][0]
    check(moved > 0, "some orders were released by money (rule 5-7)")

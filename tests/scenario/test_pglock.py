"""Locks that follow the data (issue #16): on PostgreSQL writes run READ COMMITTED and the few
invariants that need two writers to go one after the other take a lock first (docs/operations.md
"Which lock protects what"); on SQLite the one writer gives the same outcomes by waiting. Each test
fires requests at once from threads and asserts the serial outcome, then `osb check`:

- credit: N orders of one customer run create → … → check all at once; the limit (with its
  tolerance) lets only some pass, the exposure never goes over it;
- a document: the same action on one order from many threads — exactly one wins;
- an invoice's open amount: payments that each apply the whole open amount to one invoice at once
  — exactly one allocation takes it, the others stay prepayment or are refused;
- a quota's If-Match: editors PATCH one quota with the same version at once — exactly one wins,
  the others get 409 version_conflict, and the winner's quantity is the one kept.
"""


import lib
from lib import check, eq, order_act, set_clock

DAY = "2026-12-08"


race = lib.race


def clean_check(t):
    rc, out = lib.osb_check(t)
    eq(rc, 0, f"osb check is clean: {lib.short(out, 600)}")


def test_concurrent_orders_of_one_customer_never_exceed_its_credit(t):
    set_clock(t, DAY, "09:00")
    limit = 1000000  # ¥10,000, 20 % tolerance: ¥12,000 of open orders at most
    cust = lib.customer(t, limit=limit)
    sku = lib.product(t, price=1000)
    for u in ("kam_GZ", "mm_S", "csr_a"):
        t.login(u)

    def whole_path(i):
        """One order of ¥4,000, created and taken to the credit check by its own thread."""
        r = t.post("/orders", {"customer": cust, "lines": [{"sku": sku, "qty": 400}]},
                   user="kam_GZ")
        eq(r.status, 201, f"create {i}: {lib.short(r.body)}")
        n = r.body["number"]
        for action, user in (("verify", "kam_GZ"), ("approve-market", "mm_S"),
                             ("accept", "csr_a"), ("check", "csr_a")):
            r = t.post(f"/orders/{n}/{action}", {}, user=user)
            eq(r.status, 200, f"{action} {n}: {lib.short(r.body)}")
        return r.body

    got = race(whole_path, list(range(10)))
    eq(len({o["number"] for o in got}), 10, "ten orders, ten numbers")
    passed = [o for o in got if o["state"] == "pending_approval"]
    for o in passed:
        check(o["credit_check"]["exposure_fen"] <= limit * 12 // 10,
              f"exposure within the limit: {o['credit_check']}")
    eq(sorted(o["credit_check"]["exposure_fen"] for o in passed), [400000, 800000, 1200000],
       "exactly three pass, as one after the other")
    eq({o["state"] for o in got if o not in passed}, {"prepay_required"}, "the others are held")
    eq(lib.credit(t, cust)["open_orders_fen"], 1200000, "the customer's open orders")
    clean_check(t)


def test_one_action_on_one_document_at_once_wins_once(t):
    set_clock(t, DAY, "10:00")
    cust = lib.customer(t)
    o = t.ok(t.post("/orders", {"customer": cust, "lines": [{"sku": "M-IF1-900", "qty": 12}]},
                    user="kam_GZ"), 201, "create order")
    n = o["number"]
    t.login("kam_GZ")
    got = race(lambda i: t.post(f"/orders/{n}/verify", {}, user="kam_GZ"), list(range(8)))
    eq(sorted(r.status for r in got), [200] + [409] * 7, "one verify, the others too late")
    for r in got:
        if r.status == 409:
            eq(r.body["error"]["code"], "invalid_state", f"409: {lib.short(r.body)}")
    after = t.ok(t.get(f"/orders/{n}", user="kam_GZ"))
    eq(after["state"], "verified", "verified once")
    eq(after["version"], o["version"] + 1, "one change")
    clean_check(t)


def test_payments_racing_for_one_invoice_take_its_open_amount_once(t):
    set_clock(t, DAY, "11:00")
    cust = lib.customer(t)
    _, ship = lib.released(t, cust, [(lib.product(t, price=1000), 10)])
    lib.dispatch(t, ship)
    inv = lib.invoices_of(t, cust)[0]
    open_fen = inv["open_fen"]
    check(open_fen > 0, f"the invoice is open: {inv}")
    t.login("finance")

    def pay(i):
        return t.post("/payments", {"customer": cust, "amount_fen": open_fen,
                                    "method": "bank_transfer", "reference": f"RACE{i}-{cust}",
                                    "received_on": DAY,
                                    "apply_to": [{"invoice": inv["number"],
                                                  "amount_fen": open_fen}]}, user="finance")

    got = race(pay, list(range(6)))
    ok = [r for r in got if r.status == 201]
    eq(len(ok), 1, f"one payment takes the invoice: {[lib.short(r.body, 120) for r in got]}")
    for r in got:
        if r.status != 201:
            eq((r.status, r.body["error"]["code"]), (422, "validation_failed"),
               f"the others are refused: {lib.short(r.body)}")
    after = t.ok(t.get(f"/invoices/{inv['number']}", user="finance"))
    eq((after["state"], after["open_fen"]), ("paid", 0), "paid once, never below zero")
    lib.ledger_consistent(t, cust)
    clean_check(t)


def test_quota_editors_with_one_if_match_win_once(t):
    set_clock(t, DAY, "12:00")
    cust = lib.customer(t)
    q = t.ok(t.post("/quotas", {"period": "2033-04", "sku": "M-IF2-900", "customer": cust,
                                "qty": 600}, user="marketing"), 201, "create quota")
    t.login("marketing")
    for rnd in range(6):  # the window is short: several rounds, each must end with one winner
        v = q["version"]

        def edit(i):
            return t.patch(f"/quotas/{q['id']}", {"qty": 612 + 12 * (8 * rnd + i)},
                           user="marketing", headers={"If-Match": str(v)})

        got = race(edit, list(range(8)))
        eq(sorted(r.status for r in got), [200] + [409] * 7,
           f"round {rnd}: one editor wins, the others conflict")
        for r in got:
            if r.status == 409:
                eq(r.body["error"]["code"], "version_conflict", f"409: {lib.short(r.body)}")
        winner = [i for i, r in enumerate(got) if r.status == 200][0]
        q = t.ok(t.get(f"/quotas/{q['id']}", user="marketing"))
        eq((q["qty"], q["version"]), (612 + 12 * (8 * rnd + winner), v + 1),
           f"round {rnd}: the winner's quantity, one change")
    clean_check(t)


def test_releases_of_one_sku_at_once_reserve_each_lot_once(t):
    """Eight approved orders of one SKU are released at once. The first lot to expire holds 5
    units and each order wants 4: one after the other, the first order takes 4 of it, the next
    the last 1 and 3 of the second lot, the rest the second lot. On PostgreSQL the release
    reads the lots FOR UPDATE; without that two releases read the same 5 free units and the
    second breaks reserved <= on_hand."""
    set_clock(t, DAY, "13:00")
    cust = lib.customer(t, limit=100000000)
    sku = lib.product(t, price=100, stock=5, batch="LOT-A")
    t.ok(t.post("/stock/receipts", {"warehouse": lib.WH, "sku": sku, "batch": "LOT-B",
                                    "qty": 1000, "expires": "2031-12-31"},
                user="warehouse"), 201, "second lot, expiring later")
    orders = []
    for _ in range(8):
        o = lib.checked(t, cust, [(sku, 4)])
        eq(o["state"], "pending_approval", "passes the credit check")
        n = o["number"]
        order_act(t, n, "approve", "deputy")
        order_act(t, n, "print-delivery-note", "finance")
        orders.append(n)
    t.login("csr_a")
    got = race(lambda n: t.post(f"/orders/{n}/release", {}, user="csr_a"), orders)
    eq([r.status for r in got], [200] * 8, f"every release goes through: "
       f"{[lib.short(r.body, 160) for r in got if r.status != 200]}")
    lots = {r["batch"]: r for r in t.ok(t.get(f"/stock?sku={sku}&warehouse={lib.WH}",
                                              user="warehouse"))["items"]}
    eq((lots["LOT-A"]["reserved"], lots["LOT-A"]["on_hand"]), (5, 5), "the first lot, all of it")
    eq(lots["LOT-B"]["reserved"], 8 * 4 - 5, "the rest from the second lot")
    clean_check(t)

"""POP management (POP管理制度, WL; flows.md §13, api.md §5.6 and §5.9): marketing sets POP
allocations per period and market or region; a KAM or UM requests POP for a customer; the MM
approves within the remaining allocation (beyond it 422 exceeds_authority; the supervising SLT
member may); an order line {"sku","qty","pop_request"} of an approved request passes QC at price
0, outside credit and quota, and the customer's exposure does not move; the request is shipped
at dispatch, then received and verified (photo or note). The POP value is charged to the `pop`
budget: committed at approval, actual at shipment.

Market S (华南): MM mm_S, supervising SLT member deputy; region GZ: kam_GZ, rep_GZ."""

import lib
from lib import check, eq, set_clock

DAY = "2027-07-06"  # a Tuesday
PERIOD = "2027-07"


def pop_sku(t, price=500):
    return lib.product(t, price=price, kind="pop")


def allocate(t, sku, qty, user="marketing", status=201, **where):
    body = {"period": PERIOD, "sku": sku, "qty": qty}
    body.update(where or {"region": "GZ"})
    return t.ok(t.post("/pop-allocations", body, user=user), status, "allocate")


def request(t, cust, sku, qty, user="kam_GZ", status=201):
    return t.ok(t.post("/pop-requests", {"customer": cust, "lines": [{"sku": sku, "qty": qty}],
                                          "purpose": "门店陈列"}, user=user),
                status, f"POP request by {user}")


def act(t, n, action, user, body=None, status=200):
    return lib.act(t, "pop-requests", n, action, user, body, status)


def pop_order(t, cust, lines):
    """An order of POP lines [(sku, qty, request)] taken through the check; returns it."""
    o = t.ok(t.post("/orders", {"customer": cust, "lines": [
        {"sku": s, "qty": q, "pop_request": r} for s, q, r in lines]}, user="kam_GZ"),
        201, "create POP order")
    n = o["number"]
    for action, user in (("verify", "kam_GZ"), ("approve-market", "mm_S"), ("accept", "csr_a"),
                         ("check", "csr_a")):
        o = lib.order_act(t, n, action, user)
    return o


def test_allocation(t):
    set_clock(t, DAY)
    sku = pop_sku(t)
    a = allocate(t, sku, 100)
    eq((a["period"], a["region"], a["sku"], a["qty"], a["used"], a["remaining"]),
       (PERIOD, "GZ", sku, 100, 0, 100), "allocation")
    eq(allocate(t, sku, 120)["qty"], 120, "set again: replaced")
    m = allocate(t, sku, 500, market="S")
    eq((m["market"], m["region"], m["qty"]), ("S", None, 500), "a market allocation")
    allocate(t, sku, 1, user="mm_S", status=403)
    t.expect_error(t.post("/pop-allocations", {"period": PERIOD, "sku": sku, "qty": 1,
                                               "market": "S", "region": "GZ"},
                          user="marketing"), 422, "validation_failed")
    t.expect_error(t.post("/pop-allocations", {"period": PERIOD, "sku": "M-IF1-900", "qty": 1,
                                               "region": "GZ"}, user="marketing"),
                   422, "validation_failed", rule="not_pop")
    t.expect_error(t.post("/pop-allocations", {"period": PERIOD, "sku": sku, "qty": 1,
                                               "region": "NOPE"}, user="marketing"),
                   422, "validation_failed", rule="unknown_reference")
    got = [x for x in t.ok(t.get(f"/pop-allocations?period={PERIOD}", user="marketing"))["items"]
           if x["sku"] == sku]
    eq(len(got), 2, "listed")


def test_request_approve_within_and_beyond(t):
    set_clock(t, DAY)
    cust = lib.customer(t, lib.UNLIMITED)
    sku = pop_sku(t)
    allocate(t, sku, 100)
    b = t.ok(t.post("/expense-budgets", {"market": "S", "region": "GZ", "category": "pop",
                                         "period": PERIOD, "amount_fen": 1000000},
                    user="marketing"), 201, "pop budget")
    w = request(t, cust, sku, 60)
    n = w["number"]
    check("WL" in n, f"WL number {n}")
    eq((w["state"], w["value_fen"], w["requested_by"]), ("requested", 30000, "kam_GZ"), "requested")
    eq(t.ok(t.get(f"/pop-requests/{n}", user="mm_S"))["allowed_actions"], ["approve", "reject"],
       "the MM decides")
    w = act(t, n, "approve", "mm_S")
    eq((w["state"], w["budget"]), ("approved", b["code"]), "approved, charged to the pop budget")
    bb = t.ok(t.get(f"/expense-budgets/{b['code']}", user="marketing"))
    eq((bb["committed_fen"], bb["actual_fen"]), (30000, 0), "committed at approval")
    # 60 of 100 used: 50 more is beyond the MM
    n2 = request(t, cust, sku, 50)["number"]
    t.expect_error(t.post(f"/pop-requests/{n2}/approve", {}, user="mm_S"), 422,
                   "validation_failed", rule="exceeds_authority")
    act(t, n2, "approve", "director", status=403)
    eq(act(t, n2, "approve", "deputy")["state"], "approved", "the SLT member approves above it")
    eq(allocate(t, sku, 100)["remaining"], -10, "the allocation shows the overrun")
    n3 = request(t, cust, sku, 1)["number"]
    eq(act(t, n3, "reject", "mm_S", {"comment": "不需要"})["state"], "rejected", "rejected")
    # no allocation at all: the MM may not approve
    n4 = request(t, cust, pop_sku(t), 1)["number"]
    t.expect_error(t.post(f"/pop-requests/{n4}/approve", {}, user="mm_S"), 422,
                   "validation_failed", rule="exceeds_authority")
    # who may request, and what
    request(t, cust, sku, 1, user="rep_GZ", status=403)
    eq(request(t, cust, sku, 1, user="um_GZ")["state"], "requested", "the UM requests too")
    t.expect_error(t.post("/pop-requests", {"customer": cust, "lines": [{"sku": "M-IF1-900",
                                                                          "qty": 1}]},
                          user="kam_GZ"), 422, "validation_failed", rule="not_pop")
    other = lib.customer(t, lib.UNLIMITED, kam="kam_SZ", region="SZ")
    request(t, other, sku, 1, status=422)
    eq([x["number"] for x in t.list_all(f"/pop-requests?customer={cust}&state=rejected",
                                        user="mm_S")], [n3], "list by state")
    eq(len(t.list_all(f"/pop-requests?q={sku}", user="mm_S")), 4, "q finds a SKU in the lines")


def test_pop_order_line_to_verified(t):
    set_clock(t, DAY)
    cust = lib.customer(t, 100000)
    sku = pop_sku(t)
    allocate(t, sku, 100)
    n = request(t, cust, sku, 40)["number"]
    # not yet approved: QC fails
    o = pop_order(t, cust, [(sku, 40, n)])
    eq(o["state"], "needs_fix", "a requested (not approved) POP request fails QC")
    eq([f["rule"] for f in o["qc"]["failed"]], ["pop_not_approved"], "rule")
    act(t, n, "approve", "mm_S")
    before = lib.credit(t, cust)
    # more than approved, or no request: QC fails
    o = pop_order(t, cust, [(sku, 41, n)])
    eq([f["rule"] for f in o["qc"]["failed"]], ["pop_not_approved"], "above the approved qty")
    o = pop_order(t, cust, [(sku, 40, None)])
    eq([f["rule"] for f in o["qc"]["failed"]], ["pop_not_approved"], "without a request")
    o = pop_order(t, cust, [(sku, 40, n)])
    eq(o["state"], "pending_approval", f"passes QC, AC and CC: {o.get('qc')}")
    ln = o["lines"][0]
    eq((ln["price_fen"], ln["amount_fen"], ln["qty_cut"], ln["pop_request"]), (0, 0, 0, n),
       "price 0, no quota cut")
    eq(o["total_fen"], 0, "total 0")
    after = lib.credit(t, cust)
    eq((after["open_orders_fen"], after["open_receivables_fen"]),
       (before["open_orders_fen"], before["open_receivables_fen"]), "exposure does not move")
    o = lib.release(t, o["number"])
    lib.dispatch(t, o["shipments"][0])
    w = t.ok(t.get(f"/pop-requests/{n}", user="kam_GZ"))
    eq((w["state"], w["shipped_with"]), ("shipped", o["shipments"][0]), "shipped at dispatch")
    eq(w["allowed_actions"], ["confirm-receipt"], "the KAM confirms receipt")
    act(t, n, "confirm-receipt", "kam_SZ", status=404)
    w = act(t, n, "confirm-receipt", "kam_GZ")
    eq(w["state"], "received", "received")
    t.expect_error(t.post(f"/pop-requests/{n}/verify", {}, user="rep_GZ"), 422,
                   "validation_failed", rule="evidence_required")
    w = act(t, n, "verify", "rep_GZ", {"photo": "pop/WL-1.jpg", "note": "收银台陈列"})
    eq((w["state"], w["verified_by"], w["photo"]), ("verified", "rep_GZ", "pop/WL-1.jpg"),
       "verified")
    eq([x["action"] for x in w["timeline"]],
       ["request", "approve", "ship", "confirm-receipt", "verify"], "timeline")
    eq(lib.credit(t, cust)["open_receivables_fen"], before["open_receivables_fen"],
       "no invoice for POP")
    rc, out = lib.osb_check(t)
    eq(rc, 0, f"osb check: {out}")


def test_pop_budget_actual_at_shipment(t):
    set_clock(t, DAY)
    cust = lib.customer(t, 100000, region="SZ", kam="kam_SZ")
    sku = pop_sku(t, price=250)
    allocate(t, sku, 10, region="SZ")
    b = t.ok(t.post("/expense-budgets", {"market": "S", "region": "SZ", "category": "pop",
                                         "period": PERIOD, "amount_fen": 10000},
                    user="marketing"), 201, "pop budget")
    n = t.ok(t.post("/pop-requests", {"customer": cust, "lines": [{"sku": sku, "qty": 10}]},
                    user="kam_SZ"), 201, "request")["number"]
    act(t, n, "approve", "mm_S")
    o = t.ok(t.post("/orders", {"customer": cust, "lines": [
        {"sku": sku, "qty": 10, "pop_request": n}]}, user="kam_SZ"), 201, "order")
    for action, user in (("verify", "kam_SZ"), ("approve-market", "mm_S"), ("accept", "csr_a"),
                         ("check", "csr_a")):
        o = lib.order_act(t, o["number"], action, user)
    o = lib.release(t, o["number"])
    bb = t.ok(t.get(f"/expense-budgets/{b['code']}", user="marketing"))
    eq((bb["committed_fen"], bb["actual_fen"]), (2500, 0), "committed before shipment")
    lib.dispatch(t, o["shipments"][0])
    bb = t.ok(t.get(f"/expense-budgets/{b['code']}", user="marketing"))
    eq((bb["committed_fen"], bb["actual_fen"], bb["available_fen"]), (0, 2500, 7500),
       "actual at shipment")


def test_pop_line_outside_a_spent_quota_and_prepayment(t):
    """"Outside credit and quota" (api.md §5.6) with quota rows of 0 for the POP SKU, for the
    customer and for its region, and for a prepay-only customer with nothing paid: the POP
    line is not cut and the order passes without a prepayment."""
    set_clock(t, DAY)
    for prepay in (False, True):
        cust = lib.customer(t, 0 if prepay else lib.UNLIMITED, prepay_only=prepay)
        sku = pop_sku(t)
        allocate(t, sku, 100)
        for where in ({"customer": cust}, {"region": "GZ"}):
            t.ok(t.post("/quotas", dict(where, period=PERIOD, sku=sku, qty=0),
                        user="marketing"), 201, "a quota of 0")
        n = request(t, cust, sku, 10)["number"]
        act(t, n, "approve", "mm_S")
        o = pop_order(t, cust, [(sku, 10, n)])
        eq((o["state"], o["lines"][0]["qty_cut"], o["total_fen"]), ("pending_approval", 0, 0),
           f"not cut, no prepayment asked (prepay_only={prepay}): {o.get('credit_check')}")


def test_orders_draw_the_approved_qty_once(t):
    """"Within the approved qty" counts every order naming the request, not each alone: an
    approved request for 10 lets orders take 6 and then 4, and the next one fails QC
    (pop_not_approved) until an order holding the qty is cancelled (before the fix every order
    could take all 10 until the first dispatch)."""
    set_clock(t, DAY)
    cust = lib.customer(t, lib.UNLIMITED)
    sku = pop_sku(t)
    allocate(t, sku, 100)
    n = request(t, cust, sku, 10)["number"]
    act(t, n, "approve", "mm_S")
    a = pop_order(t, cust, [(sku, 6, n)])
    eq(a["state"], "pending_approval", "6 of 10")
    b = pop_order(t, cust, [(sku, 4, n)])
    eq(b["state"], "pending_approval", "4 more: all 10")
    c = pop_order(t, cust, [(sku, 1, n)])
    eq((c["state"], [f["rule"] for f in (c.get("qc") or {}).get("failed", [])]),
       ("needs_fix", ["pop_not_approved"]), "nothing left for an eleventh")
    d = pop_order(t, cust, [(sku, 10, n)])
    eq(d["state"], "needs_fix", "nor for another 10")
    lib.order_act(t, a["number"], "cancel", "ssg_leader", {"comment": "不要了"})
    e = pop_order(t, cust, [(sku, 6, n)])
    eq(e["state"], "pending_approval", "the cancelled order's 6 are free again")

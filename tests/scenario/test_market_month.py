"""A month of market support in one story (issue #12 "done when"): October 2027 in market S.
Marketing sets the budgets and the POP allocation; applications are approved (one by the MM,
one beyond the MM's authority by the supervising SLT member) and settled in all three forms;
a POP request goes from requested to verified through a zero-price order line; a sample issue
is followed up and its deduction cuts the next order's sample line; three distributors'
inventory reports are on time, late and missing (an OSB entry on the 21st); and at the end the
budget figures equal the sums of their documents and `osb check` is clean."""

import lib
from lib import check, eq, run_jobs, set_clock

P = "2027-10"


def act(t, coll, n, action, user, body=None, status=200):
    return lib.act(t, coll, n, action, user, body, status)


def through_check(t, cust, lines):
    o = t.ok(t.post("/orders", {"customer": cust, "lines": lines}, user="kam_GZ"), 201, "order")
    for action, user in (("verify", "kam_GZ"), ("approve-market", "mm_S"), ("accept", "csr_a"),
                         ("check", "csr_a")):
        o = lib.order_act(t, o["number"], action, user)
    return o


def shipped(t, cust, lines):
    o = through_check(t, cust, lines)
    eq(o["state"], "pending_approval", f"order passes the check: {o.get('qc')}")
    o = lib.release(t, o["number"])
    lib.dispatch(t, o["shipments"][0])
    return o


def line(sku, opening, purchased, sold):
    return {"sku": sku, "opening_qty": opening, "purchased_qty": purchased, "other_in_qty": 0,
            "sold_qty": sold, "returned_qty": 0, "closing_qty": opening + purchased - sold,
            "near_expiry_qty": 0}


def test_a_month_of_market_support(t):
    set_clock(t, "2027-10-08", "09:00")  # a Friday after the National Day holiday
    d1 = lib.customer(t, 100000000, channel="distributor")
    d2 = lib.customer(t, 100000000, channel="distributor")
    d3 = lib.customer(t, 100000000, channel="distributor")
    pop = lib.product(t, price=300, kind="pop")
    smp = lib.product(t, price=800, kind="sample")

    # budgets and the POP allocation
    promo = t.ok(t.post("/expense-budgets", {"market": "S", "category": "promotion",
                                             "period": P, "amount_fen": 20000000},
                        user="marketing"), 201, "promotion budget")["code"]
    popb = t.ok(t.post("/expense-budgets", {"market": "S", "region": "GZ", "category": "pop",
                                            "period": P, "amount_fen": 100000},
                       user="marketing"), 201, "pop budget")["code"]
    t.ok(t.post("/pop-allocations", {"period": P, "region": "GZ", "sku": pop, "qty": 100},
                user="marketing"), 201, "POP allocation")

    # three applications, settled in the three forms
    def application(amount, form, approver):
        n = t.ok(t.post("/expense-applications",
                        {"customer": d1, "category": "promotion", "amount_fen": amount,
                         "purpose": "十月促销", "settlement_form": form, "period": P},
                        user="kam_GZ"), 201, "apply")["number"]
        eq(act(t, "expense-applications", n, "approve", approver)["state"], "approved", "approved")
        return n

    reimb = application(3000000, "reimbursement", "mm_S")
    credit = application(6000000, "customer_credit", "deputy")  # above ¥50,000
    t.expect_error(t.post("/expense-applications",
                          {"customer": d1, "category": "promotion", "amount_fen": 1,
                           "purpose": "x", "period": P}, user="rep_GZ"), 403, "forbidden")
    goods = application(1000000, "free_goods", "mm_S")
    for n, actual in ((reimb, 2900000), (credit, 6000000), (goods, 1000000)):
        act(t, "expense-applications", n, "execute", "kam_GZ",
            {"actual_fen": actual, "evidence": "票据"})
    b = t.ok(t.get(f"/expense-budgets/{promo}", user="marketing"))
    eq((b["committed_fen"], b["actual_fen"]), (10000000, 0), "committed before settlement")
    for n in (reimb, credit, goods):
        act(t, "expense-applications", n, "settle", "finance")
    pay = t.ok(t.get(f"/expense-applications/{credit}", user="finance"))["payment"]
    eq(t.ok(t.get(f"/payments/{pay}", user="finance"))["kind"], "expense",
       "the customer credit is an expense receipt")
    act(t, "expense-applications", reimb, "evaluate", "mm_S", {"evaluation": "效果良好"})
    b = t.ok(t.get(f"/expense-budgets/{promo}", user="marketing"))
    eq((b["committed_fen"], b["actual_fen"], b["available_fen"]),
       (0, 9900000, 10100000), "actual after settlement")

    # POP: requested → approved → shipped with a zero-price line → received → verified
    w = t.ok(t.post("/pop-requests", {"customer": d1, "lines": [{"sku": pop, "qty": 50}],
                                       "purpose": "店招"}, user="kam_GZ"), 201, "POP")["number"]
    act(t, "pop-requests", w, "approve", "mm_S")
    before = lib.credit(t, d1)
    o = through_check(t, d1, [{"sku": pop, "qty": 50, "pop_request": w}])
    eq((o["state"], o["total_fen"]), ("pending_approval", 0), "POP order: zero, passes")
    eq(lib.credit(t, d1)["open_orders_fen"], before["open_orders_fen"], "exposure unmoved")
    o = lib.release(t, o["number"])
    lib.dispatch(t, o["shipments"][0])
    eq(t.ok(t.get(f"/pop-requests/{w}", user="kam_GZ"))["state"], "shipped", "shipped")
    act(t, "pop-requests", w, "confirm-receipt", "kam_GZ")
    eq(act(t, "pop-requests", w, "verify", "kam_GZ", {"photo": "pop/d1.jpg"})["state"],
       "verified", "verified")
    pb = t.ok(t.get(f"/expense-budgets/{popb}", user="marketing"))
    eq((pb["committed_fen"], pb["actual_fen"]), (0, 15000), "POP value charged at shipment")

    # samples: issued at dispatch, followed up, deducted from the next order
    shipped(t, d1, [{"sku": smp, "qty": 40}])
    y = t.list_all(f"/samples?customer={d1}", user="service")
    eq(len(y), 1, "one sample issue")
    set_clock(t, "2027-10-15", "10:00")
    y = act(t, "samples", y[0]["number"], "follow-up", "service",
            {"usage_bp": 5000, "waste_bp": 2000, "stores_surveyed": 8})
    eq(y["deduction_qty"], 12 + 4, "⌊40 × 3000 / 10000⌋ + ⌊40 × 1000 / 10000⌋")
    o = through_check(t, d1, [{"sku": smp, "qty": 20}])
    eq(o["lines"][0]["cut_reasons"], [{"kind": "sample_deduction", "qty": 16}], "deducted")

    # inventory reports: on time, late, missing
    k1 = t.ok(t.post("/inventory-reports", {"customer": d1, "period": P,
                                            "lines": [line("M-IF1-900", 100, 240, 200)]},
                     user="csr_a"), 201, "on time")
    eq(k1["late"], False, "on time")
    set_clock(t, "2027-10-18", "09:00")
    check("inventory_report_reminders" in run_jobs(t), "reminders on the 18th")
    set_clock(t, "2027-10-21", "00:00")
    check("inventory_report_due" in run_jobs(t), "the 21st")
    k2 = t.ok(t.post("/inventory-reports", {"customer": d2, "period": P,
                                            "lines": [line("M-IF1-900", 10, 0, 5)]},
                     user="csr_a"), 201, "late")
    eq(k2["late"], True, "late")
    docs = {x["document"] for x in t.list_all("/osb-issues?rule=inventory_report_20th",
                                               user="ssg_leader")}
    check(f"{P}:{d3}" in docs, "the missing report is in the problem log")
    check(f"{P}:{d1}" not in docs, "the report on time is not")
    act(t, "inventory-reports", k1["number"], "review", "marketing", {"note": "正常"})
    act(t, "inventory-reports", k2["number"], "return", "marketing", {"note": "请补齐"})

    # the figures hold
    rc, out = lib.osb_check(t)
    eq(rc, 0, f"osb check clean: {out}")
    apps = t.list_all(f"/expense-applications?customer={d1}", user="finance")
    eq(sum(a["actual_fen"] for a in apps if a["state"] in ("settled", "closed")), 9900000,
       "the budget's actual is the sum of its applications")

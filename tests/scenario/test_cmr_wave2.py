"""CMR, second pass (issue #10, flows.md §11.2): G (growth potential) from the customer's
approved forecasts (YC) of the coming quarter — F = forecast value of the quarter / 3,
G_bp = clamp(F × 10000 / S_avg, 8000, 15000), 10000 without a forecast — the newest approved
forecast speaking for each month, a line the CSR adjusted counting with its adjusted quantity."""

import lib
from lib import UNLIMITED, dispatch, eq, pay, product, released, set_clock

PRICE = 100000  # ¥1,000.00 a unit


def sku(t):
    if "sku" not in t.case:
        t.case["sku"] = product(t, price=PRICE, stock=10000000)
    return t.case["sku"]


def invoice(t, cust, day, units):
    set_clock(t, day, "10:00")
    _, ship = released(t, cust, [(sku(t), units)])
    dispatch(t, ship)
    inv = [i for i in lib.invoices_of(t, cust) if i["invoice_date"] == day][-1]
    pay(t, cust, inv["amount_fen"], received_on=day)


def approved_forecast(t, cust, base, lines, adjust=None):
    """A KAM's forecast of [(month, units)] taken to approved; adjust {month: units} is the
    CSR's assessment."""
    f = t.ok(t.post("/forecasts", {"customer": cust, "base_month": base, "lines": [
        {"month": m, "sku": sku(t), "qty": q} for m, q in lines]}, user="kam_GZ"), 201, "forecast")
    n = f["number"]
    lib.act(t, "forecasts", n, "submit", "kam_GZ")
    lib.act(t, "forecasts", n, "assess", "csr_a", {"lines": [
        {"month": m, "sku": sku(t), "adjusted_qty": q, "comment": "与代理商核实"}
        for m, q in (adjust or {}).items()]})
    lib.act(t, "forecasts", n, "aggregate", "ssg_leader")
    eq(lib.act(t, "forecasts", n, "approve", "mm_S")["state"], "approved", "approved")
    return n


def line_of(t, quarter, cust):
    r = t.ok(t.post("/credit-reviews", {"quarter": quarter}, user="ssg_leader"), 201, "review")
    return [x for x in r["lines"] if x["customer"] == cust][0]


def terms(ln):
    return {k: ln[k] for k in ("s_avg_fen", "t_days", "g_bp", "r_bp", "formula_limit_fen")}


def test_growth_from_the_forecast_to_the_fen(t):
    """flows §11.2's example with its forecast: S_avg ¥200,000, term 30 → base ¥400,000; the
    quarter's forecast ¥660,000 → F ¥220,000 → G 11000 → ¥440,000 (grade B)."""
    set_clock(t, "2032-01-02")
    cust = lib.customer(t, UNLIMITED, term=30, grade="B")
    for day in ("2032-01-15", "2032-02-14", "2032-03-16"):
        invoice(t, cust, day, 200)
    set_clock(t, "2032-03-20")
    approved_forecast(t, cust, "2032-03", [("2032-04", 220), ("2032-05", 220), ("2032-06", 220)])
    set_clock(t, "2032-04-02")
    eq(terms(line_of(t, "2032Q2", cust)),
       {"s_avg_fen": 20000000, "t_days": 60, "g_bp": 11000, "r_bp": 10000,
        "formula_limit_fen": 44000000}, "G 11000 from the forecast")


def test_newest_forecast_per_month_adjusted_lines_and_clamps(t):
    set_clock(t, "2032-04-02")
    cust = lib.customer(t, UNLIMITED, term=30, grade="B")
    for day in ("2032-04-15", "2032-05-14", "2032-06-16"):
        invoice(t, cust, day, 200)
    # Older: Jul 100, Aug 500 (replaced); newer: Aug 220 adjusted by the CSR to 230, Sep 210.
    set_clock(t, "2032-06-18")
    approved_forecast(t, cust, "2032-06", [("2032-07", 100), ("2032-08", 500)])
    approved_forecast(t, cust, "2032-07", [("2032-08", 220), ("2032-09", 210)],
                      adjust={"2032-08": 230})
    set_clock(t, "2032-07-02")
    # F = (100 + 230 + 210) × ¥1,000 / 3 = ¥180,000 → G = 180000 / 200000 = 9000
    # formula = 400,000 × 0.9 = ¥360,000
    eq(terms(line_of(t, "2032Q3", cust)),
       {"s_avg_fen": 20000000, "t_days": 60, "g_bp": 9000, "r_bp": 10000,
        "formula_limit_fen": 36000000}, "newest forecast per month, adjusted quantity")
    # Clamped: a forecast of 3× the history → G 15000; one of a tenth → G 8000.
    hi = lib.customer(t, UNLIMITED, term=30, grade="B")
    lo = lib.customer(t, UNLIMITED, term=30, grade="B")
    for day in ("2032-07-15", "2032-08-14", "2032-09-16"):
        invoice(t, hi, day, 100)
        invoice(t, lo, day, 100)
    set_clock(t, "2032-09-20")
    approved_forecast(t, hi, "2032-09", [("2032-10", 300), ("2032-11", 300), ("2032-12", 300)])
    approved_forecast(t, lo, "2032-09", [("2032-10", 10)])
    set_clock(t, "2032-10-02")
    r = t.ok(t.post("/credit-reviews", {"quarter": "2032Q4"}, user="ssg_leader"), 201, "review")
    got = {x["customer"]: (x["g_bp"], x["formula_limit_fen"]) for x in r["lines"]
           if x["customer"] in (hi, lo)}
    eq(got, {hi: (15000, 30000000), lo: (8000, 16000000)}, "G clamped to 8000..15000")


# ---- customers: finance's queue, the MM's payment-term proposal, settings ---------------------

def prospect_submitted(t):
    got = t.ok(t.post("/customers", {
        "code": t.uniq("W2"), "name": "二期客户", "market": "S", "region": "GZ", "kam": "kam_GZ",
        "status": "prospect", "consignee": "王收货", "consignee_phone": "13800000001",
        "consignment_station": "广州站"}, user="kam_GZ"), 201, "prospect")
    lib.act(t, "customers", got["code"], "submit", "kam_GZ")
    return got["code"]


def in_queue(t, user, code):
    items = t.ok(t.get("/me/queue", user=user))["items"]
    return [x["number"] for x in items if x["type"] == "customers" and x["number"] == code] != []


def test_customer_leaves_finance_queue_once_qualified(t):
    set_clock(t, "2032-11-02")
    lib.away(t, "deputy", False)
    code = prospect_submitted(t)
    eq(in_queue(t, "finance", code), True, "waits on finance")
    lib.act(t, "customers", code, "qualify", "finance", {"note": "资质齐全"})
    eq(t.ok(t.get(f"/customers/{code}", user="finance"))["allowed_actions"], ["reject"],
       "finance may still send it back, no second qualify")
    eq(in_queue(t, "finance", code), False, "no longer finance's")
    eq(in_queue(t, "deputy", code), True, "waits on the supervising SLT member")
    t.expect_error(t.post(f"/customers/{code}/qualify", {"note": "x"}, user="finance"), 409,
                   "invalid_state", rule="already_qualified")


def test_mm_proposes_payment_term_slt_sets_above_30_days(t):
    set_clock(t, "2032-11-02")
    lib.away(t, "deputy", False)
    code = lib.customer(t, UNLIMITED, term=0)
    check_actions = t.ok(t.get(f"/customers/{code}", user="mm_S"))["allowed_actions"]
    eq("propose-payment-term" in check_actions, True, "the MM proposes")
    for user in ("kam_GZ", "rep_GZ", "mm_N", "csr_a", "finance"):
        r = t.post(f"/customers/{code}/propose-payment-term",
                   {"payment_term_days": 20, "reason": "x"}, user=user)
        eq(r.status in (403, 404), True, f"{user} may not propose: {r.status}")
    t.expect_error(t.post(f"/customers/{code}/propose-payment-term", {"payment_term_days": 20},
                          user="mm_S"), 422, "validation_failed", rule="reason_required")
    # up to 30 days the MM's proposal holds at once
    got = lib.act(t, "customers", code, "propose-payment-term", "mm_S",
                  {"payment_term_days": 30, "reason": "按合同30天"})
    eq(got["payment_term_days"], 30, "30 days: no SLT needed")
    # above 30 days it waits for the supervising SLT member, who sets it (the proposal's
    # figure and reason when the body names none)
    got = lib.act(t, "customers", code, "propose-payment-term", "mm_S",
                  {"payment_term_days": 45, "reason": "大客户，建议45天"})
    eq(got["payment_term_days"], 30, "45 days waits")
    got = lib.act(t, "customers", code, "set-payment-term", "deputy")
    eq(got["payment_term_days"], 45, "the SLT member approved the proposal")
    hist = t.ok(t.get(f"/customers/{code}/history", user="deputy"))["items"]
    eq([h["action"] for h in hist if h["action"] in ("propose-payment-term", "set-payment-term")],
       ["propose-payment-term", "propose-payment-term", "set-payment-term"], "audited")
    # no pending proposal: the SLT member names the term
    t.expect_error(t.post(f"/customers/{code}/set-payment-term", {}, user="deputy"), 422,
                   "validation_failed", field="payment_term_days")
    # the threshold is a setting
    t.ok(t.put("/settings/payment_term_slt_above_days", {"value": "60"}), 200, "setting")
    got = lib.act(t, "customers", code, "propose-payment-term", "mm_S",
                  {"payment_term_days": 60, "reason": "调整"})
    eq(got["payment_term_days"], 60, "within the configured 60 days")
    t.ok(t.put("/settings/payment_term_slt_above_days", {"value": "30"}), 200, "back")


def test_tier_shares_and_archive_interval_are_settings(t):
    t.ok(t.put("/settings/customer_tier_key_pct", {"value": "50"}), 200, "key 50 %")
    t.ok(t.put("/settings/customer_tier_general_pct", {"value": "40"}), 200, "general 40 %")
    set_clock(t, "2034-05-10", "10:00")
    sku2 = product(t, price=100)
    big, mid, small = (lib.customer(t, UNLIMITED) for _ in range(3))
    for cust, qty in ((big, 6000), (mid, 3500), (small, 500)):
        _, ship = released(t, cust, [(sku2, qty)])
        dispatch(t, ship)
    set_clock(t, "2034-06-01", "06:30")
    lib.run_jobs(t)
    # 60 : 35 : 5 — with 80 / 15 / 5 mid would be general; with 50 / 40 big is key (0 before
    # it), mid general (60 before it < 90), small scattered (95 before it)
    eq([t.ok(t.get(f"/customers/{c}"))["tier"] for c in (big, mid, small)],
       ["key", "general", "scattered"], "50 / 40 / 10")
    t.ok(t.put("/settings/customer_tier_key_pct", {"value": "50"}), 200)
    t.ok(t.put("/settings/customer_tier_general_pct", {"value": "5"}), 200)
    set_clock(t, "2034-09-01", "06:30")
    lib.run_jobs(t)
    eq([t.ok(t.get(f"/customers/{c}"))["tier"] for c in (big, mid, small)],
       ["key", "scattered", "scattered"], "50 / 5 / 45: mid (60 % before it) is scattered")
    # the archive review every 6 months instead of 12
    t.ok(t.put("/settings/customer_archive_review_months", {"value": "6"}), 200)
    set_clock(t, "2034-09-01", "08:00")
    c = lib.customer(t, 0, archive_reviewed_on="2034-02-28")
    set_clock(t, "2034-09-02", "09:00")
    lib.run_jobs(t)
    items = t.ok(t.get("/notifications?limit=1000", user="kam_GZ"))["items"]
    eq(len([x for x in items if x["event"] == "archive_review" and x["document"] == c]), 1,
       "due after 6 months")

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

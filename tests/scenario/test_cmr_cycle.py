"""CMR (issue #10, flows.md §11.2): the order cycle inside T = payment term + cycle is the
setting `cmr_cycle_days` (numbering-and-rules.md §9, default 30), and every review line shows
where G comes from — the approved forecasts of the coming quarter month by month, their value,
F = value / 3 and G before the clamp — so the worksheet can show the growth factor's source."""

import lib
from lib import UNLIMITED, eq, set_clock
from test_cmr_wave2 import approved_forecast, invoice, line_of


def test_cycle_setting_and_growth_breakdown_to_the_fen(t):
    got = [x for x in t.ok(t.get("/settings"))["items"] if x["key"] == "cmr_cycle_days"]
    eq([(x["value"], x["default"]) for x in got], [("30", "30")], "cmr_cycle_days defaults to 30")
    set_clock(t, "2036-01-02")
    cust = lib.customer(t, UNLIMITED, term=30, grade="B")
    plain = lib.customer(t, UNLIMITED, term=30, grade="B")
    for day in ("2036-01-15", "2036-02-14", "2036-03-16"):
        invoice(t, cust, day, 200)
        invoice(t, plain, day, 200)
    set_clock(t, "2036-03-20")
    fc = approved_forecast(t, cust, "2036-03",
                           [("2036-04", 200), ("2036-05", 220), ("2036-06", 240)])
    # The default cycle: flows §11.2's example, T = 30 + 30 = 60, base ¥400,000, G 11000.
    set_clock(t, "2036-04-02")
    ln = line_of(t, "2036Q2", cust)
    eq((ln["t_days"], ln["cycle_days"], ln["g_bp"], ln["formula_limit_fen"]),
       (60, 30, 11000, 44000000), "cycle 30")
    eq(ln["growth"], {"forecast_fen": 66000000, "f_fen": 22000000, "raw_bp": 11000,
                      "sources": [{"forecast": fc, "month": "2036-04", "amount_fen": 20000000},
                                  {"forecast": fc, "month": "2036-05", "amount_fen": 22000000},
                                  {"forecast": fc, "month": "2036-06", "amount_fen": 24000000}]},
       "G from the approved forecast, month by month")
    # A 45-day cycle: T = 75, base = 20,000,000 × 75 / 30 = 50,000,000; × 1.1 = 55,000,000.
    t.ok(t.put("/settings/cmr_cycle_days", {"value": "45"}), 200, "cycle 45")
    ln = line_of(t, "2036Q2", cust)
    eq((ln["s_avg_fen"], ln["t_days"], ln["cycle_days"], ln["g_bp"], ln["r_bp"],
        ln["formula_limit_fen"], ln["proposed_limit_fen"]),
       (20000000, 75, 45, 11000, 10000, 55000000, 55000000), "cycle 45 to the fen")
    # Without a forecast G is 10000 and the breakdown says so (no source, no F).
    r = t.ok(t.post("/credit-reviews", {"quarter": "2036Q2"}, user="ssg_leader"), 201, "review")
    number = r["number"]
    ln = [x for x in r["lines"] if x["customer"] == plain][0]
    eq((ln["t_days"], ln["g_bp"], ln["formula_limit_fen"]), (75, 10000, 50000000),
       "no forecast, cycle 45")
    eq(ln["growth"], {"forecast_fen": None, "f_fen": None, "raw_bp": None, "sources": []},
       "no forecast: default G")
    # The line keeps the terms it was made with: a later change of the setting does not move it.
    t.ok(t.put("/settings/cmr_cycle_days", {"value": "30"}), 200, "back to 30")
    r = t.ok(t.get(f"/credit-reviews/{number}", user="ssg_leader"))
    eq({x["t_days"] for x in r["lines"] if x["customer"] in (cust, plain)}, {75},
       "a review keeps its T")


def test_unclamped_growth_of_zero_is_a_figure(t):
    """#10: a tiny forecast against large sales makes G before the clamp round to exactly 0
    (here the CSR assessed every month to 0): raw_bp is 0 (G clamped to 8000), not null — null
    is kept for a forecast without sales history, and for no forecast at all."""
    set_clock(t, "2037-01-02")
    cust = lib.customer(t, UNLIMITED, term=30, grade="B")
    fresh = lib.customer(t, UNLIMITED, term=30, grade="B")
    for day in ("2037-01-15", "2037-02-14", "2037-03-16"):
        invoice(t, cust, day, 200)
    set_clock(t, "2037-03-20")
    months = ("2037-04", "2037-05", "2037-06")
    approved_forecast(t, cust, "2037-03", [(m, 1) for m in months], adjust={m: 0 for m in months})
    approved_forecast(t, fresh, "2037-03", [(m, 100) for m in months])
    set_clock(t, "2037-04-02")
    r = t.ok(t.post("/credit-reviews", {"quarter": "2037Q2"}, user="ssg_leader"), 201, "review")
    ln = {x["customer"]: x for x in r["lines"]}
    g = ln[cust]["growth"]
    eq((g["forecast_fen"], g["f_fen"], g["raw_bp"], ln[cust]["g_bp"], ln[cust]["s_avg_fen"]),
       (0, 0, 0, 8000, 20000000), "raw G 0 is a figure, clamped to 8000")
    # base 20,000,000 × 60 / 30 = 40,000,000 × 0.8 × R 1.0 (grade B) = 32,000,000
    eq(ln[cust]["formula_limit_fen"], 32000000, "the formula with G 8000")
    g = ln[fresh]["growth"]
    eq((g["forecast_fen"] > 0, g["raw_bp"], ln[fresh]["g_bp"], ln[fresh]["s_avg_fen"]),
       (True, None, 10000, 0), "a forecast without sales history: no raw G")

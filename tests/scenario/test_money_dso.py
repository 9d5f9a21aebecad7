"""dso_trend counts write-offs (kpis-and-reports.md §4.3 dso_trend; issue #11): the AR at each
month's end is the invoices dated by then less what was settled by then and less what was
written off by then — a write-off dated by its `write_off` ledger credit (the day the GM
approved it), so a month before the write-off still carries the full amount."""

import lib
from lib import customer, dispatch, eq, invoices_of, product, released, set_clock


def test_dso_trend_counts_write_offs_from_their_day(t):
    set_clock(t, "2046-01-10", "10:00")
    cust = customer(t)
    s = product(t, price=1000)
    n, ship = released(t, cust, [(s, 10)])
    dispatch(t, ship)
    inv = invoices_of(t, cust, order=n)[0]
    eq(inv["amount_fen"], 10000, "invoice")
    set_clock(t, "2046-02-05", "10:00")
    w = t.ok(t.post("/write-offs", {"invoice": inv["number"], "amount_fen": 4000,
                                    "reason": "客户破产"}, user="finance"), 201, "write-off")
    t.ok(t.post(f"/write-offs/{w['number']}/approve", {}, user="gm"), 200, "approved")
    led = [x for x in lib.ledger(t, cust) if x["document"] == w["number"]]
    eq([(x["kind"], x["date"], x["credit_fen"]) for x in led], [("write_off", "2046-02-05", 4000)],
       "dated by its ledger credit")
    r = t.ok(t.get(f"/reports/dso_trend?from=2046-01-01&to=2046-02-28&customer={cust}",
                   user="finance"))
    eq([(x["month"], x["ar_fen"]) for x in r["rows"]],
       [("2046-01", 10000), ("2046-02", 6000)], "written off from February on")
    lib.ledger_consistent(t, cust)

"""The collection reports over every customer (kpis-and-reports.md §4.2-4.3, api.md §5.8; issue
#14, tenth pass): without a scope or filter, daily_receipts, cash_vs_expense and dso_trend are
read and summed in C (store/report_collection.c), not by the SQL a market's or a customer's
report runs. Each is checked to the fen on receipts of its own months, and against the same
report asked per market, whose rows and sums must add up to the all-customers answer — on the
demo data too. A receipt a refund drew on shows what its allocations settled, not its amount
less what is left of it."""

import lib
from lib import customer, dispatch, eq, invoices_of, pay, product, released, set_clock

MARKETS = ("NE", "N", "NW", "C", "SD", "E", "S", "SW")
RANGE = "from=2047-01-01&to=2047-04-30"


def report(t, name, query, user="finance"):
    return t.ok(t.get(f"/reports/{name}?{query}", user=user), 200, f"report {name} {query}")


def test_collection_reports_over_every_customer(t):
    set_clock(t, "2047-01-10", "10:00")
    a = customer(t)
    b = customer(t, region="SZ")
    s = product(t, price=1000)
    for cust, qty in ((a, 10), (b, 20)):
        n, ship = released(t, cust, [(s, qty)])
        dispatch(t, ship)
        inv = invoices_of(t, cust, order=n)[0]
        eq((inv["amount_fen"], inv["invoice_date"], inv["due_date"]),
           (qty * 1000, "2047-01-10", "2047-02-09"), "invoice")
    set_clock(t, "2047-02-15", "10:00")
    p1 = pay(t, a, 4000)["number"]
    set_clock(t, "2047-03-20", "10:00")
    p2 = pay(t, a, 500, kind="expense", method="cash")["number"]
    p3 = pay(t, b, 25000)["number"]
    # 5000 of p3 is left after B's invoice; a refund of 3000 draws on it
    r = t.ok(t.post("/refunds", {"customer": b, "amount_fen": 3000, "reason": "多付退回"},
                    user="kam_GZ"), 201, "refund")
    lib.act(t, "refunds", r["number"], "approve", "deputy")
    lib.act(t, "refunds", r["number"], "pay", "finance")
    eq(t.ok(t.get(f"/payments/{p3}", user="finance"))["unapplied_fen"], 2000, "refund drawn")
    set_clock(t, "2047-04-05", "10:00")
    p4 = pay(t, a, 200, method="wechat")["number"]

    # daily receipts: allocated = what the allocations settled (20000 of p3, not 25000 − 2000)
    r = report(t, "daily_receipts", RANGE)
    eq([(x["receipt"], x["received_on"], x["customer"], x["kind"], x["method"], x["amount_fen"],
         x["allocated_fen"], x["unapplied_fen"], x["bcr"]) for x in r["rows"]],
       sorted([(p1, "2047-02-15", a, "payment", "bank_transfer", 4000, 4000, 0, "ssg_leader"),
               (p2, "2047-03-20", a, "expense", "cash", 500, 500, 0, "ssg_leader"),
               (p3, "2047-03-20", b, "payment", "bank_transfer", 25000, 20000, 2000,
                "ssg_leader"),
               (p4, "2047-04-05", a, "payment", "other", 200, 200, 0, "ssg_leader")],
              key=lambda x: (x[1], x[0])), "daily receipts, every customer")
    eq((r["totals"]["amount_fen"], r["totals"]["allocated_fen"], r["totals"]["unapplied_fen"]),
       (29700, 24700, 2000), "totals")
    names = {x["customer"]: x["customer_name"] for x in r["rows"]}
    eq(sorted(names), sorted([a, b]), "each receipt's customer")
    for q, who in (("market=S", (a, b)), ("market=E", ()), ("region=GZ", (a,)),
                   ("region=SZ", (b,))):
        got = [x["receipt"] for x in report(t, "daily_receipts", f"{RANGE}&{q}")["rows"]]
        eq(got, [x["receipt"] for x in r["rows"] if x["customer"] in who], f"receipts of {q}")

    r = report(t, "cash_vs_expense", RANGE)
    eq([(x["month"], x["kind"], x["method"], x["receipts"], x["amount_fen"]) for x in r["rows"]],
       [("2047-02", "payment", "bank_transfer", 1, 4000),
        ("2047-03", "expense", "cash", 1, 500),
        ("2047-03", "payment", "bank_transfer", 1, 25000),
        ("2047-04", "payment", "other", 1, 200)], "cash vs expense, every customer")
    eq((r["totals"]["receipts"], r["totals"]["amount_fen"]), (4, 29700), "totals")

    # DSO over four months: every customer's answer (read in C) is the sum of the markets'
    # (read in SQL), the demo's invoices included
    whole = report(t, "dso_trend", RANGE)["rows"]
    eq([x["month"] for x in whole], ["2047-01", "2047-02", "2047-03", "2047-04"], "months")
    sums = {x["month"]: [0, 0, 0] for x in whole}
    for m in MARKETS:
        for x in report(t, "dso_trend", f"{RANGE}&market={m}")["rows"]:
            for i, k in enumerate(("ar_fen", "overdue_fen", "net_sales_90d_fen")):
                sums[x["month"]][i] += x[k]
    eq([(x["month"], x["ar_fen"], x["overdue_fen"], x["net_sales_90d_fen"]) for x in whole],
       [(k, *v) for k, v in sums.items()], "every customer = the sum of the markets")
    # one customer: four months (SQL) and two (in C), to the fen
    want = {"2047-01": (10000, 0), "2047-02": (6000, 6000), "2047-03": (5500, 5500),
            "2047-04": (5300, 5300)}
    r = report(t, "dso_trend", f"{RANGE}&customer={a}")
    eq({x["month"]: (x["ar_fen"], x["overdue_fen"]) for x in r["rows"]}, want, "A, 4 months")
    r = report(t, "dso_trend", f"from=2047-02-01&to=2047-03-31&customer={a}")
    eq([(x["month"], x["ar_fen"], x["overdue_fen"], x["net_sales_90d_fen"], x["dso_days"])
        for x in r["rows"]],
       [("2047-02", 6000, 6000, 10000, 54), ("2047-03", 5500, 5500, 10000, 50)],
       "A, 2 months: DSO = 6000 × 90 ÷ 10000 = 54, 5500 × 90 ÷ 10000 = 49.5 → 50")
    r = report(t, "dso_trend", f"from=2047-01-01&to=2047-03-31&customer={b}")
    eq([(x["month"], x["ar_fen"], x["overdue_fen"]) for x in r["rows"]],
       [("2047-01", 20000, 0), ("2047-02", 20000, 20000), ("2047-03", 0, 0)], "B")
    lib.ledger_consistent(t, a)
    lib.ledger_consistent(t, b)


def test_daily_receipts_names_of_long_and_short_codes(t):
    """daily_receipts looks each receipt's customer up in a table of codes up to 12 bytes and
    in the general map when a code of the scope is longer: both give the customer's name."""
    set_clock(t, "2048-06-10", "10:00")
    short = customer(t, name="短编码客户")
    long = customer(t, name="长编码客户", prefix="BCLONGCODE")
    assert len(short) <= 12 < len(long), (short, long)
    ps = pay(t, short, 700)["number"]
    pl = pay(t, long, 900)["number"]
    for who, number, amount, name in ((short, ps, 700, "短编码客户"),
                                      (long, pl, 900, "长编码客户")):
        r = report(t, "daily_receipts", f"from=2048-06-01&to=2048-06-30&customer={who}")
        eq([(x["receipt"], x["customer"], x["customer_name"], x["amount_fen"], x["bcr"])
            for x in r["rows"]], [(number, who, name, amount, "ssg_leader")], who)
    r = report(t, "daily_receipts", "from=2048-06-01&to=2048-06-30")
    eq(sorted((x["customer"], x["customer_name"]) for x in r["rows"]),
       sorted([(short, "短编码客户"), (long, "长编码客户")]), "every customer")

"""The collection routine's reports in the report engine (kpis-and-reports.md §4.2-4.3, api.md
§5.8; issue #11): daily_receipts, cash_vs_expense, prepayments, weekly_call_list and dso_trend,
each with its figures checked to the fen on data the test makes, and the CSV of one."""

import lib
from lib import customer, dispatch, eq, invoices_of, pay, product, released, run_jobs, set_clock

MONDAY = "2045-07-03"
DAY = "2045-07-04"  # a Tuesday


def report(t, name, query, user="finance"):
    return t.ok(t.get(f"/reports/{name}?{query}", user=user), 200, f"report {name}")


def setup(t):
    set_clock(t, MONDAY, "07:00")
    cust = customer(t)
    rich = customer(t)
    set_clock(t, DAY, "10:00")
    s = product(t, price=1000)
    n, ship = released(t, cust, [(s, 10)])
    dispatch(t, ship)
    inv = invoices_of(t, cust, order=n)[0]
    eq((inv["amount_fen"], inv["invoice_date"]), (10000, DAY), "invoice")
    p1 = pay(t, cust, 3000)["number"]
    p2 = pay(t, cust, 500, kind="expense", method="cash")["number"]
    p3 = pay(t, cust, 200, method="wechat")["number"]
    p4 = pay(t, rich, 8000)["number"]
    return cust, rich, inv, (p1, p2, p3, p4)


def test_collection_reports_to_the_fen(t):
    cust, rich, inv, (p1, p2, p3, p4) = setup(t)
    listed = {x["name"] for x in t.ok(t.get("/reports", user="finance"))["items"]}
    for name in ("daily_receipts", "cash_vs_expense", "prepayments", "weekly_call_list",
                 "dso_trend"):
        eq(name in listed, True, f"{name} listed")

    r = report(t, "daily_receipts", f"from={DAY}&to={DAY}&customer={cust}")
    eq([(x["receipt"], x["kind"], x["method"], x["amount_fen"], x["allocated_fen"],
         x["unapplied_fen"], x["bcr"]) for x in r["rows"]],
       [(p1, "payment", "bank_transfer", 3000, 3000, 0, "ssg_leader"),
        (p2, "expense", "cash", 500, 500, 0, "ssg_leader"),
        (p3, "payment", "other", 200, 200, 0, "ssg_leader")], "daily receipts")
    eq((r["totals"]["amount_fen"], r["totals"]["allocated_fen"]), (3700, 3700), "totals")

    r = report(t, "cash_vs_expense", f"from={DAY}&to={DAY}&customer={cust}")
    eq([(x["month"], x["kind"], x["method"], x["receipts"], x["amount_fen"]) for x in r["rows"]],
       [("2045-07", "expense", "cash", 1, 500), ("2045-07", "payment", "bank_transfer", 1, 3000),
        ("2045-07", "payment", "other", 1, 200)], "cash vs expense")
    eq((r["totals"]["receipts"], r["totals"]["amount_fen"]), (3, 3700), "totals")

    set_clock(t, "2045-07-14", "10:00")
    r = report(t, "prepayments", f"as_of=2045-07-14&customer={rich}")
    eq([(x["customer"], x["unapplied_fen"], x["earmarked_fen"], x["free_fen"],
         x["oldest_receipt"], x["age_days"]) for x in r["rows"]],
       [(rich, 8000, 0, 8000, DAY, 10)], "prepayments")
    eq(report(t, "prepayments", f"customer={cust}")["rows"], [], "no prepayment: no row")

    r = report(t, "dso_trend", f"from=2045-06-01&to={DAY}&customer={cust}")
    eq([(x["month"], x["ar_fen"], x["net_sales_90d_fen"], x["dso_days"], x["overdue_fen"],
         x["overdue_ratio_bp"]) for x in r["rows"]],
       [("2045-06", 0, 0, 0, 0, 0), ("2045-07", 6300, 10000, 57, 0, 0)],
       "DSO = 6300 × 90 ÷ 10000 = 56.7 → 57 days")
    # 45 days later the invoice (30 days) is overdue: the whole AR.
    r = report(t, "dso_trend", f"from=2045-08-01&to=2045-08-31&customer={cust}")
    eq([(x["ar_fen"], x["overdue_fen"], x["overdue_ratio_bp"], x["dso_days"])
        for x in r["rows"]], [(6300, 6300, 10000, 57)], "overdue at the month's end")

    set_clock(t, "2045-07-17", "08:00")  # the next Monday
    run_jobs(t)
    t.ok(t.post("/call-logs", {"customer": cust, "kind": "weekly_collection", "reached": True, "outcome": "月底付清", "promised_pay_date":
                           "2045-07-31", "promised_amount_fen": 6300}, user="ssg_leader"), 201,
         "call")
    r = report(t, "weekly_call_list", f"from=2045-07-17&to=2045-07-23&customer={cust}",
               user="ssg_leader")
    eq([(x["week"], x["bcr"], x["balance_fen"], x["overdue_fen"], x["due_this_week_fen"],
         x["called"], x["outcome"], x["promised_pay_date"], x["promised_amount_fen"])
        for x in r["rows"]],
       [("2045-07-17", "ssg_leader", 6300, 0, 0, 1, "月底付清", "2045-07-31", 6300)],
       "call list row")
    csv = t.request("GET", f"/reports/daily_receipts?from={DAY}&to={DAY}&customer={cust}"
                    "&format=csv", user="finance")
    eq(csv[0], 200, "CSV")
    body = csv[1]
    text = body.decode("utf-8") if isinstance(body, (bytes, bytearray)) else str(body)
    eq(("收款单号" in text, "30.00" in text, "5.00" in text), (True, True, True),
       "CSV: zh header, money in yuan")
    lib.ledger_consistent(t, cust)

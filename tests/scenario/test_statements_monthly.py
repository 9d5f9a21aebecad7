"""The account month and its statements (flows.md §4.6, issue #11 item 6): the job on the 26th
06:00 makes one `monthly` statement of the account month just closed (26th of M−1 to the 25th
of M) for every customer with activity in it or a balance at its end, once; from the third
working day before the 25th to the 25th, finance and every market's BCR are reminded each
working day at 09:00 that the account month closes on the 25th.

Each test takes months of its own (2044-02/03 and 2041-03), after the server's start, so the
monthly job sees them for the first time here."""

import lib
from lib import UNLIMITED, check, dispatch, eq, invoices_of, product, released, run_jobs, set_clock


def monthly(t, cust):
    return t.list_all(f"/statements?customer={cust}&kind=monthly", user="finance")


def pay(t, cust, amount, day):
    return t.ok(t.post("/payments", {"customer": cust, "amount_fen": amount,
                                     "method": "bank_transfer", "reference": t.uniq("REF"),
                                     "received_on": day}, user="finance"), 201, "payment")


def test_monthly_statements_on_the_26th_0600_once(t):
    set_clock(t, "2044-02-10", "10:00")
    run_jobs(t)  # the months before are done with first, before any data
    old = lib.customer(t, UNLIMITED)
    pay(t, old, 5000, "2044-02-10")  # activity in account month 2044-02: a balance after it
    set_clock(t, "2044-02-26", "06:00")
    check("monthly_statements" in run_jobs(t), "the February job")
    eq([(s["period_from"], s["period_to"]) for s in monthly(t, old)],
       [("2044-01-26", "2044-02-25")], "February's statement of the paying customer")

    set_clock(t, "2044-03-05", "10:00")
    inv = lib.customer(t, UNLIMITED)
    idle = lib.customer(t, UNLIMITED)
    _, ship = released(t, inv, [(product(t, price=1000), 10)])
    dispatch(t, ship)
    check(invoices_of(t, inv), "an invoice in account month 2044-03")

    set_clock(t, "2044-03-26", "05:59")
    check("monthly_statements" not in run_jobs(t), "not before 06:00")
    eq(monthly(t, inv), [], "no statement at 05:59")
    set_clock(t, "2044-03-26", "06:00")
    check("monthly_statements" in run_jobs(t), "runs at 06:00")
    check("monthly_statements" not in run_jobs(t), "and once")
    eq(t.sql("SELECT count(*) FROM job_runs WHERE job = 'monthly_statements'"
             " AND period_key = '2044-03'")[0][0], 1, "one job_runs row for the month")

    got = monthly(t, inv)
    eq(len(got), 1, "the invoiced customer: one statement")
    s = got[0]
    eq((s["kind"], s["period_from"], s["period_to"], s["state"], s["created_by"]),
       ("monthly", "2044-02-26", "2044-03-25", "generated", "system"), "account month 2044-03")
    check(s["debits_fen"] > 0 and s["closing_fen"] == s["debits_fen"] - s["credits_fen"],
          f"the invoice is on it: {s['debits_fen']} / {s['closing_fen']}")
    check(any(x["kind"] == "invoice" for x in s["entries"]), f"entries {s['entries']}")

    got = [x for x in monthly(t, old) if x["period_to"] == "2044-03-25"]
    eq(len(got), 1, "the customer with only an old balance: one statement")
    eq((got[0]["opening_fen"], got[0]["debits_fen"], got[0]["credits_fen"],
        got[0]["closing_fen"], got[0]["entries"]), (-5000, 0, 0, -5000, []), "the balance carried")

    eq(monthly(t, idle), [], "neither activity nor balance: no statement")
    told = [x for x in t.list_all("/notifications", user="kam_GZ") if x["document"] == s["number"]]
    eq(len(told), 1, "the KAM is told once")

    # later runs in the same month add nothing
    set_clock(t, "2044-03-28", "10:00")
    run_jobs(t)
    eq(len(monthly(t, inv)), 1, "still one for the invoiced customer")
    eq(len(monthly(t, old)), 2, "still two for the old balance (February, March)")

    # the PDF and XLSX of the statement
    for fmt, ctype in (("pdf", "application/pdf"), ("xlsx", "spreadsheetml")):
        r = t.get(f"/statements/{s['number']}?format={fmt}", user="finance")
        eq(r.status, 200, f"{fmt} status")
        check(ctype in r.headers.get("content-type") or "", f"{fmt} content type")


def reminded(t, month):
    return sorted(r[0] for r in t.sql("SELECT recipient FROM notifications WHERE"
                                      " event = 'account_cutoff' AND document = ?", (month,)))


def test_cutoff_reminders_from_three_working_days_before_the_25th(t):
    # 2041-03-25 is a Monday: the third working day before it is Wednesday the 20th
    set_clock(t, "2041-03-19", "10:00")
    run_jobs(t)
    eq(reminded(t, "2041-03"), [], "not on the 4th working day before")
    who = sorted(set(r[0] for r in t.sql(
        "SELECT m.bcr FROM markets m JOIN users u ON u.username = m.bcr WHERE u.active = 1"
        " UNION SELECT username FROM users WHERE role = 'finance' AND active = 1")))
    check("finance" in who and len(who) > 1, f"finance and the BCRs: {who}")
    set_clock(t, "2041-03-20", "08:59")
    run_jobs(t)
    eq(reminded(t, "2041-03"), [], "not before 09:00")
    days = []
    for day, expect in (("20", True), ("21", True), ("22", True), ("23", False), ("24", False),
                        ("25", True), ("26", False)):
        set_clock(t, f"2041-03-{day}", "09:00")
        before = len(reminded(t, "2041-03"))
        check("account_cutoff_reminders" in run_jobs(t), f"the daily job on the {day}th")
        run_jobs(t)
        got = reminded(t, "2041-03")
        eq(len(got) - before, len(who) if expect else 0, f"reminders on 2041-03-{day}")
        if expect:
            days.append(day)
    eq(days, ["20", "21", "22", "25"], "the reminder days")
    eq(reminded(t, "2041-03"), sorted(who * 4), "each of finance and the BCRs, each day")

"""The invoice reminders and overdue ladder (flows.md §4.1 BC2 and BC6, §20 daily 08:00): each
step is sent exactly once on its day (the day before: nothing; before 08:00: nothing), to the
people the spec lists; a settled invoice gets nothing more; a step missed while no job ran is
sent once at the next run, unless the invoice was settled meanwhile; D+90 records an
`overdue_90` credit incident and puts the customer on credit hold with grade E, so a new
order's credit check lands in prepay_required with reason credit_hold.

Market S: KAM kam_GZ, UM um_GZ (region GZ), BCR ssg_leader, supervising SLT member deputy,
GM gm. Each test uses its own months: the job runs once per day (job_runs), so a test never
goes back to a day an earlier one already ran."""

from lib import (add_days, check, checked, customer, dispatch, eq, invoices_of, pay, product,
                 released, run_jobs, set_clock)

TERM = 30


def invoice(t, day, term=TERM):
    """A credit customer with one dispatched order invoiced on day; returns (customer, FP)."""
    set_clock(t, day, "10:00")
    cust = customer(t, term=term)
    sku = product(t, price=10000)
    _, ship = released(t, cust, [(sku, 3)])
    dispatch(t, ship)
    inv = invoices_of(t, cust)
    eq(len(inv), 1, "one invoice")
    eq(inv[0]["due_date"], add_days(day, term), "due date = invoice date + term")
    return cust, inv[0]["number"]


def sent(t, inv):
    """{step: sorted recipients} of the reminders of inv, from the outbox table."""
    rows = t.sql("SELECT dedup_key, recipient FROM notifications WHERE document = ?"
                 " AND dedup_key LIKE 'remind:%' ORDER BY id", (inv,))
    out = {}
    for key, who in rows:
        step = key.split(":")[2]
        out.setdefault(step, []).append(who)
    return {k: sorted(v) for k, v in out.items()}


def job_at(t, day, hhmm):
    set_clock(t, day, hhmm)
    run_jobs(t)


def incidents(t, cust, user="finance"):
    return t.ok(t.get(f"/customers/{cust}/credit-incidents", user=user))["items"]


def test_each_step_once_on_its_day(t):
    cust, inv = invoice(t, "2027-01-04")
    due = add_days("2027-01-04", TERM)
    ladder = [
        ("d-7", -7, [f"customer:{cust}", "kam_GZ"]),
        ("d0", 0, [f"customer:{cust}"]),
        ("d+1", 1, sorted([f"customer:{cust}", "kam_GZ", "um_GZ", "ssg_leader"])),
        ("d+30", 30, ["deputy"]),
        ("d+60", 60, ["gm"]),
    ]
    expected = {}
    for step, days, who in ladder:
        day = add_days(due, days)
        job_at(t, add_days(day, -1), "12:00")
        eq(sent(t, inv), expected, f"{step}: nothing the day before")
        job_at(t, day, "07:59")
        eq(sent(t, inv), expected, f"{step}: nothing before 08:00")
        job_at(t, day, "08:00")
        run_jobs(t)
        expected[step] = who
        eq(sent(t, inv), expected, f"{step}: sent once on its day")
    # a partial payment leaves the invoice open: the ladder goes on
    pay(t, cust, 10000)
    eq(t.ok(t.get(f"/invoices/{inv}", user="finance"))["state"], "partial", "partial")
    d90 = add_days(due, 90)
    job_at(t, add_days(d90, -1), "12:00")
    eq(incidents(t, cust), [], "no incident before D+90")
    eq(t.ok(t.get(f"/customers/{cust}", user="finance"))["credit_hold"], False, "no hold yet")
    job_at(t, d90, "08:00")
    run_jobs(t)
    expected["d+90"] = sorted(["deputy", "kam_GZ", "ssg_leader"])
    eq(sent(t, inv), expected, "D+90: the SLT member, KAM and BCR told once")
    got = incidents(t, cust)
    eq(len(got), 1, "one credit incident")
    eq((got[0]["kind"], got[0]["date"], got[0]["invoice"], got[0]["amount_fen"],
        got[0]["recorded_by"]), ("overdue_90", d90, inv, 20000, "system"), "the incident")
    c = t.ok(t.get(f"/customers/{cust}", user="finance"))
    eq((c["grade"], c["credit_hold"], c["credit_hold_reason"]),
       ("E", True, "逾期超过90天 (overdue > 90 days)"), "grade E and credit hold")
    hist = t.ok(t.get(f"/customers/{cust}/history", user="finance"))["items"]
    holds = [h for h in hist if h["action"] == "credit_hold"]
    eq(len(holds), 1, "the hold is audited once")
    eq((holds[0]["before"]["credit_hold"], holds[0]["after"]["credit_hold"],
        holds[0]["after"]["grade"]), (False, True, "E"), "audit before/after")
    # later runs add nothing
    job_at(t, add_days(d90, 1), "09:00")
    eq(sent(t, inv), expected, "nothing after D+90")
    eq(len(incidents(t, cust)), 1, "still one incident")
    # a new order's credit check lands in prepay_required, reason credit_hold
    o = checked(t, cust, [(product(t, price=100), 1)])
    eq(o["state"], "prepay_required", "new order on hold")
    check("credit_hold" in o["credit_check"]["reasons"],
          f"reason credit_hold: {o['credit_check']['reasons']}")


def test_settled_invoice_gets_nothing_more(t):
    cust, inv = invoice(t, "2027-06-01")
    due = add_days("2027-06-01", TERM)
    job_at(t, add_days(due, -7), "08:00")
    eq(sorted(sent(t, inv)), ["d-7"], "D−7 sent")
    pay(t, cust, 30000)
    eq(t.ok(t.get(f"/invoices/{inv}", user="finance"))["state"], "paid", "paid")
    for days in (0, 1, 30, 60, 90):
        job_at(t, add_days(due, days), "09:00")
    eq(sorted(sent(t, inv)), ["d-7"], "nothing after settlement")
    eq(incidents(t, cust), [], "no incident")
    eq(t.ok(t.get(f"/customers/{cust}", user="finance"))["credit_hold"], False, "no hold")


def test_missed_days_are_caught_up_once(t):
    # two invoices on the same day; no job runs until D+2; one is settled meanwhile
    day = "2027-11-01"
    cust, open_inv = invoice(t, day)
    cust2, paid_inv = invoice(t, day)
    pay(t, cust2, 30000)
    due = add_days(day, TERM)
    job_at(t, add_days(due, 2), "10:00")
    run_jobs(t)
    eq(sorted(sent(t, open_inv)), ["d+1", "d-7", "d0"], "the missed steps, once each")
    eq(len(sent(t, open_inv)["d+1"]), 4, "D+1 to its four recipients")
    eq(sent(t, paid_inv), {}, "the settled invoice: nothing for the steps it passed")
    # a short term: the D−7 day came before the invoice existed
    cust3, short = invoice(t, add_days(due, 3), term=3)
    job_at(t, add_days(due, 6), "08:00")
    eq(sorted(sent(t, short)), ["d0"], "no D−7 before the invoice date")


def test_credit_incidents_scope(t):
    # an invoice of 5 March 2029 still open at D+90 (2 July): one overdue_90 incident
    cust, _ = invoice(t, "2029-03-05")
    job_at(t, add_days(add_days("2029-03-05", TERM), 90), "09:00")
    eq([i["kind"] for i in incidents(t, cust)], ["overdue_90"], "one incident")
    eq(len(incidents(t, cust, user="kam_GZ")), 1, "the KAM sees it")
    eq(len(incidents(t, cust, user="deputy")), 1, "the supervising SLT member sees it")
    t.expect_error(t.get(f"/customers/{cust}/credit-incidents", user="warehouse"), 403,
                   "forbidden")
    t.expect_error(t.get(f"/customers/{cust}/credit-incidents", user="kam_SH"), 404,
                   "not_found")
    t.expect_error(t.get("/customers/NOPE/credit-incidents", user="finance"), 404, "not_found")
    t.expect_error(t.get(f"/customers/{cust}/credit-incidents?x=1", user="finance"), 400,
                   "bad_request")

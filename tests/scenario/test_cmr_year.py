"""A year of CMR on the test clock (flows.md §11; api.md §5.3): one customer buys ¥100,000 a
month through OP (an order released and dispatched, so a real invoice) and pays each invoice
some days after its due date; on the 1st of every month at 06:00 the jobs compute the grade list
of the month that ended (the SSG leader publishes it), on 1 Mar / 1 Jun / 1 Sep / 1 Dec they
make the quarterly review (the MM reviews the line, the supervising SLT member — and the GM
where needed — approve it), and on the quarter's first day the new limit takes effect.

Every grade and every limit is checked against a small model of the rules written here from
the spec (§11.2 formula, §11.3 grades), not read back from the server."""

import datetime

import lib
from lib import check, dispatch, eq, pay, product, released, run_jobs, set_clock

D = datetime.date
TERM = 30
# days late of each invoice's payment, in order (none reaches E: DPL and overdue stay <= 30)
LATE = [0, 0, 3, 10, 0, 20, 2, 0, 0, 8, 0, 0]
R_BP = {"A": 12000, "B": 10000, "C": 8000, "D": 5000, "E": 0}


def half_up(num, den):
    return (num + den // 2) // den


def months_back(d, k):
    i = d.year * 12 + d.month - 1 - k
    return D(i // 12, i % 12 + 1, 1)


def month_end(y, m):
    return months_back(D(y, m, 1), -1) - datetime.timedelta(days=1)


def model_formula(invoices, review, current, grade):
    """(months_n, s_avg, formula or None) of §11.2 at the review date."""
    w_from, w_to = months_back(review, 12), D(review.year, review.month, 1) - datetime.timedelta(1)
    if not invoices or invoices[0]["date"] > w_to:
        n = 0
    else:
        f = invoices[0]["date"]
        n = min(12, (w_to.year * 12 + w_to.month) - (f.year * 12 + f.month) + 1)
    net = sum(i["amount"] for i in invoices if w_from <= i["date"] <= w_to)
    s_avg = net // n if n else 0
    if n < 3:
        return n, s_avg, None
    base = half_up(s_avg * (TERM + 30), 30)
    grown = half_up(base * 10000, 10000)
    rated = half_up(grown * R_BP[grade], 10000)
    return n, s_avg, rated // 100000 * 100000


def model_grade(invoices, as_of, previous):
    """(dpl, max_overdue, grade) of §11.3 as of as_of."""
    w_from = months_back(as_of, 5)
    window = [i for i in invoices if w_from <= i["due"] <= as_of]
    overdue = [(as_of - i["due"]).days for i in invoices
               if i["due"] < as_of and (i["paid"] is None or i["paid"] > as_of)]
    mx = max(overdue, default=0)
    if not window:
        return 0, mx, previous
    num = den = 0
    for i in window:
        s = i["paid"] if i["paid"] is not None and i["paid"] <= as_of else as_of
        num += i["amount"] * max(0, (s - i["due"]).days)
        den += i["amount"]
    dpl = num // den
    for g, (dl, ml) in (("A", (1, 0)), ("B", (5, 15)), ("C", (15, 30)), ("D", (30, 60))):
        if dpl <= dl and mx <= ml:
            return dpl, mx, g
    return dpl, mx, "E"


def test_a_year_of_limits_and_grades(t):
    set_clock(t, "2044-12-20")
    cust = lib.customer(t, 50000000, term=TERM, grade="C")
    sku = product(t, price=100000, stock=10000000)
    state = {"limit": 50000000, "grade": "C"}
    invoices = []  # {"date","due","amount","paid"} as the customer's account has them

    # the timeline: invoices every ~30 days + the lateness of the one before
    events = []
    day = D(2045, 1, 3)
    for k, late in enumerate(LATE):
        events.append((day, "10:00", "order", k))
        pay_day = day + datetime.timedelta(days=TERM + late)
        events.append((pay_day, "09:00", "pay", k))
        day = pay_day
    for m in range(2, 14):
        y, mm = (2045, m) if m <= 12 else (2046, m - 12)
        events.append((D(y, mm, 1), "06:00", "month", None))
    events.sort(key=lambda e: (e[0], e[1]))
    reviews = {}
    checked_lists, checked_reviews, effective = 0, 0, 0
    for day, hhmm, kind, k in events:
        set_clock(t, day.isoformat(), hhmm)
        if kind == "order":
            _, ship = released(t, cust, [(sku, 100)])
            dispatch(t, ship)
            inv = [i for i in lib.invoices_of(t, cust) if i["invoice_date"] == day.isoformat()][-1]
            invoices.append({"date": day, "due": D.fromisoformat(inv["due_date"]),
                             "amount": inv["amount_fen"], "paid": None, "number": inv["number"]})
            eq(inv["amount_fen"], 10000000, "¥100,000 a month")
        elif kind == "pay":
            pay(t, cust, invoices[k]["amount"], received_on=day.isoformat())
            invoices[k]["paid"] = day
        else:
            run_jobs(t)
            # the limit of a quarter that began today
            q_start = (day.month - 1) % 3 == 0
            if q_start and reviews:
                quarter = f"{day.year}Q{(day.month - 1) // 3 + 1}"
                if quarter in reviews:
                    state["limit"] = reviews.pop(quarter)
                    effective += 1
            eq(t.ok(t.get(f"/customers/{cust}", user="finance"))["credit_limit_fen"],
               state["limit"], f"limit on {day}")
            # the grade list of the month that ended
            prev = day - datetime.timedelta(days=1)
            month = f"{prev.year}-{prev.month:02d}"
            lst = t.ok(t.get(f"/credit-grades?month={month}", user="ssg_leader"))
            row = [x for x in lst["items"] if x["customer"] == cust]
            eq(len(row), 1, f"{month}: a row")
            dpl, mx, grade = model_grade(invoices, prev, state["grade"])
            eq((row[0]["dpl_days"], row[0]["max_overdue_days"], row[0]["computed_grade"]),
               (dpl, mx, grade), f"grade list {month}")
            r = t.ok(t.get(f"/credit-reviews?quarter={day.year + (day.month == 12)}Q"
                           f"{(day.month // 3) % 4 + 1}", user="gm"))
            if day.month % 3 == 0:
                # the quarterly review the job made this morning (R from the grade before
                # today's publication)
                quarter = f"{day.year + (day.month == 12)}Q{(day.month // 3) % 4 + 1}"
                eq(len(r["items"]), 1, f"{day}: one review of {quarter}")
                rv = r["items"][0]
                ln = [x for x in rv["lines"] if x["customer"] == cust][0]
                n, s_avg, formula = model_formula(invoices, day, state["limit"], state["grade"])
                eq((ln["months_n"], ln["s_avg_fen"], ln["formula_limit_fen"], ln["r_bp"]),
                   (n, s_avg, formula, R_BP[state["grade"]]), f"review of {quarter}")
                proposed = state["limit"] if formula is None else formula
                eq(ln["proposed_limit_fen"], proposed, "proposal")
                needs_gm = (formula is not None and proposed * 10 > formula * 13) or \
                    proposed >= 100000000 or proposed * 10 > state["limit"] * 15
                eq(ln["needs_gm"], needs_gm, "needs_gm")
                lib.act(t, "credit-reviews", rv["number"], "review", "mm_S", {"customer": cust})
                out = lib.act(t, "credit-reviews", rv["number"], "approve", "deputy",
                              {"customer": cust})
                if needs_gm:
                    out = lib.act(t, "credit-reviews", rv["number"], "approve", "gm",
                                  {"customer": cust})
                ln = [x for x in out["lines"] if x["customer"] == cust][0]
                eq(ln["state"], "approved", "approved before the quarter")
                reviews[quarter] = proposed
                checked_reviews += 1
            lib.act(t, "credit-grades", month, "publish", "ssg_leader")
            state["grade"] = grade
            eq(t.ok(t.get(f"/customers/{cust}", user="ssg_leader"))["grade"], grade,
               f"grade after publishing {month}")
            checked_lists += 1
    eq((checked_lists, checked_reviews, effective), (12, 4, 4),
       "twelve grade lists, four reviews, four new limits")
    check(len({i["date"].month for i in invoices}) >= 11, "invoices across the year")

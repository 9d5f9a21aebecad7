"""The monthly credit grade list (客户信用等级一览表; api.md §5.3, §5.9; flows.md §11.3):
DPL and maximum overdue as of the month end from invoices and allocations, grades A–E,
override with a reason, publish (grade E → credit hold and notices to the supervising SLT
member, the MM and the KAM), the job of the 1st, and every error.

Market S (华南) is supervised by `deputy`; its MM is `mm_S`; customers are kam_GZ's."""

import lib
from lib import check, dispatch, eq, pay, product, released, run_jobs, set_clock


def sku(t):
    if "sku" not in t.case:
        t.case["sku"] = product(t, price=100000, stock=10000000)
    return t.case["sku"]


def invoice(t, cust, day, yuan):
    """An invoice of `yuan` dated `day` (term of the customer), left open."""
    set_clock(t, day, "10:00")
    _, ship = released(t, cust, [(sku(t), yuan // 1000)])
    dispatch(t, ship)
    return [i for i in lib.invoices_of(t, cust) if i["invoice_date"] == day][-1]


def pay_on(t, cust, day, fen):
    set_clock(t, day, "11:00")
    pay(t, cust, fen, received_on=day)


def grades(t, month, user="ssg_leader"):
    return t.ok(t.get(f"/credit-grades?month={month}", user=user))


def row(lst, cust):
    rs = [x for x in lst["items"] if x["customer"] == cust]
    eq(len(rs), 1, f"one row of {cust}")
    return rs[0]


def act(t, month, action, body=None, user="ssg_leader", status=200):
    return t.ok(t.post(f"/credit-grades/{month}/{action}", body or {}, user=user), status,
                f"{action} {month}")


def test_dpl_max_overdue_override_and_publish(t):
    set_clock(t, "2040-01-02")
    good = lib.customer(t, 10 ** 9, term=30)
    late = lib.customer(t, 10 ** 9, term=30)
    quiet = lib.customer(t, 10 ** 9, term=30, grade="B")
    fresh = lib.customer(t, 10 ** 9, term=30)
    # good: ¥1,000 due 02-09 paid 02-19 (10 days late), ¥3,000 due 04-09 paid on time:
    # DPL = ⌊(100000 × 10 + 300000 × 0) / 400000⌋ = 2, nothing open → B
    a = invoice(t, good, "2040-01-10", 1000)
    eq(a["due_date"], "2040-02-09", "due date")
    pay_on(t, good, "2040-02-19", 100000)
    invoice(t, good, "2040-03-10", 3000)
    pay_on(t, good, "2040-04-09", 300000)
    # late: ¥2,000 due 04-09 never paid: 82 days overdue at 06-30 → E
    invoice(t, late, "2040-03-10", 2000)
    set_clock(t, "2040-07-01", "09:00")
    lst = act(t, "2040-06", "compute")
    eq((lst["month"], lst["as_of"], lst["published"]), ("2040-06", "2040-06-30", False), "list")
    eq({k: row(lst, good)[k] for k in ("dpl_days", "max_overdue_days", "computed_grade",
                                      "override_grade", "grade")},
       {"dpl_days": 2, "max_overdue_days": 0, "computed_grade": "B", "override_grade": None,
        "grade": "B"}, "good")
    r = row(lst, late)
    eq((r["dpl_days"], r["max_overdue_days"], r["computed_grade"]), (82, 82, "E"), "late")
    eq((row(lst, quiet)["computed_grade"], row(lst, fresh)["computed_grade"]), ("B", "C"),
       "no invoices: the grade is kept (new customers C)")
    eq(lst["allowed_actions"], ["compute", "override", "publish"], "the SSG leader's actions")
    # errors
    t.expect_error(t.post("/credit-grades/2040-06/override",
                          {"customer": good, "grade": "A"}, user="ssg_leader"), 422,
                   "validation_failed", rule="reason_required")
    t.expect_error(t.post("/credit-grades/2040-06/override",
                          {"customer": good, "grade": "F", "reason": "x"}, user="ssg_leader"),
                   422, "validation_failed", field="grade")
    t.expect_error(t.post("/credit-grades/2040-06/override",
                          {"customer": "NOPE", "grade": "A", "reason": "x"}, user="ssg_leader"),
                   422, "validation_failed", rule="unknown_reference")
    t.expect_error(t.post("/credit-grades/2040-06/override",
                          {"customer": good, "grade": "A", "reason": "x", "y": 1},
                          user="ssg_leader"), 400, "bad_request")
    for user in ("csr_a", "deputy", "mm_S", "finance"):
        t.expect_error(t.post("/credit-grades/2040-06/compute", {}, user=user), 403, "forbidden")
    t.expect_error(t.post("/credit-grades/2040-05/publish", {}, user="ssg_leader"), 404,
                   "not_found")
    t.expect_error(t.post("/credit-grades/2040-06/sign", {}, user="ssg_leader"), 404,
                   "not_found")
    t.expect_error(t.post("/credit-grades/2041-01/compute", {}, user="ssg_leader"), 422,
                   "validation_failed")
    t.expect_error(t.get("/credit-grades?month=2040-13", user="ssg_leader"), 400, "bad_request")
    t.expect_error(t.get("/credit-grades?month=2040-06", user="warehouse"), 403, "forbidden")
    check(all(x["market"] != "S" for x in grades(t, "2040-06", user="mm_N")["items"]),
          "an MM sees the rows of the market's customers only")
    lst = act(t, "2040-06", "override", {"customer": good, "grade": "A", "reason": "战略客户"})
    r = row(lst, good)
    eq((r["computed_grade"], r["override_grade"], r["override_reason"], r["grade"]),
       ("B", "A", "战略客户", "A"), "override")
    lst = act(t, "2040-06", "compute")
    eq(row(lst, good)["grade"], "A", "a recompute keeps the override")
    lst = act(t, "2040-06", "publish")
    eq((lst["published"], lst["allowed_actions"]), (True, []), "published")
    for cust, g, hold in ((good, "A", False), (late, "E", True), (quiet, "B", False),
                          (fresh, "C", False)):
        c = t.ok(t.get(f"/customers/{cust}", user="ssg_leader"))
        eq((c["grade"], c["credit_hold"]), (g, hold), f"{cust} after publish")
    for user in ("deputy", "mm_S", "kam_GZ"):
        notes = t.ok(t.get("/notifications", user=user))["items"]
        check(any(late in (n.get("subject") or "") for n in notes), f"{user} told of grade E")
    t.expect_error(t.post("/credit-grades/2040-06/publish", {}, user="ssg_leader"), 409,
                   "invalid_state")
    t.expect_error(t.post("/credit-grades/2040-06/override",
                          {"customer": good, "grade": "B", "reason": "x"}, user="ssg_leader"),
                   409, "invalid_state")
    t.expect_error(t.post("/credit-grades/2040-06/compute", {}, user="ssg_leader"), 409,
                   "invalid_state")


def test_list_of_a_month_not_computed_and_the_job(t):
    set_clock(t, "2041-03-02")
    cust = lib.customer(t, 10 ** 9, term=30)
    lst = grades(t, "2041-02")
    eq((lst["items"], lst["published"], lst["computed"]), ([], False, False), "not computed yet")
    set_clock(t, "2041-04-01", "05:59")
    run_jobs(t)
    eq(grades(t, "2041-03")["computed"], False, "not before 06:00 of the 1st")
    set_clock(t, "2041-04-01", "06:00")
    ran = run_jobs(t)
    check("credit_grades" in ran, "the job of the 1st ran")
    lst = grades(t, "2041-03")
    eq((lst["as_of"], lst["computed"], lst["published"]), ("2041-03-31", True, False),
       "March computed as of its end")
    eq(row(lst, cust)["grade"], "C", "a new customer is C")


def test_hand_entered_incidents_reach_the_grades(t):
    """flows §11.3: A needs no credit incident in 12 months; a bounced cheque or a legal
    incident in the last 6 months is E whatever the payments. Six customers who each paid one
    invoice (due 2065-02-04) on time, so DPL 0 and nothing overdue; the incidents are entered by
    finance and the SSG leader (api.md §5.3) and the list of July (as of 07-31) reads them."""
    set_clock(t, "2065-01-02")
    cases = (  # (incident kind, occurred_on) or None → the grade of July
        (None, "A"),
        (("other", "2065-06-01"), "B"),           # an incident in 12 months: not A
        (("bounced_cheque", "2065-03-01"), "E"),  # severe, within 6 months
        (("bounced_cheque", "2064-12-15"), "B"),  # severe but 7 months ago: only not A
        (("legal", "2065-07-30"), "E"),
        (("dispute", "2064-06-15"), "A"),         # more than 12 months ago: forgotten
    )
    custs = [lib.customer(t, 10 ** 9, term=30) for _ in cases]
    for c in custs:
        inv = invoice(t, c, "2065-01-05", 1000)
        eq(inv["due_date"], "2065-02-04", "due")
        pay_on(t, c, "2065-01-20", inv["amount_fen"])
    set_clock(t, "2065-08-01", "10:00")
    for (inc, _), c, user in zip(cases, custs, ["finance", "ssg_leader"] * 3):
        if inc:
            t.ok(t.post(f"/customers/{c}/credit-incidents", {"kind": inc[0], "occurred_on": inc[1],
                                                             "note": "人工录入"}, user=user), 201)
    lst = act(t, "2065-07", "compute")
    eq([(row(lst, c)["dpl_days"], row(lst, c)["max_overdue_days"], row(lst, c)["computed_grade"])
        for c in custs], [(0, 0, g) for _, g in cases], "grades with incidents")
    act(t, "2065-07", "publish")
    eq([(t.ok(t.get(f"/customers/{c}"))["grade"], t.ok(t.get(f"/customers/{c}"))["credit_hold"])
        for c in custs], [(g, g == "E") for _, g in cases], "published: E holds credit")

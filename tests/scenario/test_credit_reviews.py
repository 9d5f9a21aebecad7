"""Credit reviews (信用额评审, XY; api.md §5.3, §5.9; flows.md §11.1–11.2): one line per customer
with every term of the formula; the MM reviews (adjustment with a reason), the supervising SLT
member approves (and the GM where needs_gm), the new limit takes effect on the quarter's first
day or at the last approval; lines not approved by then open an OSB entry; repeated quarterly
reviews; ad hoc reviews; the what-if of each line; and every error and allowed_actions.

Every test uses a quarter of its own (a quarterly review covers every active customer, and a
second review of a quarter with reviewed lines is 409 duplicate). Market S (华南) is supervised
by `deputy`; its MM is `mm_S`; `director` supervises BJ's market N."""

import lib
from lib import (UNLIMITED, check, dispatch, eq, pay, product, released, run_jobs, set_clock)


def sku(t):
    """The test's product: ¥1,000.00 a unit (100,000 fen), case size 1."""
    if "sku" not in t.case:
        t.case["sku"] = product(t, price=100000, stock=10000000)
    return t.case["sku"]


def invoice(t, cust, day, yuan, paid_on=None):
    """An invoice of `yuan` for the customer dated `day` (an order released and dispatched that
    day), paid in full on paid_on (a date, or None: the same day); returns the invoice."""
    set_clock(t, day, "10:00")
    _, ship = released(t, cust, [(sku(t), yuan // 1000)])
    dispatch(t, ship)
    invs = [i for i in lib.invoices_of(t, cust) if i["invoice_date"] == day]
    eq(len(invs) >= 1, True, f"invoice of {day}")
    if paid_on != "never":
        pay(t, cust, invs[-1]["amount_fen"], received_on=paid_on or day)
    return invs[-1]


def create(t, body, user="ssg_leader", status=201):
    return t.ok(t.post("/credit-reviews", body, user=user), status, f"create review {body}")


def act(t, n, action, user, body=None, status=200, **kw):
    return lib.act(t, "credit-reviews", n, action, user, body, status, **kw)


def line(review, cust):
    ls = [x for x in review["lines"] if x["customer"] == cust]
    eq(len(ls), 1, f"one line of {cust}")
    return ls[0]


def limit_of(t, cust):
    return t.ok(t.get(f"/customers/{cust}", user="finance"))["credit_limit_fen"]


def test_formula_worked_example_and_approval(t):
    """flows §11.2's example: S_avg ¥200,000, term 30 → base ¥400,000 (G 10000 without a
    forecast; grade B → R 10000) → formula ¥400,000; the MM adds ¥40,000 with a reason →
    ¥440,000; the SLT member approves after the quarter began → effective at once."""
    set_clock(t, "2031-01-02")
    cust = lib.customer(t, UNLIMITED, term=30, grade="B")
    for day in ("2031-01-15", "2031-02-14", "2031-03-16"):
        invoice(t, cust, day, 200000_00 // 100)
    set_clock(t, "2031-04-02")
    r = create(t, {"quarter": "2031Q2"})
    check("XY" in r["number"], "XY number")
    eq((r["quarter"], r["state"]), ("2031Q2", "open"), "review")
    ln = line(r, cust)
    eq({k: ln[k] for k in ("current_limit_fen", "months_n", "s_avg_fen", "t_days", "g_bp", "r_bp",
                          "formula_limit_fen", "adjustment_fen", "adjustment_reason",
                          "proposed_limit_fen", "needs_gm", "state", "flags")},
       {"current_limit_fen": UNLIMITED, "months_n": 3, "s_avg_fen": 20000000, "t_days": 60,
        "g_bp": 10000, "r_bp": 10000, "formula_limit_fen": 40000000, "adjustment_fen": 0,
        "adjustment_reason": None, "proposed_limit_fen": 40000000, "needs_gm": False,
        "state": "proposed", "flags": []}, "line terms")
    eq(r["allowed_actions"], [], "ssg_leader acts on no line")
    mm = t.ok(t.get(f"/credit-reviews/{r['number']}", user="mm_S"))
    eq(mm["allowed_actions"], ["review"], "the MM reviews")
    eq(line(mm, cust)["allowed_actions"], ["review"], "line actions of the MM")
    check(all(x["market"] == "S" for x in mm["lines"]), "the MM sees the lines of market S")
    t.expect_error(t.post(f"/credit-reviews/{r['number']}/review",
                          {"customer": cust, "adjustment_fen": 4000000}, user="mm_S"),
                   422, "validation_failed", rule="reason_required")
    r = act(t, r["number"], "review", "mm_S",
            {"customer": cust, "adjustment_fen": 4000000, "reason": "新开两家门店"})
    ln = line(r, cust)
    eq((ln["state"], ln["proposed_limit_fen"], ln["adjustment_reason"], ln["needs_gm"]),
       ("reviewed", 44000000, "新开两家门店", False), "reviewed line")
    dep = t.ok(t.get(f"/credit-reviews/{r['number']}", user="deputy"))
    eq(dep["allowed_actions"], ["approve", "reject"], "the SLT member decides")
    r = act(t, r["number"], "approve", "deputy", {"customer": cust})
    ln = line(r, cust)
    eq((ln["state"], ln["effective_from"]), ("effective", "2031-04-02"),
       "approved after the quarter began: effective at once")
    eq(limit_of(t, cust), 44000000, "the new limit")
    audit = t.ok(t.get(f"/audit?object_type=customer&object_key={cust}", user="auditor"))
    check(any(a["action"] == "credit_limit" for a in audit["items"]), "limit change audited")


def test_months_n_and_insufficient_history(t):
    """api.md §5.9: the month of the first invoice counts whole (first invoice 2029-08-14,
    window to 2030-02 → N = 7); N < 3 → formula null, flags insufficient_history, proposal =
    the current limit, which the MM confirms (a review without adjustment)."""
    set_clock(t, "2029-08-01")
    seven = lib.customer(t, UNLIMITED, term=45)
    invoice(t, seven, "2029-08-14", 70000)
    two = lib.customer(t, 30000000)
    invoice(t, two, "2030-01-20", 10000)
    none = lib.customer(t, 5000000)
    set_clock(t, "2030-03-03")
    r = create(t, {"quarter": "2030Q2"})
    ln = line(r, seven)
    # Σ ¥70,000 over 7 months = 1,000,000 fen; T = 75; base = 2,500,000; C → R 8000 →
    # 2,000,000 → ¥20,000.
    eq((ln["months_n"], ln["s_avg_fen"], ln["t_days"], ln["r_bp"], ln["formula_limit_fen"],
        ln["flags"]), (7, 1000000, 75, 8000, 2000000, []), "N = 7")
    for cust, n, cur in ((two, 2, 30000000), (none, 0, 5000000)):
        ln = line(r, cust)
        eq((ln["months_n"], ln["formula_limit_fen"], ln["flags"], ln["proposed_limit_fen"]),
           (n, None, ["insufficient_history"], cur), f"insufficient history ({n} months)")
    r = act(t, r["number"], "review", "mm_S", {"customer": two})
    eq((line(r, two)["state"], line(r, two)["proposed_limit_fen"]), ("reviewed", 30000000),
       "the MM confirms the current limit")
    r = act(t, r["number"], "review", "mm_S",
            {"customer": none, "adjustment_fen": 1000000, "reason": "首批试单"})
    eq(line(r, none)["proposed_limit_fen"], 6000000, "adjustment on the current limit")


def test_errors_roles_and_allowed_actions(t):
    cust = lib.customer(t, 20000000)
    set_clock(t, "2032-01-05")
    for user in ("kam_GZ", "mm_S", "csr_a", "finance", "auditor"):
        t.expect_error(t.post("/credit-reviews", {"quarter": "2032Q2"}, user=user), 403,
                       "forbidden")
    for body, rule in (({}, "required"), ({"quarter": "2032Q5"}, "invalid_value"),
                       ({"quarter": "32Q1"}, "invalid_value"),
                       ({"quarter": "2032Q2", "adhoc": True}, "required"),
                       ({"adhoc": True}, "required"), ({"adhoc": True, "customers": []}, "required"),
                       ({"adhoc": True, "customers": ["NOPE"]}, "unknown_reference")):
        t.expect_error(t.post("/credit-reviews", body, user="ssg_leader"), 422,
                       "validation_failed", rule=rule)
    for body in ({"quarter": 2032}, {"quarter": "2032Q2", "x": 1}, {"adhoc": "yes"}, []):
        t.expect_error(t.post("/credit-reviews", body, user="ssg_leader"), 400, "bad_request")
    first = create(t, {"quarter": "2032Q2"}, user="director")
    r = create(t, {"quarter": "2032Q2"}, user="gm")
    n = r["number"]
    t.expect_error(t.get(f"/credit-reviews/{n}", user="kam_GZ"), 403, "forbidden")
    t.expect_error(t.get("/credit-reviews/SC20320105XY9999", user="gm"), 404, "not_found")
    t.expect_error(t.post(f"/credit-reviews/{n}/sign", {"customer": cust}, user="mm_S"), 404,
                   "not_found")
    # review: only the MM of the customer's market; an adjustment needs a reason
    t.expect_error(t.post(f"/credit-reviews/{n}/review", {"customer": cust}, user="mm_N"), 403,
                   "forbidden")
    t.expect_error(t.post(f"/credit-reviews/{n}/review", {"customer": cust}, user="deputy"), 403,
                   "forbidden")
    t.expect_error(t.post(f"/credit-reviews/{n}/review", {"customer": "NOPE"}, user="mm_S"), 422,
                   "validation_failed", rule="unknown_reference")
    t.expect_error(t.post(f"/credit-reviews/{n}/review", {}, user="mm_S"), 422,
                   "validation_failed", rule="required")
    t.expect_error(t.post(f"/credit-reviews/{n}/review",
                          {"customer": cust, "adjustment_fen": -1, "reason": " "}, user="mm_S"),
                   422, "validation_failed", rule="reason_required")
    t.expect_error(t.post(f"/credit-reviews/{n}/review",
                          {"customer": cust, "adjustment_fen": -30000000, "reason": "降低"},
                          user="mm_S"), 422, "validation_failed", rule="limit_negative")
    t.expect_error(t.post(f"/credit-reviews/{n}/review",
                          {"customer": cust, "adjustment_fen": "5"}, user="mm_S"), 400,
                   "bad_request")
    t.expect_error(t.post(f"/credit-reviews/{n}/review",
                          {"customer": cust, "adjustment_fen": 10 ** 13 + 1, "reason": "x"},
                          user="mm_S"), 422, "validation_failed", rule="amount_too_large")
    # approve: not before the MM reviewed; only the supervising SLT member (or the GM)
    t.expect_error(t.post(f"/credit-reviews/{n}/approve", {"customer": cust}, user="deputy"), 409,
                   "invalid_state")
    r = act(t, n, "review", "mm_S", {"customer": cust})
    t.expect_error(t.post(f"/credit-reviews/{n}/approve", {"customer": cust}, user="director"),
                   403, "forbidden")
    t.expect_error(t.post(f"/credit-reviews/{n}/approve", {"customer": cust}, user="mm_S"), 403,
                   "forbidden")
    t.expect_error(t.post(f"/credit-reviews/{n}/approve", {"customer": cust}, user="ssg_leader"),
                   403, "forbidden", rule="proxy_not_authorized")
    t.expect_error(t.post(f"/credit-reviews/{n}/approve", {"customer": cust}, user="deputy",
                          headers={"If-Match": str(r["version"] - 1)}), 409, "version_conflict")
    # the GM created this review: self-approval (flows §0.4)
    t.expect_error(t.post(f"/credit-reviews/{n}/approve", {"customer": cust}, user="gm"), 403,
                   "forbidden", rule="self_approval")
    # reject needs a comment; a rejected line is done
    t.expect_error(t.post(f"/credit-reviews/{n}/reject", {"customer": cust}, user="deputy"), 422,
                   "validation_failed")
    r = act(t, n, "reject", "deputy", {"customer": cust, "comment": "回款不稳定"})
    eq((line(r, cust)["state"], line(r, cust)["reject_comment"]), ("rejected", "回款不稳定"),
       "rejected")
    eq(line(t.ok(t.get(f"/credit-reviews/{n}", user="mm_S")), cust)["allowed_actions"], [],
       "nothing left on a rejected line")
    t.expect_error(t.post(f"/credit-reviews/{n}/review", {"customer": cust}, user="mm_S"), 409,
                   "invalid_state")
    eq(limit_of(t, cust), 20000000, "a rejected line keeps the old limit")
    eq(t.ok(t.get(f"/credit-reviews/{first['number']}", user="gm"))["state"], "closed",
       "the first review of the quarter was superseded")
    got = t.ok(t.get("/credit-reviews?quarter=2032Q2&state=open", user="gm"))
    eq([x["number"] for x in got["items"]], [n], "list by quarter and state")
    got = t.ok(t.get(f"/credit-reviews?q={cust}", user="mm_S"))
    check(n in [x["number"] for x in got["items"]], "q= finds a review by its customer")
    t.expect_error(t.get("/credit-reviews?state=nope", user="gm"), 400, "bad_request")


def test_proxy_signs_for_the_slt_member(t):
    cust = lib.customer(t, 10000000)
    set_clock(t, "2032-04-06")
    r = create(t, {"adhoc": True, "customers": [cust]}, user="gm")
    eq((r["quarter"], r["adhoc"], [x["customer"] for x in r["lines"]]), (None, True, [cust]),
       "an ad hoc review of one customer")
    n = r["number"]
    act(t, n, "review", "mm_S", {"customer": cust, "adjustment_fen": 2000000, "reason": "旺季"})
    lib.away(t, "deputy")  # a secretary signs only while the member is away (api.md §5.3)
    t.defer(lambda: lib.away(t, "deputy", False))
    sl = t.ok(t.get(f"/credit-reviews/{n}", user="ssg_leader"))
    eq((sl["allowed_actions"], sl.get("proxy_actions")), (["approve", "reject"],
                                                          ["approve", "reject"]),
       "the deputy's secretary signs by proxy")
    t.expect_error(t.post(f"/credit-reviews/{n}/approve",
                          {"customer": cust, "on_behalf_of": "deputy"}, user="ssg_leader"),
                   422, "validation_failed", rule="phone_confirmation_required")
    r = act(t, n, "approve", "ssg_leader",
            {"customer": cust, "on_behalf_of": "deputy", "confirmed_by_phone": True})
    ln = line(r, cust)
    eq((ln["state"], ln["slt_approved_by"], ln["slt_on_behalf_of"]),
       ("effective", "deputy", "ssg_leader"), "an ad hoc line takes effect at approval")
    eq(r["state"], "closed", "every line decided: the review closes")
    eq(limit_of(t, cust), 12000000, "new limit")
    t.expect_error(t.post(f"/credit-reviews/{n}/approve", {"customer": cust}, user="deputy"), 409,
                   "invalid_state")


def test_needs_gm_and_the_quarter_day(t):
    """A proposal of ¥1,000,000 or more needs the GM too; approved before the quarter, it takes
    effect on the quarter's first day (the job)."""
    cust = lib.customer(t, 50000000)
    set_clock(t, "2033-03-01", "08:00")
    r = create(t, {"quarter": "2033Q2"})
    n = r["number"]
    r = act(t, n, "review", "mm_S",
            {"customer": cust, "adjustment_fen": 50000000, "reason": "大客户扩张"})
    ln = line(r, cust)
    eq((ln["proposed_limit_fen"], ln["needs_gm"]), (100000000, True), "≥ ¥1,000,000: GM")
    r = act(t, n, "approve", "deputy", {"customer": cust})
    eq(line(r, cust)["state"], "reviewed", "still waiting for the GM")
    t.expect_error(t.post(f"/credit-reviews/{n}/approve", {"customer": cust}, user="deputy"), 409,
                   "duplicate")
    eq(line(t.ok(t.get(f"/credit-reviews/{n}", user="gm")), cust)["allowed_actions"],
       ["approve", "reject"], "the GM's turn")
    r = act(t, n, "approve", "gm", {"customer": cust})
    ln = line(r, cust)
    eq((ln["state"], ln["effective_from"]), ("approved", "2033-04-01"), "approved, not yet due")
    eq(limit_of(t, cust), 50000000, "the old limit until the quarter")
    set_clock(t, "2033-03-31", "23:59")
    run_jobs(t)
    eq(limit_of(t, cust), 50000000, "not before the quarter's first day")
    set_clock(t, "2033-04-01", "00:01")
    run_jobs(t)
    eq(line(t.ok(t.get(f"/credit-reviews/{n}", user="gm")), cust)["state"], "effective",
       "effective on the quarter's first day")
    eq(limit_of(t, cust), 100000000, "the new limit")


def test_lines_not_approved_by_the_quarter_open_an_osb_entry(t):
    cust = lib.customer(t, 7000000)
    set_clock(t, "2034-06-10")
    n = create(t, {"quarter": "2034Q3"})["number"]
    act(t, n, "review", "mm_S", {"customer": cust})
    set_clock(t, "2034-07-01", "09:00")
    run_jobs(t)
    doc = f"{n}:deputy"
    e = lib.one_issue(t, doc, "cmr_review_late")
    eq((e["department"], e["customer"]), ("slt", None), "an entry for SLT")
    check(cust in e["description"], "naming the customer")
    eq(limit_of(t, cust), 7000000, "the old limit is kept")
    run_jobs(t)
    eq(len(lib.issues(t, doc, "cmr_review_late")), 1, "one entry however often the job runs")
    r = act(t, n, "approve", "deputy", {"customer": cust})
    eq((line(r, cust)["state"], line(r, cust)["effective_from"]), ("effective", "2034-07-01"),
       "approved late: effective at approval")


def test_repeated_quarterly_review(t):
    """api.md §5.9: a second POST of a quarter answers 201 and closes the open review whose
    lines are all proposed; once a line was reviewed, 409 duplicate."""
    cust = lib.customer(t, 3000000)
    set_clock(t, "2035-03-02")
    a = create(t, {"quarter": "2035Q2"})["number"]
    b = create(t, {"quarter": "2035Q2"})["number"]
    check(a != b, "a new review")
    ga = t.ok(t.get(f"/credit-reviews/{a}", user="gm"))
    eq((ga["state"], ga["allowed_actions"]), ("closed", []), "the first closed")
    t.expect_error(t.post(f"/credit-reviews/{a}/review", {"customer": cust}, user="mm_S"), 409,
                   "invalid_state")
    act(t, b, "review", "mm_S", {"customer": cust})
    t.expect_error(t.post("/credit-reviews", {"quarter": "2035Q2"}, user="ssg_leader"), 409,
                   "duplicate")
    eq(t.ok(t.get(f"/credit-reviews/{b}", user="gm"))["state"], "open", "b stays open")


def test_quarterly_job_makes_the_review(t):
    cust = lib.customer(t, 4000000)
    set_clock(t, "2036-05-31", "23:00")
    run_jobs(t)
    eq(t.ok(t.get("/credit-reviews?quarter=2036Q3", user="gm"))["items"], [], "not before 1 Jun")
    set_clock(t, "2036-06-01", "06:00")
    ran = run_jobs(t)
    check("credit_review_quarterly" in ran, "the quarterly job ran")
    items = t.ok(t.get("/credit-reviews?quarter=2036Q3", user="gm"))["items"]
    eq(len(items), 1, "one review for the next quarter")
    eq((items[0]["created_by"], items[0]["effective_from"]), ("system", "2036-07-01"), "by the job")
    check(cust in [x["customer"] for x in items[0]["lines"]], "a line per active customer")
    run_jobs(t)
    eq(len(t.ok(t.get("/credit-reviews?quarter=2036Q3", user="gm"))["items"]), 1,
       "once a quarter")
    set_clock(t, "2036-07-01", "06:00")
    run_jobs(t)
    eq(t.ok(t.get("/credit-reviews?quarter=2036Q4", user="gm"))["items"], [],
       "no review on 1 Jul")


def test_what_if_of_the_last_quarter(t):
    """Three orders of ¥100,000 in Jan–Mar each passed CC under the ¥1,000,000 limit; under a
    proposal of ¥90,000 each would be over the limit by at most 20 % (SLT approval), under
    ¥80,000 by more (payment first)."""
    set_clock(t, "2037-01-02")
    cust = lib.customer(t, 100000000, term=30)
    for day in ("2037-01-12", "2037-02-10", "2037-03-10"):
        invoice(t, cust, day, 100000)
    set_clock(t, "2037-04-01")
    n = create(t, {"quarter": "2037Q2"})["number"]
    ln = line(t.ok(t.get(f"/credit-reviews/{n}", user="mm_S")), cust)
    # S_avg ¥100,000, T 60 → ¥200,000 × C 8000 → ¥160,000
    eq(ln["formula_limit_fen"], 16000000, "formula")
    wi = ln["what_if"]
    eq((wi["orders"], wi["passed"], wi["slt_approval"], wi["prepay_first"], wi["from"], wi["to"]),
       (3, 3, 0, 0, "2037-01-01", "2037-03-31"), "all pass under ¥160,000")
    eq(wi["current"]["passed"], 3, "and under the current limit")
    r = act(t, n, "review", "mm_S",
            {"customer": cust, "adjustment_fen": -7000000, "reason": "压缩额度"})
    wi = line(r, cust)["what_if"]
    eq((wi["limit_fen"], wi["passed"], wi["slt_approval"], wi["prepay_first"]),
       (9000000, 0, 3, 0), "under ¥90,000: SLT approval")
    r = act(t, n, "review", "mm_S",
            {"customer": cust, "adjustment_fen": -8000000, "reason": "压缩额度"})
    wi = line(r, cust)["what_if"]
    eq((wi["passed"], wi["slt_approval"], wi["prepay_first"]), (0, 0, 3),
       "under ¥80,000: payment first")

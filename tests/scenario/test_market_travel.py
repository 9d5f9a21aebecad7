"""Travel claims checked against visit reports (flows.md §15: "travel expenses are checked by
the CSR against the visit reports … of the same dates before finance settles them"). A travel
application names its days (`travel_dates`); once executed, the CSR's `check-travel` lists
the days on which the applicant filed no visit report (`travel_check.days_without_visit`,
`flagged`); finance cannot settle before that check (422 travel_not_checked), and a flagged
claim only with a comment saying why the days are paid (422 travel_without_visit,
details.days). Market S is supervised by `deputy`."""

import lib
from lib import check, eq, set_clock


def act(t, n, action, user, body=None, status=200):
    return lib.act(t, "expense-applications", n, action, user, body, status)


def travel(t, days, amount=30000):
    a = t.ok(t.post("/expense-applications",
                    {"category": "travel", "amount_fen": amount, "purpose": "出差拜访经销商",
                     "travel_dates": days, "period": "2027-08"}, user="kam_GZ"), 201, "apply")
    # no travel budget in 2027-08: the supervising SLT member approves
    act(t, a["number"], "approve", "deputy")
    act(t, a["number"], "execute", "kam_GZ", {"actual_fen": amount, "evidence": "车票、住宿发票"})
    return a["number"]


def test_travel_days_checked_against_visits(t):
    cu = lib.customer(t, lib.UNLIMITED)
    for day in ("2027-08-02", "2027-08-04"):
        set_clock(t, day, "16:00")
        t.ok(t.post("/visits", {"customer": cu}, user="kam_GZ"), 201, f"visit {day}")
    set_clock(t, "2027-08-03", "18:00")
    # a report filed the next day for the visit of the 3rd counts for the 3rd
    set_clock(t, "2027-08-05", "09:00")
    t.ok(t.post("/visits", {"customer": cu, "visited_at": "2027-08-03"}, user="kam_GZ"), 201)
    # somebody else's visit does not count for the KAM
    set_clock(t, "2027-08-06", "10:00")
    t.ok(t.post("/visits", {"customer": cu}, user="rep_GZ"), 201)
    set_clock(t, "2027-08-10")
    n = travel(t, ["2027-08-04", "2027-08-02", "2027-08-03", "2027-08-06"])
    a = t.ok(t.get(f"/expense-applications/{n}", user="csr_a"))
    eq(a["travel_dates"], ["2027-08-02", "2027-08-03", "2027-08-04", "2027-08-06"],
       "the claimed days, sorted")
    eq(a["allowed_actions"], ["check-travel"], "waits on the CSR")
    check(any(x["number"] == n for x in t.ok(t.get("/me/queue", user="csr_a"))["items"]),
          "in the CSR's queue")
    eq(t.ok(t.get(f"/expense-applications/{n}", user="finance"))["allowed_actions"], ["settle"],
       "finance sees settle (it is refused until checked)")
    t.expect_error(t.post(f"/expense-applications/{n}/settle", {}, user="finance"), 422,
                   "validation_failed", rule="travel_not_checked")
    act(t, n, "check-travel", "kam_GZ", status=403)
    act(t, n, "check-travel", "finance", status=403)
    a = act(t, n, "check-travel", "csr_a", {"comment": "核对拜访记录"})
    eq(a["state"], "executed", "the check leaves the state")
    eq((a["travel_check"]["days_without_visit"], a["travel_check"]["flagged"],
        a["travel_check"]["checked_by"]), (["2027-08-06"], True, "csr_a"),
       "the 6th has no visit report by the applicant")
    act(t, n, "check-travel", "csr_a", status=409)
    told = [x for x in t.list_all("/notifications", user="finance")
            if x["event"] == "travel_flagged" and n in (x.get("document") or x["subject"])]
    eq(len(told), 1, "finance is told of the flagged claim")
    d = t.expect_error(t.post(f"/expense-applications/{n}/settle", {}, user="finance"), 422,
                       "validation_failed", rule="travel_without_visit")
    eq(d["days"], ["2027-08-06"], "details.days")
    a = act(t, n, "settle", "finance", {"comment": "6日为途中，经理确认"})
    eq(a["state"], "settled", "settled with finance's comment")
    lib.osb_check(t)


def test_travel_all_days_visited_and_body_rules(t):
    cu = lib.customer(t, lib.UNLIMITED)
    set_clock(t, "2027-08-12", "11:00")
    t.ok(t.post("/visits", {"customer": cu}, user="kam_GZ"), 201)
    set_clock(t, "2027-08-13")
    n = travel(t, ["2027-08-12"])
    a = act(t, n, "check-travel", "csr_a")
    eq((a["travel_check"]["days_without_visit"], a["travel_check"]["flagged"]), ([], False),
       "every day visited")
    eq(act(t, n, "settle", "finance")["state"], "settled", "settled without a comment")
    base = {"category": "travel", "amount_fen": 100, "purpose": "出差"}
    for days, code, rule in ((None, 422, "required"), ([], 422, "required"),
                             (["2027-13-01"], 422, "invalid_date"),
                             (["2027-08-14"], 422, "date_out_of_range"),
                             (["2027-08-01", "2027-08-01"], 422, "duplicate_line"),
                             ("2027-08-01", 400, None)):
        body = dict(base)
        if days is not None:
            body["travel_dates"] = days
        t.expect_error(t.post("/expense-applications", body, user="kam_GZ"), code,
                       "validation_failed" if code == 422 else "bad_request", rule=rule)
    t.expect_error(t.post("/expense-applications",
                          {"category": "promotion", "amount_fen": 100, "purpose": "促销",
                           "customer": cu, "travel_dates": ["2027-08-01"]}, user="kam_GZ"),
                   422, "validation_failed", rule="not_travel")
    p = t.ok(t.post("/expense-applications", {"category": "promotion", "amount_fen": 100,
                                              "purpose": "促销", "customer": cu},
                    user="kam_GZ"), 201)
    check("check-travel" not in t.ok(t.get(f"/expense-applications/{p['number']}",
                                            user="csr_a"))["allowed_actions"],
          "no travel check on other categories")

"""Quarterly satisfaction calls by customer service (flows.md §9.7, issue 13): on the 1st of a
quarter's first month at 09:00 the job `satisfaction_calls` gives every active customer one call
task, in turn to the active customer-service users (the CSR or SSG leader may make them earlier
with POST /satisfaction-calls); a call log of kind `satisfaction` in the quarter, with the
customer's rating 1-5, does the task."""

import lib
from lib import UNLIMITED, check, eq, run_jobs, set_clock


def test_quarterly_satisfaction_calls(t):
    set_clock(t, "2035-03-31", "10:00")
    cust = lib.customer(t, UNLIMITED)
    prospect = t.ok(t.post("/customers", {"code": t.uniq("P"), "name": "潜在客户", "market": "S",
                                          "region": "GZ", "kam": "kam_GZ",
                                          "status": "prospect"}, user="kam_GZ"), 201)["code"]
    set_clock(t, "2035-04-01", "08:59")
    check("satisfaction_calls" not in run_jobs(t), "not before 09:00")
    set_clock(t, "2035-04-01", "09:00")
    check("satisfaction_calls" in run_jobs(t), "the 1st of the quarter 09:00")
    got = t.ok(t.get("/satisfaction-calls?quarter=2035Q2", user="ssg_leader"))
    mine = {x["customer"]: x for x in got["items"]}
    check(cust in mine and prospect not in mine, "every active customer, not a prospect")
    eq((mine[cust]["assignee"], mine[cust]["called"]), ("service", False), "to customer service")
    eq(got["total"], len(got["items"]), "total")
    check(any("2035Q2" in x["subject"] for x in t.list_all("/notifications", user="service")),
          "customer service is told")
    # the job runs once a quarter: May's 1st makes nothing
    set_clock(t, "2035-05-01", "09:00")
    run_jobs(t)
    eq(t.ok(t.get("/satisfaction-calls?quarter=2035Q2", user="ssg_leader"))["total"],
       got["total"], "no second set")

    # the call, with the customer's rating
    for body, status, field, rule in (({"rating": 6}, 422, "rating", "rating_out_of_range"),
                                      ({"rating": 0}, 422, "rating", "rating_out_of_range"),
                                      ({"rating": "好"}, 400, "rating", None),
                                      ({"kind": "tracking", "rating": 4}, 422, "rating",
                                       "satisfaction_only")):
        t.expect_error(t.post("/call-logs", {"customer": cust, "kind": "satisfaction",
                                             "reached": True, **body}, user="service"),
                       status, "validation_failed" if status == 422 else "bad_request",
                       field=field, rule=rule)
    call = t.ok(t.post("/call-logs", {"customer": cust, "kind": "satisfaction", "reached": True,
                                      "rating": 4, "outcome": "对送货速度满意"}, user="service"),
                201, "satisfaction call")
    eq(call["rating"], 4, "the rating kept")
    row = [x for x in t.ok(t.get("/satisfaction-calls?quarter=2035Q2&assignee=service",
                                 user="service"))["items"] if x["customer"] == cust][0]
    eq((row["called"], row["call_id"], row["rating"], row["reached"]),
       (True, call["id"], 4, True), "the task is done by the call")
    # making the next quarter's early: the CSR or SSG leader only
    t.expect_error(t.post("/satisfaction-calls", {"quarter": "2035Q3"}, user="service"), 403,
                   "forbidden")
    t.expect_error(t.post("/satisfaction-calls", {"quarter": "2035-13"}, user="csr_a"), 422,
                   "validation_failed", field="quarter")
    q3 = t.ok(t.post("/satisfaction-calls", {"quarter": "2035Q3"}, user="csr_a"), 201, "early")
    check(cust in {x["customer"] for x in q3["items"]}, "Q3 made early")
    again = t.ok(t.post("/satisfaction-calls", {"quarter": "2035Q3"}, user="csr_a"), 201)
    eq(again["total"], q3["total"], "made once per customer and quarter")

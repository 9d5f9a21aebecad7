"""Support requests (支持申请, ZC; flows.md §19): advertising design goes requested → forwarded
(the CSR passes it to the designer) → done; training, events and lectures go requested →
reviewed (marketing) → forwarded (the CSR, to the HR training centre) → scheduled (date, place,
itinerary) → done, or rejected before they are forwarded. The UM applies and is told of each
step."""

import lib
from lib import check, eq, set_clock


def request(t, kind, user="um_GZ", status=201, **extra):
    body = {"kind": kind, "details": "门店开业海报，需加入公司固定元素"}
    body.update(extra)
    return t.ok(t.post("/support-requests", body, user=user), status, f"{kind} by {user}")


def act(t, n, action, user, body=None, status=200):
    return lib.act(t, "support-requests", n, action, user, body, status)


def test_ad_design(t):
    set_clock(t, "2027-09-07")
    cust = lib.customer(t, lib.UNLIMITED)
    z = request(t, "ad_design", customer=cust)
    n = z["number"]
    check("ZC" in n, f"ZC number {n}")
    eq((z["state"], z["kind"], z["customer"], z["requested_by"]),
       ("requested", "ad_design", cust, "um_GZ"), "requested")
    eq(t.ok(t.get(f"/support-requests/{n}", user="csr_a"))["allowed_actions"], ["forward"],
       "the CSR forwards it at once")
    eq(t.ok(t.get(f"/support-requests/{n}", user="marketing"))["allowed_actions"], [],
       "no review for a design")
    act(t, n, "review", "marketing", status=409)
    z = act(t, n, "forward", "csr_a", {"handler": "设计部"})
    eq((z["state"], z["handler"], z["forwarded_by"]), ("forwarded", "设计部", "csr_a"), "forwarded")
    act(t, n, "schedule", "csr_a", {"date": "2027-09-10", "place": "x"}, status=409)
    z = act(t, n, "done", "csr_a")
    eq(z["state"], "done", "done")
    eq([x["action"] for x in z["timeline"]], ["request", "forward", "done"], "timeline")
    told = [x for x in t.list_all("/notifications", user="um_GZ") if x["document"] == n]
    eq(len(told), 2, "the UM is told when it is forwarded and done")


def test_training_and_rejection(t):
    set_clock(t, "2027-09-07")
    n = request(t, "training")["number"]
    eq(request(t, "lecture", customer=None, details="产品知识讲座")["market"], "S", "the UM's market")
    act(t, n, "forward", "csr_a", status=409)  # marketing reviews first
    act(t, n, "review", "csr_a", status=403)
    eq(act(t, n, "review", "marketing")["state"], "reviewed", "reviewed")
    eq(act(t, n, "forward", "csr_a", {"handler": "人力资源培训中心"})["state"], "forwarded",
       "forwarded")
    act(t, n, "done", "csr_a", status=409)  # not before it is scheduled
    t.expect_error(t.post(f"/support-requests/{n}/schedule", {"date": "2027-09-31",
                                                               "place": "广州"},
                          user="csr_a"), 422, "validation_failed", field="date")
    z = act(t, n, "schedule", "csr_a", {"date": "2027-09-20", "place": "广州培训中心",
                                        "itinerary": "9:00 产品培训；14:00 门店实操"})
    eq((z["state"], z["schedule_date"], z["schedule_place"]),
       ("scheduled", "2027-09-20", "广州培训中心"), "scheduled")
    eq(act(t, n, "done", "csr_a")["state"], "done", "done")
    r = request(t, "event")["number"]
    eq(act(t, r, "reject", "marketing", {"comment": "本月预算已满"})["state"], "rejected", "rejected")
    # who and what
    request(t, "training", user="kam_GZ", status=403)
    t.expect_error(t.post("/support-requests", {"kind": "party", "details": "x"}, user="um_GZ"),
                   422, "validation_failed", field="kind")
    t.expect_error(t.post("/support-requests", {"kind": "event"}, user="um_GZ"),
                   422, "validation_failed", field="details")
    got = t.list_all("/support-requests?kind=event&state=rejected", user="marketing")
    check(r in [x["number"] for x in got], "listed by kind and state")
    eq(t.list_all(f"/support-requests?q={r}", user="um_SZ"), [], "another region's UM")

"""Visit plans and visit reports (拜访计划, 拜访记录 BF; api.md §5.7; flows.md §9; entities.md
§11; numbering-and-rules.md §3): a plan (month, week, day) draft → submit (owner) → confirm (the
owner's manager, with the comment); a report is filed (own customers), commented by the owner's
manager and verified by the CSR's call; a planned visit without a report by the next working
day after its date opens `visit_report`; an observed price below the list raises the
price-inversion flag (倒挂). rep_GZ reports to kam_GZ, kam_GZ to um_GZ, um_GZ to mm_S."""

import re

import lib
from lib import UNLIMITED, boundary, check, eq, no_issue, set_clock

MON, TUE, WED = "2026-11-23", "2026-11-24", "2026-11-25"


def cust(t):
    if "cust" not in t.case:
        t.case["cust"] = lib.customer(t, UNLIMITED)
    return t.case["cust"]


def act(t, coll, n, action, user, body=None, status=200, **kw):
    return lib.act(t, coll, n, action, user, body, status, **kw)


def plan(t, user="rep_GZ", items=None, period_type="week", period="2026-W48"):
    body = {"period_type": period_type, "period": period,
            "items": items or [{"customer": cust(t), "date": MON, "purpose": "回款与新品推广",
                                "key": True},
                               {"prospect": "新开发的潜在客户", "date": TUE,
                                "purpose": "首次拜访"}]}
    return t.ok(t.post("/visit-plans", body, user=user), 201, f"plan by {user}")


def visit(t, user="rep_GZ", status=201, **over):
    body = {"customer": cust(t), "kind": "revisit",
            "findings": {"dealer_operations": "经营正常", "end_users": "养殖户为主",
                         "competitor_products": "某品牌", "competitor_sales": "月销200箱",
                         "local_market": "需求上升",
                         "observed_prices": [{"sku": "M-IF1-900", "channel": "零售",
                                              "price_fen": 1}],
                         "observed_stock": [{"sku": "M-IF1-900", "batch": "B1", "qty": 30}]},
            "next_steps": "下周跟进订单"}
    body.update(over)
    return t.ok(t.post("/visits", body, user=user), status, f"visit by {user}")


def test_plan_submit_and_confirm_by_the_manager(t):
    set_clock(t, "2026-11-21", "08:30")  # Saturday, before the weekly meeting
    p = plan(t)
    n = p["number"]
    check(re.fullmatch(r"SC20261121BFJH\d{4,5}", n), f"number {n}")
    eq((p["state"], p["owner"], p["period_type"], len(p["items"]), p["items"][0]["plan_item"],
        p["items"][0]["visits"], p["items"][1]["prospect"]),
       ("draft", "rep_GZ", "week", 2, f"{n}/1", [], "新开发的潜在客户"), "the plan")
    eq(p["allowed_actions"], ["submit"], "the owner submits")
    for user in ("csr_a", "finance", "service", "gm"):
        t.expect_error(t.post("/visit-plans", {"period_type": "day", "period": MON,
                                               "items": []}, user=user), 403, "forbidden")
    for bad, status, field in (({"period_type": "year"}, 422, "period_type"),
                               ({"items": None}, 422, "items"),
                               ({"items": [{"date": MON}]}, 422, "items"),
                               ({"items": [{"prospect": "x", "date": "2026-02-30"}]}, 422,
                                "date"),
                               ({"items": [{"customer": "GZ01", "date": MON}]}, 422,
                                "customer"),
                               ({"items": [{"prospect": "x", "date": MON, "key": 1}]}, 400,
                                "key"),
                               # the period has its type's form (an item's date is the
                               # rep's: a visit may move into the next week and stay planned)
                               ({"period": "2026-13"}, 422, "period"),
                               ({"period_type": "week", "period": "2026-13"}, 422, "period"),
                               ({"period_type": "week", "period": "2026-W54"}, 422, "period"),
                               ({"period_type": "month", "period": "2026-11-23"}, 422,
                                "period"),
                               ({"colour": 1}, 400, "colour")):
        body = {k: v for k, v in {"period_type": "day", "period": MON, "items": [],
                                  **bad}.items() if v is not None}
        t.expect_error(t.post("/visit-plans", body, user="kam_BJ"), status,
                       "validation_failed" if status == 422 else "bad_request", field=field)
    eq(t.list_all("/visit-plans?owner=kam_BJ", user="kam_BJ"), [], "no plan made by bad input")
    # a week may be named by ISO week or by a day in it
    for period in ("2026-W48", WED):
        got = t.ok(t.post("/visit-plans", {"period_type": "week", "period": period, "items": [
            {"prospect": "x", "date": MON}, {"prospect": "y", "date": "2026-11-29"}]},
            user="kam_BJ"), 201, f"week {period}")
        eq(got["period"], period, "the period as given")
    t.expect_error(t.get(f"/visit-plans/{n}", user="kam_BJ"), 404, "not_found")
    t.expect_error(t.post(f"/visit-plans/{n}/submit", {}, user="kam_GZ"), 403, "forbidden")
    t.expect_error(t.post(f"/visit-plans/{n}/confirm", {}, user="kam_GZ"), 409, "invalid_state")
    s = act(t, "visit-plans", n, "submit", "rep_GZ")
    eq(s["state"], "submitted", "submitted")
    check(any(x["document"] == n for x in t.list_all("/notifications", user="kam_GZ")),
          "the manager is told")
    for user in ("um_GZ", "mm_S", "rep_GZ"):
        t.expect_error(t.post(f"/visit-plans/{n}/confirm", {}, user=user), 403, "forbidden")
    eq(t.ok(t.get(f"/visit-plans/{n}", user="kam_GZ"))["allowed_actions"], ["confirm"],
       "the manager confirms")
    c = act(t, "visit-plans", n, "confirm", "kam_GZ", {"comment": "重点跟进回款"})
    eq((c["state"], c["manager_comment"], c["confirmed_by"]),
       ("confirmed", "重点跟进回款", "kam_GZ"), "confirmed with the comment")
    k = plan(t, "kam_GZ")["number"]
    act(t, "visit-plans", k, "submit", "kam_GZ")
    eq(act(t, "visit-plans", k, "confirm", "um_GZ")["state"], "confirmed", "a KAM's: the UM")
    got = {x["number"] for x in t.list_all("/visit-plans?state=confirmed&owner=rep_GZ",
                                           user="kam_GZ")}
    check(n in got and k not in got, "owner= and state=")
    eq({x["number"] for x in t.list_all(f"/visit-plans?q={n}", user="rep_GZ")}, {n}, "q=")
    eq(t.list_all(f"/visit-plans?q={n}", user="rep_BJ"), [], "another region's rep")
    # customer= finds the plans that visit the customer (named on an item, not the plan)
    eq({x["number"] for x in t.list_all(f"/visit-plans?customer={cust(t)}&owner=rep_GZ",
                                        user="kam_GZ")} >= {n}, True, "customer= of an item")
    other = lib.customer(t, UNLIMITED)
    eq(t.list_all(f"/visit-plans?customer={other}", user="kam_GZ"), [], "a customer not visited")


def test_file_comment_verify_and_price_inversion(t):
    set_clock(t, MON, "16:00")
    p = plan(t)["number"]
    act(t, "visit-plans", p, "submit", "rep_GZ")
    v = visit(t, plan_item=f"{p}/1")
    n = v["number"]
    check(re.fullmatch(r"SC20261123BF\d{4,5}", n), f"number {n}")
    eq((v["state"], v["visitor"], v["plan_item"], v["visited_at"], v["price_inversion"],
        [f["rule"] for f in v["flags"]]),
       ("filed", "rep_GZ", f"{p}/1", MON, True, ["price_inversion"]), "filed, inverted price")
    eq(v["flags"][0]["observed_fen"] < v["flags"][0]["list_fen"], True, "below the list")
    check(any(x["document"] == n for x in t.list_all("/notifications", user="mm_S")),
          "the MM hears of the inversion")
    ok = visit(t, findings={"observed_prices": [{"sku": "M-IF1-900", "price_fen": 10 ** 12}]})
    eq((ok["price_inversion"], ok["flags"]), (False, []), "at or above the list: no flag")
    eq(t.ok(t.get(f"/visit-plans/{p}", user="rep_GZ"))["items"][0]["visits"], [n],
       "the plan item shows its report")
    for bad, status, field in (({"customer": None}, 422, "customer"),
                               ({"kind": "cold"}, 422, "kind"),
                               ({"visited_at": "2026-11-30"}, 422, "visited_at"),
                               ({"plan_item": f"{p}/9"}, 422, "plan_item"),
                               ({"plan_item": "nonsense"}, 422, "plan_item"),
                               ({"findings": {"observed_prices": [{"sku": "NOPE",
                                                                   "price_fen": 1}]}}, 422,
                                "observed_prices"),
                               ({"findings": []}, 400, "findings"),
                               ({"colour": 1}, 400, "colour")):
        body = {"customer": cust(t), **bad}
        body = {k: v for k, v in body.items() if v is not None}
        t.expect_error(t.post("/visits", body, user="rep_GZ"), status,
                       "validation_failed" if status == 422 else "bad_request", field=field)
    t.expect_error(t.post("/visits", {"customer": cust(t), "plan_item": f"{p}/1"},
                          user="kam_GZ"), 422, "validation_failed", field="plan_item")
    t.expect_error(t.post("/visits", {"customer": cust(t)}, user="rep_BJ"), 422,
                   "validation_failed", rule="unknown_reference")
    for user in ("csr_a", "finance", "service"):
        t.expect_error(t.post("/visits", {"customer": cust(t)}, user=user), 403, "forbidden")
    eq(visit(t, "mm_S", findings={})["owner"], "mm_S", "an MM files own visits")
    # comment by the manager, verify by the CSR
    eq(t.ok(t.get(f"/visits/{n}", user="kam_GZ"))["allowed_actions"], ["comment"], "manager")
    t.expect_error(t.post(f"/visits/{n}/comment", {"comment": "x"}, user="um_GZ"), 403,
                   "forbidden")
    t.expect_error(t.post(f"/visits/{n}/comment", {}, user="kam_GZ"), 422, "validation_failed",
                   field="comment")
    c = act(t, "visits", n, "comment", "kam_GZ", {"comment": "注意竞品价格"})
    eq((c["state"], c["manager_comment"]), ("commented", "注意竞品价格"), "commented")
    t.expect_error(t.post(f"/visits/{n}/verify", {}, user="csr_a"), 422, "validation_failed",
                   field="confirmed")
    t.expect_error(t.post(f"/visits/{n}/verify", {"confirmed": True}, user="kam_GZ"), 403,
                   "forbidden")
    vv = act(t, "visits", n, "verify", "csr_a", {"confirmed": True})
    eq((vv["state"], vv["verification"]["by"], vv["verification"]["confirmed"]),
       ("verified", "csr_a", True), "verified by the CSR's call")
    t.expect_error(t.post(f"/visits/{n}/comment", {"comment": "x"}, user="kam_GZ"), 409,
                   "invalid_state")
    other = visit(t)["number"]
    eq(act(t, "visits", other, "verify", "ssg_leader", {"confirmed": False})["state"],
       "verified", "verified straight from filed")
    got = {x["number"] for x in t.list_all(f"/visits?customer={cust(t)}&state=filed,verified",
                                           user="csr_a")}
    check(n in got and other in got, "state=a,b")
    eq(t.list_all(f"/visits?customer={cust(t)}", user="kam_BJ"), [], "out of scope")


def test_report_late_by_the_next_working_day(t):
    set_clock(t, "2026-11-21", "08:00")
    p = plan(t)["number"]
    act(t, "visit-plans", p, "submit", "rep_GZ")
    draft_plan = plan(t)["number"]  # a draft plan is no plan yet
    set_clock(t, TUE, "18:00")
    visit(t, plan_item=f"{p}/2")  # the Tuesday visit reported the same day
    it = boundary(t, f"{p}/1", "visit_report", WED, "00:00", TUE, "23:59")
    eq((it["department"], it["responsible"]), ("sales", ["rep_GZ"]), "the rep explains")
    set_clock(t, "2026-11-26", "00:00")
    lib.run_jobs(t)
    no_issue(t, f"{p}/2", "visit_report")
    no_issue(t, f"{draft_plan}/1", "visit_report")

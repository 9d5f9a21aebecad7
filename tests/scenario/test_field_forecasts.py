"""Forecasts (销售预期, YC; flows.md §17) and plans (计划, JH; flows.md §18; entities.md §9;
api.md §5.7). A forecast: draft (rep, KAM for own customers; UM for the region) → submit
(spot-check flags for lines > 30 % from the 3-month average actual) → assess (CSR, per line,
within two working days: `forecast_assess`) → aggregate → approve (MM; company: SLT); lines of
months past show actual_qty and accuracy_bp. A plan: its owner's own level, submit, approve or
return by the next level up."""

import re

import lib
from lib import UNLIMITED, boundary, check, eq, no_issue, set_clock

MON, TUE, WED, THU = "2026-11-23", "2026-11-24", "2026-11-25", "2026-11-26"
SKU = "M-IF1-900"


def cust(t):
    if "cust" not in t.case:
        t.case["cust"] = lib.customer(t, UNLIMITED)
    return t.case["cust"]


def act(t, coll, n, action, user, body=None, status=200, **kw):
    return lib.act(t, coll, n, action, user, body, status, **kw)


def forecast(t, user="kam_GZ", status=201, **over):
    body = {"customer": cust(t), "base_month": "2026-11",
            "lines": [{"month": "2026-12", "sku": SKU, "qty": 12},
                      {"month": "2027-01", "sku": SKU, "qty": 24}],
            "basis": "市场容量约5000箱/月，代理商能力约800箱/月"}
    body.update(over)
    return t.ok(t.post("/forecasts", body, user=user), status, f"forecast by {user}")


def test_forecast_through_approval_with_spot_checks_and_accuracy(t):
    set_clock(t, MON, "09:00")
    f = forecast(t)
    n = f["number"]
    check(re.fullmatch(r"SC20261123YC\d{4,5}", n), f"number {n}")
    eq((f["state"], f["level"], f["market"], f["customer"], len(f["lines"])),
       ("draft", "kam", "S", cust(t), 2), "drafted")
    eq(f["allowed_actions"], ["submit"], "the owner submits")
    for user in ("csr_a", "mm_S", "finance", "gm"):
        t.expect_error(t.post("/forecasts", {"customer": cust(t), "base_month": "2026-11",
                                             "lines": []}, user=user), 403, "forbidden")
    base = {"customer": cust(t), "base_month": "2026-11"}
    for bad, status, field in (({"lines": [{"month": "2027-03", "sku": SKU, "qty": 1}]}, 422,
                                "month"),
                               ({"lines": [{"month": "2026-11", "sku": SKU, "qty": 1}]}, 422,
                                "month"),
                               ({"lines": [{"month": "2026-12", "sku": "NOPE", "qty": 1}]}, 422,
                                "sku"),
                               ({"lines": [{"month": "2026-12", "sku": SKU, "qty": -1}]}, 422,
                                "qty"),
                               ({"lines": [{"month": "2026-12", "sku": SKU, "qty": 1},
                                           {"month": "2026-12", "sku": SKU, "qty": 2}]}, 422,
                                "lines"),
                               ({"base_month": "2026-13", "lines": []}, 422, "base_month"),
                               ({"lines": None}, 422, "lines"),
                               ({"colour": 1, "lines": []}, 400, "colour")):
        body = {k: v for k, v in {**base, **bad}.items() if v is not None}
        t.expect_error(t.post("/forecasts", body, user="kam_GZ"), status,
                       "validation_failed" if status == 422 else "bad_request", field=field)
    t.expect_error(t.post("/forecasts", {**base, "lines": []}, user="kam_BJ"), 422,
                   "validation_failed", rule="unknown_reference")
    # a forecast is of the coming months (flows.md §17): a base month already over is refused
    # (this month is the latest base: its three months follow it); nothing is made
    before = len(t.list_all(f"/forecasts?customer={cust(t)}", user="kam_GZ"))
    t.expect_error(t.post("/forecasts", {**base, "base_month": "2026-10", "lines": [
        {"month": "2026-12", "sku": SKU, "qty": 1}]}, user="kam_GZ"), 422, "validation_failed",
        field="base_month", rule="date_out_of_range")
    eq(len(t.list_all(f"/forecasts?customer={cust(t)}", user="kam_GZ")), before, "none made")
    s = act(t, "forecasts", n, "submit", "kam_GZ")
    eq(s["state"], "submitted", "submitted")
    eq([(x["avg_actual_qty"], x["spot_check"]["flagged"]) for x in s["lines"]],
       [(0, True), (0, True)], "no history: every line is spot-checked")
    t.expect_error(t.post(f"/forecasts/{n}/assess", {}, user="kam_GZ"), 403, "forbidden")
    t.expect_error(t.post(f"/forecasts/{n}/assess", {"lines": [
        {"month": "2026-12", "sku": SKU, "adjusted_qty": 10}]}, user="csr_a"), 422,
        "validation_failed", field="comment")
    t.expect_error(t.post(f"/forecasts/{n}/assess", {"lines": [
        {"month": "2027-02", "sku": SKU}]}, user="csr_a"), 422, "validation_failed",
        rule="unknown_line")
    a = act(t, "forecasts", n, "assess", "csr_a", {"lines": [
        {"month": "2026-12", "sku": SKU, "adjusted_qty": 12, "spot_check_result": "已与代理商核实"},
        {"month": "2027-01", "sku": SKU, "adjusted_qty": 20, "comment": "春节前备货偏高"}]})
    eq((a["state"], a["lines"][1]["assessment"]["adjusted_qty"],
        a["lines"][0]["spot_check"]["result"]), ("assessed", 20, "已与代理商核实"), "assessed")
    t.expect_error(t.post(f"/forecasts/{n}/aggregate", {}, user="mm_S"), 403, "forbidden")
    eq(act(t, "forecasts", n, "aggregate", "ssg_leader")["state"], "aggregated", "aggregated")
    for user in ("csr_a", "deputy", "mm_N"):
        t.ok(t.post(f"/forecasts/{n}/approve", {}, user=user), 404 if user == "mm_N" else 403,
             f"approve by {user}")
    eq(act(t, "forecasts", n, "approve", "mm_S")["state"], "approved", "the MM approves")
    # the actual of December, seen in January
    set_clock(t, "2026-12-10", "10:00")
    _, ship = lib.released(t, cust(t), [(SKU, 12)])
    lib.dispatch(t, ship)
    set_clock(t, "2027-01-05", "10:00")
    g = t.ok(t.get(f"/forecasts/{n}", user="mm_S"))
    eq([(x["month"], x["actual_qty"], x["accuracy_bp"]) for x in g["lines"]],
       [("2026-12", 12, 10000), ("2027-01", None, None)], "accuracy of the month past")


def test_company_forecast_is_approved_by_the_slt_and_assess_deadline(t):
    set_clock(t, MON, "10:00")
    u = forecast(t, "um_GZ", customer=None, level="company")
    eq((u["level"], u["customer"], u["region"]), ("company", None, "GZ"), "a UM's, no customer")
    n = u["number"]
    act(t, "forecasts", n, "submit", "um_GZ")
    late = forecast(t)["number"]
    act(t, "forecasts", late, "submit", "kam_GZ")
    set_clock(t, WED, "12:00")
    act(t, "forecasts", n, "assess", "csr_a", {"lines": []})
    act(t, "forecasts", n, "aggregate", "csr_a")
    t.expect_error(t.post(f"/forecasts/{n}/approve", {}, user="mm_S"), 403, "forbidden")
    eq(act(t, "forecasts", n, "approve", "gm")["state"], "approved", "the SLT approves")
    it = boundary(t, late, "forecast_assess", "2026-11-26", "00:00", WED, "23:59")
    eq(it["department"], "ssg", "ssg")
    no_issue(t, n, "forecast_assess")
    got = {x["number"] for x in t.list_all("/forecasts?state=approved,submitted", user="csr_a")}
    check({n, late} <= got, "state=a,b")
    eq(t.list_all(f"/forecasts?q={late}", user="kam_BJ"), [], "out of scope")


def plan(t, user, level, status=201, **over):
    body = {"level": level, "period_type": "month", "period": "2026-12",
            "target_sales_fen": 100000000, "target_collection_fen": 90000000,
            "lines": [{"sku": SKU, "qty": 100}],
            "capacity_survey": [{"area": "白云区", "market_capacity_fen": 50000000,
                                 "agent_capacity_fen": 8000000, "rank": 1,
                                 "expansion_order": 1}]}
    body.update(over)
    return t.ok(t.post("/plans", body, user=user), status, f"plan by {user}")


def test_plans_cascade_each_approved_by_the_next_level_up(t):
    set_clock(t, MON, "11:00")
    cases = (("gm", "company", "gm", "mm_S"), ("mm_S", "market", "deputy", "um_GZ"),
             ("um_GZ", "region", "mm_S", "kam_GZ"), ("kam_GZ", "kam", "um_GZ", "mm_S"))
    for owner, level, approver, wrong in cases:
        p = plan(t, owner, level)
        n = p["number"]
        check(re.fullmatch(r"SC20261123JH\d{4,5}", n), f"number {n}")
        eq((p["state"], p["level"], p["owner"]), ("draft", level, owner), f"{level} plan")
        t.expect_error(t.post(f"/plans/{n}/approve", {}, user=approver), 409, "invalid_state")
        act(t, "plans", n, "submit", owner)
        st, _ = t.post(f"/plans/{n}/approve", {}, user=wrong)
        check(st in (403, 404), f"{wrong} may not approve a {level} plan: {st}")
        eq(act(t, "plans", n, "approve", approver)["state"], "approved",
           f"{approver} approves the {level} plan")
    c = plan(t, "kam_GZ", "customer", customer=cust(t))
    act(t, "plans", c["number"], "submit", "kam_GZ")
    t.expect_error(t.post(f"/plans/{c['number']}/return", {}, user="um_GZ"), 422,
                   "validation_failed", field="comment")
    eq(act(t, "plans", c["number"], "return", "um_GZ", {"comment": "目标偏低"})["state"],
       "draft", "returned")
    t.expect_error(t.post("/plans", {"level": "market", "period_type": "month",
                                     "period": "2026-12", "target_sales_fen": 1},
                          user="um_GZ"), 403, "forbidden", rule="level_not_yours")
    for user in ("rep_GZ", "csr_a", "finance"):
        t.expect_error(t.post("/plans", {"level": "kam", "period_type": "month",
                                         "period": "2026-12", "target_sales_fen": 1},
                              user=user), 403, "forbidden")
    before = len(t.list_all("/plans?owner=kam_GZ", user="um_GZ"))
    for bad, status, field in (({"level": "street"}, 422, "level"),
                               ({"period_type": "week"}, 422, "period_type"),
                               # a period of its type's form, or the plan would be in no
                               # report (plan_vs_actual reads the period as dates)
                               ({"period": "2026-13"}, 422, "period"),
                               ({"period_type": "quarter", "period": "2026-12"}, 422, "period"),
                               ({"period_type": "quarter", "period": "2026Q5"}, 422, "period"),
                               ({"period_type": "year", "period": "2026-12"}, 422, "period"),
                               ({"target_sales_fen": None}, 422, "target_sales_fen"),
                               ({"target_sales_fen": 10 ** 14}, 422, "target_sales_fen"),
                               ({"customer": cust(t)}, 422, "customer"),
                               ({"lines": [{"sku": "NOPE", "qty": 1}]}, 422, "sku"),
                               ({"capacity_survey": [{"rank": 1}]}, 422, "area"),
                               ({"colour": 1}, 400, "colour")):
        body = {k: v for k, v in {"level": "kam", "period_type": "month", "period": "2026-12",
                                  "target_sales_fen": 1, **bad}.items() if v is not None}
        t.expect_error(t.post("/plans", body, user="kam_GZ"), status,
                       "validation_failed" if status == 422 else "bad_request", field=field)
    eq(len(t.list_all("/plans?owner=kam_GZ", user="um_GZ")), before, "bad input made no plan")
    got = {x["number"] for x in t.list_all("/plans?state=draft&owner=kam_GZ", user="um_GZ")}
    check(c["number"] in got, "the UM lists the KAM's plans")


def test_plan_parents_cascade_one_level_up_within_the_period(t):
    """flows.md §18: company → market → region → kam → customer; a plan naming its parent names
    one of the level above whose period holds its own (a company year → a market quarter → a
    region month …). A wrong parent is refused and makes no plan."""
    set_clock(t, MON, "11:30")
    year = plan(t, "gm", "company", period_type="year", period="2027")["number"]
    q1 = plan(t, "mm_S", "market", period_type="quarter", period="2027Q1", parent=year)
    eq(q1["parent"], year, "the market quarter under the company year")
    jan = plan(t, "um_GZ", "region", period="2027-01", parent=q1["number"])["number"]
    kam = plan(t, "kam_GZ", "kam", period="2027-01", parent=jan)["number"]
    plan(t, "kam_GZ", "customer", period="2027-01", parent=kam, customer=cust(t))
    before = len(t.list_all("/plans?owner=kam_GZ", user="um_GZ"))
    for over, rule in (({"parent": "SC20261123JH99999"}, "unknown_reference"),
                       ({"parent": year}, "parent_level"),         # skips two levels
                       ({"parent": q1["number"]}, "parent_level"),  # a market plan
                       ({"parent": jan, "period": "2027-02"}, "parent_period"),
                       ({"parent": jan, "period_type": "quarter", "period": "2027Q1"},
                        "parent_period")):
        body = {"level": "kam", "period_type": "month", "period": "2027-01",
                "target_sales_fen": 1, **over}
        t.expect_error(t.post("/plans", body, user="kam_GZ"), 422, "validation_failed",
                       rule=rule, field="parent")
    eq(len(t.list_all("/plans?owner=kam_GZ", user="um_GZ")), before, "no plan made")
    # a company plan has no parent level
    t.expect_error(t.post("/plans", {"level": "company", "period_type": "year", "period": "2028",
                                     "target_sales_fen": 1, "parent": year}, user="gm"),
                   422, "validation_failed", rule="parent_level")


def test_an_empty_forecast_is_not_submitted(t):
    set_clock(t, MON, "11:40")
    n = forecast(t, lines=[])["number"]
    t.expect_error(t.post(f"/forecasts/{n}/submit", {}, user="kam_GZ"), 422,
                   "validation_failed", rule="lines_required")
    eq(t.ok(t.get(f"/forecasts/{n}", user="kam_GZ"))["state"], "draft", "still a draft")

"""The weekly visit plan's deadline (flows.md §9.2, issue 13): a rep or KAM who plans visits
submits next week's plan by Saturday 09:00; a missing or late one opens `visit_plan_weekly`
(document "YYYY-Www:<user>", department sales, naming the rep and the rep's manager, who confirms
the plan at the Saturday meeting and - a rep having no "explain" in the matrix - explains it). The limit is the setting
`visit_plan_weekly_lead_minutes` (2340: 39 hours before the week's Monday)."""

from lib import DEMO_PASSWORD, boundary, check, eq, no_issue, one_issue, run_jobs, set_clock
import lib

# 2033-03-07 is a Monday; next week is 2033-W11 (Monday 14 March), due Saturday 12 March 09:00
MON, SAT, NEXT_MON = "2033-03-07", "2033-03-12", "2033-03-14"
WEEK = "2033-W11"


def new_rep(t):
    name = t.uniq("rep")
    t.ok(t.post("/users", {"username": name, "name": "新业务员", "password": DEMO_PASSWORD,
                           "role": "rep", "market": "S", "region": "GZ", "manager": "kam_GZ"}),
         201, "a new rep")
    return name


def week_plan(t, user, period, day):
    p = t.ok(t.post("/visit-plans", {"period_type": "week", "period": period, "items": [
        {"prospect": "潜在客户", "date": day, "purpose": "拜访"}]}, user=user), 201, "week plan")
    return p["number"]


def test_weekly_plan_due_saturday_0900(t):
    set_clock(t, "2033-03-01", "10:00")
    a, b, idle = new_rep(t), new_rep(t), new_rep(t)
    # a and b plan visits already (this week's plan), idle has never planned a visit
    for u in (a, b):
        lib.act(t, "visit-plans", week_plan(t, u, "2033-W10", MON), "submit", u)
    set_clock(t, "2033-03-11", "16:00")  # Friday: a submits next week's plan in time,
    p = week_plan(t, a, NEXT_MON, NEXT_MON)  # naming the week by a day of it
    eq(t.ok(t.get(f"/visit-plans/{p}", user=a))["due_at"], lib.at(SAT, "09:00"),
       "a week plan shows when it is due")
    lib.act(t, "visit-plans", p, "submit", a)
    it = boundary(t, f"{WEEK}:{b}", "visit_plan_weekly", SAT, "09:00")
    eq((it["department"], sorted(it["responsible"]), it["customer"], it["market"]),
       ("sales", sorted([b, "kam_GZ"]), None, "S"), "the rep and the manager explain")
    no_issue(t, f"{WEEK}:{a}", "visit_plan_weekly")
    no_issue(t, f"{WEEK}:{idle}", "visit_plan_weekly")
    for u in (b, "kam_GZ"):
        check(any(x["document"] == it["number"] for x in t.list_all("/notifications", user=u)),
              f"{u} is told")
    # b submits at the meeting, late: the entry notes it; running again opens nothing more
    set_clock(t, SAT, "10:30")
    late = week_plan(t, b, WEEK, NEXT_MON)
    eq(t.ok(t.get(f"/visit-plans/{late}", user=b))["period"], WEEK, "the period as given")
    lib.act(t, "visit-plans", late, "submit", b)
    run_jobs(t)
    got = one_issue(t, f"{WEEK}:{b}", "visit_plan_weekly")
    eq((got["completed_by_action"], got["completed_at"][:16]), ("submit", f"{SAT}T10:30"),
       "late submission noted")
    # the matrix gives a rep no "explain" (numbering-and-rules §3): the manager writes it
    t.expect_error(t.post(f"/osb-issues/{got['number']}/explain", {"explanation": "x"}, user=b),
                   403, "forbidden")
    eq(t.ok(t.post(f"/osb-issues/{got['number']}/explain",
                   {"explanation": "周六上午才整理完客户名单"}, user="kam_GZ"))["state"],
       "explained", "the manager explains")
    # a draft is no plan: the week after, a's draft does not count
    set_clock(t, "2033-03-18", "12:00")
    week_plan(t, a, "2033-W12", "2033-03-21")
    set_clock(t, "2033-03-19", "09:00")
    run_jobs(t)
    one_issue(t, f"2033-W12:{a}", "visit_plan_weekly")


def test_weekly_plan_lead_is_a_setting(t):
    set_clock(t, "2033-05-02", "10:00")  # Monday; next week 2033-W19 starts 9 May
    r = new_rep(t)
    lib.act(t, "visit-plans", week_plan(t, r, "2033-W18", "2033-05-02"), "submit", r)
    # due Friday 17:00 instead: 55 hours before Monday 00:00
    t.ok(t.put("/settings/visit_plan_weekly_lead_minutes", {"value": 3300}), 200, "setting")
    try:
        boundary(t, f"2033-W19:{r}", "visit_plan_weekly", "2033-05-06", "17:00")
    finally:
        t.ok(t.put("/settings/visit_plan_weekly_lead_minutes", {"value": 2340}), 200,
             "setting back")

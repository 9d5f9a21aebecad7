"""Field-sales records beside the documents (issue #13; entities.md §9, §11; flows.md §6, §9,
§10, §18): the work log, call logs, the monthly focus, meetings, cross-region sightings (冲货)
from visit reports, a consumer return that opens a return, the CSR's morning check of
yesterday's visit reports (job), and the monthly 5 % visit verification sample."""

from urllib.parse import quote

import lib
from lib import UNLIMITED, check, eq, set_clock


def notes(t, user, event):
    return [n for n in t.list_all("/notifications", user=user) if n["event"] == event]


def test_work_log_one_a_day_seen_by_the_manager(t):
    set_clock(t, "2027-01-12", "18:00")
    w = t.ok(t.post("/work-logs", {"text": "上午拜访两家经销商，下午催款"}, user="rep_GZ"), 201)
    eq((w["user"], w["date"], w["text"]), ("rep_GZ", "2027-01-12", "上午拜访两家经销商，下午催款"),
       "the entry")
    check(w["submitted_at"].startswith("2027-01-12T18:00"), "submitted_at")
    t.expect_error(t.post("/work-logs", {"text": "again"}, user="rep_GZ"), 409, "duplicate")
    t.expect_error(t.post("/work-logs", {"date": "2027-01-13", "text": "x"}, user="rep_GZ"),
                   422, "validation_failed", rule="date_out_of_range")
    t.expect_error(t.post("/work-logs", {"text": ""}, user="rep_GZ"), 422, "validation_failed",
                   field="text")
    t.expect_error(t.post("/work-logs", {"text": "x", "mood": 1}, user="rep_GZ"), 400,
                   "bad_request", field="mood")
    t.expect_error(t.post("/work-logs", {"text": "x"}, user="finance"), 403, "forbidden")
    y = t.ok(t.post("/work-logs", {"date": "2027-01-11", "text": "补记昨天"}, user="rep_GZ"), 201)
    for user in ("kam_GZ", "um_GZ", "mm_S"):
        got = t.ok(t.get("/work-logs?user=rep_GZ&from=2027-01-11&to=2027-01-12", user=user))
        eq([x["date"] for x in got["items"]], ["2027-01-12", "2027-01-11"], f"{user} reads them")
    eq(t.ok(t.get("/work-logs?user=rep_GZ", user="kam_BJ"))["items"], [], "out of scope")
    t.expect_error(t.get(f"/work-logs/{y['id']}", user="kam_BJ"), 404, "not_found")
    eq(t.ok(t.get(f"/work-logs/{y['id']}", user="kam_GZ"))["text"], "补记昨天", "one")
    eq(len(t.ok(t.get(f"/work-logs?q={quote('补记')}&user=rep_GZ", user="rep_GZ"))["items"]), 1, "q=")
    t.expect_error(t.get("/work-logs?from=yesterday", user="rep_GZ"), 400, "bad_request")


def test_call_log_of_own_customers(t):
    set_clock(t, "2027-01-12", "10:00")
    cu = lib.customer(t, UNLIMITED)
    c = t.ok(t.post("/call-logs", {"customer": cu, "kind": "weekly_collection", "reached": True,
                                   "outcome": "答应周五付款", "promised_pay_date": "2027-01-15",
                                   "promised_amount_fen": 500000}, user="kam_GZ"), 201)
    eq((c["customer"], c["by"], c["kind"], c["reached"], c["promised_pay_date"],
        c["promised_amount_fen"]),
       (cu, "kam_GZ", "weekly_collection", True, "2027-01-15", 500000), "the call")
    check(c["at"].startswith("2027-01-12T10:00"), "at")
    s = t.ok(t.post("/call-logs", {"customer": cu, "kind": "satisfaction", "reached": False},
                    user="service"), 201)
    eq(s["reached"], False, "not reached")
    t.expect_error(t.post("/call-logs", {"customer": cu, "kind": "gossip", "reached": True},
                          user="kam_GZ"), 422, "validation_failed", field="kind")
    t.expect_error(t.post("/call-logs", {"customer": cu, "kind": "tracking"}, user="kam_GZ"),
                   422, "validation_failed", field="reached")
    t.expect_error(t.post("/call-logs", {"customer": cu, "kind": "tracking", "reached": True,
                                         "promised_amount_fen": 10**13 + 1}, user="kam_GZ"),
                   422, "validation_failed", rule="amount_too_large")
    t.expect_error(t.post("/call-logs", {"customer": cu, "kind": "tracking", "reached": True},
                          user="kam_BJ"), 422, "validation_failed", rule="unknown_reference")
    t.expect_error(t.post("/call-logs", {"customer": cu, "kind": "tracking", "reached": True},
                          user="warehouse"), 403, "forbidden")
    got = t.ok(t.get(f"/call-logs?customer={cu}", user="mm_S"))["items"]
    eq(sorted(x["kind"] for x in got), ["satisfaction", "weekly_collection"], "both listed")
    eq([x["kind"] for x in t.ok(t.get(f"/call-logs?customer={cu}&kind=satisfaction",
                                      user="csr_a"))["items"]], ["satisfaction"], "kind=")
    eq(t.ok(t.get(f"/call-logs?customer={cu}", user="kam_BJ"))["items"], [], "scope")
    t.expect_error(t.get(f"/call-logs/{c['id']}", user="kam_BJ"), 404, "not_found")


def test_monthly_focus_published_by_the_slt(t):
    set_clock(t, "2027-02-06", "10:00")
    body = {"month": "2027-02", "main": "春节后快速恢复铺货",
            "secondary": ["回款率提升到95%", "新客户开发"],
            "goals": [{"market": "S", "target_fen": 300000000, "focus": "广州新品上市"}]}
    t.expect_error(t.post("/monthly-focus", body, user="mm_S"), 403, "forbidden")
    t.expect_error(t.post("/monthly-focus", {**body, "secondary": ["只有一个"]}, user="gm"), 422,
                   "validation_failed", rule="two_secondary")
    t.expect_error(t.post("/monthly-focus", {**body, "goals": [{"market": "XX", "target_fen": 1}]},
                          user="gm"), 422, "validation_failed", rule="unknown_reference")
    t.expect_error(t.post("/monthly-focus", {**body, "month": "2027-13"}, user="gm"), 422,
                   "validation_failed", field="month")
    f = t.ok(t.post("/monthly-focus", body, user="director"), 201)
    eq((f["month"], f["main"], f["secondary"], f["published_by"], f["goals"]),
       ("2027-02", "春节后快速恢复铺货", ["回款率提升到95%", "新客户开发"], "director",
        [{"market": "S", "target_fen": 300000000, "focus": "广州新品上市"}]), "the focus")
    check(f["published_at"].startswith("2027-02-06T10:00"), "published_at")
    t.expect_error(t.post("/monthly-focus", body, user="gm"), 409, "duplicate")
    eq(t.ok(t.get("/monthly-focus/2027-02", user="rep_GZ"))["main"], "春节后快速恢复铺货", "read")
    check(any(x["month"] == "2027-02" for x in t.ok(t.get("/monthly-focus", user="kam_GZ"))["items"]),
          "listed")
    t.expect_error(t.get("/monthly-focus/2027-03", user="gm"), 404, "not_found")
    for user in ("ssg_leader", "mm_S", "rep_GZ"):
        check(notes(t, user, "monthly_focus"), f"{user} is told")


def test_meetings_with_minutes_decisions_and_issues(t):
    set_clock(t, "2027-02-13", "12:00")
    m = t.ok(t.post("/meetings", {"kind": "sales_weekly", "date": "2027-02-13", "market": "S",
                                  "minutes": "周六例会：回顾本周拜访",
                                  "attendees": ["mm_S", "um_GZ", "kam_GZ", "rep_GZ"],
                                  "decisions": ["下周重点拜访A类客户"],
                                  "issues": ["某客户回款拖延"]}, user="csr_a"), 201)
    eq((m["kind"], m["date"], m["market"], m["recorded_by"], m["attendees"], m["decisions"],
        m["issues"]),
       ("sales_weekly", "2027-02-13", "S", "csr_a", ["mm_S", "um_GZ", "kam_GZ", "rep_GZ"],
        ["下周重点拜访A类客户"], ["某客户回款拖延"]), "the meeting")
    t.expect_error(t.post("/meetings", {"kind": "party", "date": "2027-02-13"}, user="csr_a"),
                   422, "validation_failed", field="kind")
    t.expect_error(t.post("/meetings", {"kind": "slt_monthly"}, user="gm"), 422,
                   "validation_failed", field="date")
    t.expect_error(t.post("/meetings", {"kind": "sales_weekly", "date": "2027-02-13",
                                        "decisions": [1]}, user="mm_S"), 400, "bad_request")
    t.expect_error(t.post("/meetings", {"kind": "sales_weekly", "date": "2027-02-13"},
                          user="rep_GZ"), 403, "forbidden")
    s = t.ok(t.post("/meetings", {"kind": "slt_monthly", "date": "2027-02-05"}, user="gm"), 201)
    eq((s["attendees"], s["decisions"]), ([], []), "empty lists")
    got = t.ok(t.get("/meetings?kind=sales_weekly&from=2027-02-01&to=2027-02-28",
                     user="kam_GZ"))["items"]
    eq([x["id"] for x in got], [m["id"]], "kind= and dates")
    eq(t.ok(t.get(f"/meetings/{s['id']}", user="mm_S"))["kind"], "slt_monthly", "one")
    t.expect_error(t.get("/meetings/999999", user="gm"), 404, "not_found")


def shipped_batch(t, batch):
    """A product whose batch went to a customer of region GZ; returns (sku, customer, order)."""
    sku = lib.product(t, price=1000, batch=batch)
    cu = lib.customer(t, UNLIMITED)
    order, ship = lib.released(t, cu, [(sku, 10)])
    lib.dispatch(t, ship)
    return sku, cu, order


def test_cross_region_sighting_from_a_visit(t):
    set_clock(t, "2027-03-02", "10:00")
    batch = t.uniq("CH")
    sku, gz, _ = shipped_batch(t, batch)
    sz = lib.customer(t, UNLIMITED, region="SZ", kam="kam_SZ")
    v = t.ok(t.post("/visits", {"customer": sz, "findings": {
        "observed_stock": [{"sku": sku, "batch": batch, "qty": 12}],
        "observed_prices": [{"sku": sku, "price_fen": 1000}]}}, user="kam_SZ"), 201)
    eq((v["cross_region"], v["price_inversion"]), (True, False), "flags")
    eq(v["flags"], [{"rule": "cross_region", "sku": sku, "batch": batch,
                     "home_regions": ["GZ"]}], "the sighting flag")
    home = t.ok(t.post("/visits", {"customer": gz, "findings": {
        "observed_stock": [{"sku": sku, "batch": batch, "qty": 3}]}}, user="kam_GZ"), 201)
    eq((home["cross_region"], home["flags"]), (False, []), "at home: no sighting")
    got = t.ok(t.get("/sightings?region=SZ&from=2027-03-01&to=2027-03-31", user="mm_S"))["items"]
    mine = [s for s in got if s["batch"] == batch]
    eq([(s["visit"], s["customer"], s["region"], s["sku"], s["qty"], s["home_regions"],
         s["seen_on"]) for s in mine],
       [(v["number"], sz, "SZ", sku, 12, ["GZ"], "2027-03-02")], "listed")
    eq([s for s in t.ok(t.get("/sightings", user="kam_BJ"))["items"] if s["batch"] == batch],
       [], "out of scope")
    check(any(n["document"] == v["number"] for n in notes(t, "mm_S", "cross_region")),
          "the MM is told")
    t.expect_error(t.post("/visits", {"customer": sz, "findings": {"observed_stock": {}}},
                          user="kam_SZ"), 400, "bad_request")


def test_consumer_return_opens_a_return(t):
    set_clock(t, "2027-03-03", "10:00")
    batch = t.uniq("CR")
    sku, cu, order = shipped_batch(t, batch)
    tk = t.ok(t.post("/after-sales", {"customer": cu, "type": "consumer_return", "order": order,
                                      "batch": batch, "description": "消费者退回两罐"},
                     user="kam_GZ"), 201)
    n = tk["number"]
    eq(tk["return"], None, "no return yet")
    check("open-return" not in tk["allowed_actions"], "not before the MM confirms")
    t.expect_error(t.post(f"/after-sales/{n}/open-return", {"lines": []}, user="kam_GZ"), 409,
                   "invalid_state")
    lib.act(t, "after-sales", n, "confirm", "mm_S")
    check("open-return" in t.ok(t.get(f"/after-sales/{n}", user="kam_GZ"))["allowed_actions"],
          "offered to the KAM")
    t.expect_error(t.post(f"/after-sales/{n}/open-return", {}, user="csr_a"), 403, "forbidden")
    lines = [{"sku": sku, "batch": batch, "qty": 2, "reason": "消费者退货"}]
    a = lib.act(t, "after-sales", n, "open-return", "kam_GZ", {"lines": lines})
    eq(a["state"], "confirmed", "the ticket stays where it was")
    r = t.ok(t.get(f"/returns/{a['return']}", user="kam_GZ"))
    eq((r["state"], r["order"], [(x["sku"], x["qty"]) for x in r["lines"]]),
       ("requested", order, [(sku, 2)]), "the return")
    t.expect_error(t.post(f"/after-sales/{n}/open-return", {"lines": lines}, user="kam_GZ"), 422,
                   "validation_failed", rule="return_open")
    q = t.ok(t.post("/after-sales", {"customer": cu, "type": "quality", "order": order,
                                     "description": "结块"}, user="kam_GZ"), 201)
    lib.act(t, "after-sales", q["number"], "confirm", "mm_S")
    t.expect_error(t.post(f"/after-sales/{q['number']}/open-return", {"lines": lines},
                          user="kam_GZ"), 422, "validation_failed", rule="not_consumer_return")


def test_morning_check_reminds_missing_visit_reports(t):
    cu = lib.customer(t, UNLIMITED)
    set_clock(t, "2027-04-05", "08:00")  # Monday
    p = t.ok(t.post("/visit-plans", {"period_type": "day", "period": "2027-04-06", "items": [
        {"customer": cu, "date": "2027-04-06", "purpose": "回款"},
        {"prospect": "潜在客户甲", "date": "2027-04-06", "purpose": "首访"}]}, user="rep_GZ"), 201)
    n = p["number"]
    lib.act(t, "visit-plans", n, "submit", "rep_GZ")
    set_clock(t, "2027-04-06", "17:00")
    t.ok(t.post("/visits", {"customer": cu, "plan_item": f"{n}/1"}, user="rep_GZ"), 201)
    set_clock(t, "2027-04-07", "08:59")
    lib.run_jobs(t)
    eq([x for x in notes(t, "rep_GZ", "visit_missing") if x["document"] == n], [],
       "not before 09:00")
    set_clock(t, "2027-04-07", "09:00")
    check("visit_reports_missing" in lib.run_jobs(t), "the job ran")
    mine = [x for x in notes(t, "rep_GZ", "visit_missing") if x["document"] == n]
    eq(len(mine), 1, "one reminder: item 2 only")
    check(f"{n}/2" in mine[0]["subject"], mine[0]["subject"])
    eq(len([x for x in notes(t, "kam_GZ", "visit_missing") if x["document"] == n]), 1,
       "and the manager")
    lib.run_jobs(t)
    eq(len([x for x in notes(t, "rep_GZ", "visit_missing") if x["document"] == n]), 1,
       "once a day")


def test_monthly_verification_sample(t):
    cu = lib.customer(t, UNLIMITED)
    set_clock(t, "2027-05-10", "10:00")
    mine = [t.ok(t.post("/visits", {"customer": cu}, user="rep_GZ"), 201)["number"]
            for _ in range(3)]
    mine.append(t.ok(t.post("/visits", {"customer": cu}, user="kam_GZ"), 201)["number"])
    set_clock(t, "2027-06-01", "08:00")
    t.expect_error(t.post("/visit-verifications", {"month": "2027-05"}, user="kam_GZ"), 403,
                   "forbidden")
    t.expect_error(t.post("/visit-verifications", {"month": "May"}, user="csr_a"), 422,
                   "validation_failed", field="month")
    s = t.ok(t.post("/visit-verifications", {"month": "2027-05"}, user="csr_a"), 201)
    picked = [x for x in s["items"] if x["visit"] in mine]
    # 4 reports: 5 % rounds up to 1, but at least one per visitor → 2, one each.
    eq(sorted(x["visitor"] for x in picked), ["kam_GZ", "rep_GZ"], "one per visitor")
    eq(s["verified"], 0, "none verified yet")
    t.expect_error(t.post("/visit-verifications", {"month": "2027-05"}, user="ssg_leader"), 409,
                   "duplicate")
    lib.act(t, "visits", picked[0]["visit"], "verify", "csr_a", {"confirmed": True})
    again = t.ok(t.get("/visit-verifications?month=2027-05", user="ssg_leader"))
    eq(again["verified"], 1, "one verified")
    eq([x["verification"]["confirmed"] for x in again["items"] if x["visit"] == picked[0]["visit"]],
       [True], "its result")
    # The job of the 1st picks last month's when nobody did.
    set_clock(t, "2027-06-12", "10:00")
    t.ok(t.post("/visits", {"customer": cu}, user="rep_GZ"), 201)
    set_clock(t, "2027-07-01", "09:00")
    check("visit_verification" in lib.run_jobs(t), "the job ran")
    j = t.ok(t.get("/visit-verifications?month=2027-06", user="csr_a"))
    eq([x["picked_by"] for x in j["items"]], ["system"] * len(j["items"]), "by the job")
    check(len(j["items"]) >= 1, "picked")
    check(any(x["subject"].startswith("2027-06") for x in notes(t, "csr_a", "visit_verification")),
          "the CSRs are told")

"""Quotations and bids (报价/投标, BJ / TB; api.md §5.7, §5.9 decide body; flows.md §8,
entities.md §9, numbering-and-rules.md §3 and §5): register (the customer's KAM or rep) →
decide {"participate"} within one working day (the MM; a major one the supervising SLT member;
late: `quotation_decide` in the OSB problem log) → support tasks (customer service) → prepare
→ submit → review → approve (major: the MM, then the SLT member) or return → issue → won
(opens a contract draft named in `contract` with the quotation's terms) / lost / expire (also
the daily job once valid_until has passed). Every action allowed and denied by role, scope,
state, If-Match and body.

The week of 23 November 2026 (Monday) has no holiday in the demo calendar. Market S (华南) is
supervised by `deputy`; its MM is `mm_S`."""

import re

import lib
from lib import UNLIMITED, at, boundary, check, eq, no_issue, run_jobs, set_clock

MON, TUE, WED = "2026-11-23", "2026-11-24", "2026-11-25"
LINE = {"sku": "M-IF1-900", "qty": 10, "price_fen": 12000, "lead_time_days": 7}


def cust(t):
    if "cust" not in t.case:
        t.case["cust"] = lib.customer(t, UNLIMITED)
    return t.case["cust"]


def register(t, user="kam_GZ", status=201, **over):
    body = {"customer": cust(t), "source": "inquiry", "product_class": "outsourced",
            "title": "外协产品询价", "lines": [LINE]}
    body.update(over)
    return t.ok(t.post("/quotations", body, user=user), status, f"register by {user}")


def act(t, n, action, user, body=None, status=200, **kw):
    return lib.act(t, "quotations", n, action, user, body, status, **kw)


def to_review(t, major=False):
    lines = [dict(LINE, qty=5000)] if major else [LINE]
    q = register(t, lines=lines)["number"]
    act(t, q, "decide", "deputy" if major else "mm_S", {"participate": True})
    act(t, q, "submit", "kam_GZ")
    return q


def issued(t):
    q = to_review(t)
    act(t, q, "approve", "mm_S")
    act(t, q, "issue", "kam_GZ")
    return q


def test_register_by_role_numbers_and_body(t):
    set_clock(t, MON, "09:00")
    for user in ("kam_GZ", "rep_GZ"):
        q = register(t, user)
        check(re.fullmatch(r"SC20261123BJ\d{4,5}", q["number"]), f"number {q['number']}")
        eq((q["state"], q["owner"], q["customer"], q["source"], q["product_class"],
            q["total_fen"], q["major"], q["participate_decision"], q["contract"]),
           ("registered", user, cust(t), "inquiry", "outsourced", 120000, False, None, None),
           f"registered by {user}")
        eq(q["allowed_actions"], [], "the drafter may not decide")
        eq([e["action"] for e in q["timeline"]], ["create"], "timeline")
    tb = register(t, source="tender", product_class="gov_agri_procurement")
    check(re.fullmatch(r"SC20261123TB\d{4,5}", tb["number"]), f"a bid is TB: {tb['number']}")
    got = [n for n in t.list_all("/notifications", user="mm_S") if n["document"] == tb["number"]]
    eq(len(got), 1, "the MM is told at once")
    for user in ("csr_a", "mm_S", "ssg_leader", "finance", "gm", "deputy", "um_GZ",
                 "service", "auditor", "warehouse", "admin"):
        t.expect_error(t.post("/quotations", {"customer": cust(t), "source": "inquiry"},
                              user=user), 403, "forbidden", rule="role")
    t.expect_error(t.post("/quotations", {"customer": cust(t), "source": "inquiry"},
                          user="kam_BJ"), 422, "validation_failed", rule="unknown_reference")
    base = {"customer": cust(t), "source": "inquiry"}
    for bad, status, field in (({"source": None}, 422, "source"),
                               ({"source": "phone"}, 422, "source"),
                               ({"product_class": "x"}, 422, "product_class"),
                               ({"lines": [{"sku": "M-IF1-900"}]}, 422, "qty"),
                               ({"lines": [{"qty": 1}]}, 422, "lines"),
                               ({"lines": [{"sku": "NOPE", "qty": 1}]}, 422, "lines"),
                               ({"lines": [{"item": "x", "qty": 1.5}]}, 400, "qty"),
                               ({"lines": "x"}, 400, "lines"),
                               ({"colour": 1}, 400, "colour")):
        body = {k: v for k, v in {**base, **bad}.items() if v is not None}
        t.expect_error(t.post("/quotations", body, user="kam_GZ"), status,
                       "validation_failed" if status == 422 else "bad_request", field=field)
    t.expect_error(t.post("/quotations", {**base, "lines": [
        {"item": "x", "qty": 1000000, "price_fen": 10 ** 13}]}, user="kam_GZ"), 422,
        "validation_failed", rule="amount_too_large")
    q = register(t, lines=[{"item": "非标阀门", "spec": "DN50", "qty": 2}])
    eq((q["lines"][0]["item"], q["lines"][0]["price_fen"], q["total_fen"]),
       ("非标阀门", None, 0), "an item without a price yet")
    t.expect_error(t.get(f"/quotations/{q['number']}", user="kam_BJ"), 404, "not_found")
    eq(t.ok(t.get(f"/quotations/{q['number']}", user="mm_S"))["allowed_actions"], ["decide"],
       "the MM decides")


def test_decide_within_one_working_day(t):
    set_clock(t, MON, "10:00")
    q = register(t)["number"]
    for user in ("kam_GZ", "csr_a", "gm", "service", "auditor"):
        t.expect_error(t.post(f"/quotations/{q}/decide", {"participate": True}, user=user), 403,
                       "forbidden", rule="role")
    t.expect_error(t.post(f"/quotations/{q}/decide", {"participate": True}, user="mm_N"), 404,
                   "not_found")
    t.expect_error(t.post(f"/quotations/{q}/decide", {"participate": True}, user="deputy"), 403,
                   "forbidden", rule="role")  # not major: the MM's
    t.expect_error(t.post(f"/quotations/{q}/decide", {}, user="mm_S"), 422,
                   "validation_failed", field="participate")
    t.expect_error(t.post(f"/quotations/{q}/decide", {"participate": "yes"}, user="mm_S"), 400,
                   "bad_request")
    t.expect_error(t.post(f"/quotations/{q}/decide", {"participate": True, "x": 1},
                          user="mm_S"), 400, "bad_request")
    t.expect_error(t.post(f"/quotations/{q}/decide", {"participate": True}, user="mm_S",
                          headers={"If-Match": "7"}), 409, "version_conflict")
    d = act(t, q, "decide", "mm_S", {"participate": False, "comment": "产能不足"},
            headers={"If-Match": "1"})
    eq((d["state"], d["participate_decision"], d["decided_by"], d["allowed_actions"]),
       ("declined", False, "mm_S", []), "declined")
    t.expect_error(t.post(f"/quotations/{q}/decide", {"participate": True}, user="mm_S"), 409,
                   "invalid_state")
    # in time (Tuesday) and late (nothing by Tuesday 24:00)
    late, in_time = register(t)["number"], register(t)["number"]
    set_clock(t, TUE, "17:00")
    act(t, in_time, "decide", "mm_S", {"participate": True})
    it = boundary(t, late, "quotation_decide", WED, "00:00", TUE, "23:59")
    eq((it["department"], it["customer"]), ("sales", cust(t)), "sales")
    check("mm_S" in it["responsible"], f"the MM explains: {it['responsible']}")
    no_issue(t, in_time, "quotation_decide")
    no_issue(t, q, "quotation_decide")
    # a major one: the supervising SLT member decides
    m = register(t, lines=[dict(LINE, qty=5000)])
    eq((m["major"], m["total_fen"]), (True, 60000000), "¥600,000 is major")
    t.expect_error(t.post(f"/quotations/{m['number']}/decide", {"participate": True},
                          user="mm_S"), 403, "forbidden", rule="role")
    eq(t.ok(t.get(f"/quotations/{m['number']}", user="deputy"))["allowed_actions"], ["decide"],
       "deputy decides")
    eq(act(t, m["number"], "decide", "deputy", {"participate": True})["state"], "preparing",
       "major decided by the SLT member")


def test_prepare_support_tasks_and_review(t):
    set_clock(t, MON, "11:00")
    q = register(t, lines=[])["number"]
    act(t, q, "decide", "mm_S", {"participate": True})
    k = t.ok(t.get(f"/quotations/{q}", user="kam_GZ"))
    eq(k["allowed_actions"], ["prepare", "request-support", "submit"], "the drafter's actions")
    t.expect_error(t.post(f"/quotations/{q}/submit", {}, user="kam_GZ"), 422,
                   "validation_failed", rule="lines_required")
    t.expect_error(t.post(f"/quotations/{q}/support", {"kind": "technical", "result": "x"},
                          user="service"), 422, "validation_failed", rule="no_open_task")
    for bad, status in (({"kind": "legal", "note": "x"}, 422), ({"kind": "technical"}, 422),
                        ({"kind": 1, "note": "x"}, 400)):
        t.ok(t.post(f"/quotations/{q}/request-support", bad, user="kam_GZ"), status, str(bad))
    r = act(t, q, "request-support", "kam_GZ", {"kind": "technical", "note": "型号参数"})
    eq([(s["kind"], s["result"]) for s in r["support_tasks"]], [("technical", None)], "task")
    t.expect_error(t.post(f"/quotations/{q}/request-support", {"kind": "technical",
                                                                "note": "again"},
                          user="kam_GZ"), 409, "duplicate")
    act(t, q, "request-support", "kam_GZ", {"kind": "purchasing", "note": "原料价格和交期"})
    told = [n for n in t.list_all("/notifications", user="service")
            if n["document"] == q]
    eq(len(told), 2, "customer service is told of each task")
    for user in ("kam_GZ", "mm_S", "csr_a"):
        t.expect_error(t.post(f"/quotations/{q}/support", {"kind": "technical", "result": "x"},
                              user=user), 403, "forbidden", rule="role")
    s = act(t, q, "support", "service", {"kind": "technical", "result": "型号A"})
    eq([(x["kind"], x["result"], x["done_by"]) for x in s["support_tasks"]],
       [("technical", "型号A", "service"), ("purchasing", None, None)], "done")
    act(t, q, "support", "service", {"kind": "purchasing", "result": "交期30天"})
    p = act(t, q, "prepare", "kam_GZ", {"lines": [{"item": "阀门", "qty": 3}],
                                          "payment_term_days": 45})
    eq((p["total_fen"], p["payment_term_days"]), (0, 45), "prepared")
    t.expect_error(t.post(f"/quotations/{q}/submit", {}, user="kam_GZ"), 422,
                   "validation_failed", rule="price_required")
    t.expect_error(t.post(f"/quotations/{q}/prepare", {"valid_until": "2026-13-01"},
                          user="kam_GZ"), 422, "validation_failed", field="valid_until")
    act(t, q, "prepare", "kam_GZ", {"lines": [LINE]})
    t.expect_error(t.post(f"/quotations/{q}/submit", {}, user="rep_BJ"), 404, "not_found")
    r = act(t, q, "submit", "rep_GZ")
    eq(r["state"], "review", "in review")
    t.expect_error(t.post(f"/quotations/{q}/return", {}, user="mm_S"), 422,
                   "validation_failed", field="comment")
    eq(act(t, q, "return", "mm_S", {"comment": "价格太低"})["state"], "preparing", "returned")
    act(t, q, "submit", "kam_GZ")
    t.expect_error(t.post(f"/quotations/{q}/approve", {}, user="deputy"), 403, "forbidden",
                   rule="role")
    t.expect_error(t.post(f"/quotations/{q}/issue", {}, user="kam_GZ"), 409, "invalid_state")
    a = act(t, q, "approve", "mm_S")
    eq((a["state"], [x["level"] for x in a["approvals"]]), ("approved", ["mm"]), "approved")
    # major: the MM, then the SLT member
    m = to_review(t, major=True)
    d = t.expect_error(t.post(f"/quotations/{m}/approve", {}, user="deputy"), 409,
                       "invalid_state", rule="mm_first")
    eq(act(t, m, "approve", "mm_S")["state"], "review", "still waiting for the SLT member")
    t.expect_error(t.post(f"/quotations/{m}/approve", {}, user="mm_S"), 409, "duplicate")
    eq(act(t, m, "approve", "deputy")["state"], "approved", "major approved")


def test_issue_won_opens_a_contract_lost_and_expiry(t):
    set_clock(t, MON, "14:00")
    q = to_review(t)
    act(t, q, "approve", "mm_S")
    for user in ("mm_S", "csr_a", "service"):
        t.expect_error(t.post(f"/quotations/{q}/issue", {}, user=user), 403, "forbidden")
    t.expect_error(t.post(f"/quotations/{q}/issue", {"valid_until": "2026-11-01"},
                          user="kam_GZ"), 422, "validation_failed", field="valid_until")
    i = act(t, q, "issue", "kam_GZ")
    eq((i["state"], i["valid_until"]), ("issued", "2026-12-23"), "valid 30 days")
    eq(i["allowed_actions"], ["expire", "lost", "won"], "the results")
    w = act(t, q, "won", "kam_GZ")
    k = w["contract"]
    eq((w["state"], w["result"]), ("won", "won"), "won")
    c = t.ok(t.get(f"/contracts/{k}", user="csr_a"))
    eq((c["state"], c["customer"], c["value_fen"], c["quotation"], c["kind"], c["created_by"]),
       ("draft", cust(t), 120000, q, "sales", "kam_GZ"), "a contract draft with its terms")
    t.expect_error(t.post(f"/quotations/{q}/lost", {}, user="kam_GZ"), 409, "invalid_state")
    lost = issued(t)
    eq(act(t, lost, "lost", "rep_GZ", {"comment": "价格"})["result"], "lost", "lost")
    gone = issued(t)
    eq(act(t, gone, "expire", "kam_GZ")["state"], "expired", "expired by hand")
    auto = issued(t)
    short = to_review(t)
    act(t, short, "approve", "mm_S")
    act(t, short, "issue", "kam_GZ", {"valid_until": "2026-11-24"})
    set_clock(t, TUE, "23:00")
    run_jobs(t)
    eq(t.ok(t.get(f"/quotations/{short}", user="kam_GZ"))["state"], "issued", "valid today")
    set_clock(t, WED, "00:10")
    check("quotation_expiry" in run_jobs(t), "the expiry job runs")
    e = t.ok(t.get(f"/quotations/{short}", user="kam_GZ"))
    eq((e["state"], e["result"], e["timeline"][-1]["actor"]), ("expired", "expired", "system"),
       "expired by the job")
    eq(t.ok(t.get(f"/quotations/{auto}", user="kam_GZ"))["state"], "issued", "still valid")
    aud = t.ok(t.get(f"/audit?object_type=quotation&object_key={short}", user="auditor"))
    check("expire" in [x["action"] for x in aud["items"]], f"audited: {aud['items']}")


def test_list_state_q_and_scope(t):
    set_clock(t, MON, "15:00")
    a = register(t)["number"]
    b = issued(t)
    got = {x["number"] for x in t.list_all(f"/quotations?customer={cust(t)}&state=registered,issued",
                                           user="mm_S")}
    eq(got, {a, b}, "state=a,b")
    eq({x["number"] for x in t.list_all(f"/quotations?q={b[-6:].lower()}", user="kam_GZ")}
       & {a, b}, {b}, "q= by number")
    eq({x["number"] for x in t.list_all(f"/quotations?q={cust(t).lower()}", user="kam_GZ")},
       {a, b}, "q= by customer code")
    eq(t.list_all(f"/quotations?customer={cust(t)}", user="kam_BJ"), [], "out of scope")
    eq(t.list_all(f"/quotations?customer={cust(t)}", user="mm_N"), [], "another market")
    t.expect_error(t.get("/quotations?state=nope", user="kam_GZ"), 400, "bad_request")
    t.expect_error(t.get("/quotations?colour=red", user="kam_GZ"), 400, "bad_request")
    item = [x for x in t.list_all(f"/quotations?customer={cust(t)}", user="mm_S")
            if x["number"] == a][0]
    eq(item["allowed_actions"], ["decide"], "lists carry allowed_actions")


def test_decide_days_are_a_setting(t):
    """The field deadlines' lengths are settings an administrator changes through /settings
    (each was read by the job but answered 404 there): two working days for the decision."""
    set_clock(t, MON, "10:00")
    keys = {s["key"]: s for s in t.ok(t.get("/settings"))["items"]}
    for k, dflt in (("contract_to_order_working_days", "1"), ("quotation_decide_working_days", "1"),
                    ("after_sales_confirm_working_days", "1"),
                    ("after_sales_contact_working_days", "1"),
                    ("forecast_assess_working_days", "2"), ("visit_report_working_days", "1"),
                    ("contract_archive_day", "5")):
        check(k in keys, f"{k} listed")
        eq(str(keys[k].get("default")), dflt, f"{k} default")
    t.expect_error(t.put("/settings/quotation_decide_working_days", {"value": "soon"}), 422,
                   "validation_failed")
    t.ok(t.put("/settings/quotation_decide_working_days", {"value": 2}), 200, "two days")
    try:
        q = register(t)["number"]
        boundary(t, q, "quotation_decide", "2026-11-26", "00:00", WED, "23:59")
    finally:
        t.ok(t.put("/settings/quotation_decide_working_days", {"value": 1}), 200, "back to one")

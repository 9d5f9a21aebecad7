"""After-sales tickets (售后服务申请, SH; api.md §5.7; flows.md §10; entities.md §11;
numbering-and-rules.md §3): received → confirm (the MM, within a working day:
`after_sales_confirm`) → assign {handler} (CSR) → start (the handler contacts the customer within
a working day of assignment: `after_sales_contact`) → resolve {result} or escalate (handler or
MM; to the supervising SLT member) → resolve (MM or the SLT member) → close {rating 1–5} (CSR);
reject (MM, with a comment) from received or confirmed. Every action allowed and denied."""

import re

import lib
from lib import UNLIMITED, at, boundary, check, eq, no_issue, set_clock

MON, TUE, WED = "2026-11-23", "2026-11-24", "2026-11-25"


def cust(t):
    if "cust" not in t.case:
        t.case["cust"] = lib.customer(t, UNLIMITED)
    return t.case["cust"]


def receive(t, user="kam_GZ", status=201, **over):
    body = {"customer": cust(t), "type": "quality", "description": "包装破损，产品结块",
            "batch": "B2026"}
    body.update(over)
    return t.ok(t.post("/after-sales", body, user=user), status, f"receive by {user}")


def act(t, n, action, user, body=None, status=200, **kw):
    return lib.act(t, "after-sales", n, action, user, body, status, **kw)


def assigned(t):
    n = receive(t)["number"]
    act(t, n, "confirm", "mm_S")
    act(t, n, "assign", "csr_a", {"handler": "service"})
    return n


def test_receive_by_role_and_body(t):
    set_clock(t, MON, "09:00")
    for user in ("kam_GZ", "csr_a", "ssg_leader"):
        h = receive(t, user)
        check(re.fullmatch(r"SC20261123SH\d{4,5}", h["number"]), f"number {h['number']}")
        eq((h["state"], h["type"], h["customer"], h["owner"], h["handler"], h["rating"]),
           ("received", "quality", cust(t), user, None, None), f"received by {user}")
    got = [n for n in t.list_all("/notifications", user="mm_S") if n["document"] == h["number"]]
    eq(len(got), 1, "the MM is told")
    for user in ("rep_GZ", "mm_S", "finance", "service", "gm", "auditor", "warehouse"):
        t.expect_error(t.post("/after-sales", {"customer": cust(t), "type": "quality",
                                               "description": "x"}, user=user), 403,
                       "forbidden", rule="role")
    t.expect_error(t.post("/after-sales", {"customer": cust(t), "type": "quality",
                                           "description": "x"}, user="kam_BJ"), 422,
                   "validation_failed", rule="unknown_reference")
    base = {"customer": cust(t), "type": "damage", "description": "x"}
    for bad, status, field in (({"type": "noise"}, 422, "type"), ({"type": None}, 422, "type"),
                               ({"description": None}, 422, "description"),
                               ({"description": 5}, 400, "description"),
                               ({"colour": 1}, 400, "colour")):
        body = {k: v for k, v in {**base, **bad}.items() if v is not None}
        t.expect_error(t.post("/after-sales", body, user="csr_a"), status,
                       "validation_failed" if status == 422 else "bad_request", field=field)
    t.expect_error(t.get(f"/after-sales/{h['number']}", user="kam_BJ"), 404, "not_found")
    eq(t.ok(t.get(f"/after-sales/{h['number']}", user="mm_S"))["allowed_actions"],
       ["confirm", "reject"], "the MM confirms or rejects")


def test_the_whole_way_with_escalation_and_rating(t):
    set_clock(t, MON, "10:00")
    n = receive(t)["number"]
    for user in ("csr_a", "kam_GZ", "deputy", "service"):
        t.expect_error(t.post(f"/after-sales/{n}/confirm", {}, user=user), 403, "forbidden")
    t.expect_error(t.post(f"/after-sales/{n}/confirm", {}, user="mm_N"), 404, "not_found")
    t.expect_error(t.post(f"/after-sales/{n}/assign", {"handler": "service"}, user="csr_a"), 409,
                   "invalid_state")
    c = act(t, n, "confirm", "mm_S", headers={"If-Match": "1"})
    eq((c["state"], c["confirmed_by"]), ("confirmed", "mm_S"), "confirmed")
    t.expect_error(t.post(f"/after-sales/{n}/assign", {}, user="csr_a"), 422,
                   "validation_failed", field="handler")
    t.expect_error(t.post(f"/after-sales/{n}/assign", {"handler": "kam_GZ"}, user="csr_a"), 422,
                   "validation_failed", rule="unknown_reference")
    t.expect_error(t.post(f"/after-sales/{n}/assign", {"handler": "service"}, user="mm_S"), 403,
                   "forbidden")
    a = act(t, n, "assign", "csr_a", {"handler": "service"})
    eq((a["state"], a["handler"]), ("assigned", "service"), "assigned")
    check(any(x["document"] == n for x in t.list_all("/notifications", user="service")),
          "the handler is told")
    eq(t.ok(t.get(f"/after-sales/{n}", user="service"))["allowed_actions"], ["start"], "start")
    t.expect_error(t.post(f"/after-sales/{n}/start", {}, user="mm_S"), 403, "forbidden")
    s = act(t, n, "start", "service")
    eq((s["state"], s["contacted_at"]), ("in_progress", at(MON, "10:00")), "in progress")
    eq(s["allowed_actions"], ["escalate", "resolve"], "the handler's actions")
    eq(t.ok(t.get(f"/after-sales/{n}", user="mm_S"))["allowed_actions"], ["escalate"],
       "the MM may escalate")
    t.expect_error(t.post(f"/after-sales/{n}/resolve", {"result": "x"}, user="mm_S"), 403,
                   "forbidden")
    e = act(t, n, "escalate", "service", {"comment": "现场无法解决"})
    eq((e["state"], e["escalated_to"]), ("escalated", "deputy"), "escalated to the SLT member")
    t.expect_error(t.post(f"/after-sales/{n}/resolve", {"result": "x"}, user="service"), 403,
                   "forbidden")
    t.expect_error(t.post(f"/after-sales/{n}/resolve", {"result": "x"}, user="director"), 403,
                   "forbidden")
    t.expect_error(t.post(f"/after-sales/{n}/resolve", {}, user="deputy"), 422,
                   "validation_failed", field="result")
    r = act(t, n, "resolve", "deputy", {"result": "换货处理"})
    eq((r["state"], r["result"], r["resolved_by"]), ("resolved", "换货处理", "deputy"), "resolved")
    for bad, status in (({"rating": 6}, 422), ({"rating": 0}, 422), ({"rating": "5"}, 400)):
        t.ok(t.post(f"/after-sales/{n}/close", bad, user="csr_a"), status, str(bad))
    t.expect_error(t.post(f"/after-sales/{n}/close", {}, user="service"), 403, "forbidden")
    cl = act(t, n, "close", "csr_a", {"rating": 4})
    eq((cl["state"], cl["rating"], cl["allowed_actions"]), ("closed", 4, []), "closed")
    eq([x["action"] for x in cl["timeline"]],
       ["create", "confirm", "assign", "start", "escalate", "resolve", "close"], "timeline")
    # the handler resolves directly; closing without a rating
    m = assigned(t)
    act(t, m, "start", "service")
    act(t, m, "resolve", "service", {"result": "技术指导"})
    eq(act(t, m, "close", "ssg_leader")["rating"], None, "no rating")


def test_reject_from_received_or_confirmed(t):
    set_clock(t, MON, "11:00")
    a, b = receive(t)["number"], receive(t)["number"]
    t.expect_error(t.post(f"/after-sales/{a}/reject", {}, user="mm_S"), 422,
                   "validation_failed", field="comment")
    t.expect_error(t.post(f"/after-sales/{a}/reject", {"comment": "x"}, user="csr_a"), 403,
                   "forbidden")
    eq(act(t, a, "reject", "mm_S", {"comment": "非质量问题"})["state"], "rejected", "rejected")
    act(t, b, "confirm", "mm_S")
    eq(act(t, b, "reject", "mm_S", {"comment": "重复申请"})["state"], "rejected", "after confirm")
    t.expect_error(t.post(f"/after-sales/{b}/confirm", {}, user="mm_S"), 409, "invalid_state")
    got = {x["number"] for x in t.list_all(f"/after-sales?customer={cust(t)}&state=rejected",
                                           user="csr_a")}
    eq(got, {a, b}, "the list by state")
    eq({x["number"] for x in t.list_all(f"/after-sales?q={cust(t).lower()}", user="csr_a")},
       {a, b}, "q= by customer")
    eq(t.list_all(f"/after-sales?customer={cust(t)}", user="kam_BJ"), [], "out of scope")
    t.expect_error(t.get("/after-sales?state=open", user="csr_a"), 400, "bad_request")


def test_confirm_and_contact_deadlines(t):
    set_clock(t, MON, "16:00")
    late, in_time = receive(t)["number"], receive(t)["number"]
    set_clock(t, TUE, "10:00")
    act(t, in_time, "confirm", "mm_S")
    it = boundary(t, late, "after_sales_confirm", WED, "00:00", TUE, "23:59")
    eq((it["department"], it["customer"]), ("sales", cust(t)), "sales")
    check("mm_S" in it["responsible"], f"the MM explains: {it['responsible']}")
    no_issue(t, in_time, "after_sales_confirm")
    # contact within a working day of assignment
    set_clock(t, "2026-11-26", "09:00")  # Thursday
    slow, quick = assigned(t), assigned(t)
    set_clock(t, "2026-11-27", "15:00")
    act(t, quick, "start", "service")
    it = boundary(t, slow, "after_sales_contact", "2026-11-28", "00:00", "2026-11-27", "23:59")
    eq(it["department"], "customer_service", "customer service")
    eq(it["responsible"], ["service"], "the handler explains")
    no_issue(t, quick, "after_sales_contact")

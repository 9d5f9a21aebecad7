"""Customer lifecycle (flows.md §1, api.md §5.2, §5.3, §5.9): prospects created by sales and the
secretariat without credit terms (anyone but admin sending a credit term gets 403); submit by the
KAM (422 customer_incomplete with details.missing, never the credit terms); qualify by finance
(note); approve by the supervising SLT member (422 not_qualified; limit 0 and term 0 after);
reject back to prospect; suspend / reactivate; close by the SSG leader (409 open_items);
lift-credit-hold and set-payment-term by the supervising SLT member; credit incidents by finance
and the SSG leader; allowed_actions on every customer answer; proxy signing only while the
principal is away (422 principal_not_away); orders of customers that are not active fail QC.

Market S (华南, region GZ) is supervised by `deputy`, whose secretary is `ssg_leader`; market N
is supervised by `director` (secretary `csr_b`)."""

import lib
from lib import away, check, eq, order_act, set_clock

DAY = "2026-11-24"
TERMS = {"credit_limit_fen": 100, "payment_term_days": 10, "prepay_only": True, "grade": "A",
         "credit_hold": True}


def body(t, **over):
    b = {"code": t.uniq("LC"), "name": "生命周期客户", "market": "S", "region": "GZ",
         "kam": "kam_GZ", "status": "prospect", "consignee": "王收货",
         "consignee_phone": "13800000001", "consignment_station": "广州站"}
    b.update(over)
    return {k: v for k, v in b.items() if v is not None}


def prospect(t, user="kam_GZ", **over):
    got = t.ok(t.post("/customers", body(t, **over), user=user), 201, f"prospect by {user}")
    eq(got["status"], "prospect", "status")
    return got["code"]


def act(t, code, action, user, b=None, status=200):
    return lib.act(t, "customers", code, action, user, b, status)


def actions(t, code, user):
    return t.ok(t.get(f"/customers/{code}", user=user), 200, f"GET as {user}")["allowed_actions"]


def pending(t, **over):
    """A prospect submitted by its KAM and qualified by finance; returns its code."""
    code = prospect(t, **over)
    act(t, code, "submit", "kam_GZ")
    act(t, code, "qualify", "finance", {"note": "资质齐全"})
    return code


def active_customer(t):
    """An active customer keyed in by the administrator (market S); returns its code."""
    return lib.customer(t, lib.UNLIMITED)


def test_prospect_created_by_sales_and_secretariat(t):
    set_clock(t, DAY)
    for user in ("kam_GZ", "rep_GZ", "csr_a", "ssg_leader"):
        b = body(t)
        got = t.ok(t.post("/customers", b, user=user), 201, f"{user} creates a prospect")
        eq(got["status"], "prospect", f"{user}: status")
        eq((got["credit_limit_fen"], got["payment_term_days"]), (0, 0),
           f"{user}: a prospect starts with limit 0 and term 0")
        eq(got["grade"], "C", "new customers are C")
        eq(got["qualified"], False, "not qualified")
        check(isinstance(got["allowed_actions"], list), "allowed_actions on create")
    # without status a salesperson's customer is a prospect too; the administrator's is active
    b = body(t, status=None)
    eq(t.ok(t.post("/customers", b, user="kam_GZ"), 201)["status"], "prospect", "kam default")
    b = body(t, status=None, credit_limit_fen=500000, payment_term_days=45)
    got = t.ok(t.post("/customers", b), 201, "admin creates")
    eq((got["status"], got["credit_limit_fen"], got["payment_term_days"]), ("active", 500000, 45),
       "admin keys in an active customer with its terms")
    # no one outside sales and the secretariat creates customers
    for user in ("finance", "deputy", "warehouse"):
        t.expect_error(t.post("/customers", body(t), user=user), 403, "forbidden")


def test_credit_terms_are_not_the_creators(t):
    set_clock(t, DAY)
    for user in ("kam_GZ", "rep_GZ", "csr_a", "ssg_leader", "mm_S"):
        for field, value in TERMS.items():
            b = body(t, **{field: value})
            t.expect_error(t.post("/customers", b, user=user), 403, "forbidden")
            eq(t.sql("SELECT count(*) FROM customers WHERE code = ?", (b["code"],))[0][0], 0,
               f"{user} {field}: nothing created")
    code = prospect(t)
    for user in ("kam_GZ", "csr_a", "ssg_leader"):
        for field, value in TERMS.items():
            t.expect_error(t.patch(f"/customers/{code}", {field: value}, user=user), 403,
                           "forbidden")
    got = t.ok(t.get(f"/customers/{code}", user="finance"))
    eq((got["credit_limit_fen"], got["payment_term_days"], got["prepay_only"], got["grade"],
        got["credit_hold"]), (0, 0, False, "C", False), "terms unchanged")
    # the archive itself the KAM keeps
    got = t.ok(t.patch(f"/customers/{code}", {"address": "广州市天河路1号"}, user="kam_GZ"))
    eq(got["address"], "广州市天河路1号", "archive edited")
    check("allowed_actions" in got, "allowed_actions on PATCH")


def test_submit_lists_missing_core_fields(t):
    set_clock(t, DAY)
    code = prospect(t, consignee=None, consignee_phone=None, consignment_station=None)
    eq(actions(t, code, "kam_GZ"), ["submit"], "the KAM may submit a prospect")
    d = t.expect_error(t.post(f"/customers/{code}/submit", {}, user="kam_GZ"), 422,
                       "validation_failed", rule="customer_incomplete")
    eq(d["missing"], ["consignee", "consignee_phone", "consignment_station"], "details.missing")
    check("credit_limit_fen" not in d["missing"] and "payment_term_days" not in d["missing"],
          "credit terms are never missing (api.md §5.9)")
    eq(t.ok(t.get(f"/customers/{code}"))["status"], "prospect", "still a prospect")
    t.ok(t.patch(f"/customers/{code}", {"consignee": "李收货", "consignee_phone": "13900000000",
                                        "consignment_station": "广州南站"}, user="kam_GZ"))
    # only the customer's KAM submits
    for user in ("rep_GZ", "csr_a", "ssg_leader", "finance", "deputy"):
        r = t.post(f"/customers/{code}/submit", {}, user=user)
        check(r.status in (403, 404), f"{user} submit: {r.status}")
    t.expect_error(t.post(f"/customers/{code}/submit", {}, user="kam_SZ"), 404, "not_found")
    got = act(t, code, "submit", "kam_GZ")
    eq(got["status"], "pending_review", "submitted")
    eq(got["allowed_actions"], [], "the KAM waits")
    t.expect_error(t.post(f"/customers/{code}/submit", {}, user="kam_GZ"), 409, "invalid_state")


def test_qualify_approve_and_allowed_actions_by_role(t):
    set_clock(t, DAY)
    code = prospect(t)
    act(t, code, "submit", "kam_GZ")
    away(t, "deputy", False)
    eq(actions(t, code, "finance"), ["qualify", "reject"], "finance")
    eq(actions(t, code, "deputy"), ["approve", "reject"], "the supervising SLT member")
    eq(actions(t, code, "director"), [], "another market's SLT member")
    eq(actions(t, code, "ssg_leader"), [], "the secretary while the member is in the office")
    eq(actions(t, code, "kam_GZ"), [], "the KAM")
    # approve before finance qualified
    t.expect_error(t.post(f"/customers/{code}/approve", {}, user="deputy"), 422,
                   "validation_failed", rule="not_qualified")
    t.expect_error(t.post(f"/customers/{code}/qualify", {}, user="finance"), 422,
                   "validation_failed", field="note")
    for user in ("deputy", "kam_GZ", "ssg_leader"):
        t.expect_error(t.post(f"/customers/{code}/qualify", {"note": "x"}, user=user), 403,
                       "forbidden")
    got = act(t, code, "qualify", "finance", {"note": "营业执照、资信已核"})
    eq((got["status"], got["qualified"], got["qualified_note"], got["qualified_by"]),
       ("pending_review", True, "营业执照、资信已核", "finance"), "qualified, still pending")
    t.expect_error(t.post(f"/customers/{code}/approve", {}, user="director"), 403, "forbidden")
    t.expect_error(t.post(f"/customers/{code}/approve", {}, user="gm"), 403, "forbidden")
    got = act(t, code, "approve", "deputy")
    eq(got["status"], "active", "approved")
    eq((got["credit_limit_fen"], got["payment_term_days"]), (0, 0),
       "limit 0 and term 0 until a credit review")
    eq(got["allowed_actions"], ["set-payment-term", "suspend"], "deputy on an active customer")
    eq(actions(t, code, "ssg_leader"), ["close"], "the SSG leader closes")
    eq(actions(t, code, "kam_GZ"), [], "nothing for the KAM")
    t.expect_error(t.post(f"/customers/{code}/approve", {}, user="deputy"), 409, "invalid_state")
    # the list answers carry allowed_actions too
    items = t.ok(t.get(f"/customers?q={code}", user="deputy"))["items"]
    eq([(x["code"], x["allowed_actions"]) for x in items],
       [(code, ["set-payment-term", "suspend"])], "list")


def test_reject_back_to_prospect(t):
    set_clock(t, DAY)
    code = prospect(t)
    act(t, code, "submit", "kam_GZ")
    t.expect_error(t.post(f"/customers/{code}/reject", {}, user="finance"), 422,
                   "validation_failed", rule="comment_required")
    t.expect_error(t.post(f"/customers/{code}/reject", {"comment": "x"}, user="kam_GZ"), 403,
                   "forbidden")
    got = act(t, code, "reject", "finance", {"comment": "缺营业执照"})
    eq((got["status"], got["status_reason"]), ("prospect", "缺营业执照"), "rejected by finance")
    act(t, code, "submit", "kam_GZ")
    eq(act(t, code, "reject", "deputy", {"comment": "区域重叠"})["status"], "prospect",
       "rejected by the SLT member")
    t.expect_error(t.post(f"/customers/{code}/reject", {"comment": "x"}, user="deputy"), 409,
                   "invalid_state")


def test_suspend_reactivate_close(t):
    set_clock(t, DAY)
    code = pending(t)
    act(t, code, "approve", "deputy")
    t.expect_error(t.post(f"/customers/{code}/suspend", {}, user="deputy"), 422,
                   "validation_failed", rule="reason_required")
    for user in ("director", "ssg_leader", "kam_GZ", "finance"):
        t.expect_error(t.post(f"/customers/{code}/suspend", {"reason": "x"}, user=user), 403,
                       "forbidden")
    got = act(t, code, "suspend", "deputy", {"reason": "经营异常"})
    eq((got["status"], got["status_reason"]), ("suspended", "经营异常"), "suspended")
    eq(got["allowed_actions"], ["reactivate", "set-payment-term"], "deputy on suspended")
    t.expect_error(t.post(f"/customers/{code}/suspend", {"reason": "x"}, user="deputy"), 409,
                   "invalid_state")
    eq(act(t, code, "reactivate", "deputy")["status"], "active", "reactivated")
    for user in ("deputy", "csr_a", "kam_GZ"):
        t.expect_error(t.post(f"/customers/{code}/close", {}, user=user), 403, "forbidden")
    got = act(t, code, "close", "ssg_leader")
    eq((got["status"], got["allowed_actions"]), ("closed", []), "closed")
    eq(actions(t, code, "deputy"), [], "nothing after close")
    t.expect_error(t.post(f"/customers/{code}/reactivate", {}, user="deputy"), 409,
                   "invalid_state")
    t.expect_error(t.post(f"/customers/{code}/no-such", {}, user="deputy"), 404, "not_found")
    # the audit trail holds every step
    acts = [h["action"] for h in t.ok(t.get(f"/customers/{code}/history"))["items"]]
    for a in ("create", "submit", "qualify", "approve", "suspend", "reactivate", "close"):
        check(a in acts, f"history has {a}: {acts}")


def test_close_refused_while_items_are_open(t):
    set_clock(t, DAY)
    code = active_customer(t)
    o = t.ok(t.post("/orders", {"customer": code, "lines": [{"sku": "M-IF1-900", "qty": 12}]},
                    user="kam_GZ"), 201, "an open order")
    d = t.expect_error(t.post(f"/customers/{code}/close", {}, user="ssg_leader"), 409,
                       "invalid_state", rule="open_items")
    eq([x["number"] for x in d["open"]], [o["number"]], "the open order is named")
    order_act(t, o["number"], "cancel", "kam_GZ")
    lib.pay(t, code, 50000)
    d = t.expect_error(t.post(f"/customers/{code}/close", {}, user="ssg_leader"), 409,
                       "invalid_state", rule="open_items")
    eq(d["balance_fen"], -50000, "a prepayment keeps the balance from 0")
    eq(t.ok(t.get(f"/customers/{code}"))["status"], "active", "still active")
    # a suspended customer closes too once nothing is open
    code2 = active_customer(t)
    act(t, code2, "suspend", "deputy", {"reason": "停止合作"})
    eq(act(t, code2, "close", "ssg_leader")["status"], "closed", "closed from suspended")


def test_orders_of_customers_not_active_fail_qc(t):
    set_clock(t, DAY)
    # a suspended customer's order
    code = active_customer(t)
    n = lib.submitted(t, code)
    act(t, code, "suspend", "deputy", {"reason": "暂停"})
    order_act(t, n, "accept", "csr_a")
    o = order_act(t, n, "check", "csr_a")
    eq(o["state"], "needs_fix", "QC fails")
    check("customer_inactive" in [f["rule"] for f in o["qc"]["failed"]],
          f"customer_inactive: {o['qc']}")
    # a prospect's and a pending customer's order
    for submit in (False, True):
        code = prospect(t)
        if submit:
            act(t, code, "submit", "kam_GZ")
        n = lib.submitted(t, code)
        order_act(t, n, "accept", "csr_a")
        o = order_act(t, n, "check", "csr_a")
        eq(o["state"], "needs_fix", "QC fails")
        check("customer_inactive" in [f["rule"] for f in o["qc"]["failed"]],
              f"customer_inactive: {o['qc']}")


def test_proxy_signs_only_while_the_principal_is_away(t):
    set_clock(t, DAY)
    t.defer(lambda: away(t, "deputy", False))
    code = pending(t)
    away(t, "deputy", False)
    proxy = {"on_behalf_of": "deputy", "confirmed_by_phone": True}
    t.expect_error(t.post(f"/customers/{code}/approve", proxy, user="ssg_leader"), 422,
                   "validation_failed", rule="principal_not_away")
    got = t.ok(t.get(f"/customers/{code}", user="ssg_leader"))
    eq(got["allowed_actions"], [], "no proxy actions while the member is in the office")
    # the member says so himself; nobody else but the administrator may
    t.expect_error(t.patch("/users/deputy", {"out_of_office": True}, user="ssg_leader"), 403,
                   "forbidden")
    t.expect_error(t.patch("/users/deputy", {"name": "改名"}, user="deputy"), 403, "forbidden")
    got = t.ok(t.patch("/users/deputy", {"out_of_office": True, "out_of_office_note": "出差上海"},
                       user="deputy"), 200, "deputy away")
    eq((got["out_of_office"], got["out_of_office_note"]), (True, "出差上海"), "away")
    got = t.ok(t.get(f"/customers/{code}", user="ssg_leader"))
    eq((got["allowed_actions"], got.get("proxy_actions")),
       (["approve", "reject"], ["approve", "reject"]), "the secretary's proxy actions")
    t.expect_error(t.post(f"/customers/{code}/approve", {"on_behalf_of": "deputy"},
                          user="ssg_leader"), 422, "validation_failed",
                   rule="phone_confirmation_required")
    t.expect_error(t.post(f"/customers/{code}/approve", {"on_behalf_of": "director",
                                                         "confirmed_by_phone": True},
                          user="ssg_leader"), 403, "forbidden", rule="proxy_not_authorized")
    got = act(t, code, "approve", "ssg_leader", proxy)
    eq(got["status"], "active", "approved by proxy")
    audit = t.ok(t.get(f"/customers/{code}/history"))["items"]
    ap = [h for h in audit if h["action"] == "approve"][0]
    eq((ap["actor"], ap["on_behalf_of"]), ("ssg_leader", "deputy"), "both names kept")
    # the rule holds for every action that takes on_behalf_of: an order's approve
    away(t, "deputy", False)
    eq(t.ok(t.get("/users/deputy", user="deputy"))["out_of_office"], False, "back")
    cust = active_customer(t)
    o = lib.checked(t, cust, [("M-IF1-900", 12)])
    eq(o["state"], "pending_approval", "pending approval")
    t.expect_error(t.post(f"/orders/{o['number']}/approve", proxy, user="ssg_leader"), 422,
                   "validation_failed", rule="principal_not_away")
    away(t, "deputy", True)
    eq(order_act(t, o["number"], "approve", "ssg_leader", proxy)["state"], "approved",
       "order approved by proxy while away")


def test_a_secretary_does_not_approve_the_prospect_she_created(t):
    set_clock(t, DAY)
    t.defer(lambda: away(t, "deputy", False))
    away(t, "deputy", True)
    code = pending(t, user="ssg_leader")
    proxy = {"on_behalf_of": "deputy", "confirmed_by_phone": True}
    t.expect_error(t.post(f"/customers/{code}/approve", proxy, user="ssg_leader"), 403,
                   "forbidden", rule="self_approval")
    eq(act(t, code, "approve", "deputy")["status"], "active", "the member approves it himself")


def test_lift_credit_hold(t):
    set_clock(t, DAY)
    code = active_customer(t)
    t.expect_error(t.post(f"/customers/{code}/lift-credit-hold", {"reason": "x"}, user="deputy"),
                   409, "invalid_state")
    t.ok(t.patch(f"/customers/{code}", {"credit_hold": True, "credit_hold_reason": "E级"}))
    eq(actions(t, code, "deputy"), ["lift-credit-hold", "set-payment-term", "suspend"], "deputy")
    for user in ("director", "gm", "finance", "ssg_leader", "kam_GZ"):
        t.expect_error(t.post(f"/customers/{code}/lift-credit-hold", {"reason": "x"}, user=user),
                       403, "forbidden")
    t.expect_error(t.post(f"/customers/{code}/lift-credit-hold", {}, user="deputy"), 422,
                   "validation_failed", rule="reason_required")
    got = act(t, code, "lift-credit-hold", "deputy", {"reason": "欠款已结清"})
    eq((got["credit_hold"], got["credit_hold_reason"]), (False, None), "hold lifted")


def test_payment_term_over_30_days_needs_the_slt_member(t):
    set_clock(t, DAY)
    code = pending(t)
    act(t, code, "approve", "deputy")
    for user in ("kam_GZ", "rep_GZ", "mm_S", "csr_a", "ssg_leader"):
        r = t.patch(f"/customers/{code}", {"payment_term_days": 45}, user=user)
        check(r.status in (403, 404), f"{user} PATCH payment_term_days: {r.status}")
        t.expect_error(t.post(f"/customers/{code}/set-payment-term",
                              {"payment_term_days": 45, "reason": "x"}, user=user), 403,
                       "forbidden")
    t.expect_error(t.post(f"/customers/{code}/set-payment-term", {"payment_term_days": 45},
                          user="deputy"), 422, "validation_failed", rule="reason_required")
    t.expect_error(t.post(f"/customers/{code}/set-payment-term",
                          {"payment_term_days": 400, "reason": "x"}, user="deputy"), 422,
                   "validation_failed", rule="term_out_of_range")
    t.expect_error(t.post(f"/customers/{code}/set-payment-term",
                          {"payment_term_days": "45", "reason": "x"}, user="deputy"), 400,
                   "bad_request")
    got = act(t, code, "set-payment-term", "deputy", {"payment_term_days": 45,
                                                      "reason": "大客户，SLT批准45天"})
    eq(got["payment_term_days"], 45, "term set by the supervising SLT member")


def test_credit_incidents(t):
    set_clock(t, DAY)
    code = active_customer(t)
    for user, kind in (("finance", "bounced_cheque"), ("ssg_leader", "legal")):
        got = t.ok(t.post(f"/customers/{code}/credit-incidents",
                          {"kind": kind, "occurred_on": "2026-11-20", "note": "退票"},
                          user=user), 201, f"{user} records {kind}")
        eq((got["kind"], got["occurred_on"], got["recorded_by"]), (kind, "2026-11-20", user),
           "incident")
    for user in ("kam_GZ", "deputy", "csr_a"):
        t.expect_error(t.post(f"/customers/{code}/credit-incidents",
                              {"kind": "other", "occurred_on": "2026-11-20", "note": "x"},
                              user=user), 403, "forbidden")
    t.expect_error(t.post(f"/customers/{code}/credit-incidents",
                          {"kind": "overdue_90", "occurred_on": "2026-11-20", "note": "x"},
                          user="finance"), 422, "validation_failed", field="kind")
    t.expect_error(t.post(f"/customers/{code}/credit-incidents",
                          {"kind": "other", "occurred_on": "2026-11-31", "note": "x"},
                          user="finance"), 422, "validation_failed", field="occurred_on")
    t.expect_error(t.post(f"/customers/{code}/credit-incidents",
                          {"kind": "other", "occurred_on": "2026-11-30", "note": "x"},
                          user="finance"), 422, "validation_failed", rule="date_in_future")
    t.expect_error(t.post(f"/customers/{code}/credit-incidents",
                          {"kind": "other", "occurred_on": "2026-11-20", "bogus": 1},
                          user="finance"), 400, "bad_request")
    t.expect_error(t.post("/customers/NOSUCH/credit-incidents",
                          {"kind": "other", "occurred_on": "2026-11-20", "note": "x"},
                          user="finance"), 404, "not_found")
    items = t.ok(t.get(f"/customers/{code}/credit-incidents", user="finance"))["items"]
    eq(sorted(i["kind"] for i in items), ["bounced_cheque", "legal"], "GET lists both")


def test_out_of_office_is_a_flag(t):
    got = t.ok(t.get("/users/director", user="director"))
    eq(got["out_of_office"], False, "false until set")
    t.expect_error(t.patch("/users/director", {"out_of_office": "yes"}, user="director"), 400,
                   "bad_request")
    eq(t.ok(t.patch("/users/director", {"out_of_office": True}, user="director"))["out_of_office"],
       True, "set by self")
    eq(t.ok(t.patch("/users/director", {"out_of_office": False}))["out_of_office"], False,
       "cleared by admin")


def test_archive_review_task_every_12_months(t):
    set_clock(t, "2031-03-01", "08:00")
    stale = lib.customer(t, 0, archive_reviewed_on="2030-02-28")
    fresh = lib.customer(t, 0, archive_reviewed_on="2030-03-02")
    closed = lib.customer(t, 0, archive_reviewed_on="2029-01-01")
    act(t, closed, "close", "ssg_leader")
    # the KAM records a review by editing the archive
    got = t.ok(t.patch(f"/customers/{fresh}", {"archive_reviewed_on": "2030-03-02"}, user="kam_GZ"))
    eq(got["archive_reviewed_on"], "2030-03-02", "review date kept")
    set_clock(t, "2031-03-01", "09:00")
    check("archive_review" in lib.run_jobs(t), "the job ran")

    def tasks(code):
        items = t.ok(t.get("/notifications?limit=1000", user="kam_GZ"))["items"]
        return [x for x in items if x["event"] == "archive_review" and x["document"] == code]

    eq(len(tasks(stale)), 1, "due on 2031-02-28: the KAM is told")
    eq(len(tasks(fresh)), 0, "due on 2031-03-02: not yet")
    eq(len(tasks(closed)), 0, "closed customers are not reviewed")
    set_clock(t, "2031-03-02", "09:00")
    lib.run_jobs(t)
    eq(len(tasks(stale)), 1, "told once per due date")
    eq(len(tasks(fresh)), 1, "now due")


def test_tier_recomputed_quarterly_and_mm_override(t):
    # Net sales of the 12 months before 1 June 2033 (2032-06-01 .. 2033-05-31): only this test's
    # customers sell then. 800 : 150 : 50 → key, general, scattered.
    set_clock(t, "2033-05-10", "10:00")
    sku = lib.product(t, price=100)
    big, mid, small = (lib.customer(t, lib.UNLIMITED) for _ in range(3))
    for cust, qty in ((big, 8000), (mid, 1500), (small, 500)):
        _, ship = lib.released(t, cust, [(sku, qty)])
        lib.dispatch(t, ship)
    set_clock(t, "2033-05-31", "10:00")
    check("customer_tiers" in lib.run_jobs(t), "the monthly run is there")
    eq(t.ok(t.get(f"/customers/{big}"))["tier"], None, "not a quarter's month: nothing yet")
    set_clock(t, "2033-06-01", "06:30")
    lib.run_jobs(t)
    eq([t.ok(t.get(f"/customers/{c}"))["tier"] for c in (big, mid, small)],
       ["key", "general", "scattered"], "80 / 15 / 5 per cent")
    hist = t.ok(t.get(f"/customers/{big}/history"))["items"]
    eq([h["action"] for h in hist if h["action"] == "tier"], ["tier"], "audited")
    # the MM of the market overrides with a reason; nobody else
    eq("set-tier" in actions(t, small, "mm_S"), True, "the MM may")
    for user in ("mm_N", "kam_GZ", "deputy", "ssg_leader"):
        r = t.post(f"/customers/{small}/set-tier", {"tier": "key", "reason": "x"}, user=user)
        check(r.status in (403, 404), f"{user} set-tier: {r.status}")
    t.expect_error(t.post(f"/customers/{small}/set-tier", {"tier": "key"}, user="mm_S"), 422,
                   "validation_failed", rule="reason_required")
    t.expect_error(t.post(f"/customers/{small}/set-tier", {"tier": "vip", "reason": "x"},
                          user="mm_S"), 422, "validation_failed", field="tier")
    got = act(t, small, "set-tier", "mm_S", {"tier": "general", "reason": "战略客户，成长快"})
    eq(got["tier"], "general", "overridden")


def test_admin_prospect_without_terms(t):
    got = t.ok(t.post("/customers", body(t)), 201, "admin creates a prospect")
    eq((got["status"], got["credit_limit_fen"], got["payment_term_days"]), ("prospect", 0, 0),
       "a prospect waits for its terms")

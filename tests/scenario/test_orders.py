"""Orders (api.md §3.3, flows.md §2): the state machine, QC, AC quota cuts and transfers, the CC
decision table at its boundaries, ST with proxies, MA by the right SLT member, BG, idempotency,
If-Match, and two CSRs checking two orders of one customer at once."""

import threading

import lib
from lib import check, eq


def period_now(t):
    now = t.ok(t.get("/test/clock"))["now"]
    return now[:7]


def fixtures(t):
    """The test's products (made on first use, once per test): one priced 1 fen with case size 1
    (so qty = fen), and one of ¥10,000."""
    if "fixtures" in t.case:
        return t.case["fixtures"]
    F = t.case["fixtures"] = {}
    F["fen"] = t.uniq("FEN")
    t.ok(t.post("/products", {"sku": F["fen"], "name": "计价测试品", "spec": "1", "unit": "个",
                              "case_size": 1, "price_fen": 1}), 201)
    F["big"] = t.uniq("BIG")
    t.ok(t.post("/products", {"sku": F["big"], "name": "万元测试品", "spec": "1", "unit": "个",
                              "case_size": 1, "price_fen": 1000000}), 201)
    return F


def customer(t, limit, prepay_only=False, credit_hold=False, region="GZ", market="S",
             kam="kam_GZ"):
    code = t.uniq("CC")
    body = {"code": code, "name": f"测试客户{code}", "market": market, "region": region,
            "kam": kam, "credit_limit_fen": limit, "payment_term_days": 30,
            "consignee": "收货人", "consignee_phone": "13800000000",
            "consignment_station": "广州站"}
    if prepay_only:
        body["prepay_only"] = True
    if credit_hold:
        body["credit_hold"] = True
    t.ok(t.post("/customers", body), 201, "create customer")
    return code


def act(t, number, action, user, body=None, status=200):
    return lib.order_act(t, number, action, user, body, status)


def create(t, cust, lines, user="kam_GZ", **extra):
    body = {"customer": cust, "lines": lines}
    body.update(extra)
    return t.ok(t.post("/orders", body, user=user), 201, "create order")


def to_accepted(t, cust, lines, kam="kam_GZ", mm="mm_S"):
    o = create(t, cust, lines, user=kam)
    n = o["number"]
    act(t, n, "verify", kam)
    act(t, n, "approve-market", mm)
    act(t, n, "accept", "csr_a")
    return n


def checked(t, cust, qty, sku=None):
    f = fixtures(t)
    n = to_accepted(t, cust, [{"sku": sku or f["fen"], "qty": qty}])
    return act(t, n, "check", "csr_a")


# ---- create (OG) -----------------------------------------------------------------------------

def test_create_answers_a_draft_with_a_dd_number(t):
    o = create(t, "GZ01", [{"sku": "M-IF1-900", "qty": 24}])
    eq(o["state"], "draft", "state")
    check(o["number"].startswith("SC") and "DD" in o["number"], f"number {o['number']}")
    eq(o["customer"], "GZ01", "customer")
    eq(o["lines"][0]["qty"], 24, "qty")
    eq(o["lines"][0]["qty_cut"], 0, "qty_cut")
    eq(o["total_fen"], 24 * 26800, "total")
    eq(o["warnings"], [], "no warnings for whole cases")
    eq(o["timeline"][0]["action"], "create", "timeline starts with create")
    check(o["version"] >= 1, "version")
    got = t.ok(t.get(f"/orders/{o['number']}", user="kam_GZ"))
    eq(got["number"], o["number"], "GET /orders/{number}")


def test_create_refuses_bad_lines_and_creates_nothing(t):
    before = t.sql("SELECT count(*) FROM orders")[0][0]
    cases = [
        ([{"sku": "NOPE", "qty": 12}], "unknown_sku"),
        ([{"sku": "M-OLD-900", "qty": 12}], "inactive_product"),
        ([{"sku": "M-IF1-900", "qty": 0}], "zero_qty"),
        ([{"sku": "M-IF1-900", "qty": -12}], "negative_qty"),
        ([{"sku": "M-IF1-900", "qty": 100000001}], "qty_too_large"),
        ([{"sku": "M-IF1-900", "qty": 12}, {"sku": "M-IF1-900", "qty": 24}], "duplicate_line"),
        ([{"sku": "M-IF1-900", "qty": 12}] * 0 + [{"sku": f"S{i}", "qty": 1} for i in range(201)],
         "too_many_lines"),
    ]
    for lines, rule in cases:
        t.expect_error(t.post("/orders", {"customer": "GZ01", "lines": lines}, user="kam_GZ"),
                       422, "validation_failed", rule=rule)
    t.expect_error(t.post("/orders", {"customer": "GZ01", "lines": [{"sku": "M-IF1-900",
                                                                      "qty": 1.5}]},
                          user="kam_GZ"), 400, "bad_request")
    eq(t.sql("SELECT count(*) FROM orders")[0][0], before, "nothing created")


def test_loose_units_warn_at_create_and_fail_qc_unless_approved(t):
    o = create(t, "GZ01", [{"sku": "M-IF2-900", "qty": 30}])
    eq([w["rule"] for w in o["warnings"]], ["whole_cases"], "warning")
    n = o["number"]
    act(t, n, "verify", "kam_GZ")
    act(t, n, "approve-market", "mm_S")
    act(t, n, "accept", "csr_a")
    o = act(t, n, "check", "csr_a")
    eq(o["state"], "needs_fix", "state")
    eq(o["qc"]["failed"][0]["rule"], "whole_cases", "qc rule")
    eq(o["qc"]["failed"][0]["line"], 1, "qc line")
    # amend with a loose-units line, the SSG leader grants the exception, then QC passes
    o = act(t, n, "amend", "kam_GZ", {"lines": [{"sku": "M-IF2-900", "qty": 30,
                                                   "loose_units": True}]})
    eq(o["state"], "submitted", "amend → submitted")
    act(t, n, "loose-units", "ssg_leader")
    t.expect_error(t.post(f"/orders/{n}/loose-units", {}, user="csr_a"), 403, "forbidden")
    act(t, n, "accept", "csr_a")
    o = act(t, n, "check", "csr_a")
    eq(o["state"], "pending_approval", "QC passes with approved loose units")


def test_qc_collects_every_failure(t):
    f = fixtures(t)
    sku = t.uniq("QCP")
    t.ok(t.post("/products", {"sku": sku, "name": "将停产", "spec": "1", "unit": "听",
                              "case_size": 12, "price_fen": 100}), 201)
    o = create(t, "GZ01", [{"sku": sku, "qty": 13}, {"sku": f["fen"], "qty": 5}],
               stated_total_fen=1)
    n = o["number"]
    act(t, n, "verify", "kam_GZ")
    act(t, n, "approve-market", "mm_S")
    act(t, n, "accept", "csr_a")
    t.ok(t.patch(f"/products/{sku}", {"active": False}, user="marketing"))
    o = act(t, n, "check", "csr_a")
    rules = sorted(x["rule"] for x in o["qc"]["failed"])
    eq(rules, ["amount_mismatch", "inactive_product", "whole_cases"], "every QC failure")


# ---- AC quotas ------------------------------------------------------------------------------

def quota_sku(t, case=12):
    sku = t.uniq("Q")
    t.ok(t.post("/products", {"sku": sku, "name": "配额品", "spec": "1", "unit": "听",
                              "case_size": case, "price_fen": 100}), 201)
    return sku


def test_ac_cuts_to_customer_quota_in_whole_cases(t):
    sku = quota_sku(t)
    p = period_now(t)
    cust = customer(t, 10**12)
    t.ok(t.post("/quotas", {"period": p, "sku": sku, "customer": cust, "qty": 100},
                user="marketing"), 201)
    n = to_accepted(t, cust, [{"sku": sku, "qty": 120}])
    o = act(t, n, "check", "csr_a")
    line = o["lines"][0]
    eq((line["qty"], line["qty_cut"]), (120, 24), "remaining 100, case 12 → kept 96, cut 24")
    eq(line["cut_reasons"], [{"kind": "customer_quota", "qty": 24}], "reason")
    eq(o["total_fen"], 96 * 100, "total after the cut")
    q = t.ok(t.get(f"/quotas?sku={sku}", user="marketing"))["items"][0]
    eq((q["used"], q["remaining"]), (96, 4), "quota used")
    # a reject gives the quota back
    act(t, n, "reject", "deputy", {"comment": "不要了"})
    q = t.ok(t.get(f"/quotas?sku={sku}", user="marketing"))["items"][0]
    eq((q["used"], q["remaining"]), (0, 100), "quota released at reject")


def test_ac_region_quota_transfer_and_slt_approval(t):
    sku = quota_sku(t)
    p = period_now(t)
    cust = customer(t, 10**12)
    t.ok(t.post("/quotas", {"period": p, "sku": sku, "region": "GZ", "qty": 48},
                user="marketing"), 201)
    t.ok(t.post("/quotas", {"period": p, "sku": sku, "region": "SZ", "qty": 240},
                user="marketing"), 201)
    n = to_accepted(t, cust, [{"sku": sku, "qty": 120}])
    o = act(t, n, "check", "csr_a")
    eq((o["lines"][0]["qty_cut"], o["lines"][0]["cut_reasons"][0]["kind"]), (72, "region_quota"),
       "region quota binds")
    kam_notes = t.list_all("/notifications", user="kam_GZ")
    check(any(x["event"] == "quota_cut" and x["document"] == n and "SZ" in x["subject"]
              for x in kam_notes), "the cut notice names regions with unused quota")
    # only the giving region's UM may transfer, and not more than it has left
    body = {"period": p, "sku": sku, "from_region": "SZ", "to_region": "GZ", "qty": 24}
    t.expect_error(t.post("/quota-transfers", body, user="um_GZ"), 403, "forbidden")
    t.expect_error(t.post("/quota-transfers", dict(body, qty=241), user="um_SZ"), 422,
                   "validation_failed", rule="transfer_exceeds_remaining")
    tr = t.ok(t.post("/quota-transfers", body, user="um_SZ"), 201)
    check("PZ" in tr["number"], "PZ number")
    o = act(t, n, "recheck", "csr_a")
    eq(o["lines"][0]["qty_cut"], 48, "after the transfer 72 allowed → cut 48")
    # an SLT over-quota approval lifts the limit for this customer
    ap = {"period": p, "sku": sku, "customer": cust, "extra_qty": 48, "reason": "订货会"}
    t.expect_error(t.post("/quota-approvals", ap, user="mm_S"), 403, "forbidden")
    pe = t.ok(t.post("/quota-approvals", ap, user="gm"), 201)
    check("PE" in pe["number"], "PE number")
    o = act(t, n, "recheck", "csr_a")
    eq(o["lines"][0]["qty_cut"], 0, "with the approval nothing is cut")
    # all lines cut to zero → needs_fix quota_exhausted
    cust2 = customer(t, 10**12)
    n2 = to_accepted(t, cust2, [{"sku": sku, "qty": 12}])
    o2 = act(t, n2, "check", "csr_a")
    eq(o2["state"], "needs_fix", "exhausted")
    eq([x["rule"] for x in o2["qc"]["failed"]], ["quota_exhausted"], "rule")


# ---- CC decision table ---------------------------------------------------------------------

def test_cc_exactly_at_the_limit_passes(t):
    cust = customer(t, 1000000)
    o = checked(t, cust, 1000000)
    eq(o["state"], "pending_approval", "state")
    cc = o["credit_check"]
    eq((cc["result"], cc["exposure_fen"], cc["limit_fen"], cc["over_pct_bp"], cc["overdue_fen"]),
       ("pass", 1000000, 1000000, 0, 0), "credit_check")
    check(cc["reason_zh"] and cc["reason_en"], "reasons in words")


def test_cc_one_fen_over_is_within_20_percent(t):
    cust = customer(t, 1000000)
    o = checked(t, cust, 1000001)
    eq(o["state"], "pending_approval", "state")
    eq((o["credit_check"]["result"], o["credit_check"]["over_pct_bp"]), ("over_limit_le_20", 1),
       "1 fen over shows 1 bp (rounded up)")


def test_cc_exactly_20_percent_over_is_within(t):
    cust = customer(t, 1000000)
    o = checked(t, cust, 1200000)
    eq(o["state"], "pending_approval", "state")
    eq((o["credit_check"]["result"], o["credit_check"]["over_pct_bp"]),
       ("over_limit_le_20", 2000), "20.00 % is within")


def test_cc_20_percent_and_one_fen_over_needs_prepayment(t):
    cust = customer(t, 1000000)
    o = checked(t, cust, 1200001)
    eq(o["state"], "prepay_required", "state")
    cc = o["credit_check"]
    eq((cc["result"], cc["over_pct_bp"], cc["shortfall_fen"]), ("prepay_required", 2001, 1200001),
       "row 6")
    check("over_20" in cc["reasons"], f"reasons {cc['reasons']}")
    check("20%" in cc["reason_zh"] and "先款后货" in cc["reason_zh"], cc["reason_zh"])
    notes = t.ok(t.get("/notifications", user="um_GZ"))["items"]
    check(any(x["event"] == "order_prepay_required" and x["document"] == o["number"]
              for x in notes), "the UM is told 先款后货 unless ST")


def test_cc_zero_limit_and_prepay_only_and_credit_hold(t):
    o = checked(t, customer(t, 0), 1)
    eq((o["state"], o["credit_check"]["result"], o["credit_check"]["over_pct_bp"]),
       ("prepay_required", "prepay_required", 1000000), "zero limit shows the cap")
    check("no_limit" in o["credit_check"]["reasons"], "no_limit reason")
    o = checked(t, customer(t, 10**9, prepay_only=True), 5)
    eq((o["state"], o["credit_check"]["row"]), ("prepay_required", 2), "prepay-only row 2")
    check("prepay_only" in o["credit_check"]["reasons"], "prepay_only reason")
    o = checked(t, customer(t, 10**9, credit_hold=True), 5)
    eq((o["state"], o["credit_check"]["row"]), ("prepay_required", 2), "credit hold row 2")
    check("credit_hold" in o["credit_check"]["reasons"], "credit_hold reason")


def test_cc_counts_orders_already_past_cc(t):
    cust = customer(t, 1000000)
    a = checked(t, cust, 700000)
    eq(a["credit_check"]["result"], "pass", "first")
    b = checked(t, cust, 500000)
    eq((b["credit_check"]["result"], b["credit_check"]["open_orders_fen"],
        b["credit_check"]["exposure_fen"]), ("over_limit_le_20", 700000, 1200000),
       "the second order sees the first one's exposure")
    c3 = checked(t, cust, 1)
    eq((c3["state"], c3["credit_check"]["exposure_fen"]), ("prepay_required", 1200001),
       "a third order one fen past 20 % needs prepayment")
    c = t.ok(t.get(f"/customers/{cust}", user="finance"))["credit"]
    eq((c["open_orders_fen"], c["exposure_fen"], c["available_fen"]), (1200000, 1200000, -200000),
       "customer credit object")


def test_two_csrs_checking_one_customer_at_once_never_both_pass(t):
    for _round in range(3):
        cust = customer(t, 1000000)
        f = fixtures(t)
        n1 = to_accepted(t, cust, [{"sku": f["fen"], "qty": 700000}])
        n2 = to_accepted(t, cust, [{"sku": f["fen"], "qty": 700000}])
        results = {}

        def run(n, user):
            results[n] = t.post(f"/orders/{n}/check", {}, user=user)

        t.login("csr_a"), t.login("csr_b")
        th = [threading.Thread(target=run, args=(n1, "csr_a")),
              threading.Thread(target=run, args=(n2, "csr_b"))]
        for x in th:
            x.start()
        for x in th:
            x.join()
        states = sorted(results[n].body["state"] for n in (n1, n2))
        eq(states, ["pending_approval", "prepay_required"], "exactly one fits")


# ---- ST, MA, ¥10,000 authority ---------------------------------------------------------------

def prepay_order(t, qty=1200001):
    cust = customer(t, 1000000)
    o = checked(t, cust, qty)
    eq(o["state"], "prepay_required", "setup")
    return o["number"]


def test_st_three_yes_votes_then_ma(t):
    n = prepay_order(t)
    t.expect_error(t.post(f"/orders/{n}/request-st", {}, user="kam_GZ"), 403, "forbidden")
    o = act(t, n, "request-st", "csr_a", {"reason": "order_conference", "reason_text": "订货会"})
    eq(o["state"], "st_pending", "st_pending")
    eq(o["st"]["reason"], "order_conference", "reason")
    check("credit" in o["st"]["business_record"], "business record snapshot")
    for who in ("gm", "director", "deputy"):
        notes = t.ok(t.get("/notifications", user=who))["items"]
        check(any(x["event"] == "st_request" and x["document"] == n for x in notes),
              f"{who} notified of the ST request")
    # the deputy sees the ST order of a market it does not supervise? (S is its own market)
    o = act(t, n, "st-vote", "gm", {"vote": "yes"})
    eq(o["state"], "st_pending", "after 1 yes")
    t.expect_error(t.post(f"/orders/{n}/st-vote", {"vote": "yes"}, user="gm"), 422,
                   "validation_failed", rule="already_voted")
    o = act(t, n, "st-vote", "director", {"approve": True})
    eq(o["state"], "st_pending", "after 2 yes")
    o = act(t, n, "st-vote", "deputy", {"vote": "yes", "comment": "同意"})
    eq(o["state"], "pending_approval", "after 3 yes")
    eq(o["credit_check"]["result"], "st_approved", "result")
    eq(len(o["st"]["votes"]), 3, "three votes kept")
    o = act(t, n, "approve", "deputy")
    eq(o["state"], "approved", "MA after ST")


def test_st_first_no_decides_and_proxy_rules(t):
    # proxy signing needs the principal away (api.md §5.3)
    lib.away(t, "director")
    t.defer(lambda: lib.away(t, "director", False))
    n = prepay_order(t)
    act(t, n, "request-st", "ssg_leader")
    # csr_a is nobody's secretary: 403; csr_b is the director's secretary
    t.expect_error(t.post(f"/orders/{n}/st-vote", {"vote": "yes", "on_behalf_of": "director",
                                                    "confirmed_by_phone": True}, user="csr_a"),
                   403, "forbidden", rule="proxy_not_authorized")
    t.expect_error(t.post(f"/orders/{n}/st-vote", {"vote": "yes", "on_behalf_of": "director"},
                          user="csr_b"), 422, "validation_failed",
                   rule="phone_confirmation_required")
    o = act(t, n, "st-vote", "csr_b", {"vote": "yes", "on_behalf_of": "director",
                                        "confirmed_by_phone": True})
    v = o["st"]["votes"][0]
    eq((v["member"], v["cast_by"], v["on_behalf_of"], v["confirmed_by_phone"]),
       ("director", "csr_b", "director", True), "proxy vote keeps both names")
    # the principal cannot vote again after the proxy did
    t.expect_error(t.post(f"/orders/{n}/st-vote", {"vote": "yes"}, user="director"), 422,
                   "validation_failed", rule="already_voted")
    tl = o["timeline"][-1]
    eq((tl["actor"], tl["on_behalf_of"]), ("csr_b", "director"), "timeline names both")
    o = act(t, n, "st-vote", "gm", {"vote": "no", "comment": "风险太大"})
    eq(o["state"], "prepay_required", "first no → prepay_required")
    eq(o["st"]["result"], "refused", "refused")
    t.expect_error(t.post(f"/orders/{n}/st-vote", {"vote": "yes"}, user="deputy"), 409,
                   "invalid_state")


def test_st_voter_may_reject(t):
    n = prepay_order(t)
    act(t, n, "request-st", "csr_a")
    o = act(t, n, "reject", "gm", {"comment": "不批"})
    eq(o["state"], "rejected", "rejected by an ST voter")


def test_ma_by_the_wrong_slt_member_is_403_and_proxy_signs(t):
    # proxy signing needs the principal away (api.md §5.3)
    lib.away(t, "deputy")
    t.defer(lambda: lib.away(t, "deputy", False))
    cust = customer(t, 10**9)
    o = checked(t, cust, 100)
    n = o["number"]
    t.expect_error(t.post(f"/orders/{n}/approve", {}, user="director"), 403, "forbidden")
    t.expect_error(t.post(f"/orders/{n}/approve", {}, user="gm"), 403, "forbidden")
    t.expect_error(t.post(f"/orders/{n}/approve", {"on_behalf_of": "director",
                                                    "confirmed_by_phone": True}, user="csr_b"),
                   403, "forbidden")
    o = act(t, n, "approve", "ssg_leader", {"on_behalf_of": "deputy", "confirmed_by_phone": True})
    eq(o["state"], "approved", "the deputy's secretary signs")
    ma = [x for x in o["timeline"] if x["action"] == "approve"][0]
    eq((ma["actor"], ma["on_behalf_of"]), ("ssg_leader", "deputy"), "proxy recorded")
    slt = t.ok(t.get("/notifications", user="deputy"))["items"]
    check(any(x["event"] == "order_approved" and x["document"] == n for x in slt),
          "MA notifies the supervising SLT member")


def test_direct_approval_within_10000_yuan_authority(t):
    f = fixtures(t)
    cust = customer(t, 0, prepay_only=True)
    n = to_accepted(t, cust, [{"sku": f["big"], "qty": 1}])
    o = act(t, n, "check", "csr_a")
    eq((o["state"], o["credit_check"]["shortfall_fen"]), ("prepay_required", 1000000), "¥10,000")
    o = act(t, n, "approve", "deputy")
    eq(o["state"], "approved", "at the authority: approved")
    eq(o["credit_check"]["approved_shortfall_fen"], 1000000, "approved shortfall recorded")


def test_direct_approval_above_authority_is_refused_and_changes_nothing(t):
    f = fixtures(t)
    cust = customer(t, 0, prepay_only=True)
    n = to_accepted(t, cust, [{"sku": f["big"], "qty": 1}, {"sku": f["fen"], "qty": 1}])
    o = act(t, n, "check", "csr_a")
    eq(o["credit_check"]["shortfall_fen"], 1000001, "one fen above")
    before = t.ok(t.get(f"/orders/{n}", user="deputy"))
    t.expect_error(t.post(f"/orders/{n}/approve", {}, user="deputy"), 422, "validation_failed",
                   rule="shortfall_exceeds_authority")
    after = t.ok(t.get(f"/orders/{n}", user="deputy"))
    eq((after["state"], after["version"]), (before["state"], before["version"]),
       "nothing changed")


# ---- BG, cancel, states --------------------------------------------------------------------

def test_print_and_release_make_delivery_note_and_shipment(t):
    n = to_accepted(t, "GZ02", [{"sku": "M-IF3-900", "qty": 24}])
    act(t, n, "check", "csr_a")
    t.expect_error(t.post(f"/orders/{n}/print-delivery-note", {}, user="csr_a"), 403, "forbidden")
    t.expect_error(t.post(f"/orders/{n}/print-delivery-note", {}, user="finance"), 409,
                   "invalid_state")
    act(t, n, "approve", "deputy")
    o = act(t, n, "print-delivery-note", "finance")
    eq(o["state"], "billed", "billed")
    check("FHTZ" in o["delivery_note"], "FHTZ number")
    t.expect_error(t.post(f"/orders/{n}/release", {}, user="finance"), 403, "forbidden")
    o = act(t, n, "release", "csr_a")
    eq(o["state"], "released", "released")
    eq(len(o["shipments"]), 1, "one shipment")
    check("FH" in o["shipments"][0] and "FHTZ" not in o["shipments"][0], "FH number")
    for who in ("warehouse",):
        notes = t.ok(t.get("/notifications", user=who))["items"]
        check(any(x["event"] == "order_released" and x["document"] == n for x in notes),
              "the SCR is told")
    # the warehouse sees the order without prices
    w = t.ok(t.get(f"/orders/{n}", user="warehouse"))
    check("total_fen" not in w and "price_fen" not in w["lines"][0], "no prices for warehouse")
    t.expect_error(t.post(f"/orders/{n}/cancel", {}, user="ssg_leader"), 409, "invalid_state")


def test_cancel_rules(t):
    o = create(t, "GZ01", [{"sku": "M-IF1-900", "qty": 12}])
    o = act(t, o["number"], "cancel", "kam_GZ")
    eq(o["state"], "cancelled", "KAM cancels a draft")
    n = to_accepted(t, "GZ01", [{"sku": "M-IF1-900", "qty": 12}])
    t.expect_error(t.post(f"/orders/{n}/cancel", {}, user="kam_GZ"), 409, "invalid_state")
    t.expect_error(t.post(f"/orders/{n}/cancel", {}, user="csr_a"), 403, "forbidden")
    o = act(t, n, "cancel", "ssg_leader", {"comment": "客户取消"})
    eq(o["state"], "cancelled", "SSG leader cancels before release")


def test_wrong_state_actions_are_409_with_the_state(t):
    o = create(t, "GZ01", [{"sku": "M-IF1-900", "qty": 12}])
    n = o["number"]
    for action, user in [("approve-market", "mm_S"), ("accept", "csr_a"), ("check", "csr_a"),
                         ("amend", "kam_GZ"), ("approve", "deputy"), ("request-st", "csr_a"),
                         ("st-vote", "gm"), ("print-delivery-note", "finance"),
                         ("release", "csr_a"), ("recheck", "csr_a")]:
        body = {"lines": [{"sku": "M-IF1-900", "qty": 12}]} if action == "amend" else {}
        d = t.expect_error(t.post(f"/orders/{n}/{action}", body, user=user), 409, "invalid_state")
        eq(d.get("state"), "draft", f"{action}: details.state")
    act(t, n, "verify", "kam_GZ")
    d = t.expect_error(t.post(f"/orders/{n}/verify", {}, user="kam_GZ"), 409, "invalid_state")
    eq(d["state"], "verified", "details.state")


def test_every_order_action_allowed_and_denied_by_role(t):
    # create: kam/rep of the customer; not csr, not another region's kam
    t.expect_error(t.post("/orders", {"customer": "GZ01", "lines": [{"sku": "M-IF1-900",
                                                                      "qty": 12}]},
                          user="csr_a"), 403, "forbidden")
    t.expect_error(t.post("/orders", {"customer": "GZ01", "lines": [{"sku": "M-IF1-900",
                                                                      "qty": 12}]},
                          user="kam_SZ"), 422, "validation_failed", rule="unknown_reference")
    o = create(t, "GZ02", [{"sku": "M-IF1-900", "qty": 12}], user="rep_GZ")
    n = o["number"]
    t.expect_error(t.post(f"/orders/{n}/verify", {}, user="rep_GZ"), 403, "forbidden")
    t.expect_error(t.post(f"/orders/{n}/verify", {}, user="kam_SZ"), 404, "not_found")
    act(t, n, "verify", "kam_GZ")
    t.expect_error(t.post(f"/orders/{n}/approve-market", {}, user="mm_E"), 404, "not_found")
    t.expect_error(t.post(f"/orders/{n}/approve-market", {}, user="um_GZ"), 403, "forbidden")
    act(t, n, "approve-market", "mm_S")
    t.expect_error(t.post(f"/orders/{n}/accept", {}, user="kam_GZ"), 403, "forbidden")
    t.expect_error(t.post(f"/orders/{n}/accept", {}, user="auditor"), 403, "forbidden")
    act(t, n, "accept", "ssg_leader")
    t.expect_error(t.post(f"/orders/{n}/check", {}, user="finance"), 403, "forbidden")
    act(t, n, "check", "csr_b")
    t.expect_error(t.post(f"/orders/{n}/approve", {}, user="csr_a"), 403, "forbidden")
    act(t, n, "approve", "deputy")
    t.expect_error(t.post(f"/orders/{n}/print-delivery-note", {}, user="warehouse"), 403,
                   "forbidden")
    act(t, n, "print-delivery-note", "finance")
    act(t, n, "release", "ssg_leader")
    # the auditor reads everything and acts on nothing
    t.ok(t.get(f"/orders/{n}", user="auditor"))
    # send-back and return-for-fix need a comment
    o2 = create(t, "GZ01", [{"sku": "M-IF1-900", "qty": 12}])
    act(t, o2["number"], "verify", "kam_GZ")
    t.expect_error(t.post(f"/orders/{o2['number']}/send-back", {}, user="mm_S"), 422,
                   "validation_failed", rule="comment_required")
    o2 = act(t, o2["number"], "send-back", "mm_S", {"comment": "数量不对"})
    eq(o2["state"], "draft", "sent back")


def test_return_for_fix_gives_back_quota_and_exposure(t):
    cust = customer(t, 1000000)
    o = checked(t, cust, 500000)
    n = o["number"]
    eq(t.ok(t.get(f"/customers/{cust}", user="finance"))["credit"]["open_orders_fen"], 500000,
       "exposure held")
    o = act(t, n, "return-for-fix", "deputy", {"comment": "请区域经理修改数量"})
    eq(o["state"], "needs_fix", "returned")
    eq(t.ok(t.get(f"/customers/{cust}", user="finance"))["credit"]["open_orders_fen"], 0,
       "exposure released")


# ---- idempotency, If-Match, lists, audit ----------------------------------------------------

def test_idempotent_create_and_if_match(t):
    body = {"customer": "GZ01", "lines": [{"sku": "M-IF1-900", "qty": 12}]}
    key = t.uniq("idem")
    a = t.post("/orders", body, user="kam_GZ", headers={"Idempotency-Key": key})
    b = t.post("/orders", body, user="kam_GZ", headers={"Idempotency-Key": key})
    eq((a.status, b.status), (201, 201), "replay status")
    eq(a.body["number"], b.body["number"], "same document")
    eq(t.sql("SELECT count(*) FROM orders WHERE number = ?", (a.body["number"],))[0][0], 1,
       "created once")
    t.expect_error(t.post("/orders", dict(body, note="x"), user="kam_GZ",
                          headers={"Idempotency-Key": key}), 409, "idempotency_mismatch")
    n, v = a.body["number"], a.body["version"]
    t.expect_error(t.post(f"/orders/{n}/verify", {}, user="kam_GZ",
                          headers={"If-Match": str(v + 5)}), 409, "version_conflict")
    o = t.ok(t.post(f"/orders/{n}/verify", {}, user="kam_GZ", headers={"If-Match": f'"{v}"'}))
    eq(o["version"], v + 1, "version +1")


def test_list_filters_and_scope(t):
    mine = [create(t, "GZ01", [{"sku": "M-IF1-900", "qty": 12}])["number"] for _ in range(4)]
    items = t.list_all("/orders?customer=GZ01", user="kam_GZ", limit=3)
    check(items and all(o["customer"] == "GZ01" for o in items), "filter by customer")
    check(set(mine) <= {o["number"] for o in items}, "every page followed")
    eq(t.ok(t.get("/orders?customer=GZ01", user="kam_SZ"))["items"], [], "other KAM sees none")
    t.expect_error(t.get("/orders?state=bogus", user="kam_GZ"), 400, "bad_request")
    drafts = t.ok(t.get("/orders?state=draft&market=S", user="mm_S"))["items"]
    check(drafts and all(o["state"] == "draft" for o in drafts), "state filter")


def test_every_action_is_audited_with_actor(t):
    n = to_accepted(t, "GZ01", [{"sku": "M-IF1-900", "qty": 12}])
    rows = t.ok(t.get(f"/audit?object_type=order&object_key={n}", user="auditor"))["items"]
    eq([r["action"] for r in rows], ["create", "verify", "approve-market", "accept"], "audit")
    eq(rows[1]["before"]["state"], "draft", "before")
    eq(rows[1]["after"]["state"], "verified", "after")
    rc, out, _ = t.osb("check", "--db", t.server.db)
    eq(rc, 0, f"osb check: {out}")


def test_audit_newest_first_and_rfc3339_times(t):
    rows = t.ok(t.get("/audit?order=desc&limit=2", user="auditor"))
    eq(len(rows["items"]), 2, "two rows")
    check(rows["items"][0]["seq"] > rows["items"][1]["seq"], "newest first")
    nxt = t.ok(t.get(f"/audit?order=desc&limit=2&cursor={rows['next_cursor']}", user="auditor"))
    check(nxt["items"][0]["seq"] < rows["items"][1]["seq"], "the cursor counts down")
    c = t.ok(t.get("/customers/GZ01", user="admin"))
    check(isinstance(c["created_at"], str) and c["created_at"].endswith("+08:00"),
          f"RFC 3339 created_at: {c['created_at']}")
    d = t.expect_error(t.post("/markets", {"code": "S", "name": "x", "slt_supervisor": "deputy"}),
                       409, "duplicate")
    eq(d.get("field"), "code", "duplicate names the key")


def test_me_names_the_principal_and_files_have_names(t):
    me = t.ok(t.get("/me", user="csr_b"))
    eq(me["proxy_for"], "director", "csr_b signs for the director")
    eq(t.ok(t.get("/me", user="kam_GZ"))["proxy_for"], None, "a KAM signs for nobody")
    n = to_accepted(t, "GZ01", [{"sku": "M-IF1-900", "qty": 12}])
    act(t, n, "check", "csr_a")
    act(t, n, "approve", "deputy")
    o = act(t, n, "print-delivery-note", "finance")
    r = t.get(f"/delivery-notes/{o['delivery_note']}.pdf", user="finance")
    eq(r.status, 200, "PDF")
    eq(r.headers.get("content-disposition"), f'inline; filename="{o["delivery_note"]}.pdf"',
       "the PDF is named after its document")

"""The work queue, GET /me/queue (api.md §5.1; issue #17 item 2), for the documents of the second
wave: customers (a prospect under review), price lists, expense applications, POP requests,
quotations, after-sales tickets, visit plans. A document is in the queue of whoever its
allowed_actions hold an action for that it waits on — not a reject by a second decider, a
retire, an escalation (DOC_ASIDE) — and the queue item's allowed_actions are the document's.

Market S (华南, region GZ) is supervised by `deputy`; its MM is `mm_S`; region GZ's KAM is
`kam_GZ`."""

import lib
from lib import UNLIMITED, check, eq, set_clock

DAY = "2026-11-24"


def queue(t, user):
    return t.ok(t.get("/me/queue", user=user), 200, f"queue of {user}")["items"]


def item(t, user, number, path):
    """The queue item of number in user's queue; its allowed_actions are the document's."""
    found = [i for i in queue(t, user) if i["number"] == number]
    eq(len(found), 1, f"{number} in the queue of {user}")
    it = found[0]
    eq(it["type"], path, "type is the collection")
    doc = t.ok(t.get(f"/{path}/{number}", user=user), 200, f"GET {number} as {user}")
    eq(it["allowed_actions"], doc["allowed_actions"],
       "the queue's allowed_actions are the document's")
    eq(it["state"], doc.get("state", doc.get("status")), "state")
    return it


def absent(t, users, number):
    for u in users:
        check(number not in [i["number"] for i in queue(t, u)], f"{number} must not wait on {u}")


def cust(t):
    if "cust" not in t.case:
        t.case["cust"] = lib.customer(t, UNLIMITED)
    return t.case["cust"]


# ---- customers -------------------------------------------------------------------------------


def test_prospect_waits_on_finance_then_the_supervising_slt_member(t):
    set_clock(t, DAY, "09:00")
    b = {"code": t.uniq("QK"), "name": "队列客户", "market": "S", "region": "GZ",
         "kam": "kam_GZ", "status": "prospect", "consignee": "王收货",
         "consignee_phone": "13800000001", "consignment_station": "广州站"}
    code = t.ok(t.post("/customers", b, user="kam_GZ"), 201, "prospect")["code"]
    # a prospect waits on its KAM to submit it
    it = item(t, "kam_GZ", code, "customers")
    eq((it["state"], it["customer"]), ("prospect", code), "a prospect, its own customer")
    check("submit" in it["allowed_actions"], f"submit allowed: {it['allowed_actions']}")
    absent(t, ["finance", "deputy"], code)
    lib.act(t, "customers", code, "submit", "kam_GZ")
    it = item(t, "finance", code, "customers")
    eq(it["state"], "pending_review", "submitted")
    check("qualify" in it["allowed_actions"], f"qualify allowed: {it['allowed_actions']}")
    absent(t, ["kam_GZ", "director", "warehouse"], code)
    lib.act(t, "customers", code, "qualify", "finance", {"note": "资质齐全"})
    it = item(t, "deputy", code, "customers")
    check("approve" in it["allowed_actions"], f"approve allowed: {it['allowed_actions']}")
    absent(t, ["director", "kam_GZ"], code)
    lib.act(t, "customers", code, "approve", "deputy")
    # active: suspend, close, set-payment-term ... are side actions; it waits on no one
    absent(t, ["deputy", "finance", "kam_GZ", "ssg_leader"], code)


# ---- price lists -----------------------------------------------------------------------------


def test_draft_price_list_waits_on_the_slt_then_publisher(t):
    set_clock(t, DAY, "09:00")
    b = {"code": t.uniq("PL"), "name": "队列价目表", "valid_from": "2026-01-01",
         "items": [{"sku": "M-IF1-900", "price_fen": 9000}]}
    n = t.ok(t.post("/price-lists", b, user="marketing"), 201, "draft")["number"]
    it = item(t, "gm", n, "price-lists")
    eq((it["state"], it["customer"]), ("draft", None), "a draft, no customer")
    check("approve" in it["allowed_actions"], f"approve allowed: {it['allowed_actions']}")
    item(t, "director", n, "price-lists")
    # marketing may retire a draft, but a draft does not wait on marketing
    absent(t, ["marketing", "kam_GZ", "finance"], n)
    lib.act(t, "price-lists", n, "approve", "gm")
    it = item(t, "marketing", n, "price-lists")
    eq(it["allowed_actions"], ["publish", "retire"], "marketing publishes")
    absent(t, ["gm", "director"], n)
    lib.act(t, "price-lists", n, "publish", "marketing")
    absent(t, ["marketing", "gm"], n)


# ---- expense applications --------------------------------------------------------------------


def test_submitted_expense_application_waits_on_the_mm(t):
    set_clock(t, DAY, "09:00")
    per = "2039-07"
    t.ok(t.post("/expense-budgets", {"market": "S", "category": "promotion", "period": per,
                                     "amount_fen": 10000000}, user="marketing"), 201, "budget")
    a = t.ok(t.post("/expense-applications",
                    {"category": "promotion", "amount_fen": 300000, "purpose": "门店促销活动",
                     "period": per, "customer": cust(t)}, user="kam_GZ"), 201, "apply")
    n = a["number"]
    it = item(t, "mm_S", n, "expense-applications")
    eq((it["state"], it["customer"]), ("submitted", cust(t)), "submitted, its customer")
    eq(it["allowed_actions"], ["approve", "reject"], "the MM decides")
    absent(t, ["kam_GZ", "finance", "mm_N"], n)
    lib.act(t, "expense-applications", n, "approve", "mm_S")
    it = item(t, "kam_GZ", n, "expense-applications")
    eq(it["allowed_actions"], ["execute"], "the applicant executes")
    absent(t, ["mm_S", "deputy"], n)


# ---- quotations ------------------------------------------------------------------------------


def register(t, qty):
    body = {"customer": cust(t), "source": "inquiry", "product_class": "outsourced",
            "title": "外协产品询价",
            "lines": [{"sku": "M-IF1-900", "qty": qty, "price_fen": 12000,
                       "lead_time_days": 7}]}
    return t.ok(t.post("/quotations", body, user="kam_GZ"), 201, "register")["number"]


def test_registered_quotation_waits_on_the_deciding_role(t):
    set_clock(t, DAY, "09:00")
    q = register(t, 10)
    it = item(t, "mm_S", q, "quotations")
    eq((it["state"], it["customer"]), ("registered", cust(t)), "registered, its customer")
    eq(it["allowed_actions"], ["decide"], "the MM decides")
    absent(t, ["deputy", "kam_GZ", "mm_N"], q)
    # a major quotation: the supervising SLT member decides
    m = register(t, 5000)
    it = item(t, "deputy", m, "quotations")
    eq(it["allowed_actions"], ["decide"], "the SLT member decides a major one")
    absent(t, ["mm_S", "director"], m)
    # preparing: it waits on its KAM to submit; in review on the MM (return is a side action)
    lib.act(t, "quotations", q, "decide", "mm_S", {"participate": True})
    it = item(t, "kam_GZ", q, "quotations")
    check("submit" in it["allowed_actions"], f"submit allowed: {it['allowed_actions']}")
    absent(t, ["mm_S"], q)
    lib.act(t, "quotations", q, "submit", "kam_GZ")
    it = item(t, "mm_S", q, "quotations")
    eq(it["allowed_actions"], ["approve", "return"], "the MM reviews")
    absent(t, ["kam_GZ"], q)


# ---- POP requests ----------------------------------------------------------------------------


def test_pop_request_waits_on_the_mm(t):
    set_clock(t, "2027-09-07", "09:00")
    sku = lib.product(t, price=500, kind="pop")
    t.ok(t.post("/pop-allocations", {"period": "2027-09", "sku": sku, "qty": 100, "region": "GZ"},
                user="marketing"), 201, "allocate")
    t.ok(t.post("/expense-budgets", {"market": "S", "region": "GZ", "category": "pop",
                                     "period": "2027-09", "amount_fen": 1000000},
                user="marketing"), 201, "pop budget")
    n = t.ok(t.post("/pop-requests", {"customer": cust(t), "lines": [{"sku": sku, "qty": 10}],
                                      "purpose": "门店陈列"}, user="kam_GZ"), 201, "request")["number"]
    it = item(t, "mm_S", n, "pop-requests")
    eq((it["state"], it["customer"]), ("requested", cust(t)), "requested, its customer")
    eq(it["allowed_actions"], ["approve", "reject"], "the MM decides")
    absent(t, ["kam_GZ", "mm_N", "marketing"], n)
    lib.act(t, "pop-requests", n, "approve", "mm_S")
    # approved: it goes out with an order (not a document action); it waits on no one
    absent(t, ["mm_S", "kam_GZ", "deputy"], n)


# ---- after-sales tickets ---------------------------------------------------------------------


def test_after_sales_ticket_moves_from_queue_to_queue(t):
    set_clock(t, DAY, "09:00")
    n = t.ok(t.post("/after-sales", {"customer": cust(t), "type": "quality",
                                     "description": "包装破损，产品结块"}, user="kam_GZ"),
             201, "receive")["number"]
    it = item(t, "mm_S", n, "after-sales")
    eq((it["state"], it["customer"]), ("received", cust(t)), "received, its customer")
    eq(it["allowed_actions"], ["confirm", "reject"], "the MM confirms")
    absent(t, ["kam_GZ", "csr_a", "service"], n)
    lib.act(t, "after-sales", n, "confirm", "mm_S")
    check("assign" in item(t, "csr_a", n, "after-sales")["allowed_actions"], "the CSR assigns")
    # the MM may still reject a confirmed ticket: that makes it wait on no MM
    absent(t, ["mm_S"], n)
    lib.act(t, "after-sales", n, "assign", "csr_a", {"handler": "service"})
    eq(item(t, "service", n, "after-sales")["allowed_actions"], ["start"], "the handler starts")
    lib.act(t, "after-sales", n, "start", "service")
    it = item(t, "service", n, "after-sales")
    check("resolve" in it["allowed_actions"], f"the handler resolves: {it['allowed_actions']}")
    # the MM may escalate it (a side action): it does not wait on the MM
    absent(t, ["mm_S", "csr_a"], n)


# ---- visit plans -----------------------------------------------------------------------------


def test_visit_plan_waits_on_its_owner_then_the_manager(t):
    set_clock(t, "2026-11-21", "08:30")
    body = {"period_type": "week", "period": "2026-W48",
            "items": [{"customer": cust(t), "date": "2026-11-23", "purpose": "回款与新品推广"}]}
    n = t.ok(t.post("/visit-plans", body, user="rep_GZ"), 201, "plan")["number"]
    eq(item(t, "rep_GZ", n, "visit-plans")["allowed_actions"], ["submit"], "the owner submits")
    absent(t, ["kam_GZ", "mm_S"], n)
    lib.act(t, "visit-plans", n, "submit", "rep_GZ")
    eq(item(t, "kam_GZ", n, "visit-plans")["allowed_actions"], ["confirm"], "the manager confirms")
    absent(t, ["rep_GZ"], n)
    lib.act(t, "visit-plans", n, "confirm", "kam_GZ")
    absent(t, ["rep_GZ", "kam_GZ"], n)


# ---- credit reviews --------------------------------------------------------------------------


def test_credit_review_line_waits_on_the_mm_then_the_slt_member(t):
    c = lib.customer(t, 10000000)
    set_clock(t, "2033-04-06", "09:00")
    r = t.ok(t.post("/credit-reviews", {"adhoc": True, "customers": [c]}, user="gm"), 201,
             "an ad hoc review")
    n = r["number"]
    it = item(t, "mm_S", n, "credit-reviews")
    eq((it["state"], it["customer"]), ("open", None), "open, a review of many customers")
    eq(it["allowed_actions"], ["review"], "the MM reviews the proposed line")
    # the deputy could reject the proposed line, but it waits on the MM's review first
    absent(t, ["deputy", "director", "ssg_leader", "mm_N"], n)
    lib.act(t, "credit-reviews", n, "review", "mm_S", {"customer": c, "adjustment_fen": 0})
    it = item(t, "deputy", n, "credit-reviews")
    check("approve" in it["allowed_actions"], f"the deputy approves: {it['allowed_actions']}")
    # reviewed: the MM may adjust it again, but it waits on the supervising member now
    absent(t, ["mm_S", "director"], n)
    lib.act(t, "credit-reviews", n, "approve", "deputy", {"customer": c})
    absent(t, ["deputy", "mm_S", "gm"], n)


# ---- visit reports ---------------------------------------------------------------------------


def test_visit_report_waits_on_the_manager_and_the_secretariat(t):
    set_clock(t, "2026-11-23", "17:00")
    body = {"customer": cust(t), "kind": "revisit",
            "findings": {"dealer_operations": "经营正常", "end_users": "养殖户为主",
                         "competitor_products": "某品牌", "competitor_sales": "月销200箱",
                         "local_market": "需求上升",
                         "observed_prices": [{"sku": "M-IF1-900", "channel": "零售",
                                              "price_fen": 99999}],
                         "observed_stock": [{"sku": "M-IF1-900", "batch": "B1", "qty": 30}]},
            "next_steps": "下周跟进订单"}
    n = t.ok(t.post("/visits", body, user="rep_GZ"), 201, "visit filed")["number"]
    it = item(t, "kam_GZ", n, "visits")
    eq((it["state"], it["customer"], it["allowed_actions"]), ("filed", cust(t), ["comment"]),
       "the rep's manager comments")
    eq(item(t, "csr_a", n, "visits")["allowed_actions"], ["verify"], "the secretariat verifies")
    absent(t, ["rep_GZ", "mm_N", "kam_BJ"], n)
    lib.act(t, "visits", n, "comment", "kam_GZ", {"comment": "注意回款"})
    absent(t, ["kam_GZ"], n)
    item(t, "csr_a", n, "visits")
    lib.act(t, "visits", n, "verify", "csr_a", {"confirmed": True})
    absent(t, ["csr_a", "ssg_leader", "kam_GZ"], n)


# ---- inventory reports -----------------------------------------------------------------------


def test_inventory_report_waits_on_marketing_then_the_secretariat(t):
    set_clock(t, "2027-05-10", "09:00")
    c = lib.customer(t, UNLIMITED, channel="distributor")
    ln = {"sku": "M-IF1-900", "opening_qty": 100, "purchased_qty": 50, "other_in_qty": 0,
          "sold_qty": 80, "returned_qty": 0, "closing_qty": 70, "near_expiry_qty": 0}
    n = t.ok(t.post("/inventory-reports", {"customer": c, "period": "2027-05", "lines": [ln]},
                    user="csr_a"), 201, "submitted")["number"]
    it = item(t, "marketing", n, "inventory-reports")
    eq((it["state"], it["customer"], it["allowed_actions"]),
       ("submitted", c, ["return", "review"]), "marketing reviews")
    absent(t, ["csr_a", "mm_S"], n)
    lib.act(t, "inventory-reports", n, "return", "marketing", {"note": "期初数不对"})
    it = item(t, "csr_a", n, "inventory-reports")
    eq((it["state"], it["allowed_actions"]), ("returned", ["resubmit"]), "the CSR corrects it")
    absent(t, ["marketing"], n)
    lib.act(t, "inventory-reports", n, "resubmit", "csr_a", {"lines": [ln]})
    item(t, "marketing", n, "inventory-reports")
    lib.act(t, "inventory-reports", n, "review", "marketing")
    absent(t, ["marketing", "csr_a"], n)


# ---- samples ---------------------------------------------------------------------------------


def test_issued_sample_waits_on_customer_service(t):
    set_clock(t, "2027-08-10", "09:00")  # a Tuesday
    c = lib.customer(t, 1000000)
    sku = lib.product(t, price=800, kind="sample")
    o = t.ok(t.post("/orders", {"customer": c, "lines": [{"sku": sku, "qty": 10}]},
                    user="kam_GZ"), 201, "sample order")
    for action, user in (("verify", "kam_GZ"), ("approve-market", "mm_S"), ("accept", "csr_a"),
                         ("check", "csr_a")):
        o = lib.order_act(t, o["number"], action, user)
    o = lib.release(t, o["number"])
    lib.dispatch(t, o["shipments"][0])
    got = t.list_all(f"/samples?order={o['number']}", user="service")
    eq(len(got), 1, "one sample issue at dispatch")
    n = got[0]["number"]
    it = item(t, "service", n, "samples")
    eq((it["state"], it["customer"], it["allowed_actions"]), ("issued", c, ["follow-up"]),
       "customer service follows up")
    absent(t, ["kam_GZ", "csr_a", "mm_S"], n)
    lib.act(t, "samples", n, "follow-up", "service",
            {"usage_bp": 9000, "waste_bp": 500, "stores_surveyed": 3})
    absent(t, ["service"], n)


# ---- forecasts and plans -----------------------------------------------------------------------


def test_forecast_waits_on_its_owner_then_the_secretariat(t):
    set_clock(t, "2026-11-23", "09:00")
    body = {"customer": cust(t), "base_month": "2026-11",
            "lines": [{"month": "2026-12", "sku": "M-IF1-900", "qty": 12}],
            "basis": "代理商能力约800箱/月"}
    n = t.ok(t.post("/forecasts", body, user="kam_GZ"), 201, "forecast")["number"]
    eq(item(t, "kam_GZ", n, "forecasts")["allowed_actions"], ["submit"], "the owner submits")
    absent(t, ["csr_a", "mm_S"], n)
    lib.act(t, "forecasts", n, "submit", "kam_GZ")
    check("assess" in item(t, "csr_a", n, "forecasts")["allowed_actions"], "the CSR assesses")
    absent(t, ["kam_GZ"], n)


def test_plan_waits_on_the_next_level_up(t):
    set_clock(t, "2026-11-23", "11:00")
    body = {"level": "region", "period_type": "month", "period": "2026-12",
            "target_sales_fen": 100000000, "target_collection_fen": 90000000}
    n = t.ok(t.post("/plans", body, user="um_GZ"), 201, "plan")["number"]
    eq(item(t, "um_GZ", n, "plans")["allowed_actions"], ["submit"], "the owner submits")
    absent(t, ["mm_S"], n)
    lib.act(t, "plans", n, "submit", "um_GZ")
    eq(item(t, "mm_S", n, "plans")["allowed_actions"], ["approve", "return"],
       "the market's MM approves or returns")
    absent(t, ["um_GZ", "kam_GZ"], n)

"""Invoice requests (开票申请单, KP; flows.md §5, entities.md §7.1 fapiao and §7.8,
numbering-and-rules.md §3 rows "invoice request: ..." and §8 `not_fully_paid`):
request (the customer's KAM or rep) → review (csr) → issue (finance) → mail (csr) →
confirm-receipt (csr) → archive (csr); return (csr, finance) from requested or reviewed.
Every action allowed and denied by role, scope, state, If-Match and body; the invoice's
`fapiao` object at each step; the prepay-only rule; an invoice in a request is not requested
again (`fapiao_already_requested`).

The customers are kam_GZ's (market S, region GZ); kam_BJ sees none of them."""

import re

import lib
from lib import (add_days, check, checked, customer, dispatch, eq, invoices_of, order_act, pay,
                 product, release, released, today)

INFO = {"invoice_title": "广州开票测试有限公司", "tax_id": "91440101MA5CXK8U4B",
        "bank_name": "工商银行广州分行", "bank_account": "3602000109000123456",
        "reg_address": "广州市天河区体育西路1号", "reg_phone": "020-88886666",
        "mailing_address": "广州市天河区体育西路1号8楼财务部", "mailing_contact": "王会计",
        "mailing_phone": "13800000001"}

DENIED_CREATE = ("csr_a", "ssg_leader", "finance", "mm_S", "um_GZ", "gm", "deputy", "auditor",
                 "warehouse", "service", "marketing", "admin")


def sku(t):
    """The test's product (made on first use, one per test)."""
    if "sku" not in t.case:
        t.case["sku"] = product(t, price=1000, batch="KPB1")
    return t.case["sku"]


def invoiced_customer(t, n=2, info=True):
    """A credit customer with its invoicing info and n dispatched shipments (one invoice
    each); returns (customer, [invoice numbers])."""
    cust = customer(t)
    if info:
        t.ok(t.patch(f"/customers/{cust}", INFO), 200, "invoicing info")
    for q in range(n):
        _, ship = released(t, cust, [(sku(t), 10 * (q + 1))])
        dispatch(t, ship)
    return cust, [i["number"] for i in invoices_of(t, cust)]


def create(t, invoices, user="kam_GZ", status=201, **extra):
    body = {"invoices": invoices}
    body.update(extra)
    return t.ok(t.post("/invoice-requests", body, user=user), status, f"request by {user}")


def act(t, n, action, user, body=None, status=200, **kw):
    return lib.act(t, "invoice-requests", n, action, user, body, status, **kw)


def denied(t, n, action, users, body=None):
    for u in users:
        t.expect_error(t.post(f"/invoice-requests/{n}/{action}", body or {}, user=u), 403,
                       "forbidden", rule="role")


def fapiao(t, inv):
    return t.ok(t.get(f"/invoices/{inv}", user="finance"))["fapiao"]


def told(t, user, n, event):
    return [x for x in t.list_all("/notifications", user=user)
            if x["document"] == n and x["event"] == event]


def test_an_invoice_without_request_has_fapiao_none(t):
    _, invs = invoiced_customer(t, 1)
    eq(fapiao(t, invs[0]), {"state": "none", "request": None, "fapiao_no": None,
                            "fapiao_date": None, "mail_tracking_no": None, "mailed_at": None,
                            "expected_arrival": None, "receipt_confirmed_at": None},
       "fapiao before any request")


def test_full_path_with_every_role_allowed_and_denied(t):
    cust, invs = invoiced_customer(t, 2)
    amounts = [t.ok(t.get(f"/invoices/{i}", user="finance"))["amount_fen"] for i in invs]
    eq(amounts, [10000, 20000], "two invoices")
    for u in DENIED_CREATE:
        t.expect_error(t.post("/invoice-requests", {"invoices": invs}, user=u), 403,
                       "forbidden", rule="role")
    # out of scope: the invoices do not exist for kam_BJ
    t.expect_error(t.post("/invoice-requests", {"invoices": invs}, user="kam_BJ"), 422,
                   "validation_failed", rule="unknown_invoice", field="invoices[0]")
    k = create(t, invs, note="客户要求一张发票")
    n = k["number"]
    check(re.fullmatch(r"SC\d{8}KP\d{4,5}", n), f"KP number {n}")
    eq((k["state"], k["customer"], k["amount_fen"], k["invoices"], k["requested_by"], k["note"]),
       ("requested", cust, 30000, invs, "kam_GZ", "客户要求一张发票"), "requested")
    eq(k["invoicing"], INFO, "the invoicing info snapshot")
    eq([(x["invoice"], x["amount_fen"]) for x in k["lines"]], list(zip(invs, amounts)), "lines")
    eq([e["action"] for e in k["timeline"]], ["request"], "timeline")
    eq(len(told(t, "csr_a", n, "invoice_request")), 1, "the CSR is asked to review")
    # the snapshot does not follow later edits of the archive
    t.ok(t.patch(f"/customers/{cust}", {"invoice_title": "改名后的公司"}), 200, "edit")
    eq(t.ok(t.get(f"/invoice-requests/{n}", user="csr_a"))["invoicing"]["invoice_title"],
       INFO["invoice_title"], "snapshot kept")
    for inv in invs:
        f = fapiao(t, inv)
        eq((f["state"], f["request"]), ("requested", n), "fapiao requested")

    # review: csr (and ssg_leader); nobody else
    denied(t, n, "review", ("kam_GZ", "rep_GZ", "finance", "mm_S", "gm", "auditor"))
    t.expect_error(t.post(f"/invoice-requests/{n}/review", {}, user="kam_BJ"), 404, "not_found")
    t.expect_error(t.post(f"/invoice-requests/{n}/review", {}, user="warehouse"), 403,
                   "forbidden")
    d = t.expect_error(t.post(f"/invoice-requests/{n}/issue",
                              {"fapiao_no": "44001234", "fapiao_date": today(t)},
                              user="finance"), 409, "invalid_state")
    eq(d["state"], "requested", "details.state")
    t.expect_error(t.post(f"/invoice-requests/{n}/review", {}, user="csr_a",
                          headers={"If-Match": "7"}), 409, "version_conflict")
    t.expect_error(t.post(f"/invoice-requests/{n}/review", {"fapiao_no": "1"}, user="csr_a"),
                   400, "bad_request", field="fapiao_no")
    k = act(t, n, "review", "csr_a", headers={"If-Match": str(k["version"])})
    eq((k["state"], k["reviewed_by"]), ("reviewed", "csr_a"), "reviewed")
    eq(fapiao(t, invs[0])["state"], "requested", "still requested until issued")

    # issue: finance only, with a fapiao number and date
    denied(t, n, "issue", ("csr_a", "ssg_leader", "kam_GZ", "gm", "auditor"),
           {"fapiao_no": "44001234", "fapiao_date": today(t)})
    t.expect_error(t.post(f"/invoice-requests/{n}/issue", {"fapiao_date": today(t)},
                          user="finance"), 422, "validation_failed", rule="required",
                   field="fapiao_no")
    t.expect_error(t.post(f"/invoice-requests/{n}/issue", {"fapiao_no": "44001234"},
                          user="finance"), 422, "validation_failed", rule="required",
                   field="fapiao_date")
    t.expect_error(t.post(f"/invoice-requests/{n}/issue",
                          {"fapiao_no": "44001234", "fapiao_date": "2026-02-30"},
                          user="finance"), 422, "validation_failed", rule="invalid_date")
    t.expect_error(t.post(f"/invoice-requests/{n}/issue",
                          {"fapiao_no": "44001234", "fapiao_date": add_days(today(t), 1)},
                          user="finance"), 422, "validation_failed", rule="date_out_of_range")
    t.expect_error(t.post(f"/invoice-requests/{n}/issue",
                          {"fapiao_no": 44001234, "fapiao_date": today(t)},
                          user="finance"), 400, "bad_request", field="fapiao_no")
    fno = t.uniq("4400")
    k = act(t, n, "issue", "finance", {"fapiao_no": fno, "fapiao_date": today(t)})
    eq((k["state"], k["issued_by"], k["fapiao_no"], k["fapiao_date"]),
       ("issued", "finance", fno, today(t)), "issued")
    for inv in invs:
        f = fapiao(t, inv)
        eq((f["state"], f["fapiao_no"], f["fapiao_date"]), ("issued", fno, today(t)),
           "each invoice's fapiao issued")
    eq(len(told(t, "kam_GZ", n, "fapiao_issued")), 1, "the KAM is told at issue")
    eq(len(told(t, "finance", n, "fapiao_issued")), 1, "finance is told at issue")

    # mail: csr, with a tracking number; expected arrival + 3 calendar days
    denied(t, n, "mail", ("finance", "kam_GZ", "mm_S"), {"tracking_no": "SF1"})
    t.expect_error(t.post(f"/invoice-requests/{n}/mail", {}, user="csr_a"), 422,
                   "validation_failed", rule="required", field="tracking_no")
    t.expect_error(t.post(f"/invoice-requests/{n}/archive", {}, user="csr_a"), 409,
                   "invalid_state")
    k = act(t, n, "mail", "csr_a", {"tracking_no": "SF1234567890"})
    eq((k["state"], k["mail_tracking_no"], k["expected_arrival"], k["mailed_by"]),
       ("mailed", "SF1234567890", add_days(today(t), 3), "csr_a"), "mailed")
    f = fapiao(t, invs[1])
    eq((f["state"], f["mail_tracking_no"], f["expected_arrival"]),
       ("mailed", "SF1234567890", add_days(today(t), 3)), "fapiao mailed")
    check(f["mailed_at"].startswith(today(t)) and f["mailed_at"].endswith("+08:00"),
          f"mailed_at {f['mailed_at']}")
    eq(len(told(t, "kam_GZ", n, "fapiao_mailed")), 1, "the KAM is told at mail")
    eq(len(told(t, "finance", n, "fapiao_mailed")), 1, "finance is told at mail")

    # confirm-receipt and archive: csr (the SSG leader holds the same row)
    denied(t, n, "confirm-receipt", ("finance", "kam_GZ", "rep_GZ"))
    k = act(t, n, "confirm-receipt", "csr_a")
    eq(k["state"], "received", "received")
    f = fapiao(t, invs[0])
    eq(f["state"], "received", "fapiao received")
    check(f["receipt_confirmed_at"] and f["receipt_confirmed_at"].startswith(today(t)),
          f"receipt_confirmed_at {f['receipt_confirmed_at']}")
    denied(t, n, "archive", ("finance", "kam_GZ"))
    k = act(t, n, "archive", "ssg_leader")
    eq(k["state"], "archived", "archived")
    eq(fapiao(t, invs[0])["state"], "received", "an archived request's fapiao stays received")
    t.expect_error(t.post(f"/invoice-requests/{n}/return", {"comment": "x"}, user="csr_a"), 409,
                   "invalid_state")
    t.expect_error(t.post(f"/invoice-requests/{n}/nope", {}, user="csr_a"), 404, "not_found")
    eq([(e["action"], e["from_state"], e["to_state"]) for e in k["timeline"]],
       [("request", None, "requested"), ("review", "requested", "reviewed"),
        ("issue", "reviewed", "issued"), ("mail", "issued", "mailed"),
        ("confirm-receipt", "mailed", "received"), ("archive", "received", "archived")],
       "timeline")
    eq(k["version"], 6, "version +1 per action")
    aud = t.ok(t.get(f"/audit?object_type=invoice_request&object_key={n}", user="auditor"))
    eq([a["action"] for a in aud["items"]],
       ["create", "review", "issue", "mail", "confirm-receipt", "archive"], "audited")

    # reading: in scope and with money only
    for u in ("kam_GZ", "rep_GZ", "csr_a", "finance", "auditor", "gm"):
        eq(t.ok(t.get(f"/invoice-requests/{n}", user=u))["number"], n, f"{u} reads it")
    t.expect_error(t.get(f"/invoice-requests/{n}", user="kam_BJ"), 404, "not_found")
    t.expect_error(t.get(f"/invoice-requests/{n}", user="warehouse"), 403, "forbidden")
    items = t.list_all(f"/invoice-requests?customer={cust}&state=archived", user="csr_a")
    eq([x["number"] for x in items], [n], "list by customer and state")
    eq(t.list_all(f"/invoice-requests?customer={cust}&state=requested", user="csr_a"), [],
       "state filter")
    eq(t.list_all(f"/invoice-requests?customer={cust}", user="kam_BJ"), [], "out of scope")
    t.expect_error(t.get("/invoice-requests", user="warehouse"), 403, "forbidden")
    t.expect_error(t.get("/invoice-requests?state=nope", user="csr_a"), 400, "bad_request")


def test_return_from_requested_and_reviewed_needs_a_comment(t):
    _, invs = invoiced_customer(t, 1)
    n = create(t, invs, user="rep_GZ")["number"]
    denied(t, n, "return", ("kam_GZ", "rep_GZ", "mm_S", "auditor"), {"comment": "x"})
    t.expect_error(t.post(f"/invoice-requests/{n}/return", {}, user="csr_a"), 422,
                   "validation_failed", rule="comment_required", field="comment")
    t.expect_error(t.post(f"/invoice-requests/{n}/return", {"comment": 3}, user="csr_a"), 400,
                   "bad_request", field="comment")
    k = act(t, n, "return", "csr_a", {"comment": "税号与营业执照不符"})
    eq(k["state"], "requested", "returned from requested")
    eq(len(told(t, "rep_GZ", n, "invoice_request_returned")), 1, "the requester is told")
    k = act(t, n, "review", "csr_a")
    eq(k["state"], "reviewed", "reviewed")
    k = act(t, n, "return", "finance", {"comment": "金额需与回款核对"})
    eq((k["state"], k["reviewed_by"]), ("requested", None), "finance returns a reviewed one")
    eq([(e["action"], e["to_state"], e["comment"]) for e in k["timeline"][-2:]],
       [("review", "reviewed", None), ("return", "requested", "金额需与回款核对")],
       "timeline keeps the comment")
    act(t, n, "review", "ssg_leader")
    fno = t.uniq("4401")
    act(t, n, "issue", "finance", {"fapiao_no": fno, "fapiao_date": today(t)})
    d = t.expect_error(t.post(f"/invoice-requests/{n}/return", {"comment": "晚了"},
                              user="finance"), 409, "invalid_state")
    eq(d["state"], "issued", "details.state")
    d = t.expect_error(t.post(f"/invoice-requests/{n}/review", {}, user="csr_a"), 409,
                       "invalid_state")
    eq(d["state"], "issued", "no second review")


def test_prepay_only_needs_fully_paid_and_shipped(t):
    s = sku(t)
    cust = customer(t, limit=0, prepay_only=True)
    t.ok(t.patch(f"/customers/{cust}", INFO), 200, "invoicing info")
    # paid in full at the credit check (CC row 1), not shipped yet
    pay(t, cust, 40000)
    o = checked(t, cust, [(s, 40)])
    eq(o["state"], "pending_approval", "prepaid")
    inv = invoices_of(t, cust, order=o["number"])[0]
    eq(inv["state"], "paid", "paid invoice")
    t.expect_error(t.post("/invoice-requests", {"invoices": [inv["number"]]}, user="kam_GZ"),
                   422, "validation_failed", rule="not_fully_paid", field="invoices[0]")
    o = release(t, o["number"])
    t.expect_error(t.post("/invoice-requests", {"invoices": [inv["number"]]}, user="kam_GZ"),
                   422, "validation_failed", rule="not_fully_paid")  # released, not dispatched
    dispatch(t, o["shipments"][0])
    k = create(t, [inv["number"]])
    eq(k["amount_fen"], 40000, "paid and shipped: requested")

    # shipped but not fully paid (SLT approved the shortfall)
    pay(t, cust, 10000)
    o = checked(t, cust, [(s, 30)])
    o = order_act(t, o["number"], "approve", "deputy")
    inv2 = invoices_of(t, cust, order=o["number"])[0]
    eq((inv2["state"], inv2["open_fen"]), ("partial", 20000), "part paid")
    o = release(t, o["number"])
    dispatch(t, o["shipments"][0])
    t.expect_error(t.post("/invoice-requests", {"invoices": [inv2["number"]]}, user="kam_GZ"),
                   422, "validation_failed", rule="not_fully_paid")
    pay(t, cust, 20000)
    eq(t.ok(t.get(f"/invoices/{inv2['number']}", user="finance"))["state"], "paid", "paid now")
    n = create(t, [inv2["number"]], user="rep_GZ")["number"]
    act(t, n, "review", "csr_a")
    act(t, n, "issue", "finance", {"fapiao_no": t.uniq("4402"), "fapiao_date": today(t)})


def test_an_invoice_in_a_request_is_not_requested_again(t):
    cust, invs = invoiced_customer(t, 2)
    n = create(t, invs[:1])["number"]
    d = t.expect_error(t.post("/invoice-requests", {"invoices": invs}, user="kam_GZ"), 422,
                       "validation_failed", rule="fapiao_already_requested",
                       field="invoices[0]")
    eq(d["request"], n, "names the request that holds it")
    # still refused once that request has gone through (one fapiao per invoice)
    act(t, n, "review", "csr_a")
    act(t, n, "issue", "finance", {"fapiao_no": t.uniq("4403"), "fapiao_date": today(t)})
    t.expect_error(t.post("/invoice-requests", {"invoices": [invs[1], invs[0]]},
                          user="kam_GZ"), 422, "validation_failed",
                   rule="fapiao_already_requested", field="invoices[1]")
    eq(len(t.list_all(f"/invoice-requests?customer={cust}", user="finance")), 1,
       "nothing was created")
    k = create(t, invs[1:])
    eq(k["amount_fen"], 20000, "the other invoice alone is fine")


def test_request_body_rules(t):
    cust, invs = invoiced_customer(t, 1)
    other, oinvs = invoiced_customer(t, 1)
    bare, binvs = invoiced_customer(t, 1, info=False)

    def bad(body, status, code, **kw):
        return t.expect_error(t.post("/invoice-requests", body, user="kam_GZ"), status, code,
                              **kw)

    bad({}, 422, "validation_failed", rule="required", field="invoices")
    bad({"invoices": []}, 422, "validation_failed", rule="required", field="invoices")
    bad({"invoices": "x"}, 400, "bad_request", field="invoices")
    bad({"invoices": [1]}, 400, "bad_request", field="invoices")
    bad({"invoices": invs, "extra": 1}, 400, "bad_request", field="extra")
    bad({"invoices": ["SC20260101FP9999"]}, 422, "validation_failed", rule="unknown_invoice")
    bad({"invoices": invs + invs}, 422, "validation_failed", rule="duplicate_line",
        field="invoices[1]")
    bad({"invoices": invs + oinvs}, 422, "validation_failed", rule="invoice_other_customer",
        field="invoices[1]")
    bad({"invoices": binvs}, 422, "validation_failed", rule="customer_incomplete",
        field="invoice_title")
    bad({"invoices": invs, "note": "x" * 501}, 422, "validation_failed", rule="too_long")
    eq(t.list_all(f"/invoice-requests?customer={cust}", user="finance"), [], "nothing created")
    eq(fapiao(t, invs[0])["state"], "none", "and the invoice is untouched")


def test_a_fapiao_number_is_used_once(t):
    _, invs = invoiced_customer(t, 1)
    first = create(t, invs)["number"]
    act(t, first, "review", "csr_a")
    fno = t.uniq("4404")
    act(t, first, "issue", "finance", {"fapiao_no": fno, "fapiao_date": today(t)})
    _, invs = invoiced_customer(t, 1)
    n = create(t, invs)["number"]
    act(t, n, "review", "csr_a")
    t.expect_error(t.post(f"/invoice-requests/{n}/issue",
                          {"fapiao_no": fno, "fapiao_date": today(t)},
                          user="finance"), 409, "duplicate")
    eq(t.ok(t.get(f"/invoice-requests/{n}", user="finance"))["state"], "reviewed", "unchanged")


def test_idempotent_create(t):
    _, invs = invoiced_customer(t, 1)
    key = {"Idempotency-Key": t.uniq("kp")}
    a = t.ok(t.post("/invoice-requests", {"invoices": invs}, user="kam_GZ", headers=key), 201)
    b = t.ok(t.post("/invoice-requests", {"invoices": invs}, user="kam_GZ", headers=key), 201)
    eq(a["number"], b["number"], "replayed, not a second request")

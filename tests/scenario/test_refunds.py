"""Prepayment refunds (TK) and bad-debt write-offs (HX) (flows.md §4.7, entities.md §7.8,
numbering-and-rules.md §3 and §5): every path, who may act and who may not, the two 422 rules
(refund_exceeds_prepayment, writeoff_exceeds_open), the ledger and the credit figures after each
step, and `osb check` clean at the end.

Market S (regions GZ, SZ): supervising SLT member `deputy`, BCR `ssg_leader` (who is also the
deputy's secretary); `csr_b` is the BCR of the director's markets and the director's secretary."""

import lib
from lib import (check, customer, dispatch, eq, invoices_of, ledger, ledger_consistent, osb_check,
                 pay, product, released)


def figures(t, cust):
    return t.ok(t.get(f"/customers/{cust}/credit", user="finance"))


def refund(t, cust, amount, user="kam_GZ", status=201, reason="客户要求退回多付款"):
    return t.ok(t.post("/refunds", {"customer": cust, "amount_fen": amount, "reason": reason},
                       user=user), status, f"refund request by {user}")


def tk(t, number, action, user, body=None, status=200):
    return lib.act(t, "refunds", number, action, user, body, status)


def hx(t, number, action, user, body=None, status=200):
    return lib.act(t, "write-offs", number, action, user, body, status)


def test_refund_full_path_draws_oldest_receipts_first(t):
    cust = customer(t)
    p1 = pay(t, cust, 30000)["number"]
    p2 = pay(t, cust, 50000)["number"]
    eq(figures(t, cust)["prepayment_fen"], 80000, "prepayment before")
    r = refund(t, cust, 40000)
    n = r["number"]
    check("TK" in n, "TK number")
    eq((r["state"], r["requested_by"], r["amount_fen"]), ("requested", "kam_GZ", 40000), "request")
    eq(figures(t, cust)["prepayment_fen"], 80000, "a request moves no money")
    # Approving is the supervising SLT member's (deputy), not another director's, not finance's.
    t.expect_error(t.post(f"/refunds/{n}/approve", {}, user="director"), 403, "forbidden")
    t.expect_error(t.post(f"/refunds/{n}/approve", {}, user="finance"), 403, "forbidden",
                   rule="role")
    t.expect_error(t.post(f"/refunds/{n}/pay", {}, user="finance"), 409, "invalid_state")
    t.expect_error(t.post(f"/refunds/{n}/approve", {}, user="deputy",
                          headers={"If-Match": "7"}), 409, "version_conflict")
    t.expect_error(t.post(f"/refunds/{n}/approve", {"nope": 1}, user="deputy"), 400,
                   "bad_request")
    r = tk(t, n, "approve", "deputy", {"comment": "同意"})
    eq((r["state"], r["approved_by"]), ("approved", "deputy"), "approved")
    t.expect_error(t.post(f"/refunds/{n}/pay", {}, user="deputy"), 403, "forbidden")
    r = tk(t, n, "pay", "finance")
    eq((r["state"], r["paid_by"]), ("paid", "finance"), "paid")
    eq(r["draws"], [{"payment": p1, "amount_fen": 30000}, {"payment": p2, "amount_fen": 10000}],
       "oldest receipt first")
    eq(t.ok(t.get(f"/payments/{p1}", user="finance"))["unapplied_fen"], 0, "first drained")
    eq(t.ok(t.get(f"/payments/{p2}", user="finance"))["unapplied_fen"], 40000, "second rest")
    eq(figures(t, cust)["prepayment_fen"], 40000, "prepayment after the refund")
    led = ledger(t, cust)
    eq((led[-1]["kind"], led[-1]["document"], led[-1]["debit_fen"], led[-1]["balance_fen"]),
       ("prepayment_refund", n, 40000, -40000), "ledger debit")
    ledger_consistent(t, cust)
    eq([x["action"] for x in r["timeline"]], ["request", "approve", "pay"], "timeline")
    t.expect_error(t.post(f"/refunds/{n}/reject", {}, user="finance"), 409, "invalid_state")
    got = t.ok(t.get(f"/refunds/{n}", user="kam_GZ"))
    eq(got["state"], "paid", "GET /refunds/{number}")
    nums = [x["number"] for x in t.ok(t.get(f"/refunds?customer={cust}", user="finance"))["items"]]
    eq(nums, [n], "GET /refunds")
    audit = t.ok(t.get(f"/audit?object_type=refund&object_key={n}", user="auditor"))["items"]
    eq(sorted(a["action"] for a in audit), ["approve", "pay", "request"], "audited")


def test_refund_exceeds_prepayment(t):
    s = product(t, price=1000)
    cust = customer(t)
    pay(t, cust, 20000)
    d = t.expect_error(t.post("/refunds", {"customer": cust, "amount_fen": 20001, "reason": "x"},
                              user="kam_GZ"), 422, "validation_failed",
                       rule="refund_exceeds_prepayment", field="amount_fen")
    eq(d.get("available_fen"), 20000, "available named")
    # A pending request holds its amount: a second one may take only the rest.
    a = refund(t, cust, 15000)["number"]
    t.expect_error(t.post("/refunds", {"customer": cust, "amount_fen": 6000, "reason": "x"},
                          user="kam_GZ"), 422, "validation_failed",
                   rule="refund_exceeds_prepayment")
    tk(t, a, "approve", "deputy")
    # Money applied to a new invoice after the approval: pay re-checks and refuses.
    n, ship = released(t, cust, [(s, 10)])
    dispatch(t, ship)
    eq(figures(t, cust)["prepayment_fen"], 10000, "the invoice took 10000 of the prepayment")
    t.expect_error(t.post(f"/refunds/{a}/pay", {}, user="finance"), 422, "validation_failed",
                   rule="refund_exceeds_prepayment")
    eq(t.ok(t.get(f"/refunds/{a}", user="finance"))["state"], "approved", "nothing moved")
    # Finance refuses what can no longer be paid.
    t.expect_error(t.post(f"/refunds/{a}/reject", {}, user="deputy"), 403, "forbidden")
    eq(tk(t, a, "reject", "finance")["state"], "rejected", "rejected by finance")
    eq(figures(t, cust)["prepayment_fen"], 10000, "a rejected refund moves no money")
    ledger_consistent(t, cust)
    # Earmarked or credit-note money is not free cash; an expense credit is never paid out.
    c2 = customer(t)
    pay(t, c2, 9000, kind="expense")
    t.expect_error(t.post("/refunds", {"customer": c2, "amount_fen": 1, "reason": "x"},
                          user="kam_GZ"), 422, "validation_failed",
                   rule="refund_exceeds_prepayment")


def test_refund_who_may_request_and_approve(t):
    # proxy signing needs the principal away (api.md §5.3)
    lib.away(t, "deputy")
    t.defer(lambda: lib.away(t, "deputy", False))
    cust = customer(t)
    pay(t, cust, 10000)
    body = {"customer": cust, "amount_fen": 1000, "reason": "退款"}
    # Requesters: the market's BCR (ssg_leader for S) and the customer's KAM; nobody else.
    for user in ("csr_a", "csr_b", "rep_GZ", "um_GZ", "mm_S", "finance", "deputy", "gm"):
        t.expect_error(t.post("/refunds", body, user=user), 403, "forbidden")
    t.expect_error(t.post("/refunds", body, user="kam_BJ"), 422, "validation_failed",
                   rule="unknown_reference")
    t.expect_error(t.post("/refunds", {"customer": cust, "amount_fen": 0, "reason": "x"},
                          user="kam_GZ"), 422, "validation_failed", field="amount_fen")
    t.expect_error(t.post("/refunds", {"customer": cust, "amount_fen": 1}, user="kam_GZ"), 422,
                   "validation_failed", field="reason")
    t.expect_error(t.post("/refunds", {"customer": cust, "amount_fen": "1", "reason": "x"},
                          user="kam_GZ"), 400, "bad_request")
    by_bcr = refund(t, cust, 1000, user="ssg_leader")["number"]
    # The BCR is also the deputy's secretary: approving by proxy would approve their own request.
    t.expect_error(t.post(f"/refunds/{by_bcr}/approve",
                          {"on_behalf_of": "deputy", "confirmed_by_phone": True},
                          user="ssg_leader"), 403, "forbidden", rule="self_approval")
    by_kam = refund(t, cust, 2000)["number"]
    t.expect_error(t.post(f"/refunds/{by_kam}/approve", {}, user="ssg_leader"), 403, "forbidden",
                   rule="proxy_not_authorized")
    t.expect_error(t.post(f"/refunds/{by_kam}/approve", {"on_behalf_of": "deputy"},
                          user="ssg_leader"), 422, "validation_failed",
                   rule="phone_confirmation_required")
    # csr_b signs for the director, who does not supervise market S.
    t.expect_error(t.post(f"/refunds/{by_kam}/approve",
                          {"on_behalf_of": "director", "confirmed_by_phone": True},
                          user="csr_b"), 403, "forbidden", rule="proxy_not_authorized")
    r = tk(t, by_kam, "approve", "ssg_leader",
           {"on_behalf_of": "deputy", "confirmed_by_phone": True})
    eq((r["state"], r["approved_by"], r["approved_by_proxy"]),
       ("approved", "deputy", "ssg_leader"), "approved by proxy")
    eq(r["timeline"][-1]["on_behalf_of"], "deputy", "timeline names the principal")
    eq(tk(t, by_bcr, "reject", "deputy", {"comment": "不退"})["state"], "rejected", "rejected")
    t.expect_error(t.post(f"/refunds/{by_bcr}/approve", {}, user="deputy"), 409,
                   "invalid_state")
    # Scope: another market's KAM does not see it; the warehouse sees no money.
    t.expect_error(t.get(f"/refunds/{by_kam}", user="kam_BJ"), 404, "not_found")
    t.expect_error(t.post(f"/refunds/{by_kam}/pay", {}, user="kam_BJ"), 404, "not_found")
    t.expect_error(t.get(f"/refunds/{by_kam}", user="warehouse"), 403, "forbidden")
    t.expect_error(t.get("/refunds?state=nope", user="finance"), 400, "bad_request")
    eq(t.ok(t.get("/refunds", user="kam_BJ"))["items"], [], "out of scope list")
    tk(t, by_kam, "pay", "finance")
    eq(figures(t, cust)["prepayment_fen"], 8000, "paid")
    ledger_consistent(t, cust)


def invoice(t, cust, qty=20):
    s = product(t, price=1000)
    _, ship = released(t, cust, [(s, qty)])
    dispatch(t, ship)
    return invoices_of(t, cust)[-1]


def test_write_off_full_path(t):
    cust = customer(t)
    inv = invoice(t, cust)  # 20000 open
    pay(t, cust, 5000)  # settles 5000 of it
    eq(figures(t, cust)["open_receivables_fen"], 15000, "open before")
    body = {"invoice": inv["number"], "amount_fen": 10000, "reason": "客户破产"}
    for user in ("gm", "kam_GZ", "deputy", "ssg_leader", "auditor"):
        t.expect_error(t.post("/write-offs", body, user=user), 403, "forbidden")
    w = t.ok(t.post("/write-offs", body, user="finance"), 201, "write-off request")
    n = w["number"]
    check("HX" in n, "HX number")
    eq((w["state"], w["customer"], w["requested_by"]), ("requested", cust, "finance"), "request")
    eq(figures(t, cust)["open_receivables_fen"], 15000, "a request moves nothing")
    for user in ("finance", "deputy", "director"):
        t.expect_error(t.post(f"/write-offs/{n}/approve", {}, user=user), 403, "forbidden")
    t.expect_error(t.post(f"/write-offs/{n}/approve", {}, user="gm", headers={"If-Match": "9"}),
                   409, "version_conflict")
    t.expect_error(t.post(f"/write-offs/{n}/approve", {"x": 1}, user="gm"), 400, "bad_request")
    w = hx(t, n, "approve", "gm", {"comment": "同意核销"})
    eq((w["state"], w["approved_by"]), ("approved", "gm"), "approved")
    got = t.ok(t.get(f"/invoices/{inv['number']}", user="finance"))
    eq((got["written_off_fen"], got["open_fen"], got["state"]), (10000, 5000, "partial"),
       "invoice written down")
    eq(figures(t, cust)["open_receivables_fen"], 5000, "open after")
    led = ledger(t, cust)
    eq((led[-1]["kind"], led[-1]["document"], led[-1]["credit_fen"], led[-1]["balance_fen"]),
       ("write_off", n, 10000, 5000), "ledger credit")
    ledger_consistent(t, cust)
    d = t.expect_error(t.post(f"/write-offs/{n}/reject", {}, user="gm"), 409, "invalid_state")
    eq(d.get("state"), "approved", "details.state")
    # The rest: the invoice ends written_off.
    w2 = t.ok(t.post("/write-offs", dict(body, amount_fen=5000), user="finance"), 201)["number"]
    hx(t, w2, "approve", "gm")
    got = t.ok(t.get(f"/invoices/{inv['number']}", user="finance"))
    eq((got["written_off_fen"], got["open_fen"], got["state"]), (15000, 0, "written_off"),
       "nothing open")
    eq(figures(t, cust)["open_receivables_fen"], 0, "no receivables")
    ledger_consistent(t, cust)
    # A credit incident per approved write-off.
    inc = t.ok(t.get(f"/customers/{cust}/credit-incidents", user="finance"))["items"]
    eq(sorted((x["kind"], x["amount_fen"], x["recorded_by"]) for x in inc),
       [("other", 5000, "gm"), ("other", 10000, "gm")], "credit incidents")
    check(all(n in x["note"] or w2 in x["note"] for x in inc), "the note names the HX")
    notes = t.ok(t.get("/notifications", user="kam_GZ"))["items"]
    check(any(x.get("document") == w2 for x in notes), "KAM told")
    items = t.ok(t.get(f"/write-offs?invoice={inv['number']}", user="finance"))["items"]
    eq(sorted(x["number"] for x in items), sorted([n, w2]), "GET /write-offs")
    t.expect_error(t.get(f"/write-offs/{n}", user="kam_BJ"), 404, "not_found")
    t.expect_error(t.post(f"/write-offs/{n}/approve", {}, user="kam_BJ"), 404, "not_found")
    eq(t.ok(t.get(f"/write-offs/{n}", user="kam_GZ"))["state"], "approved", "KAM reads it")


def test_write_off_exceeds_open_and_reject(t):
    cust = customer(t)
    inv = invoice(t, cust, qty=10)  # 10000 open
    body = {"invoice": inv["number"], "amount_fen": 10001, "reason": "坏账"}
    t.expect_error(t.post("/write-offs", body, user="finance"), 422, "validation_failed",
                   rule="writeoff_exceeds_open", field="amount_fen")
    t.expect_error(t.post("/write-offs", dict(body, invoice="NOPE"), user="finance"), 422,
                   "validation_failed", rule="unknown_invoice")
    a = t.ok(t.post("/write-offs", dict(body, amount_fen=6000), user="finance"), 201)["number"]
    # A pending write-off holds its amount.
    t.expect_error(t.post("/write-offs", dict(body, amount_fen=4001), user="finance"), 422,
                   "validation_failed", rule="writeoff_exceeds_open")
    # A payment settles the invoice meanwhile: approval re-checks.
    pay(t, cust, 8000)
    t.expect_error(t.post(f"/write-offs/{a}/approve", {}, user="gm"), 422, "validation_failed",
                   rule="writeoff_exceeds_open")
    w = hx(t, a, "reject", "gm", {"comment": "已回款"})
    eq(w["state"], "rejected", "rejected")
    got = t.ok(t.get(f"/invoices/{inv['number']}", user="finance"))
    eq((got["written_off_fen"], got["open_fen"]), (0, 2000), "a rejected write-off moves nothing")
    eq(figures(t, cust)["open_receivables_fen"], 2000, "open")
    ledger_consistent(t, cust)


def test_osb_check_clean_at_the_end(t):
    rc, out = osb_check(t)
    eq(rc, 0, f"osb check: {out}")
    check("ok:" in out, out)

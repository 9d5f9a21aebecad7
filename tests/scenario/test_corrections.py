"""Money and delivery corrections (api.md §5.5; entities.md §6.4, §7.3, §7.6; flows.md §3.2,
§4.2.7, §6): payment reversal and re-allocation, exchanges with their replacement order, and
delivery discrepancies reported after POD. `osb check` stays clean after each."""

import lib
from lib import (check, credit, customer, dispatch, eq, invoices_of, ledger, ledger_consistent,
                 osb_check, pay, product, released, ship_act)


def two_invoices(t, cust, s):
    _, s1 = released(t, cust, [(s, 10)])
    dispatch(t, s1)
    _, s2 = released(t, cust, [(s, 20)])
    dispatch(t, s2)
    return invoices_of(t, cust)


def sk(t, number, action, body=None, user="finance", status=200, **kw):
    return lib.act(t, "payments", number, action, user, body, status, **kw)


def clean(t):
    rc, out = osb_check(t)
    eq(rc, 0, f"osb check: {out}")


# ---- reversal --------------------------------------------------------------------------------

def test_reversal_undoes_allocations_and_remainder_by_a_ledger_debit(t):
    s = product(t, price=1000)
    cust = customer(t)
    i1, i2 = two_invoices(t, cust, s)
    p = pay(t, cust, 35000)  # 10000 to i1, 20000 to i2, 5000 prepayment
    eq((p["state"], p["unapplied_fen"], p["allowed_actions"]),
       ("registered", 5000, ["reallocate", "reverse"]), "registered, finance may correct it")
    eq(t.ok(t.get(f"/payments/{p['number']}", user="kam_GZ"))["allowed_actions"], [],
       "the KAM reads it and may not correct it")
    n = p["number"]
    # Who, what and when.
    t.expect_error(t.post(f"/payments/{n}/reverse", {"reason": "错户"}, user="csr_a"), 403,
                   "forbidden")
    t.expect_error(t.post(f"/payments/{n}/reverse", {}, user="finance"), 422,
                   "validation_failed", rule="reason_required")
    t.expect_error(t.post(f"/payments/{n}/reverse", {"reason": 5}, user="finance"), 400,
                   "bad_request")
    t.expect_error(t.post(f"/payments/{n}/reverse", {"reason": "x", "nope": 1}, user="finance"),
                   400, "bad_request")
    t.expect_error(t.post(f"/payments/{n}/reverse", {"reason": "x"}, user="finance",
                          headers={"If-Match": "9"}), 409, "version_conflict")
    t.expect_error(t.post(f"/payments/{n}/cancel", {}, user="finance"), 404, "not_found")
    t.expect_error(t.post("/payments/SK-NOPE/reverse", {"reason": "x"}, user="finance"), 404,
                   "not_found")
    before = ledger(t, cust)
    r = sk(t, n, "reverse", {"reason": "记错客户，冲回"}, headers={"If-Match": str(p["version"])})
    eq((r["state"], r["unapplied_fen"], r["reversal_reason"], r["reversed_by"], r["allowed_actions"]),
       ("reversed", 0, "记错客户，冲回", "finance", []), "reversed")
    eq(r["version"], p["version"] + 1, "version + 1")
    check(all(a["reversed_by"] for a in r["allocations"]), "every allocation undone")
    # invoices reopen
    for inv, amt in ((i1, 10000), (i2, 20000)):
        got = t.ok(t.get(f"/invoices/{inv['number']}", user="finance"))
        eq((got["state"], got["open_fen"], got["settled_fen"]), ("open", amt, 0), "reopened")
    # one payment_reversal debit; the receipt's credit stays
    led = ledger(t, cust)
    eq(led[:len(before)], before, "earlier entries unchanged (append-only)")
    eq([(x["kind"], x["document"], x["debit_fen"], x["credit_fen"]) for x in led[len(before):]],
       [("payment_reversal", n, 35000, 0)], "one payment_reversal debit")
    eq(led[-1]["balance_fen"], 30000, "the customer owes both invoices again")
    c = credit(t, cust)
    eq((c["open_receivables_fen"], c["prepayment_fen"]), (30000, 0), "credit figures")
    ledger_consistent(t, cust)
    # reversed is final
    t.expect_error(t.post(f"/payments/{n}/reverse", {"reason": "再次"}, user="finance"), 409,
                   "invalid_state")
    t.expect_error(t.post(f"/payments/{n}/reallocate", {"apply_to": []}, user="finance"), 409,
                   "invalid_state")
    eq([x["number"] for x in t.ok(t.get(f"/payments?customer={cust}&state=reversed",
                                        user="finance"))["items"]], [n], "state filter")
    # the audit row names the reason
    rows = t.ok(t.get(f"/audit?object_type=payment&object_key={n}", user="auditor"))["items"]
    check(any(x.get("action") == "reverse" for x in rows), f"audited: {rows}")
    clean(t)


def test_reversal_is_refused_when_a_refund_drew_on_the_receipt(t):
    cust = customer(t)
    p = pay(t, cust, 30000)
    r = t.ok(t.post("/refunds", {"customer": cust, "amount_fen": 10000, "reason": "多付退回"},
                    user="kam_GZ"), 201, "refund")
    lib.act(t, "refunds", r["number"], "approve", "deputy")
    # approved but not paid: nothing drawn yet, yet the refund still needs the money
    lib.act(t, "refunds", r["number"], "pay", "finance")
    t.expect_error(t.post(f"/payments/{p['number']}/reverse", {"reason": "错"}, user="finance"),
                   422, "validation_failed", rule="refund_drawn")
    got = t.ok(t.get(f"/payments/{p['number']}", user="finance"))
    eq((got["state"], got["unapplied_fen"]), ("registered", 20000), "nothing changed")
    ledger_consistent(t, cust)
    clean(t)


def test_reversal_of_an_earmarking_receipt_releases_the_earmark(t):
    s = product(t, price=1000)
    cust = customer(t, limit=0, prepay_only=True)
    o = lib.checked(t, cust, [(s, 10)])
    eq(o["state"], "prepay_required", "needs money")
    p = pay(t, cust, 10000)
    o = t.ok(t.get(f"/orders/{o['number']}"))
    eq(o["state"], "pending_approval", "covered, invoiced")
    inv = invoices_of(t, cust)[0]
    eq(inv["state"], "paid", "paid by the receipt")
    sk(t, p["number"], "reverse", {"reason": "银行退票"})
    inv = t.ok(t.get(f"/invoices/{inv['number']}", user="finance"))
    eq((inv["state"], inv["open_fen"]), ("open", 10000), "the prepay invoice reopens")
    c = credit(t, cust)
    eq((c["open_receivables_fen"], c["prepayment_fen"]), (10000, 0), "owed again")
    ledger_consistent(t, cust)
    clean(t)


# ---- re-allocation ---------------------------------------------------------------------------

def test_reallocate_moves_allocations_between_invoices_of_the_customer(t):
    s = product(t, price=1000)
    cust = customer(t)
    i1, i2 = two_invoices(t, cust, s)
    p = pay(t, cust, 10000)  # oldest first: all of it to i1
    eq([(a["invoice"], a["amount_fen"]) for a in p["allocations"]], [(i1["number"], 10000)],
       "oldest first")
    n = p["number"]
    other = customer(t)
    _, so = released(t, other, [(s, 5)])
    dispatch(t, so)
    foreign = invoices_of(t, other)[0]["number"]
    t.expect_error(t.post(f"/payments/{n}/reallocate", {}, user="finance"), 422,
                   "validation_failed")
    t.expect_error(t.post(f"/payments/{n}/reallocate",
                          {"apply_to": [{"invoice": foreign, "amount_fen": 1000}]},
                          user="finance"), 422, "validation_failed",
                   rule="invoice_other_customer")
    t.expect_error(t.post(f"/payments/{n}/reallocate",
                          {"apply_to": [{"invoice": i2["number"], "amount_fen": 10001}]},
                          user="finance"), 422, "validation_failed",
                   rule="allocation_exceeds_payment")
    t.expect_error(t.post(f"/payments/{n}/reallocate",
                          {"apply_to": [{"invoice": i1["number"], "amount_fen": 10001}]},
                          user="finance"), 422, "validation_failed")
    t.expect_error(t.post(f"/payments/{n}/reallocate",
                          {"apply_to": [{"invoice": i2["number"], "amount_fen": 1000}]},
                          user="kam_GZ"), 403, "forbidden")
    eq(t.ok(t.get(f"/invoices/{i1['number']}", user="finance"))["state"], "paid",
       "a refused re-allocation changed nothing")
    before = ledger(t, cust)
    r = sk(t, n, "reallocate", {"apply_to": [{"invoice": i2["number"], "amount_fen": 6000},
                                             {"invoice": i1["number"], "amount_fen": 3000}]})
    eq((r["state"], r["unapplied_fen"]), ("registered", 1000), "the rest is prepayment")
    live = sorted((a["invoice"], a["amount_fen"]) for a in r["allocations"] if not a["reversed_by"])
    eq(live, sorted([(i2["number"], 6000), (i1["number"], 3000)]), "moved")
    g1 = t.ok(t.get(f"/invoices/{i1['number']}", user="finance"))
    g2 = t.ok(t.get(f"/invoices/{i2['number']}", user="finance"))
    eq((g1["state"], g1["open_fen"]), ("partial", 7000), "i1 reopened in part")
    eq((g2["state"], g2["open_fen"]), ("partial", 14000), "i2 settled in part")
    eq(ledger(t, cust), before, "a re-allocation posts nothing: the balance is unchanged")
    ledger_consistent(t, cust)
    # and back again, in full, to the newer invoice
    r = sk(t, n, "reallocate", {"apply_to": [{"invoice": i2["number"], "amount_fen": 10000}]})
    eq(r["unapplied_fen"], 0, "all applied")
    eq(t.ok(t.get(f"/invoices/{i1['number']}", user="finance"))["open_fen"], 10000, "i1 open")
    eq(t.ok(t.get(f"/invoices/{i2['number']}", user="finance"))["open_fen"], 10000, "i2 half")
    # a re-allocated receipt can still be reversed
    r = sk(t, n, "reverse", {"reason": "重复登记"})
    eq(r["state"], "reversed", "reversed")
    eq(t.ok(t.get(f"/invoices/{i2['number']}", user="finance"))["open_fen"], 20000, "i2 open")
    ledger_consistent(t, cust)
    clean(t)


# ---- exchanges -------------------------------------------------------------------------------

def exchange_path(t, cust, order, sku, qty, batch):
    r = t.ok(t.post("/returns", {"order": order, "kind": "exchange",
                                 "lines": [{"sku": sku, "batch": batch, "qty": qty,
                                            "reason": "包装破损，换新", "reason_code": "damaged"}]},
                    user="kam_GZ"), 201, "exchange request")
    eq((r["kind"], r["state"], r["replacement_order"]), ("exchange", "requested", None),
       "an exchange, no replacement yet")
    n = r["number"]
    for action, user, body in (("confirm", "um_GZ", None), ("inspect", "service", {"genuine": True}),
                               ("approve", "mm_S", None)):
        r = lib.act(t, "returns", n, action, user, body)
    eq(r["replacement_order"], None, "still none before receipt")
    return lib.act(t, "returns", n, "receive", "warehouse")


def test_exchange_creates_the_replacement_order_at_receive_at_original_prices(t):
    s = product(t, price=2500, batch="EXB1")
    cust = customer(t)
    order, ship = released(t, cust, [(s, 20)])
    dispatch(t, ship)
    # the list price goes up after the sale: the replacement keeps the original price
    t.ok(t.patch(f"/products/{s}", {"price_fen": 3000}), 200, "price up")
    r = exchange_path(t, cust, order, s, 4, "EXB1")
    eq(r["state"], "received", "received")
    rep = r["replacement_order"]
    check(rep and "DD" in rep, f"replacement order named: {r}")
    o = t.ok(t.get(f"/orders/{rep}", user="csr_a"))
    eq((o["state"], o["customer"], o["source"]), ("submitted", cust, "exchange"),
       "submitted, the customer's, source exchange")
    eq([(l["sku"], l["qty"], l["price_fen"]) for l in o["lines"]], [(s, 4, 2500)],
       "the returned goods at the original price")
    # the return was credited as any return; the replacement goes through OP as any order
    check(r["credit_note"], "credit note made")
    o = lib.order_act(t, rep, "accept", "csr_a")
    eq([l["price_fen"] for l in o["lines"]], [2500], "accept keeps the original price")
    o = lib.order_act(t, rep, "check", "csr_a")
    eq(o["state"], "pending_approval", f"passes QC and CC: {o.get('qc')}")
    o = lib.release(t, rep)
    dispatch(t, o["shipments"][0])
    ledger_consistent(t, cust)
    # the credit note (−¥100) and the replacement's invoice (+¥100) cancel out
    eq(credit(t, cust)["open_receivables_fen"], 50000, "owes the original order only")
    clean(t)


def test_a_plain_return_has_no_replacement_and_kind_is_checked(t):
    s = product(t, price=1000, batch="EXB2")
    cust = customer(t)
    order, ship = released(t, cust, [(s, 10)])
    dispatch(t, ship)
    t.expect_error(t.post("/returns", {"order": order, "kind": "swap",
                                       "lines": [{"sku": s, "batch": "EXB2", "qty": 1,
                                                  "reason": "x"}]}, user="kam_GZ"),
                   400, "bad_request")
    r = t.ok(t.post("/returns", {"order": order, "lines": [{"sku": s, "batch": "EXB2", "qty": 1,
                                                            "reason": "x"}]}, user="kam_GZ"),
             201, "return")
    eq((r["kind"], r["replacement_order"]), ("return", None), "a return by default")


# ---- delivery discrepancies after POD ---------------------------------------------------------

def delivered(t, cust, lines):
    order, ship = released(t, cust, lines)
    dispatch(t, ship)
    s = ship_act(t, ship, "deliver", {"signed_by": "收货人"})
    eq(s["state"], "delivered", "POD")
    return order, ship


def accuracy(t, day):
    k = t.ok(t.get(f"/kpis?from={day}&to={day}", user="ssg_leader"))["shipment_accuracy"]
    return k["num"], k["den"]


def test_report_discrepancy_lists_it_and_counts_against_accuracy(t):
    lib.set_clock(t, "2026-12-03", "10:00")
    s1 = product(t, price=1000, batch="DSB1")
    s2 = product(t, price=500, batch="DSB2")
    cust = customer(t)
    day = lib.today(t)
    n0, d0 = accuracy(t, day)
    order, ship = delivered(t, cust, [(s1, 10), (s2, 6)])
    eq(accuracy(t, day), (n0 + 2, d0 + 2), "two accurate lines")
    sh = t.ok(t.get(f"/shipments/{ship}", user="csr_a"))
    eq((sh["discrepancies"], sh["allowed_actions"]), ([], ["report-discrepancy"]),
       "none yet; the CSR may report")
    path = f"/shipments/{ship}/report-discrepancy"
    # who and what
    t.expect_error(t.post(path, {"lines": [{"sku": s1, "qty": 1, "kind": "short"}]},
                          user="finance"), 403, "forbidden")
    t.expect_error(t.post(path, {"lines": [{"sku": s1, "qty": 1, "kind": "short"}]},
                          user="kam_BJ"), 404, "not_found")
    t.expect_error(t.post(path, {"lines": [{"sku": s1, "qty": 1, "kind": "lost"}]},
                          user="csr_a"), 422, "validation_failed")
    t.expect_error(t.post(path, {"lines": [{"sku": s1, "qty": 11, "kind": "short"}]},
                          user="csr_a"), 422, "validation_failed", rule="exceeds_shipped")
    t.expect_error(t.post(path, {"lines": [{"sku": "NOPE-1", "qty": 1, "kind": "excess"}]},
                          user="csr_a"), 422, "validation_failed", rule="unknown_sku")
    t.expect_error(t.post(path, {"lines": [{"sku": s1, "qty": 0, "kind": "damaged"}]},
                          user="csr_a"), 422, "validation_failed")
    t.expect_error(t.post(path, {"lines": [{"sku": s1, "qty": 1}]}, user="csr_a"), 400,
                   "bad_request")
    t.expect_error(t.post(path, {"lines": []}, user="csr_a"), 422, "validation_failed")
    t.expect_error(t.post(path, {"lines": [{"sku": s1, "qty": 1, "kind": "short"}], "x": 1},
                          user="csr_a"), 400, "bad_request")
    # two days after POD, by the KAM: one damaged unit of the first line
    lib.set_clock(t, "2026-12-05", "10:00")
    sh = t.ok(t.post(path, {"lines": [{"sku": s1, "qty": 1, "kind": "damaged"}],
                            "note": "客户反馈一箱破损"}, user="kam_GZ"), 200, "reported")
    eq(sh["state"], "delivered", "the state stays")
    d = sh["discrepancies"]
    eq([(x["sku"], x["qty"], x["kind"], x["counts"], x["reported_by"], x["note"]) for x in d],
       [(s1, 1, "damaged", True, "kam_GZ", "客户反馈一箱破损")], "listed under discrepancies")
    check(any(x["action"] == "report-discrepancy" for x in sh["timeline"]), "timeline")
    eq(accuracy(t, day), (n0 + 1, d0 + 2), "the first line is no longer accurate")
    its = [x for x in t.ok(t.get(f"/kpis/shipment_accuracy/items?from={day}&to={day}",
                                 user="ssg_leader"))["items"] if x["document"] == ship]
    eq(sorted((x["line_no"], x["in_numerator"]) for x in its), [(1, False), (2, True)],
       "drill-down names the line")
    # the warehouse reports too; an excess of another SKU counts against the first line
    sh = t.ok(t.post(path, {"lines": [{"sku": s2, "qty": 2, "kind": "excess"}]},
                     user="warehouse"), 200, "excess")
    eq(len(sh["discrepancies"]), 2, "two reports")
    eq(accuracy(t, day), (n0 + 0, d0 + 2), "both lines now count as missed")
    # more than 7 days after POD: recorded, not counted
    lib.set_clock(t, "2026-12-12", "10:00")
    sh = t.ok(t.post(path, {"lines": [{"sku": s2, "qty": 1, "kind": "wrong_item"}]},
                     user="csr_a"), 200, "late report")
    eq(sh["discrepancies"][-1]["counts"], False, "late: recorded, not counted")
    # a wrong item may name what came instead (a SKU the shipment did not carry)
    other = product(t, price=100, batch="DSB9")
    t.expect_error(t.post(path, {"lines": [{"sku": other, "qty": 1, "kind": "short"}]},
                          user="csr_a"), 422, "validation_failed", rule="not_shipped")
    sh = t.ok(t.post(path, {"lines": [{"sku": other, "qty": 1, "kind": "wrong_item"}]},
                     user="csr_a"), 200, "wrong item of another SKU")
    eq(sh["discrepancies"][-1]["line_no"], 1, "counted against the first line")
    clean(t)


def test_a_shortage_may_open_a_backorder_and_credits_the_missing_units(t):
    lib.set_clock(t, "2026-12-03", "10:00")
    s = product(t, price=1000, batch="DSB3")
    cust = customer(t)
    order, ship = delivered(t, cust, [(s, 10)])
    inv = invoices_of(t, cust)[0]
    eq(inv["amount_fen"], 10000, "invoiced for 10")
    t.expect_error(t.post(f"/shipments/{ship}/report-discrepancy",
                          {"lines": [{"sku": s, "qty": 1, "kind": "damaged",
                                      "resolution": "backorder"}]}, user="csr_a"),
                   422, "validation_failed", rule="resolution_not_allowed")
    sh = t.ok(t.post(f"/shipments/{ship}/report-discrepancy",
                     {"lines": [{"sku": s, "qty": 3, "kind": "short", "resolution": "backorder"}],
                      "note": "少到3个"}, user="csr_a"), 200, "short with backorder")
    bo = sh["discrepancies"][0]["backorder"]
    check(bo and "QH" in bo, f"backorder opened: {sh['discrepancies']}")
    b = t.ok(t.get(f"/backorders/{bo}", user="csr_a"))
    eq((b["order"], b["sku"], b["qty_open"], b["state"]), (order, s, 3, "open"), "the backorder")
    inv = t.ok(t.get(f"/invoices/{inv['number']}", user="finance"))
    eq((inv["credited_fen"], inv["open_fen"]), (3000, 7000), "the missing units credited")
    ledger_consistent(t, cust)
    clean(t)

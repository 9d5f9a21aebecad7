"""Issue #17's two defects that reached the books, each pinned by a test that failed before the
fix:
  (a) a payment made from an invoice settles that invoice (POST /payments with apply_to; the
      billing page now sends it — tests/e2e/corrections.test.mjs drives the page itself);
  (b) a repeated re-check of a paid prepay-only order leaves its invoice alone (no credit note,
      no second invoice)."""

from lib import (check, checked, credit, customer, dispatch, eq, invoices_of, ledger,
                 ledger_consistent, order_act, osb_check, pay, product, released)


def test_payment_with_apply_to_settles_the_named_newer_invoice(t):
    s = product(t, price=1000)
    cust = customer(t, term=30)
    _, s1 = released(t, cust, [(s, 10)])
    dispatch(t, s1)
    _, s2 = released(t, cust, [(s, 20)])
    dispatch(t, s2)
    old, new = invoices_of(t, cust)
    # Paying from the newer invoice: the whole receipt goes to it, the older stays open.
    p = pay(t, cust, 20000, apply_to=[{"invoice": new["number"], "amount_fen": 20000}])
    eq([(a["invoice"], a["amount_fen"]) for a in p["allocations"]], [(new["number"], 20000)],
       "allocated to the invoice it was paid from")
    eq(t.ok(t.get(f"/invoices/{new['number']}", user="finance"))["state"], "paid", "newer paid")
    eq(t.ok(t.get(f"/invoices/{old['number']}", user="finance"))["open_fen"], 10000,
       "older untouched")
    # A split: part to the older, the rest (beyond the lines) oldest first, then prepayment.
    cust2 = customer(t, term=30)
    _, a1 = released(t, cust2, [(s, 10)])
    dispatch(t, a1)
    _, a2 = released(t, cust2, [(s, 20)])
    dispatch(t, a2)
    i1, i2 = invoices_of(t, cust2)
    p = pay(t, cust2, 25000, apply_to=[{"invoice": i2["number"], "amount_fen": 15000},
                                       {"invoice": i1["number"], "amount_fen": 4000}])
    eq(sum(a["amount_fen"] for a in p["allocations"] if a["invoice"] == i1["number"]), 10000,
       "the rest went to the older invoice, oldest first, after the explicit lines")
    eq(sum(a["amount_fen"] for a in p["allocations"] if a["invoice"] == i2["number"]), 15000,
       "explicit line kept")
    eq(p["unapplied_fen"], 0, "nothing left")
    ledger_consistent(t, cust)
    ledger_consistent(t, cust2)


def test_repeated_recheck_of_a_paid_prepay_order_keeps_its_invoice(t):
    s = product(t, price=1000)
    cust = customer(t, limit=0, prepay_only=True)
    pay(t, cust, 18240)
    # ¥182.40 covered: CC row 1, invoiced at once and settled from the prepayment.
    o = checked(t, cust, [(s, 18)])
    eq((o["state"], o["credit_check"]["result"]), ("pending_approval", "prepaid"), "row 1")
    invs = invoices_of(t, cust)
    eq([(i["amount_fen"], i["state"]) for i in invs], [(18000, "paid")], "invoiced once")
    before = ledger(t, cust)
    for _ in range(2):
        o = order_act(t, o["number"], "recheck", "csr_a")
        eq((o["state"], o["credit_check"]["result"]), ("pending_approval", "prepaid"),
           "still prepaid after a re-check")
    invs = invoices_of(t, cust)
    eq([(i["number"], i["amount_fen"], i["state"], i["credited_fen"]) for i in invs],
       [(invs[0]["number"], 18000, "paid", 0)], "the same invoice, not cancelled, no second one")
    eq(ledger(t, cust), before, "no credit note, no new invoice: the statement is unchanged")
    c = credit(t, cust)
    eq((c["open_receivables_fen"], c["prepayment_fen"], c["open_orders_fen"]), (0, 240, 0),
       "money as before")
    # Still ships on that one invoice.
    o = order_act(t, o["number"], "approve", "deputy")
    o = order_act(t, o["number"], "print-delivery-note", "finance")
    o = order_act(t, o["number"], "release", "csr_a")
    dispatch(t, o["shipments"][0])
    eq(len(invoices_of(t, cust)), 1, "no invoice at dispatch either")
    ledger_consistent(t, cust)
    rc, out = osb_check(t)
    eq(rc, 0, f"osb check: {out}")


def test_recheck_of_a_prepay_order_whose_lines_changed_reinvoices(t):
    """The invoice is kept only while it still matches: a quota cut at the re-check changes the
    total, so the old invoice is credited back and the new total invoiced."""
    s = product(t, price=1000)
    cust = customer(t, limit=0, prepay_only=True)
    pay(t, cust, 20000)
    o = checked(t, cust, [(s, 10)])
    eq(o["state"], "pending_approval", "row 1")
    t.ok(t.post("/quotas", {"period": t.ok(t.get("/test/clock"))["now"][:7], "sku": s,
                            "customer": cust, "qty": 6}), 201, "quota")
    o = order_act(t, o["number"], "recheck", "csr_a")
    eq(o["lines"][0]["qty_cut"], 4, "cut at the re-check")
    invs = invoices_of(t, cust)
    eq(sorted((i["amount_fen"], i["state"]) for i in invs), [(6000, "paid"), (10000, "cancelled")],
       "old credited back, new total invoiced")
    check(credit(t, cust)["prepayment_fen"] == 14000, "the rest is prepayment again")
    ledger_consistent(t, cust)

"""BC — billing and collection (api.md §3.5, flows.md §4, §2.5 CC rows that need money)."""

import os
import shutil
import sqlite3

import lib
from lib import (add_days, check, checked, credit, customer, dispatch, eq, invoices_of, ledger,
                 ledger_consistent, order_act, osb_check, pay, product, release, released, set_clock,
                 today)


def sku(t):
    """The test's product (made on first use, one per test): ¥10.00 a unit, case size 1,
    tax 13 %."""
    if "sku" not in t.case:
        t.case["sku"] = product(t, price=1000)
    return t.case["sku"]


def invoiced(t, cust, qty=12):
    """One order of the customer released and dispatched; returns its invoice."""
    _, ship = released(t, cust, [(sku(t), qty)])
    dispatch(t, ship)
    return invoices_of(t, cust)[0]


def test_dispatch_invoices_a_credit_customer(t):
    s = sku(t)
    cust = customer(t, term=30)
    n, ship = released(t, cust, [(s, 12)])
    before = credit(t, cust)
    eq(before["open_orders_fen"], 12000, "open order before dispatch")
    dispatch(t, ship)
    invs = invoices_of(t, cust)
    eq(len(invs), 1, "one invoice per dispatch")
    inv = invs[0]
    check("FP" in inv["number"], "FP number")
    eq((inv["order"], inv["shipment"], inv["amount_fen"], inv["open_fen"], inv["state"]),
       (n, ship, 12000, 12000, "open"), "invoice")
    eq(inv["invoice_date"], today(t), "invoice date = dispatch date")
    eq(inv["due_date"], add_days(today(t), 30), "due = + payment term")
    # tax = round_half_up(12000 × 1300 / 11300) = 1380.53 → 1381
    eq(inv["tax_fen"], 1381, "VAT contained")
    eq(inv["lines"][0]["qty"], 12, "shipped qty")
    got = t.ok(t.get(f"/invoices/{inv['number']}", user="kam_GZ"))
    eq(got["number"], inv["number"], "GET /invoices/{number}")
    after = credit(t, cust)
    eq((after["open_orders_fen"], after["open_receivables_fen"]), (0, 12000),
       "open order value moved to receivables")
    led = ledger(t, cust)
    eq([(x["kind"], x["document"], x["debit_fen"], x["balance_fen"]) for x in led],
       [("invoice", inv["number"], 12000, 12000)], "ledger debit")
    t.expect_error(t.get(f"/invoices/{inv['number']}", user="kam_BJ"), 404, "not_found")
    t.expect_error(t.get(f"/invoices/{inv['number']}", user="warehouse"), 403, "forbidden")
    t.expect_error(t.get("/invoices?state=nope", user="finance"), 400, "bad_request")


def two_invoices(t, cust):
    s = sku(t)
    _, s1 = released(t, cust, [(s, 10)])
    dispatch(t, s1)
    _, s2 = released(t, cust, [(s, 20)])
    dispatch(t, s2)
    invs = invoices_of(t, cust)
    eq([i["amount_fen"] for i in invs], [10000, 20000], "two invoices")
    return invs


def test_payment_applies_oldest_first_and_rest_becomes_prepayment(t):
    cust = customer(t)
    a, b = two_invoices(t, cust)
    p = pay(t, cust, 15000)
    check("SK" in p["number"], "SK number")
    eq([(x["invoice"], x["amount_fen"]) for x in p["allocations"]],
       [(a["number"], 10000), (b["number"], 5000)], "oldest first")
    eq(p["unapplied_fen"], 0, "all applied")
    a2 = t.ok(t.get(f"/invoices/{a['number']}", user="finance"))
    b2 = t.ok(t.get(f"/invoices/{b['number']}", user="finance"))
    eq((a2["state"], a2["open_fen"]), ("paid", 0), "first paid")
    eq((b2["state"], b2["open_fen"]), ("partial", 15000), "second partial")
    p = pay(t, cust, 20000)
    eq(p["unapplied_fen"], 5000, "over-payment stays as prepayment")
    c = credit(t, cust)
    eq((c["open_receivables_fen"], c["prepayment_fen"]), (0, 5000), "prepayment 预收")
    eq(ledger_consistent(t, cust), -5000, "credit balance")


def test_explicit_allocation_first(t):
    cust = customer(t)
    a, b = two_invoices(t, cust)
    p = pay(t, cust, 25000, apply_to=[{"invoice": b["number"], "amount_fen": 20000}])
    eq([(x["invoice"], x["amount_fen"]) for x in p["allocations"]],
       [(b["number"], 20000), (a["number"], 5000)], "explicit, then oldest first")
    eq(t.ok(t.get(f"/invoices/{a['number']}", user="finance"))["open_fen"], 5000, "rest open")
    ledger_consistent(t, cust)


def test_payment_errors_change_nothing(t):
    cust = customer(t)
    a, b = two_invoices(t, cust)
    other_inv = invoiced(t, customer(t, term=30))["number"]
    before = t.sql("SELECT count(*) FROM payments")[0][0]

    def bad(rule, status=422, **kw):
        body = {"customer": cust, "amount_fen": 1000, "method": "bank_transfer",
                "reference": t.uniq("R"), "received_on": today(t)}
        body.update(kw)
        return t.expect_error(t.post("/payments", body, user="finance"), status,
                              "validation_failed" if status == 422 else "bad_request", rule=rule)

    bad("unknown_invoice", apply_to=[{"invoice": "SC20990101FP9999", "amount_fen": 10}])
    bad("invoice_other_customer", apply_to=[{"invoice": other_inv, "amount_fen": 10}])
    bad("allocation_exceeds_invoice", amount_fen=50000,
        apply_to=[{"invoice": a["number"], "amount_fen": 10001}])
    bad("allocation_exceeds_payment", apply_to=[{"invoice": b["number"], "amount_fen": 1001}])
    bad("received_in_future", received_on=add_days(today(t), 1))
    bad("amount_not_positive", amount_fen=0)
    bad("unknown_reference", customer="NOPE")
    t.expect_error(t.post("/payments", {"customer": cust, "amount_fen": 1.5, "method": "cash",
                                        "reference": "x", "received_on": today(t)},
                          user="finance"), 400, "bad_request")
    t.expect_error(t.post("/payments", {"customer": cust, "amount_fen": 100, "method": "cash",
                                        "reference": "x", "received_on": today(t)},
                          user="kam_GZ"), 403, "forbidden")
    eq(t.sql("SELECT count(*) FROM payments")[0][0], before, "nothing registered")
    ref = t.uniq("DUP")
    pay(t, cust, 100, reference=ref)
    t.expect_error(t.post("/payments", {"customer": cust, "amount_fen": 100, "method": "cash",
                                        "reference": ref, "received_on": today(t)},
                          user="finance"), 409, "duplicate")
    pay(t, cust, 101, reference=ref)  # another amount is another receipt
    ledger_consistent(t, cust)


def test_expense_credit_is_kept_apart_from_cash(t):
    cust = customer(t)
    s = sku(t)
    _, sh = released(t, cust, [(s, 10)])
    dispatch(t, sh)
    p = pay(t, cust, 3000, kind="expense", method="offset")
    eq(p["kind"], "expense", "kind")
    pay(t, cust, 2000)
    led = ledger(t, cust)
    eq([x["kind"] for x in led], ["invoice", "expense_credit", "payment"], "ledger kinds")
    kinds = {x["number"]: x["kind"] for x in
             t.ok(t.get(f"/payments?customer={cust}&kind=expense", user="finance"))["items"]}
    eq(list(kinds.values()), ["expense"], "filter by kind")
    st = t.ok(t.get(f"/customers/{cust}/statement?from={today(t)}&to={today(t)}",
                    user="finance"))
    eq((st["cash_fen"], st["expense_fen"]), (2000, 3000), "cash and expense apart")
    eq(st["closing_fen"], 5000, "closing")


def test_prepay_only_order_released_by_a_payment(t):
    s = sku(t)
    cust = customer(t, limit=0, prepay_only=True)
    o = checked(t, cust, [(s, 50)])
    eq(o["state"], "prepay_required", "CC row 2")
    eq(o["credit_check"]["shortfall_fen"], 50000, "shortfall")
    eq(invoices_of(t, cust), [], "no invoice before the money")
    pay(t, cust, 30000)
    eq(t.ok(t.get(f"/orders/{o['number']}"))["state"], "prepay_required", "still short")
    pay(t, cust, 20000)
    o2 = t.ok(t.get(f"/orders/{o['number']}"))
    eq(o2["state"], "pending_approval", "re-check on money moved it (rule 5-7)")
    eq(o2["credit_check"]["result"], "prepaid", "prepaid")
    check(any(x["action"] == "recheck-on-money" for x in o2["timeline"]), "timeline")
    invs = invoices_of(t, cust)
    eq([(i["amount_fen"], i["state"], i["shipment"]) for i in invs], [(50000, "paid", None)],
       "invoiced on payment, settled from the earmark")
    o3 = release(t, o["number"])
    dispatch(t, o3["shipments"][0])
    eq(len(invoices_of(t, cust)), 1, "no second invoice at dispatch")
    c = credit(t, cust)
    eq((c["open_receivables_fen"], c["prepayment_fen"], c["open_orders_fen"]), (0, 0, 0),
       "all settled")
    ledger_consistent(t, cust)


def test_cc_row_1_prepaid_at_check_invoices_at_once(t):
    s = sku(t)
    cust = customer(t, limit=0, prepay_only=True)
    pay(t, cust, 60000)
    o = checked(t, cust, [(s, 40)])
    eq((o["state"], o["credit_check"]["result"], o["credit_check"]["row"]),
       ("pending_approval", "prepaid", 1), "row 1")
    invs = invoices_of(t, cust)
    eq([(i["amount_fen"], i["state"]) for i in invs], [(40000, "paid")], "invoice at check")
    eq(credit(t, cust)["prepayment_fen"], 20000, "the rest stays free")
    # rejected: the invoice is credited back in full and the money is prepayment again
    o = order_act(t, o["number"], "reject", "deputy", {"comment": "客户取消"})
    eq(o["state"], "rejected", "rejected")
    inv = t.ok(t.get(f"/invoices/{invs[0]['number']}", user="finance"))
    eq((inv["state"], inv["credited_fen"], len(inv["credit_notes"])), ("cancelled", 40000, 1),
       "credited back")
    eq(inv["credit_notes"][0]["reason"], "order_cancel", "HZ reason")
    c = credit(t, cust)
    eq((c["prepayment_fen"], c["open_receivables_fen"]), (60000, 0), "money back to 预收")
    ledger_consistent(t, cust)


def test_slt_direct_approval_of_a_shortfall_invoices_prepay_order(t):
    s = sku(t)
    cust = customer(t, limit=0, prepay_only=True)
    pay(t, cust, 10000)
    o = checked(t, cust, [(s, 30)])
    eq((o["state"], o["credit_check"]["shortfall_fen"]), ("prepay_required", 20000), "short")
    o = order_act(t, o["number"], "approve", "deputy")
    eq(o["state"], "approved", "direct approval")
    invs = invoices_of(t, cust)
    eq([(i["amount_fen"], i["open_fen"], i["state"]) for i in invs], [(30000, 20000, "partial")],
       "invoice at approval, open for the shortfall")
    # return-for-fix is not possible from approved; cancel by the SSG leader credits back
    o = order_act(t, o["number"], "cancel", "ssg_leader")
    inv = t.ok(t.get(f"/invoices/{invs[0]['number']}", user="finance"))
    eq(inv["state"], "cancelled", "credited back")
    c = credit(t, cust)
    eq((c["prepayment_fen"], c["open_receivables_fen"]), (10000, 0), "money back")
    ledger_consistent(t, cust)


def test_cc_row_5_over_20_percent_covered_by_free_prepayment(t):
    s = sku(t)
    cust = customer(t, limit=100000)
    a = checked(t, cust, [(s, 100)])
    eq((a["state"], a["credit_check"]["result"]), ("pending_approval", "pass"), "first order")
    t.ok(t.patch(f"/customers/{cust}", {"credit_limit_fen": 50000}), 200, "lower the limit")
    pay(t, cust, 30000)
    b = checked(t, cust, [(s, 30)])
    cc = b["credit_check"]
    eq((b["state"], cc["result"], cc["row"]), ("pending_approval", "prepaid", 5), "row 5")
    check("over_20" in cc["reasons"], f"over 20 %: {cc}")
    eq(cc["shortfall_fen"], 0, "covered")
    eq(b["earmark_fen"], 30000, "earmarked")
    # the earmark is consumed by the invoice and applied to it at once
    o = release(t, b["number"])
    dispatch(t, o["shipments"][0])
    inv = invoices_of(t, cust, order=b["number"])[0]
    eq((inv["amount_fen"], inv["state"]), (30000, "paid"), "earmark applied")
    e = t.sql("SELECT consumed_by FROM earmarks WHERE order_no = ? AND consumed_by IS NOT NULL",
              (b["number"],))
    eq(e, [(inv["number"],)], "consumed_by the invoice")
    ledger_consistent(t, cust)


def test_one_fen_overdue_needs_prepayment_and_for_order_covers_it(t):
    s = sku(t)
    cust = customer(t, limit=100000000, term=10)
    _, sh = released(t, cust, [(s, 10)])
    dispatch(t, sh)
    inv = invoices_of(t, cust)[0]
    pay(t, cust, 9999, apply_to=[{"invoice": inv["number"], "amount_fen": 9999}])
    eq(t.ok(t.get(f"/invoices/{inv['number']}", user="finance"))["open_fen"], 1, "1 fen open")
    set_clock(t, inv["due_date"])
    o = checked(t, cust, [(s, 5)])
    eq(o["state"], "pending_approval", "due today is not overdue")
    order_act(t, o["number"], "cancel", "ssg_leader")
    set_clock(t, add_days(inv["due_date"], 1))
    o = checked(t, cust, [(s, 5)])
    cc = o["credit_check"]
    eq((o["state"], cc["result"], cc["overdue_fen"]), ("prepay_required", "prepay_required", 1),
       "exactly 1 fen overdue")
    check("overdue" in cc["reasons"], f"reason overdue: {cc['reasons']}")
    c = credit(t, cust)
    eq((c["overdue_fen"], c["oldest_overdue_days"]), (1, 1), "credit object")
    # CC row 5: money earmarked for the order (for_order) covers it; the re-check moves it
    p = pay(t, cust, 5000, for_order=o["number"])
    eq(p["earmarked_fen"], 5000, "earmarked for the order")
    o2 = t.ok(t.get(f"/orders/{o['number']}"))
    eq((o2["state"], o2["credit_check"]["result"], o2["credit_check"]["row"]),
       ("pending_approval", "prepaid", 5), "row 5 after the money")
    eq(t.ok(t.get(f"/invoices/{inv['number']}", user="finance"))["open_fen"], 1,
       "an earmarked receipt does not pay the old invoice")
    ledger_consistent(t, cust)


def test_aging_buckets_move_with_the_clock(t):
    s = sku(t)
    cust = customer(t, term=0)
    _, sh = released(t, cust, [(s, 7)])
    dispatch(t, sh)
    due = invoices_of(t, cust)[0]["due_date"]

    def row(as_of=None):
        q = "/receivables/aging?market=S&region=GZ" + (f"&as_of={as_of}" if as_of else "")
        items = t.ok(t.get(q, user="finance"))["items"]
        r = [i for i in items if i["customer"] == cust]
        eq(len(r), 1, "one row for the customer")
        return {k: v for k, v in r[0].items() if k != "customer"}

    def only(bucket):
        d = {k: 0 for k in ("current_fen", "d1_30_fen", "d31_60_fen", "d61_90_fen",
                            "d90_plus_fen")}
        d[bucket] = 7000
        d["total_fen"] = 7000
        return d

    eq(row(), only("current_fen"), "due today is current")
    for days, bucket in ((1, "d1_30_fen"), (30, "d1_30_fen"), (31, "d31_60_fen"),
                         (60, "d31_60_fen"), (61, "d61_90_fen"), (90, "d61_90_fen"),
                         (91, "d90_plus_fen")):
        eq(row(add_days(due, days)), only(bucket), f"{days} days overdue")
    set_clock(t, add_days(due, 45))
    eq(row(), only("d31_60_fen"), "default as_of follows the test clock")
    items = t.ok(t.get("/receivables/aging?market=NE", user="finance"))["items"]
    check(all(i["customer"] != cust for i in items), "market filter")
    mine = t.ok(t.get("/receivables/aging", user="kam_GZ"))["items"]
    check(any(i["customer"] == cust for i in mine), "KAM sees own customers")
    other = t.ok(t.get("/receivables/aging", user="kam_BJ"))["items"]
    check(all(i["customer"] != cust for i in other), "scope-filtered")
    t.expect_error(t.get("/receivables/aging", user="warehouse"), 403, "forbidden")
    t.expect_error(t.get("/receivables/aging?as_of=2026-13-01", user="finance"), 400,
                   "bad_request")


def test_statement_json_pdf_and_xlsx(t):
    import io
    import os
    import re
    import subprocess
    import zipfile
    s = sku(t)
    name = "深圳市鹏城对账测试有限公司"
    cust = customer(t, name=name)
    d0 = today(t)
    _, sh = released(t, cust, [(s, 10)])
    dispatch(t, sh)
    set_clock(t, add_days(d0, 3))
    pay(t, cust, 4000)
    set_clock(t, add_days(d0, 6))
    pay(t, cust, 1000)
    st = t.ok(t.get(f"/customers/{cust}/statement?from={add_days(d0, 1)}&to={add_days(d0, 4)}",
                    user="finance"))
    eq((st["customer"], st["from"], st["to"]), (cust, add_days(d0, 1), add_days(d0, 4)), "head")
    eq(st["opening_fen"], 10000, "opening = the invoice before the period")
    eq([(x["kind"], x["credit_fen"], x["balance_fen"]) for x in st["items"]],
       [("payment", 4000, 6000)], "entries in the period")
    eq(st["closing_fen"], 6000, "closing")
    full = t.ok(t.get(f"/customers/{cust}/statement?from={d0}&to={add_days(d0, 6)}",
                      user="kam_GZ"))
    eq((full["opening_fen"], full["closing_fen"], len(full["items"])), (0, 5000, 3), "whole")
    r = t.get(f"/customers/{cust}/statement?from={d0}&to={add_days(d0, 6)}&format=pdf",
              user="finance")
    eq(r.status, 200, "pdf")
    check(r.raw.startswith(b"%PDF"), "a PDF")
    path = os.path.join(t.workdir, "statement.pdf")
    with open(path, "wb") as f:
        f.write(r.raw)
    txt = subprocess.run(["pdftotext", "-layout", path, "-"], capture_output=True).stdout
    txt = txt.decode("utf-8", errors="replace")
    check(name in txt, f"pdftotext finds the customer's Chinese name: {txt[:300]!r}")
    check("对账单" in txt, "title")
    r = t.get(f"/customers/{cust}/statement?from={d0}&to={add_days(d0, 6)}&format=xlsx",
              user="finance")
    eq(r.status, 200, "xlsx")
    z = zipfile.ZipFile(io.BytesIO(r.raw))
    shared = z.read("xl/sharedStrings.xml").decode("utf-8")
    check(name in shared, "the workbook names the customer")
    sheet = z.read("xl/worksheets/sheet1.xml").decode("utf-8")
    nums = [float(v) for v in re.findall(r"<v>([0-9.\-]+)</v>", sheet)]
    check(50.0 in nums and 100.0 in nums, f"closing ¥50 and the invoice ¥100 in the sheet: {nums}")
    t.expect_error(t.get(f"/customers/{cust}/statement?format=doc", user="finance"), 400,
                   "bad_request")
    t.expect_error(t.get(f"/customers/{cust}/statement", user="kam_BJ"), 404, "not_found")
    t.expect_error(t.get(f"/customers/{cust}/ledger", user="service"), 403,
                   "forbidden")


def test_statement_account_month_cut_off(t):
    cust = customer(t)
    d = today(t)
    y, m = int(d[:4]), int(d[5:7])
    st = t.ok(t.get(f"/customers/{cust}/statement?basis=account_month&month={y:04d}-{m:02d}",
                    user="finance"))
    py, pm = (y, m - 1) if m > 1 else (y - 1, 12)
    eq((st["from"], st["to"]), (f"{py:04d}-{pm:02d}-26", f"{y:04d}-{m:02d}-25"),
       "account month 26th..25th")
    st = t.ok(t.get(f"/customers/{cust}/statement?basis=account_month&from={y:04d}-{m:02d}-26"
                    f"&to={y:04d}-{m:02d}-26", user="finance"))
    ny, nm = (y, m + 1) if m < 12 else (y + 1, 1)
    eq((st["from"], st["to"]), (f"{y:04d}-{m:02d}-26", f"{ny:04d}-{nm:02d}-25"),
       "the 26th opens the next account month")


def test_osb_check_holds_and_catches_a_hand_edited_ledger(t):
    cust = customer(t)  # a ledger with a credit row of this test's own
    pay(t, cust, invoiced(t, cust)["amount_fen"])
    rc, out = osb_check(t)
    eq(rc, 0, f"osb check clean: {out}")
    check("ledger" in out, f"check names the ledger: {out}")
    row = t.sql("SELECT id, credit_fen FROM ledger WHERE credit_fen > 0"
                " ORDER BY id DESC LIMIT 1")[0]
    lib.sql_exec(t, "UPDATE ledger SET credit_fen = credit_fen + 1 WHERE id = ?", (row[0],))
    try:
        rc, out = osb_check(t)
        eq(rc, 1, f"a hand-edited ledger row fails the check: {out}")
        check("ledger" in out, out)
    finally:
        lib.sql_exec(t, "UPDATE ledger SET credit_fen = ? WHERE id = ?", (row[1], row[0]))
    eq(osb_check(t)[0], 0, "clean again")


def test_backorder_cancel_credits_a_prepay_order_and_frees_a_credit_earmark(t):
    s = sku(t)
    # prepay-only: invoiced for 10 units on payment, 6 shipped, 4 cancelled → HZ for 4
    cust = customer(t, limit=0, prepay_only=True)
    pay(t, cust, 10000)
    o = checked(t, cust, [(s, 10)])
    o = release(t, o["number"])
    sh = dispatch(t, o["shipments"][0], {"lines": [{"sku": s, "batch": "BLB1", "qty": 6}]})
    bo = sh["backorders"][0]["number"]
    t.ok(t.post(f"/backorders/{bo}/cancel", {"reason": "客户不再需要"}, user="ssg_leader"))
    inv = invoices_of(t, cust)[0]
    eq((inv["amount_fen"], inv["credited_fen"]), (10000, 0), "the paid invoice keeps its credit")
    eq([(c["reason"], c["amount_fen"]) for c in inv["credit_notes"]],
       [("backorder_cancel", 4000)], "HZ for the cancelled quantity")
    eq(credit(t, cust)["prepayment_fen"], 4000, "money back to prepayment")
    ledger_consistent(t, cust)
    # credit hold (not prepay-only): earmarked at CC, invoiced per dispatch; the earmark is
    # split by the partial invoice and its rest is released with the backorder
    cust = customer(t, limit=0)
    t.ok(t.patch(f"/customers/{cust}", {"credit_hold": True}), 200, "credit hold")
    pay(t, cust, 10000)
    o = checked(t, cust, [(s, 10)])
    eq((o["credit_check"]["row"], o["earmark_fen"]), (1, 10000), "row 1 earmarks the total")
    eq(invoices_of(t, cust), [], "a credit customer is invoiced at dispatch")
    o = release(t, o["number"])
    sh = dispatch(t, o["shipments"][0], {"lines": [{"sku": s, "batch": "BLB1", "qty": 6}]})
    inv = invoices_of(t, cust)[0]
    eq((inv["amount_fen"], inv["state"]), (6000, "paid"), "invoice for what shipped, paid")
    active = t.sql("SELECT sum(amount_fen) FROM earmarks WHERE order_no = ? AND released_at"
                   " IS NULL AND consumed_by IS NULL", (o["number"],))[0][0]
    eq(active, 4000, "the earmark's rest stays for the backorder")
    bo = sh["backorders"][0]["number"]
    t.ok(t.post(f"/backorders/{bo}/cancel", {"reason": "缺货取消"}, user="ssg_leader"))
    active = t.sql("SELECT coalesce(sum(amount_fen), 0) FROM earmarks WHERE order_no = ?"
                   " AND released_at IS NULL AND consumed_by IS NULL", (o["number"],))[0][0]
    eq(active, 0, "released with the backorder")
    c = credit(t, cust)
    eq((c["prepayment_fen"], c["open_orders_fen"]), (4000, 0), "free again")
    ledger_consistent(t, cust)


def test_return_for_fix_credits_back_and_the_next_check_invoices_again(t):
    s = sku(t)
    cust = customer(t, limit=0, prepay_only=True)
    p = pay(t, cust, 20000)
    got = t.ok(t.get(f"/payments/{p['number']}", user="kam_GZ"))
    eq((got["number"], got["amount_fen"], got["kind"], got["method_class"]),
       (p["number"], 20000, "payment", "bank_transfer"), "GET /payments/{number}")
    t.expect_error(t.get(f"/payments/{p['number']}", user="kam_BJ"), 404, "not_found")
    o = checked(t, cust, [(s, 20)])
    first = invoices_of(t, cust)
    eq([(i["amount_fen"], i["state"]) for i in first], [(20000, "paid")], "invoiced at check")
    o = order_act(t, o["number"], "return-for-fix", "deputy", {"comment": "数量改为15"})
    eq(o["state"], "needs_fix", "returned for fix")
    eq(t.ok(t.get(f"/invoices/{first[0]['number']}", user="finance"))["state"], "cancelled",
       "credited back")
    eq(credit(t, cust)["prepayment_fen"], 20000, "money back")
    order_act(t, o["number"], "amend", "kam_GZ", {"lines": [{"sku": s, "qty": 15}]})
    order_act(t, o["number"], "accept", "csr_a")
    o = order_act(t, o["number"], "check", "csr_a")
    eq(o["state"], "pending_approval", "covered again")
    invs = invoices_of(t, cust)
    eq([(i["amount_fen"], i["state"]) for i in invs], [(20000, "cancelled"), (15000, "paid")],
       "the next CC pass issues a new invoice")
    eq(credit(t, cust)["prepayment_fen"], 5000, "the rest is free")
    ledger_consistent(t, cust)


@lib.sqlite_only('changes a copy of the SQLite file behind the server and puts it back')
def test_osb_check_finds_an_allocation_of_another_customers_invoice(t):
    # the salesperson reports sum collections by the allocation's customer: `osb check`
    # proves it is always the invoice's
    cust, other = customer(t), customer(t)
    a = invoiced(t, cust)
    p = pay(t, cust, 5000)
    eq([x["invoice"] for x in p["allocations"]], [a["number"]], "allocated to the invoice")
    t.server.stop()
    try:
        rc, out = osb_check(t)
        eq(rc, 0, f"clean before: {out}")
        saved = os.path.join(t.workdir, "before-allocation.db")
        shutil.copyfile(t.server.db, saved)
        con = sqlite3.connect(t.server.db)
        n = con.execute("UPDATE allocations SET customer = ? WHERE invoice = ?",
                        (other, a["number"])).rowcount
        con.commit()
        con.close()
        eq(n, 1, "one allocation changed")
        rc, out = osb_check(t)
        eq(rc, 1, f"check fails: {out}")
        check(f"on invoice {a['number']} of {cust}" in out
              and "its customer is not its invoice's" in out, f"names the allocation: {out!r}")
        shutil.copyfile(saved, t.server.db)
        for suffix in ("-wal", "-shm"):
            if os.path.exists(t.server.db + suffix):
                os.remove(t.server.db + suffix)
        rc, out = osb_check(t)
        eq(rc, 0, f"restored copy checks clean: {out}")
    finally:
        t.server.start()

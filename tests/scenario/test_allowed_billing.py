"""allowed_actions (api.md §5.1) of the billing documents on the kernel: an invoice request
(flows.md §5), an instrument in hand (§4.4) and a statement (§4.5), through their lives, for
the roles that act and for one that only reads (the auditor); an action not listed answers 403
or 409 when tried. Invoices, receipts and credit notes carry allowed_actions too: an empty
list, they have no actions.

The customers are kam_GZ's (market S, region GZ). Each test makes its own data and sets the
test clock itself."""

from billing_lib import (checked, customer, dispatch, invoices_of, product, released,
                         set_clock)
from lib import check, eq

INFO = {"invoice_title": "广州允许动作测试有限公司", "tax_id": "91440101MA5CXK8U4C",
        "mailing_address": "广州市天河区体育西路2号", "mailing_contact": "李会计",
        "mailing_phone": "13800000002"}


def allowed(t, path, user):
    return t.ok(t.get(path, user=user))["allowed_actions"]


def each(t, path, users):
    return {u: allowed(t, path, u) for u in users}


def test_invoice_request_allowed_actions_through_its_life(t):
    set_clock(t, "2026-12-01", "10:00:00")
    cust = customer(t)
    t.ok(t.patch(f"/customers/{cust}", INFO), 200, "invoicing info")
    _, ship = released(t, cust, [(product(t, price=1000), 10)])
    dispatch(t, ship)
    invs = [i["number"] for i in invoices_of(t, cust)]
    inv = t.ok(t.get(f"/invoices/{invs[0]}", user="finance"))
    eq(inv["allowed_actions"], [], "an invoice has no actions")
    check(all(i["allowed_actions"] == [] for i in invoices_of(t, cust)),
          "invoice list items carry allowed_actions")
    p = t.ok(t.post("/payments", {"customer": cust, "amount_fen": 100, "method": "bank_transfer",
                                  "reference": t.uniq("REF"), "received_on": "2026-12-01"},
                    user="finance"), 201, "a receipt")
    # api.md §5.5: finance may reverse or re-allocate a registered receipt
    eq(p["allowed_actions"], ["reallocate", "reverse"], "finance corrects a receipt")
    eq(allowed(t, f"/payments/{p['number']}", "auditor"), [], "not the auditor")
    lst = t.ok(t.get(f"/payments?customer={cust}&state=registered", user="finance"))["items"]
    eq([(x["number"], x["allowed_actions"]) for x in lst],
       [(p["number"], ["reallocate", "reverse"])], "receipts list")
    t.expect_error(t.get("/payments?state=registered,lost", user="finance"), 400, "bad_request")
    k = t.ok(t.post("/invoice-requests", {"invoices": invs}, user="kam_GZ"), 201, "request")
    n, path = k["number"], f"/invoice-requests/{k['number']}"
    eq(k["allowed_actions"], [], "the requesting KAM has nothing to do next")
    users = ("csr_a", "ssg_leader", "finance", "kam_GZ", "auditor")
    eq(each(t, path, users),
       {"csr_a": ["return", "review"], "ssg_leader": ["return", "review"],
        "finance": ["return"], "kam_GZ": [], "auditor": []}, "requested")
    t.expect_error(t.post(f"{path}/issue", {"fapiao_no": "4400A1", "fapiao_date": "2026-12-01"},
                          user="finance"), 409, "invalid_state")
    t.expect_error(t.post(f"{path}/review", {}, user="auditor"), 403, "forbidden")
    k = t.ok(t.post(f"{path}/review", {}, user="csr_a"), 200, "review")
    eq(k["allowed_actions"], ["return"], "reviewed: the CSR may still return it")
    eq(each(t, path, ("finance", "auditor")), {"finance": ["issue", "return"], "auditor": []},
       "reviewed")
    t.expect_error(t.post(f"{path}/issue", {"fapiao_no": "4400A1", "fapiao_date": "2026-12-01"},
                          user="csr_a"), 403, "forbidden")
    k = t.ok(t.post(f"{path}/issue", {"fapiao_no": t.uniq("44"), "fapiao_date": "2026-12-01"},
                    user="finance"), 200, "issue")
    eq(k["allowed_actions"], [], "issued: nothing more for finance")
    eq(each(t, path, ("csr_a", "auditor")), {"csr_a": ["mail"], "auditor": []}, "issued")
    t.expect_error(t.post(f"{path}/return", {"comment": "x"}, user="finance"), 409,
                   "invalid_state")
    k = t.ok(t.post(f"{path}/mail", {"tracking_no": "SF123"}, user="csr_a"), 200, "mail")
    eq(k["allowed_actions"], ["confirm-receipt"], "mailed")
    k = t.ok(t.post(f"{path}/confirm-receipt", {}, user="csr_a"), 200, "received")
    eq(k["allowed_actions"], ["archive"], "received")
    k = t.ok(t.post(f"{path}/archive", {}, user="csr_a"), 200, "archive")
    eq(each(t, path, ("csr_a", "finance", "auditor")),
       {"csr_a": [], "finance": [], "auditor": []}, "archived: nothing left")
    lst = t.ok(t.get(f"/invoice-requests?customer={cust}&state=requested,archived",
                     user="csr_a"))["items"]
    eq([(x["number"], x["allowed_actions"]) for x in lst], [(n, [])], "several states at once")
    t.expect_error(t.get("/invoice-requests?state=archived,nope", user="csr_a"), 400,
                   "bad_request")


def test_instrument_allowed_actions_through_its_life(t):
    set_clock(t, "2026-12-01", "10:00:00")
    cust = customer(t)
    body = {"customer": cust, "kind": "cheque", "instrument_no": t.uniq("ZP"),
            "amount_fen": 500000}
    it = t.ok(t.post("/instruments", body, user="kam_GZ"), 201, "register")
    n, path = it["number"], f"/instruments/{it['number']}"
    eq(it["allowed_actions"], ["hand-over"], "the one who received it hands it over")
    eq(each(t, path, ("kam_GZ", "csr_a", "finance", "auditor")),
       {"kam_GZ": ["hand-over"], "csr_a": [], "finance": ["sign"], "auditor": []}, "in hand")
    # the CSR holds the register row but did not receive this one
    t.expect_error(t.post(f"{path}/hand-over", {}, user="csr_a"), 403, "forbidden")
    t.expect_error(t.post(f"{path}/sign", {}, user="auditor"), 403, "forbidden")
    it = t.ok(t.post(f"{path}/hand-over", {}, user="kam_GZ"), 200, "hand over")
    eq(it["allowed_actions"], [], "handed over: nothing more for the KAM")
    eq(allowed(t, path, "finance"), ["sign"], "finance signs for it")
    t.expect_error(t.post(f"{path}/hand-over", {}, user="kam_GZ"), 409, "invalid_state")
    it = t.ok(t.post(f"{path}/sign", {}, user="finance"), 200, "sign")
    eq((it["state"], it["allowed_actions"]), ("registered", []), "registered")
    eq(each(t, path, ("kam_GZ", "finance", "auditor")),
       {"kam_GZ": [], "finance": [], "auditor": []}, "registered: nothing left")
    t.expect_error(t.post(f"{path}/sign", {}, user="finance"), 409, "invalid_state")
    lst = t.ok(t.get(f"/instruments?customer={cust}&state=in_hand,registered",
                     user="finance"))["items"]
    eq([(x["number"], x["allowed_actions"]) for x in lst], [(n, [])], "several states at once")
    t.expect_error(t.get("/instruments?state=in_hand,lost", user="finance"), 400, "bad_request")


def test_statement_allowed_actions_through_its_life(t):
    set_clock(t, "2026-12-10", "10:00:00")
    cust = customer(t)
    s = t.ok(t.post("/statements", {"customer": cust, "kind": "adhoc", "from": "2026-12-01",
                                    "to": "2026-12-10"}, user="csr_a"), 201, "generate")
    n, path = s["number"], f"/statements/{s['number']}"
    eq(s["allowed_actions"], ["send"], "generated: the CSR sends it")
    users = ("csr_a", "kam_GZ", "finance", "auditor")
    eq(each(t, path, users), {"csr_a": ["send"], "kam_GZ": ["send"], "finance": ["send"],
                              "auditor": []}, "generated")
    t.expect_error(t.post(f"{path}/confirm", {}, user="csr_a"), 409, "invalid_state")
    t.expect_error(t.post(f"{path}/send", {}, user="auditor"), 403, "forbidden")
    s = t.ok(t.post(f"{path}/send", {}, user="finance"), 200, "send")
    eq(s["allowed_actions"], [], "sent: finance records no reply")
    eq(each(t, path, users), {"csr_a": ["confirm", "dispute"], "kam_GZ": ["confirm", "dispute"],
                              "finance": [], "auditor": []}, "sent")
    s = t.ok(t.post(f"{path}/dispute", {"difference_fen": 1200, "difference_note": "少记回款"},
                    user="csr_a"), 200, "dispute")
    eq(s["allowed_actions"], ["confirm"], "disputed: the CSR may still confirm, not report")
    eq(allowed(t, path, "kam_GZ"), ["confirm", "report"], "the KAM confirms or reports")
    t.expect_error(t.post(f"{path}/report", {}, user="csr_a"), 403, "forbidden")
    t.expect_error(t.post(f"{path}/dispute", {"difference_fen": 1, "difference_note": "x"},
                          user="csr_a"), 409, "invalid_state")
    s = t.ok(t.post(f"{path}/confirm", {}, user="kam_GZ"), 200, "confirm")
    eq(s["allowed_actions"], ["report"], "confirmed: the KAM reports")
    s = t.ok(t.post(f"{path}/report", {}, user="kam_GZ"), 200, "report")
    eq((s["state"], s["allowed_actions"]), ("reported", []), "reported")
    eq(each(t, path, users), {u: [] for u in users}, "reported: nothing left")
    lst = t.ok(t.get(f"/statements?customer={cust}&state=sent,reported",
                     user="csr_a"))["items"]
    eq([(x["number"], x["allowed_actions"]) for x in lst], [(n, [])], "several states at once")
    t.expect_error(t.get("/statements?state=sent,lost", user="csr_a"), 400, "bad_request")


def test_invoice_and_credit_note_of_a_rejected_prepay_order_have_no_actions(t):
    set_clock(t, "2026-12-01", "10:00:00")
    cust = customer(t, limit=0, prepay_only=True)
    t.ok(t.post("/payments", {"customer": cust, "amount_fen": 60000, "method": "bank_transfer",
                              "reference": t.uniq("REF"), "received_on": "2026-12-01"},
                user="finance"), 201, "prepayment")
    o = checked(t, cust, [(product(t, price=1000), 40)])
    eq(o["credit_check"]["result"], "prepaid", "invoiced at check")
    t.ok(t.post(f"/orders/{o['number']}/reject", {"comment": "客户取消"}, user="deputy"), 200,
         "reject")
    inv = t.ok(t.get(f"/invoices/{invoices_of(t, cust)[0]['number']}", user="finance"))
    eq((inv["state"], inv["allowed_actions"]), ("cancelled", []), "a cancelled invoice")
    hz = t.ok(t.get(f"/credit-notes/{inv['credit_notes'][0]['number']}", user="finance"))
    eq((hz["reason"], hz["allowed_actions"]), ("order_cancel", []), "its credit note")
    lst = t.ok(t.get(f"/invoices?customer={cust}&state=open,cancelled", user="finance"))["items"]
    eq([x["number"] for x in lst], [inv["number"]], "several states at once")
    t.expect_error(t.get("/invoices?state=open,void", user="finance"), 400, "bad_request")

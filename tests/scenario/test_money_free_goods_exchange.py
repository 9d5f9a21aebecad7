"""Goods paid from expense money (#11) exchanged (flows.md §6 "original prices"): the received
exchange gives its value back to the expense application, as a return does, and its replacement
order goes out as free goods again — a line of the same application at the original expense
price (0 to pay), drawn again at its check. So the application ends where it was: the goods the
customer holds were drawn once. Cancelling the replacement leaves the amount given back (the
goods came back and nothing replaces them). `osb check` stays clean."""

import lib
from lib import eq, osb_check, release
from test_money_free_goods import free_order, fy


def exchange(t, order_no, sku, batch, qty):
    r = t.ok(t.post("/returns", {"order": order_no, "kind": "exchange", "lines": [
        {"sku": sku, "batch": batch, "qty": qty, "reason": "换货"}]}, user="kam_GZ"), 201,
        "exchange")
    for action, user, body in (("confirm", "um_GZ", None),
                               ("inspect", "service", {"genuine": True}),
                               ("approve", "mm_S", None), ("receive", "warehouse", None)):
        r = lib.act(t, "returns", r["number"], action, user, body)
    eq(r["state"], "received", "received")
    return r["replacement_order"]


def test_exchanged_free_goods_go_out_as_free_goods_again(t):
    cust, sku, n, o = free_order(t, "2030-05-10", "FGX1")
    o = release(t, o["number"])
    lib.dispatch(t, o["shipments"][0])
    a = fy(t, n)
    eq((a["free_goods_drawn_fen"], a["free_goods_shipped_fen"]), (10000, 10000), "shipped")
    rep = exchange(t, o["number"], sku, "FGX1", 4)
    a = fy(t, n)
    eq((a["free_goods_drawn_fen"], a["free_goods_shipped_fen"]), (6000, 6000),
       "the exchanged units came back: given back until the replacement draws them")
    r = t.ok(t.get(f"/orders/{rep}"))
    ln = r["lines"][0]
    eq((ln["sku"], ln["qty"], ln.get("payment_source"), ln.get("expense_application"),
        ln["price_fen"], ln.get("expense_price_fen")),
       (sku, 4, "expense", n, 0, 1000),
       "the replacement line: free goods of the same application at the original price")
    eq((r["total_fen"], r.get("expense_total_fen")), (0, 4000), "0 to pay, 4000 of free goods")
    for action in ("accept", "check"):
        r = lib.order_act(t, rep, action, "csr_a")
    eq(r["state"], "pending_approval", f"passes QC-5 ({r.get('qc')})")
    eq(fy(t, n)["free_goods_drawn_fen"], 10000, "drawn again at the check")
    r = release(t, rep)
    lib.dispatch(t, r["shipments"][0])
    a = fy(t, n)
    eq((a["free_goods_drawn_fen"], a["free_goods_shipped_fen"], a["free_goods_remaining_fen"]),
       (10000, 10000, 10000), "the customer holds 10 units drawn once")
    eq([i for i in lib.invoices_of(t, cust) if i["amount_fen"]], [], "nothing invoiced")
    # a second exchange whose replacement is cancelled: the amount stays given back
    rep2 = exchange(t, o["number"], sku, "FGX1", 3)
    lib.order_act(t, rep2, "accept", "csr_a")
    lib.order_act(t, rep2, "check", "csr_a")
    eq(fy(t, n)["free_goods_drawn_fen"], 10000, "the second replacement drew its 3")
    lib.order_act(t, rep2, "cancel", "ssg_leader", {"comment": "客户不再需要"})
    a = fy(t, n)
    eq((a["free_goods_drawn_fen"], a["free_goods_shipped_fen"]), (7000, 7000),
       "a cancelled replacement: the 3 that came back stay given back")
    eq(osb_check(t)[0], 0, "osb check clean")

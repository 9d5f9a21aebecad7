"""Goods paid from expense money (#11): a free-goods line shipped short leaves a backorder;
cancelling it gives the backorder's value (qty × expense price) back to the expense
application, as a rejected order or a received return does — it never ships, so it is no
longer drawn. `osb check` stays clean."""

import lib
from lib import eq, osb_check, release
from test_money_free_goods import free_order, fy, order


def test_cancelled_backorder_gives_free_goods_back(t):
    cust, sku, n, o = free_order(t, "2030-05-09", "FGBO1")
    eq(o["state"], "pending_approval", f"passes QC ({o.get('qc')})")
    o = release(t, o["number"])
    s = lib.dispatch(t, o["shipments"][0],
                     picks={"lines": [{"sku": sku, "batch": "FGBO1", "qty": 6}]})
    a = fy(t, n)
    eq((a["free_goods_drawn_fen"], a["free_goods_shipped_fen"], a["free_goods_remaining_fen"]),
       (10000, 6000, 10000), "short shipped: the backorder's 4 stay drawn")
    bo = s["backorders"][0]["number"]
    lib.act(t, "backorders", bo, "cancel", "ssg_leader", {"reason": "客户不再需要"})
    a = fy(t, n)
    eq((a["free_goods_drawn_fen"], a["free_goods_shipped_fen"], a["free_goods_remaining_fen"]),
       (6000, 6000, 14000), "the cancelled backorder gives 4 × 1000 back")
    # what is given back can be drawn again
    o2 = order(t, cust, [{"sku": sku, "qty": 14, "payment_source": "expense",
                          "expense_application": n}])
    eq(o2["state"], "pending_approval", "exactly what is left again")
    eq(fy(t, n)["free_goods_remaining_fen"], 0, "all drawn")
    eq(osb_check(t)[0], 0, "osb check clean")

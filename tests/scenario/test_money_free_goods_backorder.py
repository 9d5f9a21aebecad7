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


def test_shortage_backorder_shipped_counts_once(t):
    """A free-goods shipment delivered, then found 4 short after POD with resolution backorder:
    the 4 were dispatched but never arrived, so they are not shipped until the backorder ships
    them — then each unit counts once (10, not 14). A cancelled shortage backorder leaves
    shipped equal to what is drawn."""
    cust, sku, n, o = free_order(t, "2030-05-13", "FGBO2")
    o = release(t, o["number"])
    ship = o["shipments"][0]
    lib.dispatch(t, ship)
    lib.ship_act(t, ship, "deliver", {"signed_by": "收货人"})
    eq((fy(t, n)["free_goods_drawn_fen"], fy(t, n)["free_goods_shipped_fen"]), (10000, 10000),
       "all 10 delivered")
    s = t.ok(t.post(f"/shipments/{ship}/report-discrepancy",
                    {"lines": [{"sku": sku, "qty": 4, "kind": "short",
                                "resolution": "backorder"}], "note": "少到4件"}, user="csr_a"))
    bo = s["discrepancies"][-1]["backorder"]
    a = fy(t, n)
    eq((a["free_goods_drawn_fen"], a["free_goods_shipped_fen"], a["free_goods_remaining_fen"]),
       (10000, 6000, 10000), "4 short after POD: owed again, not shipped")
    b = t.ok(t.post(f"/backorders/{bo}/schedule", {}, user="csr_a"), 200, "schedule")
    lib.dispatch(t, b["scheduled_shipment"])
    a = fy(t, n)
    eq((a["free_goods_drawn_fen"], a["free_goods_shipped_fen"], a["free_goods_remaining_fen"]),
       (10000, 10000, 10000), "the backorder shipped the 4: each unit counted once")
    eq(osb_check(t)[0], 0, "osb check clean")

    # the same shortage, its backorder cancelled: the 4 come back and were never shipped
    cust, sku, n, o = free_order(t, "2030-05-14", "FGBO3")
    o = release(t, o["number"])
    ship = o["shipments"][0]
    lib.dispatch(t, ship)
    lib.ship_act(t, ship, "deliver", {"signed_by": "收货人"})
    s = t.ok(t.post(f"/shipments/{ship}/report-discrepancy",
                    {"lines": [{"sku": sku, "qty": 4, "kind": "short",
                                "resolution": "backorder"}]}, user="csr_a"))
    lib.act(t, "backorders", s["discrepancies"][-1]["backorder"], "cancel", "ssg_leader",
            {"reason": "客户不再需要"})
    a = fy(t, n)
    eq((a["free_goods_drawn_fen"], a["free_goods_shipped_fen"], a["free_goods_remaining_fen"]),
       (6000, 6000, 14000), "cancelled: 6 drawn, 6 shipped")
    eq(osb_check(t)[0], 0, "osb check clean")

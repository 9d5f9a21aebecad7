"""Field reports, second pass (issue #13; kpis-and-reports §4.1 #6, #8; api.md §5.8):
market_monthly's sell-through and stock cover from the visited distributor's inventory reports
(KC) of the range's months, and a rep's sales counted under the customer's KAM in the
salesperson and sales reports (net sales are "by the invoice's order customer, market, region,
KAM and SKU"), both checked to the unit and the fen."""

import lib
from lib import eq, set_clock

SKU = "M-IF1-900"


def kc_line(sku, opening, purchased, other_in, sold, returned):
    return {"sku": sku, "opening_qty": opening, "purchased_qty": purchased,
            "other_in_qty": other_in, "sold_qty": sold, "returned_qty": returned,
            "closing_qty": opening + purchased + other_in - sold - returned,
            "near_expiry_qty": 0}


def kc(t, cust, period, lines):
    return t.ok(t.post("/inventory-reports", {"customer": cust, "period": period,
                                              "lines": lines}, user="csr_a"), 201, "KC")


def visit(t, cust):
    return t.ok(t.post("/visits", {"customer": cust, "kind": "revisit", "findings": {
        "competitor_products": "某品牌", "channel_stock": "库存偏高"}}, user="rep_GZ"), 201,
        "visit")["number"]


def test_market_monthly_sell_through_and_stock_cover(t):
    set_clock(t, "2038-05-03", "10:00")
    other = lib.product(t, price=500, stock=0)
    dist = lib.customer(t, lib.UNLIMITED, channel="distributor")
    bare = lib.customer(t, lib.UNLIMITED, channel="distributor")
    # April (before the range): closing 100 is May's opening
    kc(t, dist, "2038-04", [kc_line(SKU, 90, 30, 0, 20, 0)])
    set_clock(t, "2038-05-10", "10:00")
    v1 = visit(t, dist)
    v2 = visit(t, bare)
    set_clock(t, "2038-05-31", "16:00")
    kc(t, dist, "2038-05", [kc_line(SKU, 100, 50, 10, 80, 0)])            # closing 80
    set_clock(t, "2038-06-30", "16:00")
    kc(t, dist, "2038-06", [kc_line(SKU, 80, 40, 0, 60, 5),                # closing 55
                            kc_line(other, 0, 20, 0, 7, 0)])         # closing 13
    set_clock(t, "2038-07-01", "10:00")
    rep = t.ok(t.get("/reports/market_monthly?from=2038-05-01&to=2038-06-30&region=GZ",
                     user="mm_S"))
    keys = [c["key"] for c in rep["columns"]]
    eq(keys[-4:], ["sell_out_qty", "sell_through_bp", "closing_qty", "stock_cover_bp"],
       "the four stock columns")
    rows = {r["visit"]: r for r in rep["rows"]}
    # sold 80 + 60 + 7 = 147; available = May's opening 100 + in (50 + 10) + (40) + (20) = 220
    # → 147 × 10000 / 220 = 6681.8 → 6681; closing (June) 55 + 13 = 68;
    # cover = 68 × 2 months × 10000 / 147 = 9251.7 → 9251 (0.93 months)
    eq({k: rows[v1][k] for k in ("customer", "sell_out_qty", "sell_through_bp", "closing_qty",
                                 "stock_cover_bp")},
       {"customer": dist, "sell_out_qty": 147, "sell_through_bp": 6681, "closing_qty": 68,
        "stock_cover_bp": 9251}, "the distributor's two months")
    eq({k: rows[v2][k] for k in ("sell_out_qty", "sell_through_bp", "closing_qty",
                                 "stock_cover_bp")},
       {"sell_out_qty": None, "sell_through_bp": None, "closing_qty": None,
        "stock_cover_bp": None}, "no inventory report: nothing to show")
    # one month only (May): sold 80 of 160 → 5000; closing 80, cover 80 × 1 × 10000 / 80
    may = {r["visit"]: r for r in t.ok(t.get(
        "/reports/market_monthly?from=2038-05-01&to=2038-05-31&region=GZ", user="mm_S"))["rows"]}
    eq((may[v1]["sell_out_qty"], may[v1]["sell_through_bp"], may[v1]["closing_qty"],
        may[v1]["stock_cover_bp"]), (80, 5000, 80, 10000), "May alone")
    # a returned report does not count: June sent back, the range's figures are May's
    june = [x for x in t.ok(t.get(f"/inventory-reports?customer={dist}", user="mm_S"))["items"]
            if x["period"] == "2038-06"][0]["number"]
    lib.act(t, "inventory-reports", june, "return", "marketing", {"note": "数量有误"})
    both = {r["visit"]: r for r in t.ok(t.get(
        "/reports/market_monthly?from=2038-05-01&to=2038-06-30&region=GZ", user="mm_S"))["rows"]}
    eq((both[v1]["sell_out_qty"], both[v1]["sell_through_bp"], both[v1]["closing_qty"],
        both[v1]["stock_cover_bp"]), (80, 5000, 80, 10000), "the returned June left out")
    # the weekly report has no stock columns
    wk = t.ok(t.get("/reports/market_weekly?from=2038-05-08&to=2038-05-14&region=GZ",
                    user="mm_S"))
    eq("sell_through_bp" in [c["key"] for c in wk["columns"]], False, "weekly: no stock columns")
    csv = t.get("/reports/market_monthly?from=2038-05-01&to=2038-06-30&region=GZ&format=csv",
                user="mm_S")
    eq(csv.status, 200, "CSV")


def test_a_reps_sales_count_under_the_kam(t):
    set_clock(t, "2039-03-02", "09:00")
    sku = lib.product(t, price=12345)
    cust = lib.customer(t, lib.UNLIMITED, rep="rep_GZ")
    # the rep takes the order; the KAM's chain runs it to an invoice
    o = t.ok(t.post("/orders", {"customer": cust, "lines": [{"sku": sku, "qty": 7}]},
                    user="rep_GZ"), 201, "the rep's order")
    n = o["number"]
    for action, user in (("verify", "kam_GZ"), ("approve-market", "mm_S"), ("accept", "csr_a"),
                         ("check", "csr_a")):
        lib.order_act(t, n, action, user)
    ship = lib.release(t, n)["shipments"][0]
    lib.dispatch(t, ship)
    inv = lib.invoices_of(t, cust)
    eq([i["amount_fen"] for i in inv], [86415], "7 × ¥123.45")
    set_clock(t, "2039-03-10", "10:00")
    lib.pay(t, cust, 50000, received_on="2039-03-10")
    set_clock(t, "2039-04-01", "10:00")
    sp = t.ok(t.get("/reports/salesperson_monthly?from=2039-03-01&to=2039-03-31&region=GZ",
                    user="mm_S"))
    by = {r["salesperson"]: r for r in sp["rows"]}
    eq((by["kam_GZ"]["net_sales_fen"], by["kam_GZ"]["collections_fen"],
        by["kam_GZ"]["orders_created"]), (86415, 50000, 0), "the KAM carries the rep's sales")
    eq((by["rep_GZ"]["net_sales_fen"], by["rep_GZ"]["collections_fen"],
        by["rep_GZ"]["orders_created"]), (0, 0, 1), "the rep: the order taken, no sales of own")
    eq((sp["totals"]["net_sales_fen"], sp["totals"]["collections_fen"]), (86415, 50000),
       "counted once in the totals")
    ws = t.ok(t.get(f"/reports/weekly_sales?from=2039-03-01&to=2039-03-31&customer={cust}",
                    user="mm_S"))
    eq([(r["salesperson"], r["net_sales_fen"], r["qty"]) for r in ws["rows"]],
       [("kam_GZ", 86415, 7)], "weekly_sales: under the KAM")
    # the rep sees the KAM's row and their own (a rep's scope is their KAM's customers)
    mine = {r["salesperson"] for r in t.ok(t.get(
        "/reports/salesperson_monthly?from=2039-03-01&to=2039-03-31", user="rep_GZ"))["rows"]}
    eq("rep_GZ" in mine, True, "the rep's own row")

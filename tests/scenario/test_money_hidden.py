"""Roles that must not see money (numbering-and-rules.md §4) see none on any GET route.

The warehouse handles shipments, delivery notes and returns "without prices or amounts";
customer service sees "no ledger"; marketing sees sales data and expenses but "AR only in
aggregate". test_every_get_route_as_each_role walks EVERY GET route of the route table
(src/http/router.c, read as test_openapi.py reads it) with real ids of a world made here, as
each of the three roles, and fails on any money field the role must not see."""

import json
import re

import lib
from lib import check, customer, dispatch, eq, order_act, product, set_clock, today
from test_openapi import route_table

# AR figures (receivables, ledger, credit): what marketing may see only in aggregate.
AR_KEYS = {  # available_fen is also a budget's remainder: the credit one is inside "credit"
    "credit_limit_fen", "limit_fen", "current_limit_fen", "proposed_limit_fen",
    "formula_limit_fen", "open_fen", "open_receivables_fen", "open_orders_fen", "ar_fen",
    "overdue_fen", "balance_fen", "opening_fen", "closing_fen", "debit_fen", "credit_fen",
    "debits_fen", "credits_fen", "unapplied_fen", "prepayment_fen",
    "free_prepayment_fen", "exposure_fen", "earmark_fen", "earmarked_fen", "settled_fen",
    "due_fen", "current_fen", "collected_fen", "collections_fen", "written_off_fen",
    "approved_shortfall_fen", "shortfall_fen", "payments_fen", "invoice_amount_fen",
    "credited_fen",
}


def is_money(key):
    return key.endswith("_fen") or key == "price" or key.startswith("price_")


def forbidden(role, key):
    """Is key (its value a number or an object) a figure role must not see outside aggregates?"""
    if role == "marketing":
        return key in AR_KEYS or key == "credit"
    return is_money(key) or key == "credit"


def money_paths(role, v, where="$", aggregate_ok=False):
    """The JSON paths in v that carry a figure role must not see."""
    out = []
    if isinstance(v, dict):
        # marketing's aggregates: a report's totals, and rows that are not one customer's
        agg = aggregate_ok and "customer" not in v
        for k, x in v.items():
            p = f"{where}.{k}"
            if role == "marketing" and aggregate_ok and k == "totals":
                continue
            if forbidden(role, k) and not (role == "marketing" and agg) and (
                    isinstance(x, (int, float, dict)) and not isinstance(x, bool)):
                out.append(p)
            else:
                out.extend(money_paths(role, x, p, aggregate_ok))
    elif isinstance(v, list):
        for i, x in enumerate(v):
            out.extend(money_paths(role, x, f"{where}[{i}]", aggregate_ok))
    return out


_budgets = [0]
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(range(200))
INVOICING = {"invoice_title": "广州开票测试有限公司", "tax_id": "91440101MA5CXK8U4B",
             "bank_name": "工商银行广州分行", "bank_account": "3602000109000123456",
             "reg_address": "广州市天河区体育西路1号", "reg_phone": "020-88886666",
             "mailing_address": "广州市天河区体育西路1号8楼财务部",
             "mailing_contact": "王会计", "mailing_phone": "13800000001"}


def world(t):
    """Every kind of document the walk can name, with money in it."""
    if "world" in t.case:
        return t.case["world"]
    W = t.case["world"] = {}
    set_clock(t, "2026-12-01", "10:00")
    W["p"] = product(t, price=2550, case=6, stock=1000, batch="MHB1")
    W["c"] = customer(t, term=30)
    o = t.ok(t.post("/orders", {"customer": W["c"], "lines": [{"sku": W["p"], "qty": 24}]},
                    user="kam_GZ"), 201, "create order")
    n = o["number"]
    for action, who in (("verify", "kam_GZ"), ("approve-market", "mm_S"), ("accept", "csr_a"),
                        ("check", "csr_a"), ("approve", "deputy"),
                        ("print-delivery-note", "finance"), ("release", "csr_a")):
        o = order_act(t, n, action, who)
    W["order"], W["shipment"] = n, o["shipments"][0]
    # a second order: a sample line (a sample issue at dispatch) and a line shipped short (a
    # backorder)
    W["sample"] = product(t, price=800, kind="sample", batch="MHS1")
    o2 = t.ok(t.post("/orders", {"customer": W["c"], "lines": [
        {"sku": W["sample"], "qty": 10}, {"sku": W["p"], "qty": 12}]}, user="kam_GZ"), 201,
        "create the second order")
    for action, who in (("verify", "kam_GZ"), ("approve-market", "mm_S"), ("accept", "csr_a"),
                        ("check", "csr_a")):
        o2 = order_act(t, o2["number"], action, who)
    ship2 = lib.release(t, o2["number"])["shipments"][0]
    set_clock(t, "2026-12-02", "10:00")
    dispatch(t, W["shipment"])
    W["invoice"] = lib.invoices_of(t, W["c"], n)[0]["number"]
    s2 = dispatch(t, ship2, picks={"lines": [{"sku": W["sample"], "qty": 10},
                                             {"sku": W["p"], "qty": 6}]})
    eq(len(s2["backorders"]), 1, "the short line left a backorder")
    eq(len(t.list_all(f"/samples?order={o2['number']}", user="service")), 1, "a sample issue")
    # an invoice request for the first order's invoice (before anything is written off)
    t.ok(t.patch(f"/customers/{W['c']}", INVOICING), 200, "invoicing info")
    t.ok(t.post("/invoice-requests", {"invoices": [W["invoice"]]}, user="kam_GZ"), 201,
         "invoice request")
    set_clock(t, "2026-12-10", "10:00")
    rt = t.ok(t.post("/returns", {"order": n, "lines": [
        {"sku": W["p"], "batch": "MHB1", "qty": 6, "reason": "破损"}]}, user="kam_GZ"), 201)
    for action, who, body in (("confirm", "um_GZ", None), ("inspect", "service",
                                                           {"genuine": True}),
                              ("approve", "mm_S", None), ("receive", "warehouse", None)):
        rt = lib.act(t, "returns", rt["number"], action, who, body)
    W["return"], W["credit_note"] = rt["number"], rt["credit_note"]
    set_clock(t, "2026-12-15", "10:00")
    W["payment"] = lib.pay(t, W["c"], 20000)["number"]
    k = t.ok(t.post("/contracts", {"customer": W["c"], "kind": "sales", "value_fen": 1000000},
                    user="kam_GZ"), 201, "contract")
    W["contract"] = k["number"]
    # the second wave's documents with money in them (collection request, credit review, call
    # log) and a meeting without, so their detail routes are walked with real ids too
    t.ok(t.post("/collection-requests", {"customer": W["c"]}, user="kam_GZ"), 201,
         "collection request")
    t.ok(t.post("/credit-reviews", {"adhoc": True, "customers": [W["c"]]}, user="gm"), 201,
         "credit review")
    t.ok(t.post("/call-logs", {"customer": W["c"], "kind": "weekly_collection", "reached": True,
                               "promised_amount_fen": 5000}, user="kam_GZ"), 201, "call log")
    t.ok(t.post("/meetings", {"kind": "slt_monthly", "date": "2026-12-15"}, user="gm"), 201,
         "meeting")
    # more detail routes walked with real ids, where the object is cheap to make (issue #15)
    t.ok(t.post("/support-requests", {"kind": "ad_design", "details": "海报"}, user="um_GZ"),
         201, "support request")
    t.ok(t.post("/statements", {"customer": W["c"], "kind": "adhoc", "from": "2026-12-01",
                                "to": "2026-12-10"}, user="csr_a"), 201, "statement")
    t.ok(t.post("/write-offs", {"invoice": W["invoice"], "amount_fen": 5000,
                                "reason": "客户破产"}, user="finance"), 201, "write-off")
    # documents with money whose detail routes were walked with a placeholder id before
    lib.pay(t, W["c"], 100000)  # more than is open: a prepayment to refund from
    t.ok(t.post("/refunds", {"customer": W["c"], "amount_fen": 3000, "reason": "多付"},
                user="kam_GZ"), 201, "refund")
    t.ok(t.post("/quotations", {"customer": W["c"], "source": "inquiry",
                                "product_class": "outsourced", "title": "外协产品询价",
                                "lines": [{"sku": W["p"], "qty": 10, "price_fen": 12000,
                                           "lead_time_days": 7}]}, user="kam_GZ"), 201,
         "quotation")
    _budgets[0] += 1  # one budget a month and category: each world its own month
    t.ok(t.post("/expense-budgets", {"market": "S", "category": "promotion",
                                     "period": f"2039-{_budgets[0]:02d}",
                                     "amount_fen": 10000000},
                user="marketing"), 201, "expense budget")
    set_clock(t, f"2026-12-{15 + _budgets[0]:02d}", "10:00")  # one work log a day and user
    t.ok(t.post("/work-logs", {"text": "上午拜访两家经销商，下午催款"}, user="rep_GZ"), 201,
         "work log")
    t.ok(t.post("/instruments", {"customer": W["c"], "kind": "cheque",
                                 "instrument_no": t.uniq("ZP"), "amount_fen": 1234500,
                                 "issuer_bank": "工商银行广州分行", "maturity_date": "2026-12-31"},
                user="kam_GZ"), 201, "instrument")
    t.ok(t.post("/inventory-reports", {"customer": W["c"], "period": "2026-11", "lines": [
        {"sku": W["p"], "opening_qty": 10, "purchased_qty": 24, "other_in_qty": 0,
         "sold_qty": 6, "returned_qty": 6, "closing_qty": 22, "near_expiry_qty": 0}]},
        user="csr_a"), 201, "inventory report")
    t.ok(t.post("/price-lists", {"code": t.uniq("PL"), "name": "金额隐藏价目表",
                                 "valid_from": "2026-01-01",
                                 "items": [{"sku": W["p"], "price_fen": 2600}]},
                user="marketing"), 201, "price list")
    t.ok(t.post("/visits", {"customer": W["c"], "findings": {
        "observed_prices": [{"sku": W["p"], "price_fen": 2500}]}}, user="kam_GZ"), 201, "visit")
    # the rest of the detail routes that were walked with a placeholder id (issue #15)
    n2 = _budgets[0]  # plans, visit plans and monthly focus: one a period and owner
    t.ok(t.post("/after-sales", {"customer": W["c"], "type": "quality", "order": n,
                                 "description": "包装破损，产品结块", "batch": "MHB1"},
                user="kam_GZ"), 201, "after-sales ticket")
    t.ok(t.post("/consumer-records", {"customer": W["c"], "consumer_name": "王女士",
                                      "phone": "13812341234", "store": "天河店"},
                user="csr_a"), 201, "consumer record")
    a = t.ok(t.post("/expense-applications", {"category": "promotion", "amount_fen": 1000,
                                              "purpose": "促销", "customer": W["c"]},
                    user="kam_GZ"), 201, "expense application")
    W["file"] = t.ok(t.request("POST", f"/expense-applications/{a['number']}/attachments"
                               "?name=invoice.pdf", raw=PDF, content_type="application/pdf",
                               user="kam_GZ"), 201, "evidence")["id"]
    # a forecast is of the coming months (issue 13): the clock is in December 2026
    t.ok(t.post("/forecasts", {"customer": W["c"], "base_month": "2026-12",
                               "lines": [{"month": "2027-01", "sku": W["p"], "qty": 12}],
                               "basis": "代理商能力约800箱/月"}, user="kam_GZ"), 201, "forecast")
    t.ok(t.post("/plans", {"level": "kam", "period_type": "month", "period": f"2039-{n2:02d}",
                           "target_sales_fen": 100000000, "target_collection_fen": 90000000,
                           "lines": [{"sku": W["p"], "qty": 100}]}, user="kam_GZ"), 201, "plan")
    t.ok(t.post("/visit-plans", {"period_type": "week", "period": f"2039-W{n2:02d}",
                                 "items": [{"customer": W["c"], "date": f"2039-02-{n2:02d}",
                                            "purpose": "回款与新品推广"}]},
                user="kam_GZ"), 201, "visit plan")
    W["focus"] = f"2039-{n2:02d}"  # its id is its month
    t.ok(t.post("/monthly-focus", {"month": W["focus"], "main": "回款",
                                   "secondary": ["铺货", "新客户开发"],
                                   "goals": [{"market": "S", "target_fen": 300000000}]},
                user="gm"), 201, "monthly focus")
    t.ok(t.post("/osb-issues", {"department": "warehouse", "description": "叉车故障",
                                "document": W["shipment"], "responsible": ["warehouse"]},
                user="ssg_leader"), 201, "problem-log entry")
    pop = product(t, price=500, kind="pop", batch="MHP1")
    t.ok(t.post("/pop-allocations", {"period": today(t)[:7], "sku": pop, "qty": 100,
                                     "region": "GZ"}, user="marketing"), 201, "POP allocation")
    z = t.ok(t.post("/pop-requests", {"customer": W["c"], "lines": [{"sku": pop, "qty": 10}],
                                      "purpose": "门店陈列"}, user="kam_GZ"), 201, "POP request")
    t.ok(t.request("POST", f"/pop-requests/{z['number']}/attachments", raw=PNG,
                   content_type="image/png", user="kam_GZ"), 201, "placement photo")
    t.ok(t.request("POST", "/bank-receipts/import", raw="\ufeff" + "\r\n".join((
        "交易日期,付款人名称,付款人账号,金额,摘要,流水号",
        f"{today(t)},某贸易公司,6222000011112222,123.45,货款,{t.uniq('BR')}")) + "\r\n",
        content_type="text/csv", user="finance"), 201, "bank import")
    return W


ID_KEYS = ("number", "code", "sku", "username", "id", "name")


# who lists a collection: the general manager first, then the roles that own what gm may not
# list (bank receipts: finance; call logs, collection requests: the KAM; work logs: the rep;
# consumer records: customer service)
VIEWERS = ("gm", "finance", "kam_GZ", "csr_a", "service", "rep_GZ", "marketing", "admin")


def first_id(t, list_path):
    """The id of the newest item GET list_path shows the first of VIEWERS that lists one
    (None when none does)."""
    for user in VIEWERS:
        r = t.get(list_path, user=user)
        if r.status != 200 or not isinstance(r.body, dict):
            continue
        items = r.body.get("items") or r.body.get("reports") or r.body.get("kpis") or []
        for it in items:
            if isinstance(it, dict):
                for k in ID_KEYS:
                    if isinstance(it.get(k), (str, int)) and not isinstance(it.get(k), bool):
                        return str(it[k])
    return None


def fill(t, W, pattern, table):
    """The concrete paths of one GET pattern with real ids (one per pattern; several for
    /reports/:, one per report)."""
    if ":" not in pattern:
        return [pattern]
    head, _, tail = pattern.partition("/:")
    known = {"/customers": W["c"], "/products": W["p"], "/orders": W["order"],
             "/shipments": W["shipment"], "/invoices": W["invoice"], "/returns": W["return"],
             "/payments": W["payment"], "/contracts": W["contract"],
             "/credit-notes": W["credit_note"], "/delivery-notes": W["shipment"],
             "/market-files": W["file"], "/monthly-focus": W["focus"]}
    if head == "/reports":
        body = t.ok(t.get("/reports", user="gm"))
        names = [x["name"] for x in body.get("reports", body.get("items", []))]
        return [f"/reports/{n}" for n in names]
    if head == "/kpis":
        body = t.ok(t.get("/kpis", user="gm"))
        names = [x.get("name") or x.get("code") for x in body.get("items", body.get("kpis", []))]
        return [f"/kpis/{n}{tail}" for n in names if n]
    ident = known.get(head)
    if ident is None and f"GET {head}" in table:
        ident = first_id(t, head)
    return [f"{head}/{ident if ident is not None else 'NO-SUCH-ID'}{tail}"]


def walk(t, roles):
    """{role: [finding]} over every GET route; also the patterns no real id was found for."""
    W = world(t)
    table = route_table()
    gets = sorted(p for m, _, p in (x.partition(" ") for x in table) if m == "GET")
    check(len(gets) > 60, f"the GET routes were read ({len(gets)})")
    found, unfilled, answered = {r: [] for r in roles}, [], {r: 0 for r in roles}
    for pattern in gets:
        if pattern.startswith("/test/"):
            continue
        for path in fill(t, W, pattern, table):
            if "NO-SUCH-ID" in path:
                unfilled.append(pattern)
            for role in roles:
                r = t.get(path, user=role)
                if r.status != 200:
                    continue
                answered[role] += 1
                body = r.body
                if not isinstance(body, (dict, list)):
                    if isinstance(body, str) and r.headers.get("content-type", "").startswith(
                            "text/csv"):
                        found[role].append(f"{path}: a CSV export")
                    continue
                agg = path.startswith("/reports/") or path.startswith("/kpis")
                for p in money_paths(role, body, "$", aggregate_ok=agg):
                    f = pattern + " " + re.sub(r"\[[0-9]+\]", "[]", p)
                    if f not in found[role]:
                        found[role].append(f)
    return found, unfilled, answered


def test_every_get_route_as_each_role(t):
    roles = ("warehouse", "service", "marketing")
    found, unfilled, answered = walk(t, roles)
    # every detail route is walked with the id of a document made in world(): none is left to
    # a placeholder id (a 404 for every role, which would prove nothing)
    eq(sorted(set(unfilled)), [], "detail routes walked without a real id")
    for role in roles:
        check(answered[role] >= 10, f"{role} answered on {answered[role]} routes only")
    bad = {r: f[:40] for r, f in found.items() if f}
    eq(json.dumps(bad, ensure_ascii=False, indent=1), "{}", "money fields shown")


def test_warehouse_sees_quantities_not_prices(t):
    W = world(t)
    p = t.ok(t.get(f"/products/{W['p']}", user="warehouse"))
    eq(p["sku"], W["p"], "the product itself")
    check("price_fen" not in p, f"no price: {p}")
    s = t.ok(t.get(f"/shipments/{W['shipment']}", user="warehouse"))
    check(s["lines"] and all("qty" in x or "picks" in x for x in s["lines"]),
          f"shipment lines keep their quantities: {s['lines']}")
    # the roles that may see money still do
    eq(t.ok(t.get(f"/products/{W['p']}", user="gm"))["price_fen"], 2550, "gm sees the price")
    check("value_fen" in t.ok(t.get(f"/contracts/{W['contract']}", user="kam_GZ")),
          "the KAM sees the contract's value")
    check(t.ok(t.get(f"/customers/{W['c']}", user="marketing")).get("credit") is None,
          "marketing: no customer's credit figures")

"""Reports (api.md §5.8, kpis-and-reports.md §4): a known month — two customers of a market and
region of the test's own, three order lines invoiced, a return credited, a cash payment, an
expense credit and a second payment — and every report's figures checked to the fen with its
totals row; CSV and XLSX read back (BOM, Chinese header, yuan; unzip + the sheet XML); the
export audit and log rows, the watermark; scope, rights, parameters; customer-list export
limits (numbering-and-rules §7); the 08:00 osb_daily_status job."""

import csv
import gzip
import http.client
import io
import re
import zipfile

import lib
from lib import DEMO_PASSWORD, WH, check, customer, dispatch, eq, order_act, product, set_clock

MONTH_FROM, MONTH_TO = "2026-12-01", "2026-12-31"


def world(t):
    """The known month, made once per test (t.case): returns its facts."""
    if "world" in t.case:
        return t.case["world"]
    W = t.case["world"] = {}
    set_clock(t, "2026-12-01", "10:00")
    m, r = t.uniq("RM"), t.uniq("RR")
    t.ok(t.post("/markets", {"code": m, "name": f"报表市场{m}", "slt_supervisor": "deputy"}), 201)
    t.ok(t.post("/regions", {"code": r, "name": f"报表区域{r}", "market": m}), 201)
    users = {}
    for role in ("mm", "um", "kam"):
        u = t.uniq(role)
        body = {"username": u, "name": f"{role}{u}", "password": DEMO_PASSWORD, "role": role,
                "market": m}
        if role != "mm":
            body["region"] = r
        t.ok(t.post("/users", body), 201, f"create {role}")
        users[role] = u
    W.update(market=m, region=r, **users)
    W["p1"] = product(t, price=1000, case=12, stock=1000, batch="RPB1")
    W["p2"] = product(t, price=2550, case=6, stock=1000, batch="RPB2")
    W["a"] = customer(t, region=r, market=m, kam=users["kam"], term=30, name="甲经销商")
    W["b"] = customer(t, region=r, market=m, kam=users["kam"], term=10, name="乙经销商")

    def order(cust, lines):
        o = t.ok(t.post("/orders", {"customer": cust, "lines": [{"sku": s, "qty": q}
                                                                 for s, q in lines]},
                        user=users["kam"]), 201, "create order")
        n = o["number"]
        for action, who in (("verify", users["kam"]), ("approve-market", users["mm"]),
                            ("accept", "csr_a"), ("check", "csr_a"), ("approve", "deputy"),
                            ("print-delivery-note", "finance"), ("release", "csr_a")):
            o = order_act(t, n, action, who)
        return n, o["shipments"][0]

    W["o1"], s1 = order(W["a"], [(W["p1"], 24), (W["p2"], 12)])
    W["o2"], s2 = order(W["b"], [(W["p1"], 120)])
    W["s1"], W["s2"] = s1, s2
    set_clock(t, "2026-12-02", "10:00")
    dispatch(t, s1)
    set_clock(t, "2026-12-03", "10:00")
    dispatch(t, s2)
    W["i1"] = lib.invoices_of(t, W["a"])[0]
    W["i2"] = lib.invoices_of(t, W["b"])[0]
    eq((W["i1"]["amount_fen"], W["i1"]["invoice_date"], W["i2"]["amount_fen"],
        W["i2"]["due_date"]), (54600, "2026-12-02", 120000, "2026-12-13"), "the invoices")
    # a return of 12 units of P1 by A, credited on 12-10
    set_clock(t, "2026-12-10", "10:00")
    rt = t.ok(t.post("/returns", {"order": W["o1"], "lines": [
        {"sku": W["p1"], "batch": "RPB1", "qty": 12, "reason": "破损"}]}, user=users["kam"]), 201)
    for action, who, body in (("confirm", users["um"], None), ("inspect", "service",
                                                               {"genuine": True}),
                              ("approve", users["mm"], None), ("receive", "warehouse", None)):
        rt = lib.act(t, "returns", rt["number"], action, who, body)
    W["cn"] = rt["credit_note"]
    set_clock(t, "2026-12-15", "10:00")
    lib.pay(t, W["b"], 40000)
    set_clock(t, "2026-12-16", "10:00")
    lib.pay(t, W["b"], 10000, kind="expense")
    set_clock(t, "2026-12-20", "10:00")
    lib.pay(t, W["a"], 20000)
    set_clock(t, "2026-12-31", "10:00")
    return W


def rep(t, name, user="gm", status=200, **q):
    qs = "&".join(f"{k}={v}" for k, v in q.items())
    res = t.get(f"/reports/{name}" + (f"?{qs}" if qs else ""), user=user)
    return t.ok(res, status, f"report {name} {qs} by {user}")


def month(t, name, **q):
    W = world(t)
    return rep(t, name, market=W["market"], **{"from": MONTH_FROM, "to": MONTH_TO, **q})


def rows_of(body, *keys):
    return [tuple(r[k] for k in keys) for r in body["rows"]]


def test_list_names_titles_formats(t):
    items = t.ok(t.get("/reports", user="kam_GZ"))["items"]
    names = [i["name"] for i in items]
    for n in ("weekly_sales", "monthly_sales", "regional_sales", "distributor_purchases",
              "sales_by", "sales_ranking", "customer_composition", "overdue_list",
              "collection_rate", "stock_by_batch", "backorders", "order_shipment_check",
              "incomplete_archives", "osb_daily_status", "logistics_info", "batch_trace",
              "quota_utilisation", "receivables_record", "risk_indicators", "internal_audit"):
        check(n in names, f"{n} listed")
    eq(len(names), len(set(names)), "names unique")
    for i in items:
        check({"formats", "name", "title_en", "title_zh"} <= set(i), "item keys")
        eq(i["formats"], ["json", "csv", "xlsx"], "formats")
        check(i["title_zh"] and i["title_en"], "titles")
    t.expect_error(t.get("/reports/no_such_report", user="gm"), 404, "not_found")


def test_monthly_and_weekly_sales_to_the_fen(t):
    W = world(t)
    b = month(t, "monthly_sales")
    eq(b["report"], "monthly_sales", "report")
    eq([c["key"] for c in b["columns"]][:4], ["market", "region", "salesperson", "customer"],
       "columns")
    for c in b["columns"]:
        check(c["title_zh"] and c["title_en"], "column titles")
    eq(b["params"]["from"], MONTH_FROM, "params")
    got = rows_of(b, "market", "region", "salesperson", "customer", "sku", "qty", "cases",
                  "net_sales_fen", "orders")
    m, r, k = W["market"], W["region"], W["kam"]
    eq(got, [(m, r, k, W["a"], W["p1"], 12, 1, 12000, 1),
             (m, r, k, W["a"], W["p2"], 12, 2, 30600, 1),
             (m, r, k, W["b"], W["p1"], 120, 10, 120000, 1)], "rows: invoices − the credit note")
    eq({k: b["totals"][k] for k in ("qty", "cases", "net_sales_fen", "orders")},
       {"qty": 144, "cases": 13, "net_sales_fen": 162600, "orders": 3}, "totals")
    # the first week holds both invoices, not the credit note of the 10th
    w = rep(t, "weekly_sales", market=W["market"], **{"from": "2026-11-30", "to": "2026-12-06"})
    eq(rows_of(w, "customer", "sku", "qty", "net_sales_fen"),
       [(W["a"], W["p1"], 24, 24000), (W["a"], W["p2"], 12, 30600), (W["b"], W["p1"], 120, 120000)],
       "weekly rows")
    eq(w["totals"]["net_sales_fen"], 174600, "weekly total")
    # the week of the 10th holds only the credit note: a negative row
    w = rep(t, "weekly_sales", market=W["market"], **{"from": "2026-12-07", "to": "2026-12-13"})
    eq(rows_of(w, "customer", "sku", "qty", "cases", "net_sales_fen", "orders"),
       [(W["a"], W["p1"], -12, -1, -12000, 0)], "credit-note week")
    # filters: customer, sku
    eq(month(t, "monthly_sales", customer=W["b"])["totals"]["net_sales_fen"], 120000, "customer=")
    eq(month(t, "monthly_sales", sku=W["p2"])["totals"]["net_sales_fen"], 30600, "sku=")


def test_regional_distributor_and_sales_by(t):
    W = world(t)
    b = month(t, "regional_sales")
    eq(rows_of(b, "market", "region", "net_sales_fen", "qty", "active_customers", "ar_fen",
               "overdue_fen", "overdue_ratio_bp"),
       [(W["market"], W["region"], 162600, 144, 2, 92600, 70000, 7559)], "regional row")
    eq(b["totals"]["overdue_ratio_bp"], 7559, "ratio of the totals")
    b = month(t, "regional_sales", as_of="2027-01-05")
    eq(b["totals"]["overdue_fen"], 92600, "both invoices overdue on 5 Jan")
    b = month(t, "distributor_purchases")
    eq(rows_of(b, "customer", "sku", "qty", "cases", "amount_fen", "orders", "last_order_date"),
       [(W["a"], W["p1"], 12, 1, 12000, 1, "2026-12-01"),
        (W["a"], W["p2"], 12, 2, 30600, 1, "2026-12-01"),
        (W["b"], W["p1"], 120, 10, 120000, 1, "2026-12-01")], "purchases")
    eq(b["totals"]["amount_fen"], 162600, "purchases total")
    b = month(t, "sales_by", dimension="customer")
    eq(rows_of(b, "key", "name", "qty", "cases", "net_sales_fen", "share_bp", "orders"),
       [(W["b"], "乙经销商", 120, 10, 120000, 7380, 1),
        (W["a"], "甲经销商", 24, 3, 42600, 2620, 1)], "by customer, biggest first")
    eq((b["totals"]["net_sales_fen"], b["totals"]["share_bp"]), (162600, 10000), "totals")
    b = month(t, "sales_by", dimension="product")
    eq(rows_of(b, "key", "qty", "net_sales_fen"), [(W["p1"], 132, 132000), (W["p2"], 12, 30600)],
       "by product")
    t.expect_error(t.get(f"/reports/sales_by?dimension=colour", user="gm"), 400, "bad_request",
                   field="dimension")


def test_money_reports(t):
    W = world(t)
    b = month(t, "collection_rate")
    # due by 31 Dec: B's invoice only (due 13 Dec); collected 40,000 cash + 10,000 expense
    eq(rows_of(b, "market", "region", "due_fen", "collected_fen", "rate_bp", "cash_fen",
               "expense_fen"), [(W["market"], W["region"], 120000, 50000, 4167, 40000, 10000)],
       "collection rate")
    eq(b["totals"]["rate_bp"], 4167, "total rate")
    b = rep(t, "overdue_list", market=W["market"])
    eq(rows_of(b, "invoice", "customer", "due_date", "days_overdue", "open_fen"),
       [(W["i2"]["number"], W["b"], "2026-12-13", 18, 70000)], "overdue on 31 Dec")
    b = rep(t, "overdue_list", market=W["market"], as_of="2027-01-05")
    eq(rows_of(b, "invoice", "days_overdue", "open_fen"),
       [(W["i2"]["number"], 23, 70000), (W["i1"]["number"], 4, 22600)], "on 5 Jan, oldest first")
    eq(b["totals"]["open_fen"], 92600, "open total")
    b = month(t, "sales_ranking")
    eq(rows_of(b, "rank", "salesperson", "net_sales_fen", "share_bp", "collections_fen",
               "customers"), [(1, W["kam"], 162600, 10000, 70000, 2)], "ranking")
    b = month(t, "commission_base")
    eq(rows_of(b, "salesperson", "net_sales_fen", "collections_fen", "overdue_fen"),
       [(W["kam"], 162600, 70000, 70000)], "commission base")
    b = month(t, "customer_composition")
    eq(rows_of(b, "tier", "grade", "customers", "net_sales_fen", "share_bp", "ar_fen",
               "overdue_fen", "credit_limit_fen"),
       [("", "C", 2, 162600, 10000, 92600, 70000, 200000000)], "composition")
    b = rep(t, "receivables_record", customer=W["a"], **{"from": MONTH_FROM, "to": MONTH_TO})
    eq(rows_of(b, "kind", "debit_fen", "credit_fen", "balance_fen", "due_date", "overdue_days"),
       [("invoice", 54600, 0, 54600, "2027-01-01", None),
        ("credit_note", 0, 12000, 42600, None, None),
        ("payment", 0, 20000, 22600, None, None)], "A's receivables record")
    eq((b["totals"]["debit_fen"], b["totals"]["credit_fen"]), (54600, 32000), "record totals")
    t.expect_error(t.get("/reports/receivables_record", user="gm"), 400, "bad_request", field="customer")
    b = month(t, "customer_business_report")
    eq(rows_of(b, "customer", "month", "purchases_fen", "returns_fen", "net_sales_fen",
               "payments_fen"),
       [(W["a"], "2026-12", 54600, 12000, 42600, 20000),
        (W["b"], "2026-12", 120000, 0, 120000, 50000)], "customer business report")
    eq(b["totals"]["payments_fen"], 70000, "payments total")
    # over three months cut mid-month: the same December rows, no month without documents
    b = rep(t, "customer_business_report", market=W["market"],
            **{"from": "2026-11-15", "to": "2027-01-10"})
    eq(rows_of(b, "customer", "month", "purchases_fen", "returns_fen", "net_sales_fen",
               "payments_fen"),
       [(W["a"], "2026-12", 54600, 12000, 42600, 20000),
        (W["b"], "2026-12", 120000, 0, 120000, 50000)], "business report over three months")
    b = rep(t, "risk_indicators", market=W["market"])
    eq(rows_of(b, "market", "ar_fen", "overdue_fen", "overdue_ratio_bp", "net_sales_90d_fen",
               "ar_to_sales_bp", "dso_days"),
       [(W["market"], 92600, 70000, 7559, 162600, 5695, 51)], "risk indicators")


def test_operations_reports(t):
    W = world(t)
    b = month(t, "order_shipment_check")
    eq(rows_of(b, "order", "sku", "ordered", "shipped", "backordered", "cancelled", "difference"),
       [(W["o1"], W["p1"], 24, 24, 0, 0, 0), (W["o1"], W["p2"], 12, 12, 0, 0, 0),
        (W["o2"], W["p1"], 120, 120, 0, 0, 0)], "orders against shipments")
    eq(b["totals"]["difference"], 0, "no difference")
    b = month(t, "replenishment_record")
    eq(rows_of(b, "order", "sku", "ordered", "cut", "shipped", "backordered", "shipments"),
       [(W["o1"], W["p1"], 24, 0, 24, 0, W["s1"]), (W["o1"], W["p2"], 12, 0, 12, 0, W["s1"]),
        (W["o2"], W["p1"], 120, 0, 120, 0, W["s2"])], "replenishment")
    b = rep(t, "stock_by_batch", sku=W["p1"])
    eq(rows_of(b, "warehouse", "batch", "on_hand", "reserved", "available"),
       [(WH, "RPB1", 1000 - 144 + 12, 0, 868)], "stock of P1: shipped 144, 12 back")
    b = rep(t, "batch_trace", batch="RPB1", market=W["market"])
    eq(rows_of(b, "customer", "shipment", "qty"), [(W["a"], W["s1"], 24), (W["b"], W["s2"], 120)],
       "where batch RPB1 went")
    eq(b["totals"]["qty"], 144, "traced qty")
    check(b["rows"][0]["shipped_at"].startswith("2026-12-02T"), "RFC 3339 time")
    eq(rep(t, "backorders", market=W["market"])["rows"], [], "no backorders")
    b = rep(t, "osb_daily_status", market=W["market"])
    eq(rows_of(b, "area", "state", "count"), [("shipments", "dispatched", 2)], "daily status")
    b = rep(t, "incomplete_archives", customer=W["a"])
    eq(len(b["rows"]), 1, "A misses archive items")
    check("tax_id" in b["rows"][0]["missing"], "tax_id missing")
    b = rep(t, "logistics_info", market=W["market"])
    eq(rows_of(b, "customer", "consignee", "consignment_station"),
       [(W["a"], "收货人", "广州站"), (W["b"], "收货人", "广州站")], "logistics info")


def test_csv_export_reads_back_and_is_logged(t):
    W = world(t)
    before = t.sql("SELECT count(*) FROM audit WHERE action = 'export'")[0][0]
    res = t.get(f"/reports/monthly_sales?market={W['market']}&from={MONTH_FROM}&to={MONTH_TO}"
                "&format=csv", user="director")
    eq(res.status, 200, "csv")
    check(res.headers["content-type"].startswith("text/csv"), "content type")
    check("monthly_sales.csv" in res.headers.get("content-disposition", ""), "file name")
    check(res.raw.startswith(b"\xef\xbb\xbf"), "UTF-8 BOM")
    rows = list(csv.reader(io.StringIO(res.raw[3:].decode("utf-8"))))
    eq(rows[0], ["市场", "区域", "销售员", "客户", "客户名称", "产品编码", "数量", "箱数",
                 "净销售额", "订单数"], "header of title_zh")
    eq(rows[1][5:], [W["p1"], "12", "1", "120.00", "1"], "A/P1 in yuan")
    eq(rows[3][5:], [W["p1"], "120", "10", "1200.00", "1"], "B/P1")
    eq(rows[4][0], "合计", "totals row")
    eq(rows[4][6:], ["144", "13", "1626.00", "3"], "totals in yuan")
    mark = rows[5][0]
    check("director" in mark and "DC" in mark and "2026-12-31T10:00:00+08:00" in mark,
          f"watermark: {mark}")
    export_id = re.search(r"(\S*DC\d+)", mark).group(1)
    eq(t.sql("SELECT count(*) FROM audit WHERE action = 'export'")[0][0], before + 1,
       "one export audit row")
    a = t.sql("SELECT actor, object_type, object_key FROM audit WHERE action = 'export'"
              " ORDER BY seq DESC LIMIT 1")[0]
    eq(a, ("director", "report", export_id), "the audit row names the export")
    log = t.sql("SELECT username, report, rows, format FROM report_exports WHERE number = ?",
                (export_id,))
    eq(log, [("director", "monthly_sales", 3, "csv")], "export log row")
    # a JSON read writes nothing
    month(t, "monthly_sales")
    eq(t.sql("SELECT count(*) FROM audit WHERE action = 'export'")[0][0], before + 1,
       "json is not an export")


def xlsx_sheet(raw):
    z = zipfile.ZipFile(io.BytesIO(raw))
    names = z.namelist()
    sheet = z.read("xl/worksheets/sheet1.xml").decode("utf-8")
    shared = z.read("xl/sharedStrings.xml").decode("utf-8") if "xl/sharedStrings.xml" in names \
        else ""
    strings = [re.sub(r"<[^>]+>", "", s) for s in re.findall(r"<si>(.*?)</si>", shared, re.S)]
    cells = {}
    for ref, attrs, body in re.findall(r'<c r="([A-Z]+\d+)"([^>]*?)(?:/>|>(.*?)</c>)', sheet,
                                       re.S):
        v = re.search(r"<v>(.*?)</v>", body or "")
        if v is None:
            continue
        cells[ref] = strings[int(v.group(1))] if 't="s"' in attrs else v.group(1)
    return names, sheet, cells


def test_xlsx_export_reads_back(t):
    W = world(t)
    res = t.get(f"/reports/regional_sales?market={W['market']}&from={MONTH_FROM}&to={MONTH_TO}"
                "&format=xlsx", user="gm")
    eq(res.status, 200, "xlsx")
    check("spreadsheetml" in res.headers["content-type"], "content type")
    names, sheet, cells = xlsx_sheet(res.raw)
    eq(len([n for n in names if n.startswith("xl/worksheets/sheet")]), 1, "one sheet")
    eq([cells.get(f"{c}1") for c in "ABCDEFGH"],
       ["市场", "区域", "净销售额", "数量", "活跃客户数", "应收余额", "逾期金额", "逾期比例"],
       "header")
    eq((cells["A2"], cells["B2"]), (W["market"], W["region"]), "row")
    eq((float(cells["C2"]), int(cells["D2"]), float(cells["F2"]), float(cells["G2"])),
       (1626.0, 144, 926.0, 700.0), "money as numbers of yuan")
    eq(round(float(cells["H2"]), 4), 0.7559, "ratio as a fraction")
    eq(cells["A3"], "合计", "totals row")
    eq(float(cells["C3"]), 1626.0, "total")
    check("DC" in cells["A5"] and "gm" in cells["A5"], f"watermark row: {cells.get('A5')}")
    check('state="frozen"' in sheet and 'ySplit="1"' in sheet, "frozen header")
    check('orientation="landscape"' in sheet, "landscape")
    check('fitToWidth="1"' in sheet or "fitToPage" in sheet, "fit to width")
    check("<cols>" in sheet, "column widths")
    check("&amp;L" in sheet or "&L" in sheet, "footer watermark")


def test_scope_rights_and_parameters(t):
    W = world(t)
    # the KAM of the customers sees them; another KAM sees nothing of them
    eq(len(month(t, "monthly_sales", user=W["kam"])["rows"]), 3, "own KAM")
    eq(month(t, "monthly_sales", user="kam_GZ")["rows"], [], "another KAM")
    eq(month(t, "monthly_sales", user="mm_S")["rows"], [], "another market's MM")
    eq(len(month(t, "monthly_sales", user=W["mm"])["rows"]), 3, "the market's MM")
    # the per-customer-and-SKU reports sum only the customers the scope and filters let
    # through (the filter is applied before the sums, store/report.c sales_per_customer_sku)
    for name in ("weekly_sales", "distributor_purchases"):
        eq(len(month(t, name, user=W["kam"])["rows"]), 3, name + ": own KAM")
        eq(month(t, name, user="kam_GZ")["rows"], [], name + ": another KAM")
        eq(month(t, name, user="mm_S")["rows"], [], name + ": another market's MM")
        eq(rep(t, name, market="S", **{"from": MONTH_FROM, "to": MONTH_TO})["rows"], [],
           name + ": market=S")
    eq(rows_of(month(t, "distributor_purchases", customer=W["b"]), "customer", "sku", "qty",
               "amount_fen", "last_order_date"),
       [(W["b"], W["p1"], 120, 120000, "2026-12-01")], "purchases of customer= alone")
    # the warehouse reads no money, but stock
    t.expect_error(t.get("/reports/monthly_sales", user="warehouse"), 403, "forbidden")
    rep(t, "stock_by_batch", user="warehouse", sku=W["p1"])
    t.expect_error(t.get("/reports/internal_audit", user="kam_GZ"), 403, "forbidden")
    b = rep(t, "internal_audit", user="auditor", **{"from": MONTH_FROM, "to": MONTH_TO})
    check(any(r["category"] == "failed_logins" or r["action"] == "create" for r in b["rows"]),
          "audit categories")
    t.expect_error(t.get("/reports/monthly_sales?colour=red", user="gm"), 400, "bad_request",
                   field="colour")
    t.expect_error(t.get("/reports/monthly_sales?from=2026-13-01", user="gm"), 400, "bad_request",
                   field="from")
    t.expect_error(t.get("/reports/monthly_sales?from=2026-12-05&to=2026-12-01", user="gm"), 400,
                   "bad_request")
    t.expect_error(t.get("/reports/monthly_sales?format=pdf", user="gm"), 400, "bad_request",
                   field="format")
    # api.md §5.8's market on a report of no customer: accepted and listed as ignored
    eq(rep(t, "stock_by_batch", market="S")["params"]["ignored"], ["market"], "market ignored")
    t.expect_error(t.get("/reports/stock_by_batch?dimension=S", user="gm"), 400, "bad_request",
                   field="dimension")
    # defaults: the current month (the clock is 31 Dec)
    b = rep(t, "monthly_sales", market=W["market"])
    eq((b["params"]["from"], b["params"]["to"]), (MONTH_FROM, MONTH_TO), "default month")
    b = rep(t, "weekly_sales", market=W["market"])
    eq((b["params"]["from"], b["params"]["to"]), ("2026-12-28", "2027-01-03"), "default week")


def test_customer_list_export_limits(t):
    W = world(t)
    q = f"/reports/logistics_info?market={W['market']}&format=csv"
    t.expect_error(t.get(q, user=W["kam"]), 403, "forbidden")
    eq(t.get(q.replace("format=csv", "format=json"), user=W["kam"]).status, 200,
       "reading is not exporting")
    for _ in range(3):
        eq(t.get(q, user="ssg_leader").status, 200, "an export")
    t.expect_error(t.get(q, user="ssg_leader"), 422, "validation_failed",
                   rule="export_needs_approval")
    # an SLT member's approval lets exactly one more through
    t.expect_error(t.post("/export-approvals", {"username": "ssg_leader",
                                                "report": "logistics_info"}, user="kam_GZ"),
                   403, "forbidden")
    t.expect_error(t.post("/export-approvals", {"username": "ssg_leader",
                                                "report": "monthly_sales"}, user="gm"),
                   422, "validation_failed", field="report")
    t.expect_error(t.post("/export-approvals", {"username": "nobody_here",
                                                "report": "logistics_info"}, user="gm"),
                   422, "validation_failed", field="username")
    a = t.ok(t.post("/export-approvals", {"username": "ssg_leader", "report": "logistics_info",
                                          "note": "季度核对"}, user="gm"), 201, "approval")
    eq((a["username"], a["report"], a["approved_by"], a["used_by"]),
       ("ssg_leader", "logistics_info", "gm", None), "approval")
    res = t.get(q, user="ssg_leader")
    eq(res.status, 200, "the approved export")
    used = t.sql("SELECT used_by FROM export_approvals WHERE id = ?", (a["id"],))[0][0]
    check(used and used in res.raw.decode("utf-8"), "used by the export its watermark names")
    t.expect_error(t.get(q, user="ssg_leader"), 422, "validation_failed",
                   rule="export_needs_approval")
    # another user's count is their own; a sales report is not a customer list
    eq(t.get(q, user="gm").status, 200, "gm exports")
    eq(t.get(f"/reports/monthly_sales?format=csv", user="ssg_leader").status, 200,
       "not a customer list")
    t.ok(t.put("/settings/export_rows_needing_approval", {"value": "1"}), 200, "setting")
    t.expect_error(t.get(q, user="director"), 422, "validation_failed",
                   rule="export_needs_approval")
    t.ok(t.put("/settings/export_rows_needing_approval", {"value": "500"}), 200, "setting")


def test_daily_status_job_at_eight(t):
    W = world(t)
    set_clock(t, "2027-01-04", "07:59")
    check("osb_daily_status" not in lib.run_jobs(t), "not before 08:00")
    set_clock(t, "2027-01-04", "08:00")
    check("osb_daily_status" in lib.run_jobs(t), "at 08:00")
    check("osb_daily_status" not in lib.run_jobs(t), "once a day")
    got = t.sql("SELECT recipient, subject FROM notifications WHERE event = 'osb_daily_status'"
                " ORDER BY recipient")
    eq(sorted(r for r, _ in got), ["deputy", "director", "gm", "ssg_leader"],
       "SLT and the SSG leader, once each")
    subject = got[0][1]
    check("OSB日报 2027-01-04" in subject and "未完成发运" in subject, f"subject: {subject}")
    check(W["market"], "world made")


def test_row_report_written_as_read(t):
    """A row report's answer is written as its rows are read (flow/report.c, no tree per row):
    the same answer in key order, every row in column order with only the column keys, the
    totals the sums of the rows; the weak ETag, 304 and gzip of every JSON answer; a role without
    customers' money still gets 403; the CSV has a line per row between its header and totals."""
    W = world(t)
    q = f"market={W['market']}&from={MONTH_FROM}&to={MONTH_TO}"
    for name in ("weekly_sales", "distributor_purchases", "customer_business_report",
                 "daily_receipts"):
        res = t.get(f"/reports/{name}?{q}", user="gm")
        b = t.ok(res, 200, name)
        eq(list(b.keys()), ["report", "title_zh", "title_en", "params", "columns", "rows",
                            "totals"], f"{name}: the answer's keys in order")
        keys = [c["key"] for c in b["columns"]]
        check(b["rows"], f"{name}: rows in the known month")
        for r in b["rows"]:
            eq(list(r.keys()), keys, f"{name}: a row's keys are the columns in order")
        for c in b["columns"]:
            if c["kind"] in ("money", "int") and c["key"] in b["totals"]:
                eq(b["totals"][c["key"]], sum(r[c["key"]] or 0 for r in b["rows"]),
                   f"{name}: total of {c['key']}")
        tag = res.headers.get("etag")
        check(tag and tag.startswith('W/"'), f"{name}: a weak ETag: {tag}")
        eq(t.get(f"/reports/{name}?{q}", user="gm", headers={"If-None-Match": tag}).status, 304,
           f"{name}: unchanged")
        c = http.client.HTTPConnection("127.0.0.1", t.server.port, timeout=60)
        try:
            c.request("GET", f"{lib.API}/reports/{name}?{q}",
                      headers={"Authorization": f"Bearer {t.login('gm')}",
                               "Accept-Encoding": "gzip"})
            z = c.getresponse()
            zbody, zenc, ztag = z.read(), z.getheader("content-encoding"), z.getheader("etag")
        finally:
            c.close()
        eq(gzip.decompress(zbody) if zenc == "gzip" else zbody, res.raw,
           f"{name}: the same bytes once unpacked")
        eq(ztag, tag, f"{name}: the same tag for both encodings")
    # a role that sees no customers' money gets no money report, streamed or not
    gm = rep(t, "daily_receipts", market=W["market"], **{"from": MONTH_FROM, "to": MONTH_TO})
    rep(t, "daily_receipts", user="marketing", status=403, market=W["market"],
        **{"from": MONTH_FROM, "to": MONTH_TO})
    res = t.get(f"/reports/daily_receipts?{q}&format=csv", user="director")
    eq(res.status, 200, "csv of the director")
    head = list(csv.reader(io.StringIO(res.raw[3:].decode("utf-8"))))
    eq(len(head), len(gm["rows"]) + 3, "header, rows, totals, watermark")


def test_money_reports_range_after_the_invoices(t):
    """A range that starts after the invoices' dates (the collection rate's part open at the
    range's start; collections with no sales in the range), summed per invoice and customer
    in store/report.c rather than in SQL: the same figures as the SQL gave."""
    W = world(t)
    # B's invoice (120,000, due 13 Dec): 40,000 cash on 15 Dec, before the range; 10,000
    # expense credit on 16 Dec, in it: due = the 80,000 open at the start
    b = month(t, "collection_rate", **{"from": "2026-12-16"})
    eq(rows_of(b, "due_fen", "collected_fen", "cash_fen", "expense_fen", "rate_bp"),
       [(80000, 10000, 0, 10000, 1250)], "collection rate from 16 Dec")
    # from 17 Dec: 70,000 open at the start, nothing collected
    b = month(t, "collection_rate", **{"from": "2026-12-17"})
    eq(rows_of(b, "due_fen", "collected_fen", "cash_fen", "expense_fen"),
       [(70000, 0, 0, 0)], "collection rate from 17 Dec")
    # no sales in the range: the KAM's row has its collections (10,000 from B, 20,000 from A)
    # and B's overdue, and no customer with net sales
    b = month(t, "sales_ranking", **{"from": "2026-12-16"})
    eq(rows_of(b, "rank", "salesperson", "net_sales_fen", "collections_fen", "customers"),
       [(1, W["kam"], 0, 30000, 0)], "ranking, collections only")
    b = month(t, "commission_base", **{"from": "2026-12-16"})
    eq(rows_of(b, "salesperson", "net_sales_fen", "collections_fen", "overdue_fen"),
       [(W["kam"], 0, 30000, 70000)], "commission base, collections only")


def test_row_reports_orders_and_shipments_counted_once(t):
    """The rows per customer and SKU summed in C (store/report_lines.c), the replenishment
    record and the order/shipment check made per order in C (store/report_ops.c): an order shipped short and its backorder
    shipped later has two invoices of one SKU — one order in `orders`; a second order of that
    SKU — two; the replenishment record lists both shipments of the order in number order and
    sums only what they shipped of each SKU; before the second shipment the open backorder.
    The same figures as the SQL of the earlier build gave (run against it)."""
    W = world(t)
    users = {k: W[k] for k in ("kam", "mm", "um")}
    c = customer(t, region=W["region"], market=W["market"], kam=users["kam"], term=30,
                 name="丙经销商")
    set_clock(t, "2027-02-01", "10:00")

    def released_order(lines):
        o = t.ok(t.post("/orders", {"customer": c, "lines": [{"sku": s, "qty": q}
                                                              for s, q in lines]},
                        user=users["kam"]), 201, "create order")
        for action, who in (("verify", users["kam"]), ("approve-market", users["mm"]),
                            ("accept", "csr_a"), ("check", "csr_a"), ("approve", "deputy"),
                            ("print-delivery-note", "finance"), ("release", "csr_a")):
            o = order_act(t, o["number"], action, who)
        return o["number"], o["shipments"][0]

    x, sx1 = released_order([(W["p1"], 24), (W["p2"], 6)])
    y, sy = released_order([(W["p1"], 12)])
    set_clock(t, "2027-02-02", "10:00")
    s = dispatch(t, sx1, picks={"lines": [{"sku": W["p1"], "batch": "RPB1", "qty": 12},
                                          {"sku": W["p2"], "batch": "RPB2", "qty": 6}]})
    eq(len(s["backorders"]), 1, "12 of P1 short: a backorder")
    dispatch(t, sy)
    feb = {"market": W["market"], "from": "2027-02-01", "to": "2027-02-28"}
    b = rep(t, "replenishment_record", **feb)
    eq(rows_of(b, "order", "sku", "ordered", "shipped", "backordered", "shipments"),
       [(x, W["p1"], 24, 12, 12, sx1), (x, W["p2"], 6, 6, 0, sx1), (y, W["p1"], 12, 12, 0, sy)],
       "before the backorder ships: 12 open")
    b = rep(t, "order_shipment_check", **feb)
    eq(rows_of(b, "order", "sku", "ordered", "shipped", "backordered", "cancelled", "difference"),
       [(x, W["p1"], 24, 12, 12, 0, 0), (x, W["p2"], 6, 6, 0, 0, 0), (y, W["p1"], 12, 12, 0, 0, 0)],
       "order check: 12 shipped, 12 open")
    set_clock(t, "2027-02-05", "10:00")
    sx2 = t.ok(t.post(f"/backorders/{s['backorders'][0]['number']}/schedule", {},
                      user="csr_a"), 200, "schedule")["scheduled_shipment"]
    dispatch(t, sx2)
    eq(len(lib.invoices_of(t, c, order=x)), 2, "order X invoiced twice")
    b = rep(t, "replenishment_record", **feb)
    eq(rows_of(b, "order", "sku", "ordered", "shipped", "backordered", "shipments"),
       [(x, W["p1"], 24, 24, 0, " ".join(sorted([sx1, sx2]))),
        (x, W["p2"], 6, 6, 0, " ".join(sorted([sx1, sx2]))), (y, W["p1"], 12, 12, 0, sy)],
       "both shipments of X, P1 shipped 12 + 12")
    eq(b["totals"]["shipped"], 42, "shipped total")
    b = rep(t, "order_shipment_check", **feb)
    eq(rows_of(b, "order", "sku", "ordered", "shipped", "backordered", "difference"),
       [(x, W["p1"], 24, 24, 0, 0), (x, W["p2"], 6, 6, 0, 0), (y, W["p1"], 12, 12, 0, 0)],
       "order check: both shipments of X")
    m, r, k = W["market"], W["region"], W["kam"]
    for name in ("weekly_sales", "monthly_sales"):
        b = rep(t, name, **feb)
        eq(rows_of(b, "market", "region", "salesperson", "customer", "sku", "qty", "cases",
                   "net_sales_fen", "orders"),
           [(m, r, k, c, W["p1"], 36, 3, 36000, 2), (m, r, k, c, W["p2"], 6, 1, 15300, 1)],
           f"{name}: X's two invoices of P1 are one order")
        eq(b["totals"]["orders"], 3, f"{name}: orders total")
    b = rep(t, "distributor_purchases", **feb)
    eq(rows_of(b, "customer", "sku", "qty", "cases", "amount_fen", "orders", "last_order_date"),
       [(c, W["p1"], 36, 3, 36000, 2, "2027-02-01"), (c, W["p2"], 6, 1, 15300, 1, "2027-02-01")],
       "purchases")
    # one customer, one SKU: the filters inside the sums
    b = rep(t, "monthly_sales", customer=c, sku=W["p1"], **{"from": "2027-02-01",
                                                             "to": "2027-02-28"})
    eq(rows_of(b, "customer", "sku", "qty", "orders"), [(c, W["p1"], 36, 2)], "customer= sku=")
    b = rep(t, "replenishment_record", customer=c, **{"from": "2027-02-01", "to": "2027-02-28"})
    eq(len(b["rows"]), 3, "customer=: its three lines")


PINNED = ("from", "to", "market", "region", "customer")


def test_every_report_takes_the_five_pinned_parameters(t):
    """api.md §5.8 pins from/to/market/region/customer on every report: each one listed answers
    200 to all five; a parameter it has no use for is named in params.ignored, never a 400."""
    W = world(t)
    q = {"from": MONTH_FROM, "to": MONTH_TO, "market": W["market"], "region": W["region"],
         "customer": W["a"]}
    names = [i["name"] for i in t.ok(t.get("/reports", user="gm"))["items"]]
    check(len(names) > 40, f"every report listed ({len(names)})")
    for n in names:
        # the audit trail is the auditor's; every other report is the GM's to read
        b = rep(t, n, user="auditor" if n == "internal_audit" else "gm", format="json", **q)
        ignored = b["params"].get("ignored", [])
        check(set(ignored) <= set(PINNED), f"{n}: ignored {ignored}")
        for k in ("market", "region", "customer"):
            check(b["params"].get(k) == q[k] or k in ignored, f"{n}: {k} applied or ignored")
        check(("from" in b["params"] or "as_of" in b["params"] or "period" in b["params"])
              or "from" in ignored, f"{n}: from applied or ignored")
    # a parameter not among the five and not the report's own is still refused, and so is a
    # bad value of one of the five
    t.expect_error(t.get("/reports/stock_by_batch?dimension=market", user="gm"), 400,
                   "bad_request", field="dimension")
    t.expect_error(t.get("/reports/stock_by_batch?from=2026-13-01", user="gm"), 400,
                   "bad_request", field="from")
    t.expect_error(t.get("/reports/logistics_info?from=2026-12-05&to=2026-12-01", user="gm"), 400,
                   "bad_request")


def test_newly_filtered_reports_restrict_their_rows(t):
    W = world(t)
    other = {"market": "NOSUCH", "region": "NOSUCH"}
    # receivables_record: the customer's market and region now filter (was a 400)
    b = month(t, "receivables_record", customer=W["a"], region=W["region"])
    check(len(b["rows"]) >= 2 and "ignored" not in b["params"], "A's ledger in its region")
    eq(month(t, "receivables_record", customer=W["a"], region=other["region"])["rows"], [],
       "another region: none of A's ledger")
    eq(rep(t, "receivables_record", customer=W["a"], market=other["market"],
           **{"from": MONTH_FROM, "to": MONTH_TO})["rows"], [], "another market: none")
    # regional_sales and customer_composition: customer= keeps that customer's figures only
    whole = month(t, "regional_sales")["totals"]["net_sales_fen"]
    of_a = month(t, "monthly_sales", customer=W["a"])["totals"]["net_sales_fen"]
    b = month(t, "regional_sales", customer=W["a"])
    eq((b["totals"]["net_sales_fen"], b["totals"]["active_customers"]), (of_a, 1),
       "regional sales of A alone")
    check(of_a < whole, f"A's sales ({of_a}) are less than the region's ({whole})")
    eq(month(t, "customer_composition")["totals"]["customers"], 2, "two customers")
    eq(month(t, "customer_composition", customer=W["b"])["totals"]["customers"], 1, "B alone")
    # sales_ranking: the KAM's row carries only A's sales
    b = month(t, "sales_ranking", customer=W["a"])
    eq(rows_of(b, "salesperson", "net_sales_fen"), [(W["kam"], of_a)], "ranking of A's sales")
    # batch_trace and backorders take from/to as a filter only when given
    b = rep(t, "batch_trace", batch="RPB1", market=W["market"])
    eq(len(b["rows"]), 2, "both shipments of RPB1, no range given")
    check("from" not in b["params"], "no default range")
    b = rep(t, "batch_trace", batch="RPB1", market=W["market"],
            **{"from": "2026-11-01", "to": "2026-11-30"})
    eq((b["rows"], b["params"]["from"]), ([], "2026-11-01"), "nothing shipped in November")
    eq(len(rep(t, "batch_trace", batch="RPB1", customer=W["b"],
               **{"from": "2026-12-01", "to": "2026-12-31"})["rows"]), 1, "B's in December")
    # osb_daily_status: customer= counts that customer's open work only
    b = rep(t, "osb_daily_status", market=W["market"], customer=W["a"])
    eq(rows_of(b, "area", "state", "count"), [("shipments", "dispatched", 1)], "A's shipment")
    # a report with no customer at all says it ignored the filter
    b = rep(t, "stock_by_batch", sku=W["p1"], market=W["market"], customer=W["a"],
            **{"from": MONTH_FROM})
    eq(b["params"]["ignored"], ["from", "market", "customer"], "stock: ignored, listed")
    eq(len(b["rows"]), 1, "stock rows unchanged")


def test_quota_utilisation_by_market_and_range(t):
    W = world(t)
    for period, target in (("2026-12", {"customer": W["a"]}), ("2026-12", {"region": W["region"]}),
                           ("2027-01", {"customer": W["b"]})):
        t.ok(t.post("/quotas", {"period": period, "sku": W["p1"], "qty": 500, **target},
                    user="marketing"), 201, f"quota {period} {target}")
    # world() set the clock to 2026-12-01: no range is December; here both months
    got = rows_of(rep(t, "quota_utilisation", sku=W["p1"], market=W["market"],
                      **{"from": "2026-12-01", "to": "2027-01-31"}), "period", "customer", "region")
    eq(sorted(got, key=str), sorted([("2026-12", W["a"], None), ("2026-12", None, W["region"]),
                                     ("2027-01", W["b"], None)], key=str),
       "the market's rows: its region's and its customers'")
    eq(rows_of(rep(t, "quota_utilisation", sku=W["p1"], market=W["market"]), "period"),
       [("2026-12",), ("2026-12",)], "no range: the month holding today")
    eq(rep(t, "quota_utilisation", sku=W["p1"], market="NOSUCH")["rows"], [], "another market")
    b = rep(t, "quota_utilisation", sku=W["p1"], **{"from": "2027-01-01", "to": "2027-01-31"})
    eq((rows_of(b, "period", "customer"), b["params"]["from"]), ([("2027-01", W["b"])],
                                                                 "2027-01-01"), "January's")
    eq(len(rep(t, "quota_utilisation", sku=W["p1"],
               **{"from": "2026-12-15", "to": "2027-01-10"})["rows"]), 3, "both months")


def test_backorders_made_in_the_range(t):
    W = world(t)
    set_clock(t, "2027-01-05", "10:00")
    c = customer(t, region=W["region"], market=W["market"], kam=W["kam"], term=30, name="丙经销商")
    o = t.ok(t.post("/orders", {"customer": c, "lines": [{"sku": W["p1"], "qty": 36}]},
                    user=W["kam"]), 201, "create order")
    for action, who in (("verify", W["kam"]), ("approve-market", W["mm"]), ("accept", "csr_a"),
                        ("check", "csr_a"), ("approve", "deputy"),
                        ("print-delivery-note", "finance"), ("release", "csr_a")):
        o = order_act(t, o["number"], action, who)
    s = dispatch(t, o["shipments"][0], {"lines": [{"sku": W["p1"], "qty": 24}]})
    eq(len(s["backorders"]), 1, "one backorder of 12")
    set_clock(t, "2027-01-10", "10:00")
    eq(rows_of(rep(t, "backorders", market=W["market"]), "customer", "qty_open", "age_days"),
       [(c, 12, 5)], "no range given: every open backorder")
    b = rep(t, "backorders", market=W["market"], **{"from": "2027-01-01", "to": "2027-01-05"})
    eq((rows_of(b, "qty_open", "age_days"), b["params"]["from"]), ([(12, 5)], "2027-01-01"),
       "made in the range; its age still as of today, not as of to")
    eq(rep(t, "backorders", market=W["market"], **{"from": "2026-12-01", "to": "2026-12-31"})
       ["rows"], [], "none made in December")
    eq(rep(t, "backorders", market=W["market"], customer=W["b"], **{"from": "2027-01-01"})
       ["rows"], [], "none of B's")

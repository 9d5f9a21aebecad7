"""The monthly management reports (api.md §5.8, kpis-and-reports.md §4.1 #11, §3.4) over the known
month of test_reports (two customers, three invoiced lines, a return credited, cash and expense
payments): 每月经销商管理汇总表 (distributor_management_monthly) and the OSB meeting report
(osb_meeting_report) checked to the fen with their totals, both read back as CSV and XLSX
(unzip + the sheet XML); both listed by GET /reports; and the scheduled weekly and monthly
reports that land in the SLT's and the SSG leader's inbox."""

import csv
import io

import lib
from lib import check, eq, set_clock
from test_reports import MONTH_FROM, MONTH_TO, month, rep, rows_of, world, xlsx_sheet


def test_listed(t):
    items = {i["name"]: i for i in t.ok(t.get("/reports", user="gm"))["items"]}
    for n in ("distributor_management_monthly", "osb_meeting_report"):
        check(n in items, f"{n} listed")
        eq(items[n]["formats"], ["json", "csv", "xlsx"], f"{n} formats")
    eq(items["distributor_management_monthly"]["title_zh"], "每月经销商管理汇总表", "title")
    eq(items["osb_meeting_report"]["title_zh"], "OSB月度例会报告", "title")


def test_distributor_management_monthly_to_the_fen(t):
    W = world(t)
    b = month(t, "distributor_management_monthly")
    eq(b["report"], "distributor_management_monthly", "report")
    keys = [c["key"] for c in b["columns"]]
    for k in ("customer", "purchases_fen", "sell_out_qty", "closing_qty", "stock_cover_bp",
              "ar_fen", "overdue_fen", "limit_fen", "exposure_fen", "grade", "expenses_fen",
              "samples_issued", "sample_usage_bp", "pop_requests", "after_sales",
              "inventory_report", "visits"):
        check(k in keys, f"column {k}")
    # A: 54,600 invoiced − 12,000 credited, 20,000 paid → 22,600 open, not yet due (1 Jan);
    # B: 120,000 invoiced, 50,000 paid (40,000 cash + 10,000 expense) → 70,000 overdue
    got = rows_of(b, "customer", "market", "region", "kam", "purchases_fen", "purchased_qty",
                  "ar_fen", "overdue_fen", "exposure_fen", "grade", "expenses_fen",
                  "samples_issued", "pop_requests", "after_sales", "visits", "inventory_report")
    m, r, k = W["market"], W["region"], W["kam"]
    eq(got, [(W["a"], m, r, k, 42600, 24, 22600, 0, 22600, "C", 0, 0, 0, 0, 0, "missing"),
             (W["b"], m, r, k, 120000, 120, 70000, 70000, 70000, "C", 0, 0, 0, 0, 0, "missing")],
       "rows")
    limits = [row["limit_fen"] for row in b["rows"]]
    eq(b["totals"]["limit_fen"], sum(limits), "limit total")
    eq({k: b["totals"][k] for k in ("purchases_fen", "purchased_qty", "ar_fen", "overdue_fen",
                                     "exposure_fen", "expenses_fen", "samples_issued")},
       {"purchases_fen": 162600, "purchased_qty": 144, "ar_fen": 92600, "overdue_fen": 70000,
        "exposure_fen": 92600, "expenses_fen": 0, "samples_issued": 0}, "totals")
    check("grade" not in b["totals"] and "stock_cover_bp" in b["totals"], "text is not totalled")
    # filters: customer=, and period= gives the same month
    eq(rows_of(month(t, "distributor_management_monthly", customer=W["b"]), "customer"),
       [(W["b"],)], "customer=")
    p = rep(t, "distributor_management_monthly", market=W["market"], period="2026-12")
    eq(p["totals"]["purchases_fen"], 162600, "period=")
    # another month: no purchases, the same money now
    n = rep(t, "distributor_management_monthly", market=W["market"],
            **{"from": "2026-11-01", "to": "2026-11-30"})
    eq([row["purchases_fen"] for row in n["rows"]], [0, 0], "November bought nothing")
    # a KAM of another region sees none of them; the warehouse reads no money
    eq(month(t, "distributor_management_monthly", user="kam_GZ")["rows"], [], "scope")
    t.expect_error(t.get("/reports/distributor_management_monthly", user="warehouse"), 403,
                   "forbidden")


def test_distributor_management_monthly_csv_and_xlsx(t):
    W = world(t)
    q = (f"/reports/distributor_management_monthly?market={W['market']}&from={MONTH_FROM}"
         f"&to={MONTH_TO}")
    res = t.get(q + "&format=csv", user="gm")
    eq(res.status, 200, "csv")
    check(res.raw.startswith(b"\xef\xbb\xbf"), "BOM")
    rows = list(csv.reader(io.StringIO(res.raw[3:].decode("utf-8"))))
    eq(rows[0][:6], ["经销商", "经销商名称", "市场", "区域", "客户经理", "进货金额"], "header")
    eq((rows[1][0], rows[1][5]), (W["a"], "426.00"), "A in yuan")
    eq((rows[2][0], rows[2][5]), (W["b"], "1200.00"), "B in yuan")
    eq((rows[3][0], rows[3][5]), ("合计", "1626.00"), "totals row")
    hdr = rows[0]
    eq(rows[3][hdr.index("应收余额")], "926.00", "AR total in yuan")
    eq(rows[3][hdr.index("逾期金额")], "700.00", "overdue total in yuan")
    check("gm" in rows[4][0] and "DC" in rows[4][0], f"watermark {rows[4][0]}")
    res = t.get(q + "&format=xlsx", user="gm")
    eq(res.status, 200, "xlsx")
    names, sheet, cells = xlsx_sheet(res.raw)
    eq((cells["A1"], cells["F1"]), ("经销商", "进货金额"), "header")
    eq((cells["A2"], float(cells["F2"])), (W["a"], 426.0), "A's purchases as a number of yuan")
    eq((cells["A4"], float(cells["F4"])), ("合计", 1626.0), "totals row")
    check('state="frozen"' in sheet and 'orientation="landscape"' in sheet, "page setup")
    check("DC" in cells.get("A6", ""), f"watermark row {cells.get('A6')}")
    log = t.sql("SELECT report, rows, format FROM report_exports WHERE report ="
                " 'distributor_management_monthly' ORDER BY id DESC LIMIT 2")
    eq(log, [("distributor_management_monthly", 2, "xlsx"),
             ("distributor_management_monthly", 2, "csv")], "two exports logged")


def meeting_rows(b, section):
    return [r for r in b["rows"] if r["section"] == section]


def test_osb_meeting_report_in_every_format(t):
    W = world(t)
    b = rep(t, "osb_meeting_report", market=W["market"], period="2026-12")
    eq((b["params"]["from"], b["params"]["to"]), ("2026-12-01", "2026-12-31"), "the month")
    kpis = [r for r in meeting_rows(b, "kpi") if r["market"] is None]
    eq([r["item"] for r in kpis], ["same_day_delivery_note", "st_decided_next_day",
                                   "shipped_within_24h", "shipment_accuracy",
                                   "collected_within_5_days_of_due"], "the five KPIs")
    eq([r["target_bp"] for r in kpis], [10000, 10000, 10000, 9800, 9000], "targets")
    sd = kpis[0]
    eq((sd["num"], sd["den"], sd["pct_bp"], sd["met"]), (2, 2, 10000, "是"),
       "both orders released the day they were received")
    by_market = [r for r in meeting_rows(b, "kpi") if r["market"] == W["market"]]
    eq(len(by_market), 5, "one row per KPI for the market")
    vol = {r["item"]: r for r in meeting_rows(b, "volume")}
    eq({k: vol[k]["count"] for k in ("orders_accepted", "shipments_dispatched", "invoices")},
       {"orders_accepted": 2, "shipments_dispatched": 2, "invoices": 2}, "volume counts")
    eq({k: vol[k]["amount_fen"] for k in ("invoice_amount_fen", "collections_fen",
                                          "expense_credits_fen")},
       {"invoice_amount_fen": 174600, "collections_fen": 60000, "expense_credits_fen": 10000},
       "volume money to the fen")
    # the same through the legacy path
    legacy = t.ok(t.get(f"/reports/osb_meeting?month=2026-12&market={W['market']}", user="gm"))
    eq(legacy["volume"]["invoice_amount_fen"], 174600, "legacy path agrees")
    # default month: the one before today (clock 31 Dec → November)
    d = rep(t, "osb_meeting_report", market=W["market"])
    eq(d["params"]["from"], "2026-11-01", "default: last month")
    # CSV and XLSX
    q = f"/reports/osb_meeting_report?market={W['market']}&period=2026-12"
    res = t.get(q + "&format=csv", user="gm")
    eq(res.status, 200, "csv")
    rows = list(csv.reader(io.StringIO(res.raw[3:].decode("utf-8"))))
    hdr = rows[0]
    eq(hdr[:3], ["部分", "项目", "市场"], "header")
    inv = [r for r in rows if r[:2] == ["volume", "invoice_amount_fen"]]
    eq(inv[0][hdr.index("金额")], "1746.00", "invoice amount in yuan")
    sdr = [r for r in rows if r[:2] == ["kpi", "same_day_delivery_note"] and r[2] == ""][0]
    eq((sdr[hdr.index("分子")], sdr[hdr.index("分母")], sdr[hdr.index("达成率")]),
       ("2", "2", "100.00%"), "KPI row")
    res = t.get(q + "&format=xlsx", user="gm")
    eq(res.status, 200, "xlsx")
    names, sheet, cells = xlsx_sheet(res.raw)
    eq((cells["A1"], cells["B1"]), ("部分", "项目"), "header")
    eq((cells["A2"], cells["B2"]), ("kpi", "same_day_delivery_note"), "first row")


def test_scheduled_weekly_and_monthly_reports(t):
    W = world(t)
    # Monday 4 Jan 2027 08:30: last week's weekly_sales; the 1st 07:00 job: December's
    set_clock(t, "2027-01-04", "08:29")
    lib.run_jobs(t)
    before = t.sql("SELECT count(*) FROM notifications WHERE event = 'scheduled_report'"
                   " AND subject LIKE '%2026-12-28—2027-01-03%'")[0][0]
    eq(before, 0, "not before 08:30")
    set_clock(t, "2027-01-04", "08:30")
    check("weekly_reports" in lib.run_jobs(t), "the weekly job ran")
    got = t.sql("SELECT recipient, subject FROM notifications WHERE event = 'scheduled_report'"
                " AND subject LIKE '销售情况周统计表 2026-12-28—2027-01-03%' ORDER BY recipient")
    eq(sorted(r for r, _ in got), ["deputy", "director", "gm", "ssg_leader"], "SLT + SSG leader")
    check("GET /reports/weekly_sales?from=2026-12-28&to=2027-01-03" in got[0][1],
          f"subject names the report: {got[0][1]}")
    for name, title in (("monthly_sales", "销售情况月统计表"), ("regional_sales", "区域销售情况统计表"),
                        ("distributor_purchases", "经销商进货情况统计表"),
                        ("distributor_management_monthly", "每月经销商管理汇总表")):
        got = t.sql("SELECT recipient, subject FROM notifications WHERE event = 'scheduled_report'"
                    " AND subject LIKE ? ORDER BY recipient", (f"{title} 2026-12-01—2026-12-31%",))
        eq(sorted(r for r, _ in got), ["deputy", "director", "gm", "ssg_leader"], name)
        check(f"/reports/{name}?from=2026-12-01&to=2026-12-31" in got[0][1], got[0][1])
        # the subject's row count is the report's own (the job counts the rows it did not shape)
        rep = t.ok(t.get(f"/reports/{name}?from=2026-12-01&to=2026-12-31", user="gm"))
        check(f"：{len(rep['rows'])} 行" in got[0][1], f"{name}: {len(rep['rows'])} rows in {got[0][1]}")
        money = next(c for c in rep["columns"] if c["kind"] == "money")
        v = rep["totals"][money["key"]]
        check(f"，{money['title_zh']} ¥{v // 100:,}.{v % 100:02d}（" in got[0][1],
              f"{name}: the total {v} fen in {got[0][1]}")
    # once: running again adds nothing; a Tuesday sends no weekly report
    n = t.sql("SELECT count(*) FROM notifications WHERE event = 'scheduled_report'")[0][0]
    lib.run_jobs(t)
    set_clock(t, "2027-01-05", "09:00")
    lib.run_jobs(t)
    eq(t.sql("SELECT count(*) FROM notifications WHERE event = 'scheduled_report'")[0][0], n,
       "once per week and month")
    # the inbox shows it
    inbox = t.ok(t.get("/notifications", user="ssg_leader"))
    items = inbox["items"] if isinstance(inbox, dict) else inbox
    check(any("每月经销商管理汇总表" in (i.get("subject") or "") for i in items), "in the inbox")

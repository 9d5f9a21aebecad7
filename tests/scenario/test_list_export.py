"""Issue #17 item 3: every list exports the rows it shows to XLSX. POST /exports/xlsx takes a
list page's columns and cells and answers the workbook written by the report engine's table
writer: header row, money in yuan as numbers, the watermark (user, time, export number), one
report_exports row and one audit row per export, like a report export. The customers list keeps
the customer-list export limits."""

import io
import re
import zipfile

from lib import check, eq, set_clock


def sheet_cells(raw):
    z = zipfile.ZipFile(io.BytesIO(raw))
    sheet = z.read("xl/worksheets/sheet1.xml").decode("utf-8")
    shared = z.read("xl/sharedStrings.xml").decode("utf-8") \
        if "xl/sharedStrings.xml" in z.namelist() else ""
    strings = [re.sub(r"<[^>]+>", "", s) for s in re.findall(r"<si>(.*?)</si>", shared, re.S)]
    cells = {}
    for ref, attrs, body in re.findall(r'<c r="([A-Z]+\d+)"([^>]*?)(?:/>|>(.*?)</c>)', sheet,
                                       re.S):
        v = re.search(r"<v>(.*?)</v>", body or "")
        if v is not None:
            cells[ref] = strings[int(v.group(1))] if 't="s"' in attrs else v.group(1)
    return cells


BODY = {"title": "订单", "source": "/orders?state=draft",
        "columns": [{"title": "单号"}, {"title": "数量", "kind": "int"},
                    {"title": "金额", "kind": "money"}],
        "rows": [["SC20271001DD0001", 12, 123456], ["SC20271001DD0002", None, -500]]}


def test_a_list_exports_as_xlsx_with_watermark_log_and_audit(t):
    set_clock(t, "2027-10-01", "10:00")
    before = t.sql("SELECT count(*) FROM audit WHERE action = 'export'")[0][0]
    res = t.post("/exports/xlsx", BODY, user="csr_a")
    eq(res.status, 200, "exported")
    check("spreadsheetml" in res.headers["content-type"], "an XLSX")
    c = sheet_cells(res.raw)
    eq([c.get(x + "1") for x in "ABC"], ["单号", "数量", "金额"], "header")
    eq((c["A2"], int(c["B2"]), float(c["C2"])), ("SC20271001DD0001", 12, 1234.56), "row 1")
    eq((c["A3"], c.get("B3"), float(c["C3"])), ("SC20271001DD0002", None, -5.0), "row 2")
    mark = [v for v in c.values() if "导出编号" in v]
    eq(len(mark), 1, "one watermark line")
    check("csr_a" in mark[0] and "2027-10-01T10:00:00+08:00" in mark[0], mark[0])
    number = re.search(r"(\S*DC\d+)", mark[0]).group(1)
    eq(t.sql("SELECT count(*) FROM audit WHERE action = 'export'")[0][0], before + 1, "audited")
    eq(t.sql("SELECT actor, object_type FROM audit WHERE action = 'export' AND object_key = ?",
             (number,)), [("csr_a", "report")], "the audit row names the export")
    eq(t.sql("SELECT username, report, rows, format FROM report_exports WHERE number = ?",
             (number,)), [("csr_a", "list", 2, "xlsx")], "export log")


def test_bad_bodies(t):
    set_clock(t, "2027-10-01", "10:00")
    for body, field in [({}, "title"),
                        ({**BODY, "columns": []}, "columns"),
                        ({**BODY, "columns": [{"title": "x", "kind": "float"}]}, "columns"),
                        ({**BODY, "rows": [["a", "twelve", 1]]}, "rows"),
                        ({**BODY, "rows": [["a", 1, 2, 3]]}, "rows"),
                        ({**BODY, "rows": "x"}, "rows")]:
        t.expect_error(t.post("/exports/xlsx", body, user="csr_a"), 400, "bad_request",
                       field=field)
    t.expect_error(t.post("/exports/xlsx", {**BODY, "rows": [["a", 1, 10**13 + 1]]},
                          user="csr_a"), 422, "validation_failed", rule="amount_too_large")


def test_customers_list_keeps_the_customer_list_limits(t):
    set_clock(t, "2027-10-02", "10:00")
    rows = [[f"C{i}", f"客户{i}"] for i in range(501)]
    body = {"title": "客户", "source": "/customers?q=", "columns": [{"title": "编码"},
                                                                    {"title": "名称"}],
            "rows": rows}
    t.expect_error(t.post("/exports/xlsx", body, user="director"), 422, "validation_failed",
                   rule="export_needs_approval")
    eq(t.post("/exports/xlsx", {**body, "rows": rows[:3]}, user="director").status, 200,
       "a few customers export")

"""Inventory reports imported from the distributor's own file (flows.md §16, issue #12 item 4):
POST /inventory-reports/import?customer=&period= with the file as the body — CSV (text/csv)
or an Excel workbook (XLSX, its first sheet). The header names the line keys of api.md §5.6
or their Chinese titles; all or nothing: wrong rows answer 422 import_rejected with
details.rows [{row, field, rule, message}], row being the file's own line (CSV) or sheet row
(XLSX). The workbooks are written here with Python's zipfile, as Excel lays them out."""

import io
import zipfile
from xml.sax.saxutils import escape

import lib
from lib import eq, set_clock

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEAD = ["sku", "opening_qty", "purchased_qty", "other_in_qty", "sold_qty", "returned_qty",
        "closing_qty", "near_expiry_qty"]
HEAD_ZH = ["产品编码", "产品名称", "期初库存", "本月进货", "其他入库", "本月销售", "退货", "期末库存",
           "近效期"]


def distributor(t):
    return lib.customer(t, lib.UNLIMITED, channel="distributor")


def col(i):
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


def xlsx(rows, first_row=1, deflate=True):
    """A workbook whose first sheet (named through workbook.xml's relationships, not
    sheet1.xml) holds rows: text in shared strings, ints as numbers; None leaves a gap."""
    strings, index = [], {}
    xml_rows = []
    for r, row in enumerate(rows, start=first_row):
        cells = []
        for c, v in enumerate(row):
            ref = f"{col(c)}{r}"
            if v is None:
                continue
            if isinstance(v, int):
                cells.append(f'<c r="{ref}"><v>{v}</v></c>')
            else:
                if v not in index:
                    index[v] = len(strings)
                    strings.append(v)
                cells.append(f'<c r="{ref}" t="s"><v>{index[v]}</v></c>')
        xml_rows.append(f'<row r="{r}">{"".join(cells)}</row>')
        r += 1
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    sheet = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet {ns}>'
             f'<sheetData>{"".join(xml_rows)}</sheetData></worksheet>')
    sst = (f'<?xml version="1.0" encoding="UTF-8"?>\n<sst {ns} count="{len(strings)}">'
           + "".join(f"<si><t>{escape(s)}</t></si>" for s in strings) + "</sst>")
    wb = (f'<workbook {ns} xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
          f'relationships"><sheets><sheet name="库存" sheetId="1" r:id="rId1"/></sheets>'
          f'</workbook>')
    rels = ('<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/worksheet" Target="worksheets/inventory.xml"/></Relationships>')
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED if deflate else zipfile.ZIP_STORED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", wb)
        z.writestr("xl/_rels/workbook.xml.rels", rels)
        z.writestr("xl/sharedStrings.xml", sst)
        z.writestr("xl/worksheets/inventory.xml", sheet)
    return buf.getvalue()


def csv(rows):
    return "\ufeff" + "".join(",".join(str(v) for v in row) + "\r\n" for row in rows)


def post(t, cust, period, data, ctype, user="csr_a"):
    return t.request("POST", f"/inventory-reports/import?customer={cust}&period={period}",
                     raw=data, content_type=ctype, user=user)


def test_csv_import_makes_the_report(t):
    set_clock(t, "2027-07-10")
    c = distributor(t)
    k = t.ok(post(t, c, "2027-07", csv([HEAD, ["M-IF1-900", 100, 50, 0, 80, 0, 70, 5],
                                          ["M-IF2-900", 10, "", 0, 4, 0, 6, ""]]),
                  "text/csv; charset=utf-8"), 201, "CSV import")
    eq((k["customer"], k["period"], k["state"], k["late"]), (c, "2027-07", "submitted", False),
       "the report")
    eq([(x["sku"], x["purchased_qty"], x["closing_qty"], x["near_expiry_qty"])
        for x in k["lines"]], [("M-IF1-900", 50, 70, 5), ("M-IF2-900", 0, 6, 0)],
       "lines; an empty purchased cell is pre-filled (no deliveries: 0)")
    eq(t.ok(t.get(f"/inventory-reports/{k['number']}", user="marketing"))["allowed_actions"],
       ["return", "review"], "marketing reviews it as any report")
    t.expect_error(post(t, c, "2027-07", csv([HEAD, ["M-IF1-900", 1, 0, 0, 0, 0, 1, 0]]),
                        "text/csv"), 409, "duplicate")


def test_csv_errors_name_every_wrong_line(t):
    set_clock(t, "2027-07-10")
    c = distributor(t)
    body = csv([HEAD,
                ["M-IF1-900", 100, 50, 0, 80, 0, 70, 0],   # line 2: fine
                ["M-IF2-900", 100, 50, 0, 80, 0, 99, 0],   # line 3: not balanced
                [],                                        # line 4: blank
                ["NOPE-1", 1, 0, 0, 0, 0, 1, 0],           # line 5: unknown SKU
                ["M-IF1-900", 1, 0, 0, 0, 0, 1, 0],        # line 6: second time
                ["M-IF3-900", "x", 0, 0, 0, 0, 1, 0],      # line 7: not a number
                ["M-IF4-900", -1, 0, 0, 0, 0, -1, 0]])     # line 8: negative
    d = t.expect_error(post(t, c, "2027-07", body, "text/csv"), 422, "validation_failed",
                       rule="import_rejected")
    eq([(r["row"], r["rule"]) for r in d["rows"]],
       [(3, "inventory_not_balanced"), (5, "unknown_sku"), (6, "duplicate_line"),
        (7, "not_a_number"), (8, "negative_qty")], "every wrong line, by its line in the file")
    eq(d["rows"][3]["field"], "opening_qty", "the field of a row error")
    eq(t.list_all(f"/inventory-reports?customer={c}", user="csr_a"), [], "nothing imported")
    t.expect_error(post(t, c, "2027-07", 'sku,"bad\n', "text/csv"), 400, "bad_request")
    t.expect_error(post(t, c, "2027-07", csv([HEAD + ["colour"], ["M-IF1-900"]]), "text/csv"),
                   400, "bad_request", field="colour")
    t.expect_error(post(t, c, "2027-07", csv([HEAD]), "text/csv"), 400, "bad_request")
    t.expect_error(post(t, "NOPE", "2027-07", csv([HEAD]), "text/csv"), 422,
                   "validation_failed", field="customer")
    t.expect_error(post(t, c, "27-7", csv([HEAD]), "text/csv"), 422, "validation_failed",
                   field="period")
    t.expect_error(post(t, c, "2027-07", "x", "application/pdf"), 415,
                   "unsupported_media_type")
    # roles as POST /inventory-reports: the CSR or SSG, not marketing
    t.expect_error(post(t, c, "2027-07", csv([HEAD, ["M-IF1-900", 1, 0, 0, 0, 0, 1, 0]]),
                        "text/csv", user="marketing"), 403, "forbidden")


def test_xlsx_import_with_chinese_titles(t):
    set_clock(t, "2027-07-21")
    c = distributor(t)
    for deflate in (True, False):
        cust = c if deflate else distributor(t)
        data = xlsx([HEAD_ZH,
                     ["M-IF1-900", "婴儿奶粉1段", 100, 50, 0, 80, 0, 70, 3],
                     ["M-IF2-900", "婴儿奶粉2段", 20, None, None, 5, 0, 15, None]],
                    first_row=3, deflate=deflate)
        k = t.ok(post(t, cust, "2027-07", data, XLSX), 201, "XLSX import")
        eq([(x["sku"], x["opening_qty"], x["purchased_qty"], x["other_in_qty"], x["sold_qty"],
             x["closing_qty"], x["near_expiry_qty"]) for x in k["lines"]],
           [("M-IF1-900", 100, 50, 0, 80, 70, 3), ("M-IF2-900", 20, 0, 0, 5, 15, 0)],
           f"lines read from the sheet (deflate={deflate})")
        eq(k["late"], True, "after the 20th: late, as any report")


def test_xlsx_errors_name_sheet_rows(t):
    set_clock(t, "2027-07-10")
    c = distributor(t)
    data = xlsx([HEAD,
                 ["M-IF1-900", 10, 0, 0, 1, 0, 9, 0],      # sheet row 5
                 ["M-IF2-900", 10, 0, 0, 1, 0, 8, 0],      # row 6: not balanced
                 ["M-IF3-900", 10, 0, 0, 1, 0, 9, "many"]],  # row 7: not a number
                first_row=4)
    d = t.expect_error(post(t, c, "2027-07", data, XLSX), 422, "validation_failed",
                       rule="import_rejected")
    eq([(r["row"], r["field"], r["rule"]) for r in d["rows"]],
       [(6, "lines", "inventory_not_balanced"), (7, "near_expiry_qty", "not_a_number")],
       "errors by sheet row")
    t.expect_error(post(t, c, "2027-07", b"PK\x03\x04 not really a zip", XLSX), 400,
                   "bad_request", field="file")
    t.expect_error(post(t, c, "2027-07", b"plain text", XLSX), 400, "bad_request")
    eq(t.list_all(f"/inventory-reports?customer={c}", user="csr_a"), [], "nothing imported")

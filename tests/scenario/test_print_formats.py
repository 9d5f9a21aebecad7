"""Print formats a finance clerk signs (issue #14 item 5), read back with real readers: the
statement PDF drawn by MuPDF (`mutool draw` reports no glyph it cannot render — the "如" of
"如有不符" was lost by the Noto CJK subset of cairo 1.16), its text (pdftotext) equal to the
JSON statement to the fen, the issuing company and both stamp boxes, the 订单号 column, page n of
N, 本页小计 and 承上页 on a two-page statement; the delivery note PDF small (no megabyte font)
and fully drawn; the XLSX page setup (A4, one page wide, header row repeated, page numbers) and
both workbooks printed to PDF by LibreOffice headless with every column on each page."""

import io
import os
import re
import shutil
import subprocess
import zipfile

import lib
from lib import check, customer, dispatch, eq, pay, product, released, set_clock

COMPANY = "广州示例食品有限公司"


def yuan(fen):
    s = f"{abs(fen) // 100:,}.{abs(fen) % 100:02d}"
    return ("-¥" if fen < 0 else "¥") + s


def mutool_clean(t, path):
    """Draws every page with MuPDF; answers its warnings about glyphs and fonts."""
    out = os.path.join(t.workdir, "page-%d.png")
    p = subprocess.run(["mutool", "draw", "-r", "40", "-o", out, path], capture_output=True)
    eq(p.returncode, 0, f"mutool draw {path}: {p.stderr[-300:]!r}")
    bad = [ln for ln in p.stderr.decode("utf-8", "replace").splitlines()
           if re.search(r"glyph|broken|font|error", ln, re.I)]
    return bad


def pdf_pages(path):
    txt = subprocess.run(["pdftotext", "-layout", path, "-"], capture_output=True).stdout
    return [p for p in txt.decode("utf-8", "replace").split("\f") if p.strip()]


def world(t):
    if "w" in t.case:
        return t.case["w"]
    set_clock(t, "2026-12-01", "10:00")
    t.ok(t.put("/settings/company_name", {"value": COMPANY}), 200, "company name")
    sku = product(t, price=1234, case=1)
    cust = customer(t, name="打印格式测试客户")
    order, ship = released(t, cust, [(sku, 100)])
    dispatch(t, ship)
    # 44 small receipts: 46 statement rows, more than one A4 page holds
    for i in range(44):
        pay(t, cust, 100 + i)
    w = t.case["w"] = {"cust": cust, "order": order, "ship": ship}
    return w


def fetch(t, path, name):
    r = t.get(path, user="finance")
    eq(r.status, 200, name)
    out = os.path.join(t.workdir, name)
    with open(out, "wb") as f:
        f.write(r.raw)
    return out, r.raw


def test_statement_pdf_reads_back_to_the_fen(t):
    w = world(t)
    q = f"/customers/{w['cust']}/statement?from=2026-12-01&to=2026-12-31"
    st = t.ok(t.get(q, user="finance"))
    eq(len(st["items"]), 45, "the invoice and 44 receipts")
    path, raw = fetch(t, q + "&format=pdf", "statement.pdf")
    eq(mutool_clean(t, path), [], "MuPDF draws every glyph")
    pages = pdf_pages(path)
    eq(len(pages), 2, "two pages")
    text = "\n".join(pages)
    for i, p in enumerate(pages, 1):
        check(f"第 {i} 页 共 2 页" in p, f"page {i} of 2 in the footer")
    check("如有不符" in text, "the whole reply sentence")
    check(COMPANY in pages[0] and "出具单位（盖章）" in text and "客户确认（盖章）" in text,
          "issuing company and both stamp boxes")
    check("订单号" in pages[0] and w["order"] in pages[0], "the order column")
    # every figure of the JSON, to the fen
    for it in st["items"]:
        line = next((ln for ln in text.splitlines() if it["document"] in ln), None)
        check(line is not None, f"{it['document']} printed")
        for k in ("debit_fen", "credit_fen"):
            if it[k]:
                check(yuan(it[k]) in line, f"{it['document']} {k} {yuan(it[k])} in {line!r}")
        check(yuan(it["balance_fen"]) in line, f"balance {yuan(it['balance_fen'])} in {line!r}")
    for k in ("opening_fen", "closing_fen", "debits_fen", "credits_fen"):
        check(yuan(st[k]) in text, f"{k} {yuan(st[k])}")
    # page 1 ends with its subtotal, page 2 starts with the balance carried
    on1 = [it for it in st["items"] if it["document"] in pages[0]]
    sub = next(ln for ln in pages[0].splitlines() if "本页小计" in ln)
    eq(re.findall(r"-?¥[\d,]+\.\d\d", sub),
       [yuan(sum(i["debit_fen"] for i in on1)), yuan(sum(i["credit_fen"] for i in on1)),
        yuan(on1[-1]["balance_fen"])], "本页小计 of page 1")
    carry = next(ln for ln in pages[1].splitlines() if "承上页" in ln)
    eq(re.findall(r"-?¥[\d,]+\.\d\d", carry), [yuan(on1[-1]["balance_fen"])], "承上页")
    check(len(raw) < 200_000, f"the statement is small: {len(raw)} bytes")


def test_delivery_note_pdf_small_and_drawn(t):
    w = world(t)
    o = t.ok(t.get(f"/orders/{w['order']}", user="finance"))
    path, raw = fetch(t, f"/delivery-notes/{o['delivery_note']}.pdf", "delivery-note.pdf")
    check(raw.startswith(b"%PDF"), "a PDF")
    eq(mutool_clean(t, path), [], "MuPDF draws every glyph")
    check(len(raw) < 200_000, f"one page without a megabyte font: {len(raw)} bytes")
    info = subprocess.run(["pdfinfo", path], capture_output=True).stdout.decode()
    check("Pages:           1" in info and "595.28 x 841.89" in info, f"one A4 page: {info}")


def xlsx_parts(raw):
    z = zipfile.ZipFile(io.BytesIO(raw))
    return z.read("xl/worksheets/sheet1.xml").decode(), z.read("xl/workbook.xml").decode()


def test_xlsx_page_setup(t):
    w = world(t)
    _, raw = fetch(t, f"/customers/{w['cust']}/statement?from=2026-12-01&to=2026-12-31"
                      "&format=xlsx", "statement.xlsx")
    sheet, book = xlsx_parts(raw)
    check('paperSize="9"' in sheet, "A4")
    # fit to pages, 1 wide (the default width libxlsxwriter leaves out) × any number tall
    check('fitToPage="1"' in sheet and 'fitToHeight="0"' in sheet and "fitToWidth" not in sheet,
          "one page wide")
    check("_xlnm.Print_Titles" in book, "the header row repeats on every page")
    check("&amp;P" in sheet and "&amp;N" in sheet, "page n of N in the footer")
    check('state="frozen"' in sheet, "frozen header")


def soffice_pdf(t, xlsx):
    """Prints an XLSX to PDF with LibreOffice headless (its own profile in the workdir)."""
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    check(exe is not None, "LibreOffice (libreoffice-calc-nogui, scripts/deps.sh) is installed")
    prof = os.path.join(t.workdir, "lo-profile")
    # generous: LibreOffice's first start builds its profile, slow on a loaded machine
    p = subprocess.run([exe, f"-env:UserInstallation=file://{prof}", "--headless", "--norestore",
                        "--convert-to", "pdf", "--outdir", t.workdir, xlsx],
                       capture_output=True, timeout=900)
    out = os.path.splitext(xlsx)[0] + ".pdf"
    check(p.returncode == 0 and os.path.exists(out), f"soffice: {p.stderr[-300:]!r}")
    return out


def test_xlsx_printed_by_libreoffice(t):
    w = world(t)
    path, _ = fetch(t, f"/customers/{w['cust']}/statement?from=2026-12-01&to=2026-12-31"
                       "&format=xlsx", "statement.xlsx")
    pages = pdf_pages(soffice_pdf(t, path))
    check(len(pages) <= 2, f"the statement prints on {len(pages)} pages")
    for i, p in enumerate(pages, 1):
        check("日期" in p and "余额" in p, f"page {i}: the header with dates and amounts")
    check("1,234.00" in pages[0] and "2026-12-01" in pages[0], "amount beside its date")
    rpath, _ = fetch(t, "/reports/monthly_sales?from=2026-12-01&to=2026-12-31&format=xlsx",
                     "monthly_sales.xlsx")
    rpages = pdf_pages(soffice_pdf(t, rpath))
    eq(len(rpages), 1, "the month's sales on one page")
    check("净销售额" in rpages[0] and "市场" in rpages[0] and "订单数" in rpages[0],
          "every column on the page")

"""q='s customer match through customer_grams (issue #17): /customers?q= and the customer part
of /orders?q= and /invoices?q= find exactly the customers the substring match finds —
"lower(code) LIKE lower(%q%) OR lower(name) LIKE lower(%q%)", the query the lists ran over every
customer before — for queries of one, two and three or more characters, Chinese, ASCII in
either case, mixed, and wildcard characters; the grams follow a rename in the same request
(and a refused rename leaves them as they were)."""

from urllib.parse import quote

import lib
from lib import check, customer, eq, product, released, set_clock
from test_list_q_indexed import same_rows

NAME = "粤海检字"


def pattern(q):
    esc = q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{esc}%"


def oracle(t, q):
    p = pattern(q)
    return {r[0] for r in t.sql(
        "SELECT code FROM customers WHERE lower(code) LIKE lower(?) ESCAPE '\\'"
        " OR lower(name) LIKE lower(?) ESCAPE '\\'", [p, p])}


def listed(t, q, user="admin"):
    return {x["code"] for x in t.list_all(f"/customers?q={quote(q, safe='')}", user=user, limit=7)}


def grams(text):
    """What the server keeps for text: every 3-character piece lower-cased, and every 1- and
    2-character piece beyond ASCII."""
    low = "".join(c.lower() if c < "\x80" else c for c in text)
    out = set()
    for n in (1, 2, 3):
        for i in range(len(low) - n + 1):
            g = low[i:i + n]
            if n == 3 or any(c >= "\x80" for c in g):
                out.add(g)
    return out


def kept(t, code):
    return {r[0] for r in t.sql("SELECT gram FROM customer_grams WHERE code = ?", [code])}


def queries(codes):
    a = codes[0]
    return [
        "粤", "海", "字",                       # one Chinese character
        "粤海", "检字", "海检", "字商",           # two
        NAME, NAME[1:], "粤海检字商行", "海检字Ab",  # three and more
        "商行Ab", "ab", "aB", "a",               # mixed; one and two ASCII characters
        a, a.lower(), a[2:].lower(), a[-3:],     # a code, its pieces
        "ABC", "abcd", "Bcd",                   # ASCII in either case
        "不在的", "%", "_", "\\", "粤%", "海_检",  # nothing; wildcards match themselves
    ]


def data(t):
    codes = [customer(t, name=f"{NAME}商行AbCd"), customer(t, name=f"粤海{NAME[2:]}"),
             customer(t, name="海检"), customer(t, name="字"), customer(t, name="abcde 商行"),
             customer(t, name="粤%海_检\\字")]
    return codes


def test_customers_q_same_rows_as_the_scan(t):
    codes = data(t)
    for c in codes:
        eq(kept(t, c), grams(c) | grams(t.sql("SELECT name FROM customers WHERE code = ?", [c])[0][0]),
           f"grams of {c}")
    for q in queries(codes):
        want = oracle(t, q)
        eq(listed(t, q), want, f"/customers q={q!r}")
    # a query that finds some: the test would fail if grams lost rows
    check(len(oracle(t, "粤海")) >= 2 and len(oracle(t, "海检")) >= 3, "the queries find rows")
    check({codes[2], codes[0]} <= listed(t, "海检"), "two characters find the names")


def test_orders_and_invoices_q_by_customer_same_rows(t):
    codes = data(t)
    sku = product(t, price=1000)
    set_clock(t, "2030-12-03")
    for c in codes[:3]:
        released(t, c, [(sku, 12)])
    qs = ["粤", "海检", NAME, NAME[1:], "商行Ab", codes[0][2:].lower(), "不在的", "海_检"]
    same_rows(t, "/orders", "orders", "order_lines", "order_no", qs)
    same_rows(t, "/invoices", "invoices", "invoice_lines", "invoice", qs, reader="finance")


def test_rename_moves_the_grams(t):
    code = customer(t, name=f"{NAME}旧名")
    check(code in listed(t, "旧名"), "old name found")
    # a refused rename (stale If-Match): nothing changes, the grams neither
    t.ok(t.patch(f"/customers/{code}", {"name": "新名称甲"}, headers={"If-Match": "999"}), 409,
         "stale rename")
    check(code in listed(t, "旧名") and code not in listed(t, "新名"), "grams as they were")
    t.ok(t.patch(f"/customers/{code}", {"name": "新名称甲"}), 200, "rename")
    eq(kept(t, code), grams(code) | grams("新名称甲"), "grams of the new name")
    check(code in listed(t, "新名") and code not in listed(t, "旧名"), "found by the new name only")
    eq(listed(t, "旧名"), oracle(t, "旧名"), "old name: the scan's rows")


def test_serve_writes_missing_grams_at_start(t):
    """A customer written into the table without its grams (a bulk load by hand) is not found
    by q= until osb serve starts again, which writes the grams of every customer that has none."""
    code = customer(t, name="手工导入客户")
    lib.sql_exec(t, "DELETE FROM customer_grams WHERE code = ?", [code])
    check(code not in listed(t, "手工导入"), "no grams: not found")
    t.restart()
    eq(kept(t, code), grams(code) | grams("手工导入客户"), "grams written at start")
    check(code in listed(t, "手工导入"), "found after the start")

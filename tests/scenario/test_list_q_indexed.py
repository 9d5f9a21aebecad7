"""q= through indexes (issue #17): /orders?q= and /invoices?q= find the same rows as the
documented match — api.md §5.1 "document number, customer code or name, SKU; case-insensitive
substring" — now that the server resolves the text against customers, the lines' SKUs and
the number heads first (store_filter_q_doc). The oracle is the substring query itself, run on
the database: for every q (a whole number, a number's tail, date, head fragment, a number
across head and tail, a customer code and Chinese name fragment, a SKU, text that is nowhere,
wildcard characters, one digit that matches many rows) the API's rows, every page, equal the
oracle's, for an unscoped reader (admin; finance for invoices) and a scoped one (kam_GZ)."""

from urllib.parse import quote

import lib
from lib import check, checked, customer, dispatch, eq, invoices_of, product, released, set_clock

NAME = "检索索引测试"


def pattern(q):
    esc = q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{esc}%"


def oracle(t, table, lines, line_doc, q, kam=None, extra=None):
    """The documented match straight on the database (the query lists used before); extra:
    (condition on d, its parameters) the list's other filters add."""
    p = pattern(q)
    sql = (f"SELECT d.number FROM {table} d JOIN customers cu ON cu.code = d.customer"
           " WHERE (lower(d.number) LIKE lower(?) ESCAPE '\\'"
           " OR lower(cu.code) LIKE lower(?) ESCAPE '\\' OR lower(cu.name) LIKE lower(?) ESCAPE '\\'"
           f" OR EXISTS (SELECT 1 FROM {lines} ql WHERE ql.{line_doc} = d.number"
           " AND lower(ql.sku) LIKE lower(?) ESCAPE '\\'))")
    params = [p, p, p, p]
    if kam:
        sql += " AND cu.kam = ?"
        params.append(kam)
    if extra:
        sql += f" AND {extra[0]}"
        params += extra[1]
    return {r[0] for r in t.sql(sql, params)}


def api(t, path, q, user):
    return {x["number"] for x in t.list_all(f"{path}?q={quote(q, safe='')}", user=user, limit=7)}


def same_rows(t, path, table, lines, line_doc, qs, reader="admin"):
    for q in qs:
        want = oracle(t, table, lines, line_doc, q)
        eq(api(t, path, q, reader), want, f"{path} q={q!r} ({reader})")
        want_kam = oracle(t, table, lines, line_doc, q, kam="kam_GZ")
        eq(api(t, path, q, "kam_GZ"), want_kam, f"{path} q={q!r} (kam_GZ)")


def data(t):
    """Two customers with a Chinese name fragment, one of another KAM, a product; released
    orders (so invoices too) on three days, a few each."""
    sku = product(t, price=1000)
    a = customer(t, name=f"华东{NAME}甲")
    b = customer(t, name=f"华南{NAME}乙")
    c = customer(t, name="另一家商行")
    orders = []
    for day in ("2030-11-06", "2030-11-07", "2030-11-09"):
        set_clock(t, day)
        for cust in (a, b, c, a):
            n, ship = released(t, cust, [(sku, 12)])
            dispatch(t, ship)
            orders.append(n)
    invs = [i["number"] for cu in (a, b, c) for i in invoices_of(t, cu)]
    check(len(invs) >= 12, f"invoices made ({len(invs)})")
    return sku, a, b, orders, invs


def queries(sku, cust, numbers):
    n = numbers[-1]
    head = n.rstrip("0123456789")
    tail = n[len(head):]
    return [
        n, n.lower(),                 # a whole number
        tail, tail[-3:], tail[-2:],   # its tail (the day's sequence)
        head[-2:] + tail[:2],         # across head and tail ("DD00")
        head[-3:] + tail,             # type letters and tail
        n[2:10],                      # the date
        n[6:12].lower(),              # date and type
        n[1:4].lower(), n[:5],        # prefix and the year's start ("c20", "SC203")
        n[3:10], n[5:9],              # inside the day: 7 digits, 4 (every head's tails too)
        n[8:13].lower(),              # day, type and the tail's start ("06dd0")
        n[:10] + "FP", "FP" + tail,   # another type's letters where the type stands
        head,                         # a whole head
        "7",                          # one digit: many rows
        cust, cust[1:-1].lower(),     # customer code
        NAME, NAME[1:4], "华南" + NAME[:2],  # Chinese name fragments
        sku, sku.lower()[1:],         # SKU
        "不存在的文字", n + "9", "%", "_", "\\", "DD%0",  # nothing / wildcards match themselves
    ]


def test_orders_q_same_rows(t):
    sku, a, _b, orders, _invs = data(t)
    same_rows(t, "/orders", "orders", "order_lines", "order_no", queries(sku, a, orders))


def test_invoices_q_same_rows(t):
    sku, a, _b, _orders, invs = data(t)
    same_rows(t, "/invoices", "invoices", "invoice_lines", "invoice", queries(sku, a, sorted(invs)),
              reader="finance")


def test_q_same_rows_whatever_the_database_collation(t):
    """The number ranges of q= ("head…" up to "head:") hold in byte order. A PostgreSQL
    database created with another collation orders ':' before the digits (ICU en-US, as
    glibc's en_US does), which emptied every range; the numbers are compared COLLATE "C"
    (schema migration doc_seq_type's byte-order indexes) whatever the collation. On PostgreSQL
    the number columns are given en-US collation here, as such a database gives them; SQLite
    compares bytes by definition and runs the same check."""
    sku, a, _b, orders, invs = data(t)
    if lib.PG:
        for table in ("orders", "invoices"):
            lib.sql_exec(t, f'ALTER TABLE {table} ALTER COLUMN number TYPE TEXT COLLATE "en-US-x-icu"')
        t.restart()  # statements prepared before describe the old column
        head = orders[-1].rstrip("0123456789")
        # the collation the columns now have does put ':' first: the old ranges were empty
        eq(t.sql("SELECT count(*) FROM orders WHERE number >= ? AND number < ?", [head, head + ":"])[0][0],
           0, "en-US orders no number inside head…head:")
    same_rows(t, "/orders", "orders", "order_lines", "order_no", queries(sku, a, orders))
    same_rows(t, "/invoices", "invoices", "invoice_lines", "invoice", queries(sku, a, sorted(invs)),
              reader="finance")


def test_q_checked_row_by_row_when_the_plan_has_many_rows(t):
    """A plan with more rows than the bound (3,000; a SKU on 1 % of a million orders has
    10,000 lines) is not read through the indexes first: the list walks its own order and
    checks each document against the plan (its customers, a line of its SKUs, its numbers).
    Here the bound is 2 (OSB_QIX_ROWS) on a server of the test's own: the same rows as the
    documented match for every q, every page."""
    lib.own_server(t, "qixrows", use=True, OSB_QIX_ROWS=2)
    sku, a, _b, orders, invs = data(t)
    check(len(oracle(t, "orders", "order_lines", "order_no", sku)) == len(orders) >= 12,
          "the SKU is on every order of the test's server")
    same_rows(t, "/orders", "orders", "order_lines", "order_no", queries(sku, a, orders))
    same_rows(t, "/invoices", "invoices", "invoice_lines", "invoice", queries(sku, a, sorted(invs)),
              reader="finance")


def one_sku_data(t):
    """Two SKUs sharing text (base + A, base + B) on released (invoiced) and pending orders
    of two kam_GZ customers over two days, one on both; s1 on an order of kam_SZ's too."""
    base = t.uniq("BQ")
    s1 = product(t, sku=base + "A")
    s2 = product(t, sku=base + "B")
    a = customer(t)
    b = customer(t)
    other = customer(t, kam="kam_SZ", region="SZ")  # out of kam_GZ's scope
    for day in ("2030-12-02", "2030-12-03"):
        set_clock(t, day)
        for cust, lines in ((a, [(s1, 12)]), (b, [(s2, 12), (s1, 24)]), (b, [(s2, 12)])):
            _n, ship = released(t, cust, lines)
            dispatch(t, ship)
        checked(t, a, [(s1, 12)])
        checked(t, b, [(s2, 12), (s1, 12)])
        t.ok(t.post("/orders", {"customer": other, "lines": [{"sku": s1, "qty": 12}]},
                    user="kam_SZ"), 201, "an order of kam_SZ's")
    eq(len(oracle(t, "orders", "order_lines", "order_no", s1)), 10, "s1 on 10 orders")
    eq(len(oracle(t, "orders", "order_lines", "order_no", s1, kam="kam_GZ")), 8,
       "8 of them kam_GZ's")
    eq(len(oracle(t, "invoices", "invoice_lines", "invoice", s1)), 4, "s1 on 4 invoices")
    return base, s1, s2, b


def same_rows_filtered(t, base, s1, s2, b, server):
    """Each q, each filter, every page of 3, an unscoped and a scoped reader: the oracle's."""
    for path, table, lines, doc, reader in (
            ("/orders", "orders", "order_lines", "order_no", "admin"),
            ("/invoices", "invoices", "invoice_lines", "invoice", "finance")):
        state = "pending_approval" if table == "orders" else "open"
        for q in (s1, s1.lower(), s2, base, base.lower() + "a"):
            for flt, extra in (("", None), (f"&state={state}", ("d.state = ?", [state])),
                               (f"&customer={b}", ("d.customer = ?", [b])),
                               (f"&customer={b}&state={state}",
                                ("d.customer = ? AND d.state = ?", [b, state]))):
                for user, kam in ((reader, None), ("kam_GZ", "kam_GZ")):
                    want = oracle(t, table, lines, doc, q, kam=kam, extra=extra)
                    got = {x["number"] for x in t.list_all(
                        f"{path}?q={quote(q, safe='')}{flt}", user=user, limit=3)}
                    eq(got, want, f"{server}: {path} q={q!r}{flt} ({user})")


def test_q_one_sku_read_from_its_lines(t):
    """q= naming one SKU and nothing else reads the list from that SKU's lines, newest document
    first (the lines' (sku, document) index), each document once, the list's other filters
    checked on the way; two SKUs sharing the text go the way they went before (through the
    lines' index). The documented match for each, every page, with a state, a customer and
    both, for an unscoped and a scoped reader (an order of another KAM's on the same SKU)."""
    same_rows_filtered(t, *one_sku_data(t), "bound 3,000")


def test_q_one_sku_and_two_skus_past_the_bound(t):
    """The same with the bound at 2 (OSB_QIX_ROWS): one SKU is still read from its lines,
    two SKUs sharing the text are checked document by document."""
    lib.own_server(t, "qixrows1", use=True, OSB_QIX_ROWS=2)
    same_rows_filtered(t, *one_sku_data(t), "bound 2")

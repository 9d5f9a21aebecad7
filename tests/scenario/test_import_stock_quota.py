"""CSV import of customers (all-or-nothing, line-numbered errors), stock receipts and GET /stock,
quotas with used and remaining."""

import lib
from lib import check, eq

HEADER = "code,name,market,region,kam,credit_limit_fen,payment_term_days,prepay_only,grade,phone"
KAM_HEADER = "code,name,market,region,kam,phone"


def csv_import(t, text, user="admin", path="/customers/import"):
    return t.request("POST", path, raw=text.encode("utf-8"), content_type="text/csv", user=user)


def n_customers(t):
    return t.sql("SELECT count(*) FROM customers")[0][0]


def test_import_good_file(t):
    a, b, c = t.uniq("I"), t.uniq("I"), t.uniq("I")
    text = (HEADER + "\n"
            f"{a},导入客户甲,S,GZ,kam_GZ,3000000,30,false,B,020-1111111\n"
            f'{b},"导入客户乙, 有逗号",S,SZ,kam_SZ,0,0,true,,\n'
            f'{c},"导入""引号""客户",N,BJ,kam_BJ,100,365,0,C,\r\n')
    before = n_customers(t)
    body = t.ok(csv_import(t, text), 201, "import")
    eq(body["created"], 3, "created")
    eq(sorted(body["items"]), sorted([a, b, c]), "items are the new codes")
    eq(n_customers(t), before + 3, "three rows added")
    got = t.ok(t.get(f"/customers/{b}"))
    eq((got["name"], got["prepay_only"], got["credit_limit_fen"], got["region"]),
       ("导入客户乙, 有逗号", True, 0, "SZ"), "quoted comma, bool, empty cells")
    eq(t.ok(t.get(f"/customers/{c}"))["name"], '导入"引号"客户', "escaped quotes")
    eq(t.ok(t.get(f"/customers/{a}"))["credit"]["limit_fen"], 3000000, "limit imported")
    # each imported row is audited like a create
    rows = t.ok(t.get(f"/audit?object_type=customer&object_key={a}", user="auditor"))["items"]
    eq([r["action"] for r in rows], ["create"], "import audited")


def test_import_with_bom_and_header_order(t):
    a = t.uniq("I")
    text = ("\ufeffname,code,kam,region,market,payment_term_days,credit_limit_fen\n"
            f"次序不同,{a},kam_GZ,GZ,S,7,0\n")
    eq(t.ok(csv_import(t, text), 201)["created"], 1, "BOM and column order")
    eq(t.ok(t.get(f"/customers/{a}"))["payment_term_days"], 7, "by header name")


def test_import_bad_file_rejected_whole(t):
    good1, bad_region, good2, bad_term, dup = (t.uniq("J") for _ in range(5))
    text = (HEADER + "\n"
            f"{good1},好行,S,GZ,kam_GZ,0,30,false,B,\n"              # line 2
            f"{bad_region},坏区域,S,BJ,kam_GZ,0,30,false,B,\n"       # line 3: region_market_mismatch
            f"{good2},好行二,S,GZ,kam_GZ,0,30,false,B,\n"             # line 4
            f"{bad_term},坏账期,S,GZ,kam_GZ,0,400,false,B,\n"         # line 5: term_out_of_range
            f"{good1},重复,S,GZ,kam_GZ,0,30,false,B,\n"               # line 6: duplicate of line 2
            f"{dup},坏金额,S,GZ,kam_GZ,1.5,30,false,B,\n"             # line 7: money with fraction
            f",无编码,S,GZ,kam_GZ,0,30,false,B,\n")                   # line 8: code required
    t.login("admin")  # a login is audited: log in before counting the rows
    before = n_customers(t)
    audit_before = t.sql("SELECT count(*) FROM audit")[0][0]
    r = csv_import(t, text)
    d = t.expect_error(r, 422, "validation_failed")
    rows = d.get("rows")
    check(isinstance(rows, list), f"details.rows is a list: {d}")
    by_row = {x["row"]: x for x in rows}
    eq(sorted(by_row), [3, 5, 6, 7, 8], f"line numbers of the bad rows ({rows})")
    eq((by_row[3]["field"], by_row[3]["rule"]), ("region", "region_market_mismatch"), "line 3")
    eq((by_row[5]["field"], by_row[5]["rule"]), ("payment_term_days", "term_out_of_range"),
       "line 5")
    eq(by_row[6]["rule"], "duplicate", "line 6")
    eq(by_row[7]["field"], "credit_limit_fen", "line 7")
    eq((by_row[8]["field"], by_row[8]["rule"]), ("code", "required"), "line 8")
    for x in rows:
        check({"row", "field", "rule"} <= set(x), f"row entry shape {x}")
    # nothing created, not even the good rows, and nothing audited
    eq(n_customers(t), before, "no customer created")
    t.expect_error(t.get(f"/customers/{good1}"), 404, "not_found")
    t.expect_error(t.get(f"/customers/{good2}"), 404, "not_found")
    eq(t.sql("SELECT count(*) FROM audit")[0][0], audit_before, "no audit rows")


def test_import_row_numbers_match_the_file(t):
    # A user fixes the file by the numbers in the answer: they are the file's line numbers
    # (header = line 1), blank lines included.
    good, bad = t.uniq("N"), t.uniq("N")
    text = (HEADER + "\n"
            f"{good},好行,S,GZ,kam_GZ,0,30,false,B,\n"       # line 2
            "\n"                                            # line 3: blank
            f"{bad},坏行,S,GZ,kam_GZ,0,999,false,B,\n")      # line 4
    d = t.expect_error(csv_import(t, text), 422, "validation_failed")
    eq([x["row"] for x in d["rows"]], [4], "line number of the bad row")
    t.expect_error(t.get(f"/customers/{good}"), 404, "not_found")


def test_import_errors_capped_at_100(t):
    lines = [HEADER] + [f"{t.uniq('K')},坏,S,GZ,kam_GZ,0,999,false,B," for _ in range(130)]
    d = t.expect_error(csv_import(t, "\n".join(lines) + "\n"), 422, "validation_failed")
    eq(len(d["rows"]), 100, "up to 100 rows listed")
    eq(d["rows"][0]["row"], 2, "first data line is line 2")


def test_import_unknown_column_and_empty(t):
    before = n_customers(t)
    t.expect_error(csv_import(t, "code,name,colour\nX1,x,red\n"), 400, "bad_request",
                   field="colour")
    r = csv_import(t, HEADER + "\n")
    check(r.status in (400, 422), f"header only: {r.status}")
    r = csv_import(t, "")
    check(r.status in (400, 422), f"empty body: {r.status}")
    eq(n_customers(t), before, "nothing created")


def test_import_permissions_and_scope(t):
    text = HEADER + "\n" + f"{t.uniq('L')},权限,S,GZ,kam_GZ,0,30,false,B,\n"
    for user in ("finance", "warehouse", "marketing", "auditor", "gm"):
        t.expect_error(csv_import(t, text, user=user), 403, "forbidden")
    # a KAM imports its own customers only (without credit terms: api.md §5.2); one foreign
    # row rejects the file
    own, foreign = t.uniq("L"), t.uniq("L")
    text = (KAM_HEADER + "\n" + f"{own},自己的,S,GZ,kam_GZ,\n"
            f"{foreign},别人的,S,SZ,kam_SZ,\n")
    d = t.expect_error(csv_import(t, text, user="kam_GZ"), 422, "validation_failed")
    eq([x["row"] for x in d["rows"]], [3], "the foreign row")
    t.expect_error(t.get(f"/customers/{own}"), 404, "not_found")
    text = KAM_HEADER + "\n" + f"{own},自己的,S,GZ,kam_GZ,\n"
    eq(t.ok(csv_import(t, text, user="kam_GZ"), 201)["created"], 1, "own row imported")
    text = HEADER + "\n" + f"{t.uniq('L')},带额度,S,GZ,kam_GZ,0,30,false,B,\n"
    d = t.expect_error(csv_import(t, text, user="kam_GZ"), 422, "validation_failed")
    eq([x["rule"] for x in d["rows"]], ["role"], "credit terms are the administrator's")


# ---- stock ------------------------------------------------------------------------------------

def stock_rows(t, sku, wh=None, user="warehouse"):
    q = f"/stock?sku={sku}" + (f"&warehouse={wh}" if wh else "")
    return t.ok(t.get(q, user=user))["items"]


def test_stock_rows_shape(t):
    rows = stock_rows(t, "M-IF1-900")
    eq(len(rows), 3, "demo lots of M-IF1-900 (two in GZ, one in SH)")
    for r in rows:
        eq(set(r), {"warehouse", "sku", "batch", "expires", "on_hand", "reserved", "available"},
           "stock row keys")
        eq(r["available"], r["on_hand"] - r["reserved"], "available = on_hand − reserved")
    gz = stock_rows(t, "M-IF1-900", "WH-GZ")
    eq([(r["batch"], r["on_hand"], r["expires"]) for r in gz],
       [("B2026A", 4800, "2027-06-30"), ("B2026B", 7200, "2027-12-31")],
       "first expiring first, demo quantities (400 and 600 cases of 12)")
    # filter by warehouse alone
    check(all(r["warehouse"] == "WH-SH" for r in t.ok(t.get("/stock?warehouse=WH-SH"))["items"]),
          "warehouse filter")


def test_stock_receipt_changes_stock(t):
    sku, wh = "M-MOM-800", "WH-SH"
    batch = t.uniq("B")
    before = {r["batch"]: r for r in stock_rows(t, sku, wh)}
    r = t.ok(t.post("/stock/receipts", {"warehouse": wh, "sku": sku, "batch": batch, "qty": 240,
                                        "expires": "2028-03-31"}, user="warehouse"), 201)
    check(isinstance(r.get("number"), str) and "RK" in r["number"], f"receipt number: {r}")
    eq((r["warehouse"], r["sku"], r["batch"], r["qty"]), (wh, sku, batch, 240), "receipt")
    after = {x["batch"]: x for x in stock_rows(t, sku, wh)}
    eq(set(after) - set(before), {batch}, "one new lot")
    eq((after[batch]["on_hand"], after[batch]["reserved"], after[batch]["available"],
        after[batch]["expires"]), (240, 0, 240, "2028-03-31"), "new lot")
    # a second receipt into the same batch adds up
    t.ok(t.post("/stock/receipts", {"warehouse": wh, "sku": sku, "batch": batch, "qty": 60},
                user="admin"), 201)
    lot = [x for x in stock_rows(t, sku, wh) if x["batch"] == batch][0]
    eq(lot["on_hand"], 300, "received twice")
    # the same batch with another expiry date is refused and changes nothing
    d = t.expect_error(t.post("/stock/receipts", {"warehouse": wh, "sku": sku, "batch": batch,
                                                  "qty": 12, "expires": "2029-01-01"},
                              user="warehouse"), 422, "validation_failed")
    check(d.get("field") == "expires", f"field expires: {d}")
    lot = [x for x in stock_rows(t, sku, wh) if x["batch"] == batch][0]
    eq(lot["on_hand"], 300, "unchanged after refusal")
    # other lots untouched
    for b, row in before.items():
        eq([x for x in stock_rows(t, sku, wh) if x["batch"] == b][0], row, f"lot {b} untouched")
    # receipt numbers are unique and sequential
    nums = [x[0] for x in t.sql("SELECT number FROM stock_receipts ORDER BY id")]
    eq(len(nums), len(set(nums)), "unique receipt numbers")


def test_stock_visible_without_prices(t):
    # the warehouse sees stock; rows never carry money
    for r in stock_rows(t, "M-IF1-900", user="warehouse"):
        check(not any(k.endswith("_fen") for k in r), f"no money in stock rows: {r}")
    for user in ("kam_GZ", "csr_a", "auditor", "marketing"):
        t.ok(t.get("/stock?sku=M-IF1-900", user=user), 200, f"{user} reads stock")


# ---- quotas -------------------------------------------------------------------------------------

def test_quota_rows_used_and_remaining(t):
    rows = t.ok(t.get("/quotas?sku=M-IF1-900", user="marketing"))["items"]
    check(len(rows) >= 4, f"demo quotas this and next month: {rows}")
    for r in rows:
        check({"period", "sku", "customer", "region", "qty", "used", "remaining"} <= set(r),
              f"quota row keys: {sorted(r)}")
        eq(r["used"], 0, "nothing used without orders")
        eq(r["remaining"], r["qty"] - r["used"], "remaining = qty − used")
        check((r["customer"] is None) != (r["region"] is None), "exactly one target")
    region_rows = [r for r in rows if r["region"] == "GZ"]
    eq({r["qty"] for r in region_rows}, {2400}, "GZ region quota")
    cust_rows = [r for r in rows if r["customer"] == "GZ01"]
    eq({r["qty"] for r in cust_rows}, {960}, "GZ01 customer quota")


def test_quota_set_filter_and_patch(t):
    q = t.ok(t.post("/quotas", {"period": "2031-02", "sku": "M-IF2-900", "customer": "SZ01",
                                "qty": 600}, user="marketing"), 201)
    eq((q["period"], q["sku"], q["customer"], q["region"], q["qty"], q["used"], q["remaining"]),
       ("2031-02", "M-IF2-900", "SZ01", None, 600, 0, 600), "created quota")
    rows = t.ok(t.get("/quotas?period=2031-02&sku=M-IF2-900"))["items"]
    eq([r["customer"] for r in rows], ["SZ01"], "period+sku filter")
    p = t.ok(t.patch(f"/quotas/{q['id']}", {"qty": 720}, user="marketing"))
    eq((p["qty"], p["remaining"]), (720, 720), "patched")
    eq(p["version"], q["version"] + 1, "version bumped")
    # period, sku and target are fixed
    r = t.patch(f"/quotas/{q['id']}", {"period": "2031-03"}, user="marketing")
    check(r.status in (400, 422), f"period is fixed: {r.status}")
    r = t.patch(f"/quotas/{q['id']}", {"region": "GZ"}, user="marketing")
    check(r.status in (400, 422), f"target is fixed: {r.status}")
    eq(t.ok(t.get(f"/quotas/{q['id']}"))["period"], "2031-02", "unchanged")
    # a region quota and a customer quota for the same SKU and period live side by side
    t.ok(t.post("/quotas", {"period": "2031-02", "sku": "M-IF2-900", "region": "SZ", "qty": 1200},
                user="admin"), 201)
    eq(len(t.ok(t.get("/quotas?period=2031-02"))["items"]), 2, "two quota rows")
    # unknown customer and unknown sku
    t.expect_error(t.post("/quotas", {"period": "2031-02", "sku": "M-IF2-900", "customer": "NOPE",
                                      "qty": 1}, user="marketing"), 422, "validation_failed",
                   field="customer", rule="unknown_reference")
    t.expect_error(t.post("/quotas", {"period": "2031-02", "sku": "NOPE", "region": "SZ",
                                      "qty": 1}, user="marketing"), 422, "validation_failed",
                   field="sku")


def test_quota_used_counts_active_uses(t):
    # The order flow writes quota_uses at AC; until it exists, write one directly (server
    # stopped) to see used and remaining computed from the rows, released ones excluded.
    q = t.ok(t.post("/quotas", {"period": "2031-05", "sku": "M-IF3-900", "region": "GZ",
                                "qty": 100}, user="marketing"), 201)
    t.server.stop()
    for row in [("2031-05", "M-IF3-900", "GZ01", "GZ", "SC20310501DD0001", 1, 30, 0),
                     ("2031-05", "M-IF3-900", "GZ02", "GZ", "SC20310501DD0002", 1, 12, 0),
                     ("2031-05", "M-IF3-900", "GZ02", "GZ", "SC20310501DD0003", 1, 50, 1),
                ("2031-05", "M-IF3-900", "SZ01", "SZ", "SC20310501DD0004", 1, 70, 0)]:
        lib.sql_exec(t, "INSERT INTO quota_uses(period, sku, customer, region, document,"
                     " line_no, qty, released) VALUES(?,?,?,?,?,?,?,?)", row)
    t.server.start()
    got = t.ok(t.get(f"/quotas/{q['id']}"))
    eq((got["qty"], got["used"], got["remaining"]), (100, 42, 58), "used counts active GZ uses")


def test_stock_and_quota_lists_page(t):
    # api.md §1: every list takes limit (default 50, max 1000) and cursor
    all_lots = t.ok(t.get("/stock?limit=1000", user="warehouse"))["items"]
    check(len(all_lots) > 30, f"demo lots: {len(all_lots)}")
    eq(t.ok(t.get("/stock?limit=1000", user="warehouse"))["next_cursor"], None, "one page")
    walked = t.list_all("/stock", user="warehouse", limit=7)
    eq(walked, all_lots, "walking pages of 7 gives the same rows in the same order")
    page = t.ok(t.get("/stock?limit=3&sku=M-IF1-900", user="warehouse"))
    eq(len(page["items"]), 3, "limit with a filter")
    for bad in ("abc", "0", "1001"):
        t.expect_error(t.get(f"/stock?limit={bad}", user="warehouse"), 400, "bad_request",
                       field="limit")
    t.expect_error(t.get("/stock?cursor=nonsense", user="warehouse"), 400, "bad_request",
                   field="cursor")
    # quotas: more than one page of 2
    for i in range(3):
        t.ok(t.post("/quotas", {"period": f"2033-0{i + 1}", "sku": "M-ADL-800", "region": "CD",
                                "qty": 10}, user="marketing"), 201)
    every = t.ok(t.get("/quotas?limit=1000", user="marketing"))["items"]
    eq(t.list_all("/quotas", user="marketing", limit=2), every, "quota pages of 2")
    for bad in ("abc", "0", "1001"):
        t.expect_error(t.get(f"/quotas?limit={bad}"), 400, "bad_request", field="limit")
    t.expect_error(t.get("/quotas?cursor=nonsense"), 400, "bad_request", field="cursor")
    t.expect_error(t.get("/audit?cursor=nonsense", user="auditor"), 400, "bad_request",
                   field="cursor")

"""Price lists (价目表, JG; api.md §5.4 and §5.9, entities.md §3.2): draft (marketing,
ssg_leader) → approve (an SLT member) → publish (marketing, ssg_leader; notifies SSG and
finance) → retire (the publishing roles); versions of one code by validity, at most one
published version covering any date (a new version closes or retires the one it replaces;
422 price_list_overlap when the old one would outlive it); the CSV import with the lines of
the file in its errors; and the prices an order takes at accept (the customer's published list
on the accept date, else the product's price_fen), which do not change afterwards."""

import re
from urllib.parse import quote

import lib
from lib import UNLIMITED, add_days, check, eq, order_act, set_clock

DAY = "2026-12-01"


def act(t, n, action, user, body=None, status=200, **kw):
    return lib.act(t, "price-lists", n, action, user, body, status, **kw)


def body_of(t, code=None, items=None, valid_from="2026-01-01", valid_to=None, name="华南经销价"):
    b = {"code": code or t.uniq("PL"), "name": name, "valid_from": valid_from,
         "items": items if items is not None else [{"sku": "M-IF1-900", "price_fen": 9000}]}
    if valid_to:
        b["valid_to"] = valid_to
    return b


def draft(t, user="marketing", **kw):
    return t.ok(t.post("/price-lists", body_of(t, **kw), user=user), 201, f"draft by {user}")


def published(t, **kw):
    """A list made by marketing, approved by the GM and published by marketing; its answer."""
    n = draft(t, **kw)["number"]
    act(t, n, "approve", "gm")
    return act(t, n, "publish", "marketing")


def test_lifecycle_by_role(t):
    set_clock(t, DAY, "09:00")
    for user in ("marketing", "ssg_leader"):
        p = draft(t, user)
        check(re.fullmatch(r"SC20261201JG\d{4,5}", p["number"]), f"number {p['number']}")
        eq((p["state"], p["created_by"], p["valid_to"], p["items"][0]["sku"],
            p["items"][0]["price_fen"], p["allowed_actions"]),
           ("draft", user, None, "M-IF1-900", 9000, ["retire"]), f"drafted by {user}")
        eq([e["action"] for e in p["timeline"]], ["create"], "timeline")
    for user in ("finance", "gm", "csr_a", "kam_GZ", "admin", "auditor", "warehouse"):
        t.expect_error(t.post("/price-lists", body_of(t), user=user), 403, "forbidden",
                       rule="role")
    n = p["number"]
    # who sees it and what each may do now (api.md §5.1 allowed_actions)
    for user, allowed in (("gm", ["approve"]), ("director", ["approve"]),
                          ("deputy", ["approve"]), ("marketing", ["retire"]),
                          ("finance", []), ("kam_GZ", []), ("auditor", [])):
        eq(t.ok(t.get(f"/price-lists/{n}", user=user))["allowed_actions"], allowed,
           f"allowed_actions of {user} on a draft")
    t.expect_error(t.get(f"/price-lists/{n}", user="warehouse"), 403, "forbidden")
    t.expect_error(t.get("/price-lists", user="warehouse"), 403, "forbidden")
    t.expect_error(t.get("/price-lists/SC20261201JG9999", user="gm"), 404, "not_found")
    t.expect_error(t.post(f"/price-lists/{n}/publish", {}, user="marketing"), 409,
                   "invalid_state")
    for user in ("marketing", "ssg_leader", "csr_a", "finance"):
        t.expect_error(t.post(f"/price-lists/{n}/approve", {}, user=user), 403, "forbidden",
                       rule="role")
    t.expect_error(t.post(f"/price-lists/{n}/approve", {}, user="gm",
                          headers={"If-Match": "7"}), 409, "version_conflict")
    t.expect_error(t.post(f"/price-lists/{n}/approve", {"colour": 1}, user="gm"), 400,
                   "bad_request")
    t.expect_error(t.post(f"/price-lists/{n}/bless", {}, user="gm"), 404, "not_found")
    a = act(t, n, "approve", "deputy", headers={"If-Match": "1"})
    eq((a["state"], a["approved_by"], a["version"], a["allowed_actions"]),
       ("approved", "deputy", 2, []), "approved (the answer is the approver's)")
    eq(t.ok(t.get(f"/price-lists/{n}", user="ssg_leader"))["allowed_actions"],
       ["publish", "retire"], "the publisher's actions on an approved list")
    t.expect_error(t.post(f"/price-lists/{n}/approve", {}, user="gm"), 409, "invalid_state")
    for user in ("gm", "finance", "csr_a"):
        t.expect_error(t.post(f"/price-lists/{n}/publish", {}, user=user), 403, "forbidden")
    before = {u: len(t.list_all("/notifications", user=u)) for u in ("finance", "csr_a",
                                                                    "ssg_leader", "kam_GZ")}
    pub = act(t, n, "publish", "ssg_leader")
    eq((pub["state"], pub["published_by"], pub["allowed_actions"]),
       ("published", "ssg_leader", ["retire"]), "published")
    for u in ("finance", "csr_a", "ssg_leader"):
        got = [x for x in t.list_all("/notifications", user=u) if x["document"] == n]
        eq(len(got), 1, f"{u} told of the publication")
    eq(len(t.list_all("/notifications", user="kam_GZ")), before["kam_GZ"], "a KAM is not told")
    r = act(t, n, "retire", "marketing", {"comment": "换新价"})
    eq((r["state"], r["retired_by"], r["allowed_actions"]), ("retired", "marketing", []),
       "retired")
    eq([(e["action"], e["from_state"], e["to_state"]) for e in r["timeline"]],
       [("create", None, "draft"), ("approve", "draft", "approved"),
        ("publish", "approved", "published"), ("retire", "published", "retired")], "timeline")
    t.expect_error(t.post(f"/price-lists/{n}/retire", {}, user="marketing"), 409,
                   "invalid_state")
    # a draft may be retired too (abandoned), by the publishing roles only
    d = draft(t)["number"]
    t.expect_error(t.post(f"/price-lists/{d}/retire", {}, user="gm"), 403, "forbidden")
    eq(act(t, d, "retire", "ssg_leader")["state"], "retired", "draft retired")
    audit = t.ok(t.get(f"/audit?object_key={n}", user="auditor"))["items"]
    eq(sorted(a["action"] for a in audit), ["approve", "create", "publish", "retire"],
       "every change audited")


def test_create_refusals(t):
    set_clock(t, DAY, "09:30")
    sku = lib.product(t, price=1000, stock=0)
    cases = [
        ({"items": []}, 422, "items", "required"),
        ({"items": None}, 422, "items", "required"),
        ({"items": [{"sku": "NOPE", "price_fen": 1}]}, 422, "items[0].sku", "unknown_sku"),
        ({"items": [{"sku": sku, "price_fen": 1}, {"sku": sku, "price_fen": 2}]}, 422,
         "items[1].sku", "duplicate_line"),
        ({"items": [{"sku": sku, "price_fen": -1}]}, 422, "items[0].price_fen",
         "price_negative"),
        ({"items": [{"sku": sku, "price_fen": 10 ** 13 + 1}]}, 422, "items[0].price_fen",
         "amount_too_large"),
        ({"items": [{"sku": sku}]}, 422, "items[0].price_fen", "required"),
        ({"valid_from": "2027-01-01", "valid_to": "2026-12-31"}, 422, "valid_to",
         "date_out_of_range"),
        ({"valid_from": "2026-02-30"}, 422, "valid_from", "invalid_date"),
        ({"code": "a b"}, 422, "code", "invalid_code"),
        ({"name": ""}, 422, "name", "required"),
        ({"items": [{"sku": sku, "price_fen": 1.5}]}, 400, "price_fen", None),
        ({"items": [{"sku": sku, "price_fen": 1, "colour": "red"}]}, 400, "colour", None),
        ({"items": {"sku": sku}}, 400, "items", None),
        ({"colour": "red"}, 400, "colour", None),
    ]
    n0 = len(t.list_all("/price-lists", user="gm"))
    for over, status, field, rule in cases:
        b = body_of(t)
        for k, v in over.items():
            if v is None:
                b.pop(k, None)
            else:
                b[k] = v
        t.expect_error(t.post("/price-lists", b, user="marketing"), status,
                       "validation_failed" if status == 422 else "bad_request", rule=rule,
                       field=field)
    eq(len(t.list_all("/price-lists", user="gm")), n0, "nothing created")
    # 0 is a price (a free item), 10^13 the largest
    p = draft(t, items=[{"sku": sku, "price_fen": 0}, {"sku": "M-IF1-900",
                                                        "price_fen": 10 ** 13}])
    eq([(i["line"], i["sku"], i["price_fen"]) for i in p["items"]],
       [(1, sku, 0), (2, "M-IF1-900", 10 ** 13)], "items")
    eq(p["items"][0]["product_price_fen"], 1000, "the product's own price beside it")


def test_list_filters(t):
    set_clock(t, DAY, "10:00")
    code = t.uniq("FL")
    sku = lib.product(t, price=500, stock=0)
    a = draft(t, code=code, name="华东批发价", items=[{"sku": sku, "price_fen": 450}])["number"]
    b = published(t, code=code, valid_from="2020-01-01", valid_to="2020-12-31")["number"]
    items = t.list_all(f"/price-lists?code={code}", user="finance")
    eq(sorted(i["number"] for i in items), sorted([a, b]), "by code")
    eq([i["number"] for i in t.list_all(f"/price-lists?code={code}&state=published",
                                        user="kam_GZ")], [b], "by state")
    eq(sorted(i["number"] for i in t.list_all(f"/price-lists?code={code}&state=draft,published",
                                              user="kam_GZ")), sorted([a, b]), "state=a,b")
    eq([i["number"] for i in t.list_all(f"/price-lists?q={sku.lower()}", user="gm")], [a],
       "q= an item's SKU, any case")
    eq(sorted(i["number"] for i in t.list_all(f"/price-lists?q={code.lower()}", user="gm")),
       sorted([a, b]), "q= the code")
    eq([i["number"] for i in t.list_all(f"/price-lists?q={quote('华东批发')}&code={code}", user="gm")], [a],
       "q= the name")
    eq([i["number"] for i in t.list_all(f"/price-lists?q={b[-8:]}", user="gm")], [b],
       "q= the number")
    for i in items:
        check("allowed_actions" in i, "list items carry allowed_actions")
    t.expect_error(t.get("/price-lists?state=live", user="gm"), 400, "bad_request")
    t.expect_error(t.get("/price-lists?colour=red", user="gm"), 400, "bad_request")


def test_versions_one_published_a_day(t):
    set_clock(t, DAY, "10:30")
    code = t.uniq("VR")
    v1 = published(t, code=code, valid_from="2026-01-01")["number"]
    # a later open version closes the old one the day before it starts
    v2 = published(t, code=code, valid_from="2027-01-01")["number"]
    o1 = t.ok(t.get(f"/price-lists/{v1}", user="gm"))
    eq((o1["state"], o1["valid_to"], o1["superseded_by"]), ("published", "2026-12-31", v2),
       "v1 closed on 2026-12-31")
    eq([e["action"] for e in o1["timeline"]][-1], "close", "v1's timeline says so")
    # a version that would leave v2 pricing days after it ends is refused, nothing changes
    v3 = draft(t, code=code, valid_from="2027-06-01", valid_to="2027-06-30")["number"]
    act(t, v3, "approve", "gm")
    d = t.expect_error(t.post(f"/price-lists/{v3}/publish", {}, user="marketing"), 422,
                       "validation_failed", rule="price_list_overlap")
    eq(d.get("published"), v2, "details name the published list in the way")
    eq(t.ok(t.get(f"/price-lists/{v3}", user="gm"))["state"], "approved", "v3 still approved")
    # a version covering all of both retires them
    v4 = published(t, code=code, valid_from="2025-01-01")["number"]
    for n in (v1, v2):
        o = t.ok(t.get(f"/price-lists/{n}", user="gm"))
        eq((o["state"], o["superseded_by"]), ("retired", v4), f"{n} retired by {v4}")
    pubs = t.list_all(f"/price-lists?code={code}&state=published", user="gm")
    eq([p["number"] for p in pubs], [v4], "one published version")
    # a version of another code is not touched; a version that does not overlap neither
    v5 = published(t, code=code + "X", valid_from="2025-01-01")["number"]
    eq(t.ok(t.get(f"/price-lists/{v4}", user="gm"))["state"], "published", "other code")
    act(t, v4, "retire", "marketing")
    v6 = published(t, code=code, valid_from="2030-01-01", valid_to="2030-12-31")["number"]
    v7 = published(t, code=code, valid_from="2031-01-01")["number"]
    eq([t.ok(t.get(f"/price-lists/{n}", user="gm"))["state"] for n in (v5, v6, v7)],
       ["published"] * 3, "no overlap, nothing closed")
    eq(t.ok(t.get(f"/price-lists/{v6}", user="gm"))["valid_to"], "2030-12-31", "v6 unchanged")


def order_of(t, cust, lines):
    return t.ok(t.post("/orders", {"customer": cust,
                                   "lines": [{"sku": s, "qty": q} for s, q in lines]},
                       user="kam_GZ"), 201, "create order")


def to_submitted(t, n):
    order_act(t, n, "verify", "kam_GZ")
    return order_act(t, n, "approve-market", "mm_S")


def prices(o):
    return {(l["sku"]): (l["price_fen"], l["amount_fen"]) for l in o["lines"]}


def test_accept_prices_from_the_published_list(t):
    set_clock(t, DAY, "11:00")
    p1, p2 = lib.product(t, price=1000), lib.product(t, price=2000)
    code = t.uniq("AC")
    cust = lib.customer(t, UNLIMITED, price_list=code)
    plain = lib.customer(t, UNLIMITED)
    # not yet published: the product's price
    n0 = draft(t, code=code, valid_from="2026-11-01", items=[{"sku": p1, "price_fen": 800}])
    o = order_of(t, cust, [(p1, 10), (p2, 5)])
    eq((prices(o), o["total_fen"]), ({p1: (1000, 10000), p2: (2000, 10000)}, 20000),
       "no published list: product prices")
    act(t, n0["number"], "approve", "gm")
    act(t, n0["number"], "publish", "marketing")
    # a version from tomorrow at 700
    tomorrow = add_days(DAY, 1)
    v2 = published(t, code=code, valid_from=tomorrow, items=[{"sku": p1, "price_fen": 700}])
    eq(t.ok(t.get(f"/price-lists/{n0['number']}", user="gm"))["valid_to"], DAY, "v1 ends today")
    # created today: today's estimate from the list; SKU not on the list: product price
    a = order_of(t, cust, [(p1, 10), (p2, 5)])
    eq((prices(a), a["total_fen"]), ({p1: (800, 8000), p2: (2000, 10000)}, 18000),
       "create: today's prices")
    b = order_of(t, cust, [(p1, 10)])
    c = order_of(t, plain, [(p1, 10)])
    for n in (a["number"], b["number"], c["number"], o["number"]):
        to_submitted(t, n)
    acc = order_act(t, a["number"], "accept", "csr_a")
    eq((prices(acc), acc["total_fen"]), ({p1: (800, 8000), p2: (2000, 10000)}, 18000),
       "accepted today: v1")
    eq(prices(order_act(t, c["number"], "accept", "csr_a")), {p1: (1000, 10000)},
       "a customer without a price list: the product's price")
    # the next day: v2 prices what is accepted now, also an order created before
    set_clock(t, tomorrow, "09:00")
    eq(prices(order_act(t, b["number"], "accept", "csr_a")), {p1: (700, 7000)},
       "accepted tomorrow: v2")
    eq(prices(order_act(t, o["number"], "accept", "csr_a"))[p1], (700, 7000),
       "created before any list was published, accepted under v2")
    # fixed at accept: retiring the lists and changing the product changes nothing
    act(t, v2["number"], "retire", "marketing")
    act(t, n0["number"], "retire", "marketing")
    t.ok(t.patch(f"/products/{p1}", {"price_fen": 5}), 200, "product price changed")
    after = order_act(t, a["number"], "check", "csr_a")
    eq((prices(after), after["total_fen"]), ({p1: (800, 8000), p2: (2000, 10000)}, 18000),
       "accept prices kept through check")
    eq(prices(t.ok(t.get(f"/orders/{b['number']}", user="csr_a"))), {p1: (700, 7000)},
       "b keeps v2's price")
    memo = t.sql("SELECT text FROM order_memo WHERE order_no = ?", (a["number"],))
    check(any(n0["number"] in m[0] for m in memo), f"the memo names the list: {memo}")


def test_import_csv(t):
    set_clock(t, DAY, "14:00")
    p1, p2 = lib.product(t, price=1000, stock=0), lib.product(t, price=2000, stock=0)
    p3 = lib.product(t, price=3000, stock=0)
    code = t.uniq("IM")
    q = f"/price-lists/import?code={code}&name=%E5%AF%BC%E5%85%A5%E4%BB%B7&valid_from=2026-12-01"
    good = f"sku,price_fen\n{p1},900\n{p2},1800\n"
    p = t.ok(t.request("POST", q, raw=good, content_type="text/csv", user="marketing"), 201,
             "import")
    eq((p["state"], p["code"], p["name"], p["valid_from"],
        [(i["sku"], i["price_fen"]) for i in p["items"]]),
       ("draft", code, "导入价", "2026-12-01", [(p1, 900), (p2, 1800)]), "imported draft")
    eq([e["action"] for e in p["timeline"]], ["import"], "timeline")
    # yuan with a BOM and CRLF
    yuan = f"\ufeffsku,price\r\n{p1},12.50\r\n{p2},\"1,234.5\"\r\n"
    p = t.ok(t.request("POST", q, raw=yuan, content_type="text/csv", user="ssg_leader"), 201)
    eq([(i["sku"], i["price_fen"]) for i in p["items"]], [(p1, 1250), (p2, 123450)], "yuan")
    # every wrong row, with the line of the file (the header is line 1; blank lines count)
    n0 = len(t.list_all(f"/price-lists?code={code}", user="gm"))
    bad = (f"sku,price_fen\n{p1},100\nNOPE,5\n\n{p2},-1\n{p1},7\n,3\n{p2},abc\n"
           f"{p3},{10 ** 13 + 1}\n")
    d = t.expect_error(t.request("POST", q, raw=bad, content_type="text/csv", user="marketing"),
                       422, "validation_failed", rule="import_rejected")
    eq([(r["row"], r["field"], r["rule"]) for r in d["rows"]],
       [(3, "sku", "unknown_sku"), (5, "price_fen", "price_negative"),
        (6, "sku", "duplicate_line"), (7, "sku", "required"),
        (8, "price_fen", "invalid_amount"), (9, "price_fen", "amount_too_large")],
       "rows with their lines")
    eq(len(t.list_all(f"/price-lists?code={code}", user="gm")), n0, "nothing imported")
    # the head is checked like a JSON create; columns and CSV shape too
    t.expect_error(t.request("POST", f"/price-lists/import?code={code}&name=x", raw=good,
                             content_type="text/csv", user="marketing"), 422,
                   "validation_failed", field="valid_from", rule="required")
    for text in ("sku,colour\nA,1\n", "sku\nA\n", "sku,price_fen,price\nA,1,2\n", "sku,price_fen\n",
                 'sku,price_fen\n"A,1\n'):
        t.expect_error(t.request("POST", q, raw=text, content_type="text/csv", user="marketing"),
                       400, "bad_request")
    t.expect_error(t.request("POST", q, raw=good, content_type="application/json",
                             user="marketing"), 400, "bad_request")
    t.expect_error(t.request("POST", q, raw=good, content_type="text/csv", user="finance"), 403,
                   "forbidden")
    t.expect_error(t.request("POST", q + "&colour=red", raw=good, content_type="text/csv",
                             user="marketing"), 400, "bad_request")


def test_std_is_the_default_list(t):
    """A customer without a price_list is on STD (entities.md §2.1); a customer naming another
    code is not, even for a SKU its own list leaves out."""
    set_clock(t, DAY, "15:00")
    sku, other = lib.product(t, price=1000), lib.product(t, price=3000)
    plain = lib.customer(t, UNLIMITED)
    code = t.uniq("OWN")
    own = lib.customer(t, UNLIMITED, price_list=code)
    std = published(t, code="STD", valid_from="2026-01-01", items=[{"sku": sku, "price_fen": 900}])
    mine = published(t, code=code, valid_from="2026-01-01",
                     items=[{"sku": other, "price_fen": 2500}])
    try:
        eq([p["number"] for p in t.list_all(f"/price-lists?customer={plain}&state=published",
                                            user="csr_a")], [std["number"]], "customer= (STD)")
        eq([p["number"] for p in t.list_all(f"/price-lists?customer={own}", user="csr_a")],
           [mine["number"]], "customer= (its own code)")
        eq(t.list_all("/price-lists?customer=NOBODY", user="csr_a"), [], "unknown customer")
        a, b = order_of(t, plain, [(sku, 1), (other, 1)]), order_of(t, own, [(sku, 1), (other, 1)])
        for n in (a["number"], b["number"]):
            to_submitted(t, n)
        eq(prices(order_act(t, a["number"], "accept", "csr_a")),
           {sku: (900, 900), other: (3000, 3000)}, "no price_list: STD, else the product")
        eq(prices(order_act(t, b["number"], "accept", "csr_a")),
           {sku: (1000, 1000), other: (2500, 2500)}, "its own list, else the product, not STD")
    finally:
        act(t, std["number"], "retire", "marketing")


def test_import_xlsx(t):
    """Issue #11: a list imported from an XLSX workbook as from a CSV (the first sheet; the
    same headers, Chinese ones too), its errors naming the sheet's rows; prices in yuan as Excel
    keeps them (268.1 may be stored as 268.10000000000002)."""
    from test_market_import import xlsx
    set_clock(t, DAY, "14:00")
    p1, p2 = lib.product(t, price=1000, stock=0), lib.product(t, price=2000, stock=0)
    code = t.uniq("IX")
    q = f"/price-lists/import?code={code}&name=XLSX&valid_from=2026-12-01"
    ctype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    p = t.ok(t.request("POST", q, raw=xlsx([["商品编码", "价格（分）"], [p1, 900], [p2, 1800]]),
                       content_type=ctype, user="marketing"), 201, "XLSX import")
    eq((p["state"], [(i["sku"], i["price_fen"]) for i in p["items"]]),
       ("draft", [(p1, 900), (p2, 1800)]), "imported draft")
    yuan = xlsx([["sku", "price"], [p1, "268.10000000000002"], [p2, "12.5"]])
    p = t.ok(t.request("POST", q, raw=yuan, content_type=ctype, user="marketing"), 201, "yuan")
    eq([(i["sku"], i["price_fen"]) for i in p["items"]], [(p1, 26810), (p2, 1250)], "yuan")
    # errors name the sheet's rows (here the table starts on row 3)
    bad = xlsx([["sku", "price_fen"], [p1, 100], ["NOPE", 5], [p2, "abc"]], first_row=3)
    d = t.expect_error(t.request("POST", q, raw=bad, content_type=ctype, user="marketing"),
                       422, "validation_failed", rule="import_rejected")
    eq([(r["row"], r["field"], r["rule"]) for r in d["rows"]],
       [(5, "sku", "unknown_sku"), (6, "price_fen", "invalid_amount")], "sheet rows")
    # a workbook sent without its type is read as one; a broken one is refused
    p = t.ok(t.request("POST", q, raw=xlsx([["sku", "price_fen"], [p1, 1]]),
                       content_type="text/csv", user="marketing"), 201, "by its bytes")
    t.expect_error(t.request("POST", q, raw=b"PK\x03\x04broken", content_type=ctype,
                             user="marketing"), 400, "bad_request")

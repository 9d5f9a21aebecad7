"""Master data (api.md §3.2): create, list, get and patch of every collection; lists with limit
and cursors; the customer's credit object; a customer's change history."""

from lib import check, eq

CREDIT_KEYS = {"limit_fen", "open_receivables_fen", "open_orders_fen", "prepayment_fen",
               "exposure_fen", "available_fen", "overdue_fen", "oldest_overdue_days"}


def roundtrip(t, coll, key, body, patch, user="admin"):
    """POST → 201 with the object; GET returns the same; PATCH changes only what it names and
    bumps the version; the list holds the object."""
    created = t.ok(t.post(f"/{coll}", body, user=user), 201, f"POST /{coll}")
    for k, v in body.items():
        if k != "password":
            eq(created.get(k), v, f"{coll}.{k} as created")
    eq(created["version"], 1, f"{coll} version")
    got = t.ok(t.get(f"/{coll}/{body[key]}", user=user))
    eq(got, created, f"GET /{coll}/{body[key]} equals the create answer")
    changed = t.ok(t.patch(f"/{coll}/{body[key]}", patch, user=user), 200, f"PATCH /{coll}")
    for k, v in patch.items():
        eq(changed.get(k), v, f"{coll}.{k} after PATCH")
    eq(changed["version"], 2, f"{coll} version after PATCH")
    for k in created:
        if k not in patch and k not in ("version", "updated_at", "credit"):
            eq(changed[k], created[k], f"{coll}.{k} untouched by PATCH")
    eq(t.ok(t.get(f"/{coll}/{body[key]}", user=user)), changed, "GET after PATCH")
    listed = t.list_all(f"/{coll}", user=user, limit=1000)
    check(any(x[key] == body[key] for x in listed), f"{body[key]} in GET /{coll}")
    return changed


def test_markets(t):
    m = t.uniq("M")
    got = roundtrip(t, "markets", "code",
                    {"code": m, "name": "测试大区", "slt_supervisor": "director"},
                    {"name": "测试大区二", "slt_supervisor": "deputy", "default_csr": "csr_b"})
    eq(got["active"], True, "active by default")
    # deactivating is a PATCH; the market stays readable
    eq(t.ok(t.patch(f"/markets/{m}", {"active": False}))["active"], False, "deactivated")
    inactive = {x["code"] for x in t.ok(t.get("/markets?active=false&limit=1000"))["items"]}
    check(m in inactive, "active=false filter")
    active = {x["code"] for x in t.ok(t.get("/markets?active=true&limit=1000"))["items"]}
    check(m not in active and "S" in active, "active=true filter")


def test_regions(t):
    m = t.uniq("M")
    t.ok(t.post("/markets", {"code": m, "name": "区域测试大区", "slt_supervisor": "deputy"}), 201)
    r = t.uniq("R")
    roundtrip(t, "regions", "code", {"code": r, "name": "测试区域", "market": m},
              {"name": "测试区域二"})
    only = t.ok(t.get(f"/regions?market={m}"))["items"]
    eq([x["code"] for x in only], [r], "market filter")
    # a region with no customers may still move market; one with customers may not
    t.ok(t.patch(f"/regions/{r}", {"market": "S"}))
    t.expect_error(t.patch("/regions/GZ", {"market": "N"}), 422, "validation_failed",
                   rule="region_market_mismatch")
    eq(t.ok(t.get("/regions/GZ"))["market"], "S", "GZ stays in S")


def test_users(t):
    u = t.uniq("u")
    got = roundtrip(t, "users", "username",
                    {"username": u, "name": "测试客户经理", "password": "pw123456", "role": "kam",
                     "region": "SZ", "manager": "um_SZ"},
                    {"name": "改名客户经理", "phone": "13800001111"})
    # the market follows from the region (entities §1.3)
    eq(got["market"], "S", "market derived from region")
    t.login(u, password="pw123456")
    me = t.ok(t.get("/me", user=u))
    eq((me["role"], me["market"], me["region"]), ("kam", "S", "SZ"), "new user's session")
    # filters
    kams = t.ok(t.get("/users?role=kam&region=SZ"))["items"]
    eq(sorted(x["username"] for x in kams), sorted(["kam_SZ", u]), "role+region filter")


def test_customers(t):
    c = t.uniq("C")
    got = roundtrip(t, "customers", "code",
                    {"code": c, "name": "测试客户有限公司", "market": "S", "region": "SZ",
                     "kam": "kam_SZ", "credit_limit_fen": 12345600, "payment_term_days": 45,
                     "prepay_only": False, "grade": "B", "tier": "general",
                     "nature": "private_company", "route": "R-SZ-1", "consignee": "王收货",
                     "consignment_station": "深圳西站", "address": "深南大道1号",
                     "phone": "0755-1234567", "tax_id": "91440300MA5FXXXX1X"},
                    {"name": "测试客户有限公司(新)", "consignee": "李收货", "phone": "0755-7654321"})
    eq(got["credit"]["limit_fen"], 12345600, "credit limit")
    # clearing an optional field with null
    eq(t.ok(t.patch(f"/customers/{c}", {"route": None}))["route"], None, "route cleared")
    # defaults
    d = t.ok(t.post("/customers", {"code": t.uniq("C"), "name": "默认值客户", "market": "S",
                                   "region": "SZ", "kam": "kam_SZ", "credit_limit_fen": 0,
                                   "payment_term_days": 0}), 201)
    eq((d["prepay_only"], d["status"]), (False, "active"), "defaults")
    # filters
    rows = t.ok(t.get("/customers?region=SZ&kam=kam_SZ&limit=1000"))["items"]
    check(c in {x["code"] for x in rows}, "region+kam filter")
    check(all(x["region"] == "SZ" and x["kam"] == "kam_SZ" for x in rows), "filter applied")
    eq({x["code"] for x in t.ok(t.get("/customers?grade=E"))["items"]}, {"SZ90"}, "grade filter")


def test_products(t):
    p = t.uniq("P")
    got = roundtrip(t, "products", "sku",
                    {"sku": p, "name": "测试奶粉", "spec": "900g/听", "unit": "听", "case_size": 12,
                     "price_fen": 26800},
                    {"price_fen": 27800, "active": False}, user="marketing")
    eq(got["active"], False, "deactivated")
    eq(t.ok(t.get(f"/products/{p}?")).get("kind"), "goods", "kind defaults to goods")
    inactive = {x["sku"] for x in t.ok(t.get("/products?active=false"))["items"]}
    check({"M-OLD-900", p} <= inactive, f"inactive products: {inactive}")
    samples = {x["sku"] for x in t.ok(t.get("/products?kind=sample"))["items"]}
    eq(samples, {"M-SAMPLE-30"}, "kind filter")


def test_warehouses(t):
    w = t.uniq("W")
    roundtrip(t, "warehouses", "code", {"code": w, "name": "测试仓", "address": "仓储路9号",
                                        "scr": "warehouse"},
              {"name": "测试仓二", "address": "仓储路10号"})


def test_patch_with_empty_body_changes_nothing(t):
    before = t.ok(t.get("/warehouses/WH-SH"))
    after = t.ok(t.patch("/warehouses/WH-SH", {}))
    eq(after["name"], before["name"], "name")
    check(after["version"] in (before["version"], before["version"] + 1), "version sane")


def test_list_limit_default_and_max(t):
    # the demo has 68 users: more than the default page of 50
    total = t.sql("SELECT count(*) FROM users")[0][0]
    check(total > 50, f"demo has more than 50 users ({total})")
    page = t.ok(t.get("/users"))
    eq(len(page["items"]), 50, "default limit is 50")
    check(isinstance(page["next_cursor"], str) and page["next_cursor"], "next_cursor on page 1")
    rest = t.ok(t.get(f"/users?cursor={page['next_cursor']}"))
    eq(len(rest["items"]), total - 50, "second page")
    eq(rest["next_cursor"], None, "last page has next_cursor null")
    names = [x["username"] for x in page["items"] + rest["items"]]
    eq(len(set(names)), total, "no user twice across pages")
    eq(names, sorted(names), "stable order across pages")
    big = t.ok(t.get("/users?limit=1000"))
    eq((len(big["items"]), big["next_cursor"]), (total, None), "limit=1000 returns all")
    t.expect_error(t.get("/users?limit=1001"), 400, "bad_request", field="limit")


def test_cursor_walk_customers(t):
    total = t.sql("SELECT count(*) FROM customers")[0][0]
    seen = []
    cursor = None
    pages = 0
    while True:
        q = "/customers?limit=5" + (f"&cursor={cursor}" if cursor else "")
        page = t.ok(t.get(q))
        check(len(page["items"]) <= 5, "page size")
        seen.extend(x["code"] for x in page["items"])
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            break
        eq(len(page["items"]), 5, "a page with a next cursor is full")
    eq(len(seen), total, "every customer once")
    eq(len(set(seen)), total, "no duplicates")
    eq(pages, (total + 4) // 5, "pages")
    # a limit equal to the number of rows: one page, next_cursor null
    exact = t.ok(t.get(f"/customers?limit={total}"))
    eq((len(exact["items"]), exact["next_cursor"]), (total, None), "exact limit")
    # a cursor past the end: empty page
    eq(t.ok(t.get("/customers?cursor=zzzzzz"))["items"], [], "cursor past the end")


def test_credit_object(t):
    c = t.ok(t.get("/customers/GZ01", user="finance"))
    credit = c["credit"]
    eq(set(credit), CREDIT_KEYS, "credit keys")
    eq(credit["limit_fen"], c["credit_limit_fen"], "limit_fen equals credit_limit_fen")
    eq(credit["limit_fen"], 50000000, "demo limit")
    for k in ("open_receivables_fen", "open_orders_fen", "prepayment_fen", "exposure_fen",
              "overdue_fen", "oldest_overdue_days"):
        eq(credit[k], 0, f"credit.{k} with no documents")
    eq(credit["available_fen"], credit["limit_fen"], "available = limit − exposure")
    for k, v in credit.items():
        check(isinstance(v, int) and not isinstance(v, bool), f"credit.{k} is an integer")
    eq(t.ok(t.get("/customers/GZ01/credit", user="finance")), credit, "GET .../credit")
    # a prepay-only customer with limit 0
    z = t.ok(t.get("/customers/GZ90", user="finance"))
    eq((z["prepay_only"], z["credit"]["limit_fen"], z["credit"]["available_fen"]), (True, 0, 0),
       "prepay-only customer")
    # the limit follows a change at once
    t.ok(t.patch("/customers/GZ02", {"credit_limit_fen": 20000000}))
    eq(t.ok(t.get("/customers/GZ02/credit"))["limit_fen"], 20000000, "new limit")
    # lists carry the credit object too
    row = [x for x in t.ok(t.get("/customers?region=GZ", user="finance"))["items"]
           if x["code"] == "GZ01"][0]
    eq(row["credit"], credit, "credit in the list")


def test_customer_history(t):
    c = t.uniq("H")
    t.ok(t.post("/customers", {"code": c, "name": "历史客户", "market": "S", "region": "GZ",
                               "kam": "kam_GZ"},
                user="kam_GZ"), 201)  # no credit terms: those are not the KAM's (api.md §5.2)
    t.ok(t.patch(f"/customers/{c}", {"name": "历史客户二"}, user="csr_a"))
    t.ok(t.patch(f"/customers/{c}", {"credit_limit_fen": 200}))
    h = t.ok(t.get(f"/customers/{c}/history", user="kam_GZ"))["items"]
    eq([x["action"] for x in h], ["create", "update", "update"], "history actions")
    eq([x["actor"] for x in h], ["kam_GZ", "csr_a", "admin"], "history actors")
    eq(h[0]["before"], None, "create has no before")
    eq(h[0]["after"]["name"], "历史客户", "create after")
    eq((h[1]["before"]["name"], h[1]["after"]["name"]), ("历史客户", "历史客户二"), "rename")
    eq((h[2]["before"]["credit_limit_fen"], h[2]["after"]["credit_limit_fen"]), (0, 200),
       "limit change")
    seqs = [x["seq"] for x in h]
    eq(seqs, sorted(seqs), "history in order")
    for x in h:
        check(x["at"].endswith("+08:00") and "T" in x["at"], f"RFC 3339 time in +08:00: {x['at']}")
    # other collections have a history as well
    wh = t.ok(t.get("/warehouses/WH-GZ/history"))["items"]
    eq(wh[0]["action"], "create", "warehouse history")


def test_user_moves_region_market_follows(t):
    # entities §1.3: a user's market is derived from the region when a region is given, so
    # moving a KAM to a region of another market moves its market as well
    u = t.uniq("u")
    t.ok(t.post("/users", {"username": u, "name": "调动", "password": "pw123456", "role": "kam",
                           "region": "GZ"}), 201)
    got = t.ok(t.patch(f"/users/{u}", {"region": "BJ"}), 200, "move to BJ")
    eq((got["region"], got["market"]), ("BJ", "N"), "region and market")
    # naming a market that does not hold the region is still refused
    t.expect_error(t.patch(f"/users/{u}", {"region": "SH", "market": "S"}), 422,
                   "validation_failed", rule="region_market_mismatch")
    eq(t.ok(t.get(f"/users/{u}"))["region"], "BJ", "unchanged by the refused move")

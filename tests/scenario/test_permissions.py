"""The master-data rows of the permissions matrix (numbering-and-rules.md §3), each with users
that are allowed and users that are denied; a denied write is 403 forbidden and changes nothing.

Demo users by role: gm, director (sales_director), deputy (deputy_director), ssg_leader, csr_a,
mm_S, um_GZ, kam_GZ, rep_GZ, finance, warehouse, service (customer_service), marketing,
auditor, admin.
"""

from lib import check, eq

ALL = ["gm", "director", "deputy", "ssg_leader", "csr_a", "mm_S", "um_GZ", "kam_GZ", "rep_GZ",
       "finance", "warehouse", "service", "marketing", "auditor", "admin"]


def denied(t, res, what):
    st, body = res
    if st != 403:
        raise AssertionError(f"{what}: expected 403 forbidden, got {st} {str(body)[:200]}")
    t.expect_error(res, 403, "forbidden")


def count(t, table, where="1=1", params=()):
    return t.sql(f"SELECT count(*) FROM {table} WHERE {where}", params)[0][0]


# ---- users, markets, regions, warehouses: ADM Y; GM SD DD SL AUD R; the rest – ---------------

ORG_READERS = ["gm", "director", "deputy", "ssg_leader", "auditor", "admin"]


def test_org_admin_creates_and_edits(t):
    m, r, w, u = t.uniq("M"), t.uniq("R"), t.uniq("W"), t.uniq("u")
    t.ok(t.post("/markets", {"code": m, "name": "新市场", "slt_supervisor": "director"}), 201)
    t.ok(t.post("/regions", {"code": r, "name": "新区域", "market": m}), 201)
    t.ok(t.post("/warehouses", {"code": w, "name": "新仓"}), 201)
    t.ok(t.post("/users", {"username": u, "name": "新人", "password": "pw1234", "role": "kam",
                           "region": r}), 201)
    t.ok(t.patch(f"/markets/{m}", {"name": "新市场2"}))
    t.ok(t.patch(f"/regions/{r}", {"name": "新区域2"}))
    t.ok(t.patch(f"/warehouses/{w}", {"name": "新仓2"}))
    t.ok(t.patch(f"/users/{u}", {"name": "新人2"}))


def test_org_others_may_not_create_or_edit(t):
    for user in [x for x in ALL if x != "admin"]:
        m = t.uniq("M")
        denied(t, t.post("/markets", {"code": m, "name": "x", "slt_supervisor": "director"},
                         user=user), f"{user} POST /markets")
        denied(t, t.post("/regions", {"code": m, "name": "x", "market": "S"}, user=user),
               f"{user} POST /regions")
        denied(t, t.post("/warehouses", {"code": m, "name": "x"}, user=user),
               f"{user} POST /warehouses")
        denied(t, t.post("/users", {"username": m, "name": "x", "password": "pw1234",
                                    "role": "csr"}, user=user), f"{user} POST /users")
        denied(t, t.patch("/markets/S", {"name": "改"}, user=user), f"{user} PATCH /markets/S")
        denied(t, t.patch("/regions/GZ", {"name": "改"}, user=user), f"{user} PATCH /regions/GZ")
        denied(t, t.patch("/warehouses/WH-GZ", {"name": "改"}, user=user),
               f"{user} PATCH /warehouses")
        eq(count(t, "markets", "code = ?", (m,)), 0, f"{user}: no market created")
        eq(count(t, "regions", "code = ?", (m,)), 0, f"{user}: no region created")
        eq(count(t, "users", "username = ?", (m,)), 0, f"{user}: no user created")
    eq(t.ok(t.get("/markets/S"))["name"], "华南", "market S unchanged")
    eq(t.ok(t.get("/regions/GZ"))["name"], "广州", "region GZ unchanged")


def test_users_read_only_by_r_roles(t):
    for user in ORG_READERS:
        body = t.ok(t.get("/users?limit=1000", user=user), 200, f"{user} GET /users")
        check(len(body["items"]) > 50, f"{user} sees every user")
        t.ok(t.get("/users/kam_SZ", user=user), 200, f"{user} GET /users/kam_SZ")
    for user in [x for x in ALL if x not in ORG_READERS]:
        denied(t, t.get("/users", user=user), f"{user} GET /users")
        denied(t, t.get("/users/gm", user=user), f"{user} GET /users/gm")
    # everyone may read their own user record (profile)
    for user in ALL:
        eq(t.ok(t.get(f"/users/{user}", user=user), 200, f"{user} reads self")["username"],
           user, "self")
    # nobody but admin may edit a user, not even their own record
    denied(t, t.patch("/users/kam_GZ", {"name": "我自己"}, user="kam_GZ"), "kam edits self")
    denied(t, t.patch("/users/kam_GZ", {"role": "gm"}, user="kam_GZ"), "kam promotes self")
    eq(t.ok(t.get("/users/kam_GZ"))["role"], "kam", "role unchanged")


def test_markets_regions_warehouses_readable(t):
    # api.md §3.2: master data is "read by all in scope"; order entry and the customer form
    # need market, region and warehouse lists, so every role reads them.
    for user in ALL:
        check(len(t.ok(t.get("/markets", user=user))["items"]) >= 8, f"{user} lists markets")
        t.ok(t.get("/regions/GZ", user=user), 200, f"{user} reads a region")
        t.ok(t.get("/warehouses", user=user), 200, f"{user} lists warehouses")


# ---- products: MKT Y, ADM Y, AUD R ---------------------------------------------------------

def product(t, **over):
    b = {"sku": t.uniq("P"), "name": "测试产品", "spec": "1kg", "unit": "袋", "case_size": 10,
         "price_fen": 5000}
    b.update(over)
    return b


def test_products_marketing_and_admin(t):
    for user in ("marketing", "admin"):
        p = product(t)
        got = t.ok(t.post("/products", p, user=user), 201, f"{user} creates product")
        eq(got["sku"], p["sku"], "sku")
        got = t.ok(t.patch(f"/products/{p['sku']}", {"price_fen": 5100}, user=user), 200,
                   f"{user} edits product")
        eq(got["price_fen"], 5100, "price changed")


def test_products_others_denied(t):
    sku = "M-IF1-900"
    price = t.ok(t.get(f"/products/{sku}"))["price_fen"]
    for user in [x for x in ALL if x not in ("marketing", "admin")]:
        p = product(t)
        denied(t, t.post("/products", p, user=user), f"{user} POST /products")
        eq(count(t, "products", "sku = ?", (p["sku"],)), 0, f"{user}: nothing created")
        denied(t, t.patch(f"/products/{sku}", {"price_fen": 1}, user=user),
               f"{user} PATCH /products")
        # everyone reads products (order entry)
        t.ok(t.get(f"/products/{sku}", user=user), 200, f"{user} reads a product")
    eq(t.ok(t.get(f"/products/{sku}"))["price_fen"], price, "price unchanged")


# ---- customers: create SL CSR MM UM Y, KAM REP O, ADM Y; edit SL CSR Y, KAM REP O, ADM Y -----

def cust(t, **over):
    """A customer body without credit terms: only the administrator sends those (api.md §5.2)."""
    b = {"code": t.uniq("C"), "name": "权限测试客户", "market": "S", "region": "GZ", "kam": "kam_GZ"}
    b.update(over)
    return b


def test_customer_create_allowed(t):
    for user in ("ssg_leader", "csr_a", "mm_S", "um_GZ", "kam_GZ", "admin"):
        b = cust(t, **({"credit_limit_fen": 0, "payment_term_days": 30} if user == "admin" else {}))
        got = t.ok(t.post("/customers", b, user=user), 201, f"{user} creates a customer")
        eq(got["code"], b["code"], "code")
        eq(got["kam"], "kam_GZ", "kam")
        # a prospect until approved, unless the administrator keys in an archive
        eq(got["status"], "active" if user == "admin" else "prospect", f"{user}: status")
    # rep: own customer (rep = self), or one without a rep whose KAM is the rep's manager
    b = cust(t, rep="rep_GZ")
    t.ok(t.post("/customers", b, user="rep_GZ"), 201, "rep creates own customer")
    t.ok(t.post("/customers", cust(t), user="rep_GZ"), 201, "rep creates for own KAM")


def test_customer_create_denied_roles(t):
    for user in ("gm", "director", "deputy", "finance", "warehouse", "service", "marketing",
                 "auditor"):
        b = cust(t)
        denied(t, t.post("/customers", b, user=user), f"{user} POST /customers")
        eq(count(t, "customers", "code = ?", (b["code"],)), 0, f"{user}: nothing created")


def test_customer_create_own_only_for_kam_and_rep(t):
    # a KAM creates customers for itself only
    b = cust(t, region="SZ", kam="kam_SZ")
    r = t.post("/customers", b, user="kam_GZ")
    check(r.status in (403, 404), f"kam_GZ creates kam_SZ's customer: {r.status}")
    eq(count(t, "customers", "code = ?", (b["code"],)), 0, "nothing created")
    # a rep may not create another rep's customer
    b = cust(t, rep="rep_SZ", region="SZ", kam="kam_SZ")
    r = t.post("/customers", b, user="rep_GZ")
    check(r.status in (403, 404), f"rep_GZ creates rep_SZ's customer: {r.status}")
    eq(count(t, "customers", "code = ?", (b["code"],)), 0, "nothing created")


def test_customer_create_within_scope_for_mm_and_um(t):
    # 'Y' means allowed within the user's data scope (§3 legend, §4): an MM creates customers
    # of its own market, a UM of its own region. Outside it, the answer is 403 and no row.
    b = cust(t, market="N", region="BJ", kam="kam_BJ")
    denied(t, t.post("/customers", b, user="mm_S"), "mm_S creates in market N")
    eq(count(t, "customers", "code = ?", (b["code"],)), 0, "nothing created")
    b = cust(t, region="SZ", kam="kam_SZ")
    denied(t, t.post("/customers", b, user="um_GZ"), "um_GZ creates in region SZ")
    eq(count(t, "customers", "code = ?", (b["code"],)), 0, "nothing created")
    # inside: fine
    t.ok(t.post("/customers", cust(t, region="SZ", kam="kam_SZ"), user="mm_S"), 201,
         "mm_S creates in own market")


def test_customer_edit_allowed(t):
    for user in ("ssg_leader", "csr_a", "kam_GZ", "admin"):
        got = t.ok(t.patch("/customers/GZ01", {"owner": f"老板-{user}"}, user=user), 200,
                   f"{user} edits GZ01")
        eq(got["owner"], f"老板-{user}", "edited")
    # rep_GZ: GZ02 has rep_GZ; GZ01 has no rep and kam_GZ is rep_GZ's manager
    t.ok(t.patch("/customers/GZ02", {"owner": "代表改"}, user="rep_GZ"), 200, "rep edits own")
    t.ok(t.patch("/customers/GZ01", {"owner": "代表改"}, user="rep_GZ"), 200,
         "rep edits its KAM's customer without a rep")


def test_customer_edit_denied(t):
    before = t.ok(t.get("/customers/GZ01"))
    # roles that see the customer but may not edit the archive: 403
    for user in ("gm", "director", "deputy", "mm_S", "um_GZ", "finance", "warehouse", "service",
                 "marketing", "auditor"):
        denied(t, t.patch("/customers/GZ01", {"owner": "不许改"}, user=user),
               f"{user} PATCH /customers/GZ01")
    # KAM of another region: cannot see it at all
    t.expect_error(t.patch("/customers/GZ01", {"owner": "不许改"}, user="kam_SZ"), 404,
                   "not_found")
    after = t.ok(t.get("/customers/GZ01"))
    eq(after["owner"], before["owner"], "owner unchanged")
    eq(after["version"], before["version"], "version unchanged")


def test_customer_credit_terms_only_by_admin(t):
    # the limit and terms change through the credit review, not by editing the archive
    before = t.ok(t.get("/customers/GZ01"))
    for user in ("ssg_leader", "csr_a", "kam_GZ"):
        denied(t, t.patch("/customers/GZ01", {"credit_limit_fen": 99900000}, user=user),
               f"{user} raises the limit")
        denied(t, t.patch("/customers/GZ01", {"kam": "kam_SZ"}, user=user),
               f"{user} moves the customer")
    eq(t.ok(t.get("/customers/GZ01"))["credit_limit_fen"], before["credit_limit_fen"],
       "limit unchanged")
    got = t.ok(t.patch("/customers/GZ01", {"credit_limit_fen": before["credit_limit_fen"] + 100}))
    eq(got["credit"]["limit_fen"], before["credit_limit_fen"] + 100, "admin changed the limit")


def test_customer_kam_may_not_hand_customer_away(t):
    # even through a field it may edit, a KAM cannot make the customer someone else's
    code = t.uniq("C")
    t.ok(t.post("/customers", cust(t, code=code), user="kam_GZ"), 201)
    r = t.patch(f"/customers/{code}", {"rep": "rep_SZ"}, user="kam_GZ")
    check(r.status in (403, 422), f"KAM sets a rep of another region: {r.status}")
    eq(t.ok(t.get(f"/customers/{code}"))["rep"], None, "rep unchanged")


# ---- quota set: MKT Y, ADM Y, AUD R -----------------------------------------------------------

def test_quota_set(t):
    for i, user in enumerate(("marketing", "admin")):
        q = t.ok(t.post("/quotas", {"period": "2030-0%d" % (i + 1), "sku": "M-IF2-900",
                                    "region": "GZ", "qty": 100}, user=user), 201,
                 f"{user} sets a quota")
        t.ok(t.patch(f"/quotas/{q['id']}", {"qty": 120}, user=user), 200, f"{user} edits it")
    n = count(t, "quotas")
    for user in [x for x in ALL if x not in ("marketing", "admin")]:
        denied(t, t.post("/quotas", {"period": "2030-05", "sku": "M-IF2-900", "region": "GZ",
                                     "qty": 100}, user=user), f"{user} POST /quotas")
    eq(count(t, "quotas"), n, "no quota created")
    q = t.ok(t.get("/quotas?period=2030-01"))["items"][0]
    denied(t, t.patch(f"/quotas/{q['id']}", {"qty": 1}, user="auditor"), "auditor edits quota")
    denied(t, t.patch(f"/quotas/{q['id']}", {"qty": 1}, user="um_GZ"), "um edits quota")
    eq(t.ok(t.get(f"/quotas/{q['id']}"))["qty"], 120, "quota unchanged")
    # the auditor reads quotas (R)
    t.ok(t.get("/quotas?period=2030-01", user="auditor"))


# ---- stock receipt: WH Y, ADM Y, AUD R ---------------------------------------------------------

def test_stock_receipt(t):
    for user in ("warehouse", "admin"):
        t.ok(t.post("/stock/receipts", {"warehouse": "WH-GZ", "sku": "M-KID-800",
                                        "batch": t.uniq("B"), "qty": 12}, user=user), 201,
             f"{user} receives stock")
    n = count(t, "stock_receipts")
    for user in [x for x in ALL if x not in ("warehouse", "admin")]:
        denied(t, t.post("/stock/receipts", {"warehouse": "WH-GZ", "sku": "M-KID-800",
                                             "batch": t.uniq("B"), "qty": 12}, user=user),
               f"{user} POST /stock/receipts")
    eq(count(t, "stock_receipts"), n, "no receipt created")
    t.ok(t.get("/stock?sku=M-KID-800", user="auditor"), 200, "auditor reads stock")


# ---- audit log: GM Y, AUD Y, ADM Y ------------------------------------------------------------

def test_audit_read(t):
    for user in ("gm", "auditor", "admin"):
        body = t.ok(t.get("/audit?limit=5", user=user), 200, f"{user} reads the audit log")
        eq(len(body["items"]), 5, "five rows")
    for user in [x for x in ALL if x not in ("gm", "auditor", "admin")]:
        denied(t, t.get("/audit", user=user), f"{user} GET /audit")


# ---- test clock; jobs/run: ADM Y, AUD R -----------------------------------------------------------

def test_clock_and_jobs_admin_only(t):
    now = t.ok(t.get("/test/clock"))["now"]
    for user in [x for x in ALL if x != "admin"]:
        denied(t, t.put("/test/clock", {"now": "2030-01-01T09:00:00+08:00"}, user=user),
               f"{user} PUT /test/clock")
        denied(t, t.post("/jobs/run", user=user), f"{user} POST /jobs/run")
    eq(t.ok(t.get("/test/clock"))["now"], now, "clock not moved")
    eq(count(t, "audit", "action = 'jobs_run'"), 0, "no job run recorded")
    t.ok(t.post("/jobs/run"), 200, "admin runs jobs")
    t.ok(t.put("/test/clock", {"now": now}), 200, "admin sets the clock")


def test_customer_status_not_set_by_creator(t):
    # A KAM or CSR creates prospects; approval (flows §1) makes a customer active. Creating it
    # active, or already qualified, would skip the review.
    for user, extra in (("kam_GZ", {"status": "active"}), ("csr_a", {"status": "active"}),
                        ("kam_GZ", {"qualified": True})):
        b = cust(t, **extra)
        r = t.post("/customers", b, user=user)
        if r.status == 201:
            eq(r.body["status"], "prospect", f"{user} created with {extra}")
            eq(r.body["qualified"], False, f"{user} created with {extra}")
        else:
            t.expect_error(r, 403, "forbidden")
            eq(count(t, "customers", "code = ?", (b["code"],)), 0, "nothing created")
    # the administrator keys in archives of existing customers as they are
    got = t.ok(t.post("/customers", cust(t, status="suspended", credit_limit_fen=0,
                                         payment_term_days=30)), 201)
    eq(got["status"], "suspended", "admin sets the status")

"""Every error code of api.md §1 provoked through HTTP, with the envelope and details checked,
and each time the proof that the refused request changed nothing.

409 invalid_state is not reachable through the foundation (no document with states exists
yet); the order tests cover it. 500 internal has no clean trigger from outside.
"""

import json

from lib import check, eq


def customer_body(t, **over):
    b = {"code": t.uniq("E"), "name": "错误测试客户", "market": "S", "region": "GZ",
         "kam": "kam_GZ", "credit_limit_fen": 1000000, "payment_term_days": 30}
    b.update(over)
    return b


def count(t, table):
    return t.sql(f"SELECT count(*) FROM {table}")[0][0]


# ---- 400 bad_request -----------------------------------------------------------------------

def test_400_body_not_json(t):
    n = count(t, "customers")
    for raw in ('{"code": "A1", ', "not json", '{"code":"A1"}}', "\xff\xfe", "[1,2"):
        r = t.request("POST", "/customers", raw=raw)
        t.expect_error(r, 400, "bad_request")
    # valid JSON that is not an object
    t.expect_error(t.request("POST", "/customers", raw="[1,2]"), 400, "bad_request")
    t.expect_error(t.request("POST", "/customers", raw='"text"'), 400, "bad_request")
    # duplicate keys are ambiguous: refused
    t.expect_error(t.request("POST", "/markets",
                             raw='{"code":"DK1","code":"DK2","name":"x","slt_supervisor":"director"}'),
                   400, "bad_request")
    eq(count(t, "customers"), n, "nothing created")


def test_400_wrong_types(t):
    for field, value in (("credit_limit_fen", "1000"), ("payment_term_days", "30"),
                         ("name", 12), ("prepay_only", "yes"), ("contacts", "x"),
                         ("kam", ["kam_GZ"]), ("credit_limit_fen", True)):
        b = customer_body(t, **{field: value})
        t.expect_error(t.post("/customers", b), 400, "bad_request", field=field)
        t.expect_error(t.get(f"/customers/{b['code']}"), 404, "not_found")


def test_400_money_fraction_and_exponent(t):
    for raw_value in ("1.5", "1e3", "1000.0", "1E+3", "-0.5"):
        b = customer_body(t)
        raw = json.dumps(b).replace('"credit_limit_fen": 1000000',
                                    f'"credit_limit_fen": {raw_value}')
        check(raw_value in raw, "test built the raw body")
        d = t.expect_error(t.request("POST", "/customers", raw=raw), 400, "bad_request",
                           field="credit_limit_fen")
        check(d is not None, "details")
        t.expect_error(t.get(f"/customers/{b['code']}"), 404, "not_found")
    # the same on a product price and a receipt quantity
    raw = '{"sku":"FRAC1","name":"x","spec":"x","unit":"x","case_size":12,"price_fen":99.9}'
    t.expect_error(t.request("POST", "/products", raw=raw), 400, "bad_request", field="price_fen")
    raw = '{"warehouse":"WH-GZ","sku":"M-IF1-900","batch":"F1","qty":1e2}'
    t.expect_error(t.request("POST", "/stock/receipts", raw=raw), 400, "bad_request", field="qty")
    # an integer too big for int64 is not JSON OSB can read
    raw = json.dumps(customer_body(t)).replace('"credit_limit_fen": 1000000',
                                               '"credit_limit_fen": 99999999999999999999999')
    t.expect_error(t.request("POST", "/customers", raw=raw), 400, "bad_request")


def test_400_unknown_field(t):
    b = customer_body(t, colour="red")
    t.expect_error(t.post("/customers", b), 400, "bad_request", field="colour")
    t.expect_error(t.get(f"/customers/{b['code']}"), 404, "not_found")
    # internal, computed fields are unknown to clients too
    t.expect_error(t.post("/customers", customer_body(t, version=3)), 400, "bad_request",
                   field="version")
    t.expect_error(t.patch("/customers/GZ01", {"credit": {"limit_fen": 1}}), 400, "bad_request",
                   field="credit")
    t.expect_error(t.post("/users", {"username": t.uniq("u"), "name": "x", "password": "pw1234",
                                     "role": "csr", "password_hash": "x"}),
                   400, "bad_request", field="password_hash")


def test_400_bad_query_values(t):
    t.expect_error(t.get("/customers?limit=abc"), 400, "bad_request", field="limit")
    t.expect_error(t.get("/customers?limit=0"), 400, "bad_request", field="limit")
    t.expect_error(t.get("/customers?limit=-5"), 400, "bad_request", field="limit")
    t.expect_error(t.get("/customers?limit=1001"), 400, "bad_request", field="limit")
    t.expect_error(t.get("/customers?limit=10x"), 400, "bad_request", field="limit")
    t.expect_error(t.get("/customers?colour=red"), 400, "bad_request", field="colour")
    t.expect_error(t.get("/products?active=maybe"), 400, "bad_request", field="active")
    t.expect_error(t.get("/stock?colour=red"), 400, "bad_request", field="colour")
    t.expect_error(t.get("/quotas?foo=1"), 400, "bad_request", field="foo")
    t.expect_error(t.get("/audit?from=yesterday", user="auditor"), 400, "bad_request",
                   field="from")
    t.expect_error(t.get("/audit?limit=x", user="auditor"), 400, "bad_request", field="limit")


def test_400_query_not_utf8(t):
    """A query value that is not UTF-8 text is refused at the router, on every route, before
    any handler or filter sees it (fuzz_router found GET /receivables/aging?market=S\xff… → 500);
    a POST with one changes nothing."""
    for path, field in (("/receivables/aging?market=S%FF%FF%07", "market"),
                        ("/orders?q=%C3%28", "q"), ("/customers?name=%ED%A0%80", "name"),
                        ("/products?%FF=1", "query"), ("/osb-issues?state=%F4%90%80%80", "state")):
        t.expect_error(t.get(path, user="gm"), 400, "bad_request", field=field)
    n = count(t, "customers")
    t.expect_error(t.post("/customers?x=%FF", customer_body(t)), 400, "bad_request", field="x")
    eq(count(t, "customers"), n, "nothing created")
    # valid multi-byte text still passes through to the handler
    t.ok(t.get("/orders?q=%E5%B9%BF%E5%B7%9E", user="gm"))


def test_404_path_not_utf8(t):
    """A path segment that is not UTF-8 names no document: 404 for every route, before a
    handler binds it (fuzz_router found GET /osb-issues/GZ062-=21\xb3\xb2… as finance → 500: the
    key could not become a statement parameter); a POST with one changes nothing."""
    for path, user in (("/osb-issues/GZ062-%B3%B2NI", "finance"), ("/orders/SO%FF01", "gm"),
                       ("/customers/C%C3%28", "gm"), ("/invoices/%ED%A0%80", "finance")):
        t.expect_error(t.get(path, user=user), 404, "not_found")
    n = count(t, "customers")
    t.expect_error(t.post("/orders/SO%FF01/verify", {}, user="kam_GZ"), 404, "not_found")
    eq(count(t, "customers"), n, "nothing changed")


def test_400_idempotency_key_not_utf8(t):
    """An Idempotency-Key is stored as text (PostgreSQL refuses bytes that are not UTF-8):
    one that is not UTF-8 is a 400 naming the header, and nothing is created."""
    n = count(t, "customers")
    t.expect_error(t.post("/customers", customer_body(t),
                          headers={"Idempotency-Key": b"k\xff\xfe".decode("latin-1")}),
                   400, "bad_request", field="Idempotency-Key")
    eq(count(t, "customers"), n, "nothing created")


def test_400_import_needs_csv(t):
    n = count(t, "customers")
    t.expect_error(t.request("POST", "/customers/import", raw='{"code":"X"}',
                             content_type="application/json"), 400, "bad_request")
    # an unterminated quote is not CSV
    t.expect_error(t.request("POST", "/customers/import", raw='code,name\n"X1,abc\n',
                             content_type="text/csv"), 400, "bad_request")
    eq(count(t, "customers"), n, "nothing created")


# ---- 401, 403, 404 ----------------------------------------------------------------------------

def test_401_unauthenticated(t):
    t.expect_error(t.get("/markets", user=None), 401, "unauthenticated")
    t.expect_error(t.get("/markets", token="osb_nope"), 401, "unauthenticated")
    # a token of bytes that are not UTF-8 (and a login name of them) is just a wrong token
    t.expect_error(t.get("/markets", token=b"osb_\xff\xfe".decode("latin-1")), 401,
                   "unauthenticated")
    t.expect_error(t.request("POST", "/login", raw=b'{"username":"adm\xffin","password":"x"}',
                             user=None), 400, "bad_request")
    t.expect_error(t.post("/login", {"username": "admin", "password": "bad-password"}, user=None),
                   401, "unauthenticated")
    tok = t.login("service", fresh=True)
    eq(t.post("/logout", token=tok).status, 204, "logout")
    t.expect_error(t.get("/markets", token=tok), 401, "unauthenticated")
    t.tokens.pop("service", None)


def test_403_role_not_allowed(t):
    n = count(t, "markets")
    d = t.expect_error(t.post("/markets", {"code": "ZZ", "name": "禁止", "slt_supervisor": "director"},
                              user="kam_GZ"), 403, "forbidden")
    eq(d.get("rule"), "role", "403 details.rule")
    eq(count(t, "markets"), n, "nothing created")
    t.expect_error(t.post("/products", {"sku": "NOPE", "name": "x", "spec": "x", "unit": "x",
                                        "case_size": 1, "price_fen": 1}, user="finance"),
                   403, "forbidden", rule="role")
    t.expect_error(t.get("/audit", user="kam_GZ"), 403, "forbidden")


def test_404_unknown_path_and_object(t):
    t.expect_error(t.get("/no-such-thing"), 404, "not_found")
    t.expect_error(t.get("/customers/GZ01/no-such-sub"), 404, "not_found")
    t.expect_error(t.get("/"), 404, "not_found")
    # an unknown path is 404 even without a token (nothing to authenticate against)
    t.expect_error(t.get("/no-such-thing", user=None), 404, "not_found")
    for path in ("/customers/NOPE", "/markets/NOPE", "/regions/NOPE", "/users/nope",
                 "/products/NOPE", "/warehouses/NOPE", "/quotas/999999", "/quotas/abc",
                 "/customers/NOPE/history", "/customers/NOPE/credit"):
        t.expect_error(t.get(path), 404, "not_found")
    t.expect_error(t.patch("/customers/NOPE", {"name": "x"}), 404, "not_found")
    t.expect_error(t.patch("/quotas/999999", {"qty": 1}), 404, "not_found")
    # a method the path does not have: 405 with Allow (issue #15 item 10; test_queue_http.py)
    t.expect_error(t.request("DELETE", "/customers/GZ01"), 405, "method_not_allowed")


def test_404_customer_outside_kam_scope(t):
    # SZ01 exists (kam_SZ's customer): for kam_GZ it must not exist at all
    t.ok(t.get("/customers/SZ01", user="kam_SZ"), 200)
    r_scope = t.get("/customers/SZ01", user="kam_GZ")
    t.expect_error(r_scope, 404, "not_found")
    r_none = t.get("/customers/NOPE99", user="kam_GZ")
    t.expect_error(r_none, 404, "not_found")
    # the two answers do not tell an existing customer from a missing one (apart from the code)
    eq(r_scope.body["error"]["message"].replace("SZ01", "?"),
       r_none.body["error"]["message"].replace("NOPE99", "?"), "same message")
    eq(r_scope.body["error"]["details"], r_none.body["error"]["details"], "same details")
    t.expect_error(t.patch("/customers/SZ01", {"name": "改名"}, user="kam_GZ"), 404, "not_found")
    t.expect_error(t.get("/customers/SZ01/history", user="kam_GZ"), 404, "not_found")
    t.expect_error(t.get("/customers/SZ01/credit", user="kam_GZ"), 404, "not_found")
    eq(t.ok(t.get("/customers/SZ01", user="kam_SZ"))["name"], "深圳恒通商贸有限公司",
       "not renamed")


# ---- 409 -------------------------------------------------------------------------------------

def test_409_version_conflict(t):
    cur = t.ok(t.get("/customers/GZ02"))
    v = cur["version"]
    # stale, bare integer
    d = t.expect_error(t.patch("/customers/GZ02", {"short_name": "旧"},
                               headers={"If-Match": str(v - 1 if v > 1 else v + 5)}),
                       409, "version_conflict")
    check(d is not None, "details")
    # stale, quoted ETag form
    t.expect_error(t.patch("/customers/GZ02", {"short_name": "旧"},
                           headers={"If-Match": f'"{v + 7}"'}), 409, "version_conflict")
    eq(t.ok(t.get("/customers/GZ02"))["version"], v, "nothing changed by stale PATCHes")
    eq(t.ok(t.get("/customers/GZ02"))["short_name"], cur["short_name"], "short_name unchanged")
    # current version, bare: applies and bumps the version
    new = t.ok(t.patch("/customers/GZ02", {"short_name": "百佳"}, headers={"If-Match": str(v)}))
    eq(new["version"], v + 1, "version bumped")
    eq(new["short_name"], "百佳", "applied")
    # the old version is now stale: a second editor who read v loses
    t.expect_error(t.patch("/customers/GZ02", {"short_name": "并发"},
                           headers={"If-Match": str(v)}), 409, "version_conflict")
    # current version, quoted
    new = t.ok(t.patch("/customers/GZ02", {"short_name": "百佳2"},
                       headers={"If-Match": f'"{v + 1}"'}))
    eq(new["version"], v + 2, "quoted If-Match accepted")
    # literally "3" and "\"3\"" on a fresh object at version 1 → 409; at version 3 → 200
    code = t.uniq("VC")
    t.ok(t.post("/warehouses", {"code": code, "name": "版本仓"}), 201)
    t.expect_error(t.patch(f"/warehouses/{code}", {"name": "a"}, headers={"If-Match": "3"}),
                   409, "version_conflict")
    t.expect_error(t.patch(f"/warehouses/{code}", {"name": "a"}, headers={"If-Match": '"3"'}),
                   409, "version_conflict")
    t.ok(t.patch(f"/warehouses/{code}", {"name": "b"}, headers={"If-Match": "1"}))
    t.ok(t.patch(f"/warehouses/{code}", {"name": "c"}, headers={"If-Match": '"2"'}))
    w = t.ok(t.patch(f"/warehouses/{code}", {"name": "d"}, headers={"If-Match": "3"}))
    eq((w["name"], w["version"]), ("d", 4), "warehouse after three PATCHes")
    # a PATCH without If-Match is last-writer-wins
    eq(t.ok(t.patch(f"/warehouses/{code}", {"name": "e"}))["version"], 5, "no If-Match")
    # a malformed If-Match is a bad request, not a conflict; "*" means any version
    for bad in ("abc", "3x", '"', '""', "-1", "W/\"3\""):
        t.expect_error(t.patch(f"/warehouses/{code}", {"name": "f"}, headers={"If-Match": bad}),
                       400, "bad_request", field="If-Match")
    eq(t.ok(t.patch(f"/warehouses/{code}", {"name": "g"}, headers={"If-Match": "*"}))["version"],
       6, "If-Match: * applies")
    # quotas carry a version as well
    q = t.ok(t.get("/quotas?sku=M-IF1-900&region=GZ"))["items"][0]
    t.expect_error(t.patch(f"/quotas/{q['id']}", {"qty": 1}, user="marketing",
                           headers={"If-Match": str(q["version"] + 1)}), 409, "version_conflict")
    eq(t.ok(t.get(f"/quotas/{q['id']}"))["qty"], q["qty"], "quota unchanged")


def test_409_idempotency_replay_and_mismatch(t):
    body = {"warehouse": "WH-SH", "sku": "M-IF3-900", "batch": t.uniq("IDEM"), "qty": 120,
            "expires": "2028-01-31"}
    key = "idem-" + t.uniq("k")
    before = count(t, "stock_receipts")
    r1 = t.post("/stock/receipts", body, user="warehouse", headers={"Idempotency-Key": key})
    first = t.ok(r1, 201, "first receipt")
    r2 = t.post("/stock/receipts", body, user="warehouse", headers={"Idempotency-Key": key})
    eq(r2.status, 201, "replay status")
    eq(r2.body, first, "replay body is the first answer (same document number)")
    eq(count(t, "stock_receipts"), before + 1, "the replay created nothing")
    lots = t.ok(t.get(f"/stock?sku=M-IF3-900&warehouse=WH-SH", user="warehouse"))["items"]
    lot = [x for x in lots if x["batch"] == body["batch"]]
    eq([x["on_hand"] for x in lot], [120], "stock received once")
    # same key, another body
    other = dict(body, qty=240)
    t.expect_error(t.post("/stock/receipts", other, user="warehouse",
                          headers={"Idempotency-Key": key}), 409, "idempotency_mismatch")
    eq(count(t, "stock_receipts"), before + 1, "the mismatch created nothing")
    # same key on a create of a customer
    cb = customer_body(t)
    k2 = "idem-" + t.uniq("k")
    c1 = t.ok(t.post("/customers", cb, headers={"Idempotency-Key": k2}), 201)
    c2 = t.post("/customers", cb, headers={"Idempotency-Key": k2})
    eq((c2.status, c2.body), (201, c1), "customer create replayed, not 409 duplicate")
    t.expect_error(t.post("/customers", dict(cb, name="另一个"), headers={"Idempotency-Key": k2}),
                   409, "idempotency_mismatch")
    # without a key the same body is a duplicate
    t.expect_error(t.post("/customers", cb), 409, "duplicate")
    # a key is at most 128 characters
    t.expect_error(t.post("/customers", customer_body(t), headers={"Idempotency-Key": "k" * 129}),
                   400, "bad_request")


def test_409_duplicate(t):
    n = count(t, "customers")
    d = t.expect_error(t.post("/customers", customer_body(t, code="GZ01")), 409, "duplicate")
    check(d is not None, "details")
    eq(count(t, "customers"), n, "nothing created")
    eq(t.ok(t.get("/customers/GZ01"))["name"], "广州恒通商贸有限公司", "original untouched")
    t.expect_error(t.post("/products", {"sku": "M-IF1-900", "name": "重复", "spec": "x",
                                        "unit": "听", "case_size": 12, "price_fen": 1}),
                   409, "duplicate")
    t.expect_error(t.post("/markets", {"code": "S", "name": "重复", "slt_supervisor": "deputy"}),
                   409, "duplicate")
    t.expect_error(t.post("/regions", {"code": "GZ", "name": "重复", "market": "S"}), 409,
                   "duplicate")
    t.expect_error(t.post("/users", {"username": "kam_GZ", "name": "重复", "password": "pw1234",
                                     "role": "kam", "region": "GZ"}), 409, "duplicate")
    t.expect_error(t.post("/warehouses", {"code": "WH-GZ", "name": "重复"}), 409, "duplicate")
    period = t.ok(t.get("/quotas?sku=M-IF1-900&region=GZ"))["items"][0]["period"]
    t.expect_error(t.post("/quotas", {"period": period, "sku": "M-IF1-900", "region": "GZ",
                                      "qty": 5}, user="marketing"), 409, "duplicate")


# ---- 413 -------------------------------------------------------------------------------------

def test_413_body_over_one_mib(t):
    n = count(t, "customers")
    big = customer_body(t, name="x" * (1024 * 1024 + 10))
    t.expect_error(t.post("/customers", big), 413, "payload_too_large")
    # just over the limit, counted in bytes of the body
    b = customer_body(t, address="")
    pad = 1024 * 1024 - len(json.dumps(b, ensure_ascii=False).encode()) + 1
    raw = json.dumps(dict(b, address="a" * pad), ensure_ascii=False).encode()
    eq(len(raw), 1024 * 1024 + 1, "body size")
    t.expect_error(t.request("POST", "/customers", raw=raw), 413, "payload_too_large")
    # exactly 1 MiB is not too large (it is refused for the long address instead)
    raw = json.dumps(dict(b, address="a" * (pad - 1)), ensure_ascii=False).encode()
    eq(len(raw), 1024 * 1024, "body size")
    t.expect_error(t.request("POST", "/customers", raw=raw), 422, "validation_failed",
                   rule="too_long")
    eq(count(t, "customers"), n, "nothing created")
    # a body under the limit with a too-long field is a 422, not a 413
    t.expect_error(t.post("/customers", customer_body(t, address="a" * 5000)), 422,
                   "validation_failed", rule="too_long", field="address")
    # the server is fine afterwards
    t.ok(t.get("/customers/GZ01"))


def test_413_import_allows_32_mib(t):
    # 2 MiB of CSV (a valid row and blank lines) is accepted by the import...
    code = t.uniq("BIG")
    csv = ("code,name,market,region,kam,credit_limit_fen,payment_term_days\n"
           f"{code},大文件客户,S,GZ,kam_GZ,0,30\n" + "\n" * (2 * 1024 * 1024))
    r = t.request("POST", "/customers/import", raw=csv, content_type="text/csv")
    body = t.ok(r, 201, "2 MiB import")
    eq(body["created"], 1, "one row imported")
    t.ok(t.get(f"/customers/{code}"))
    # ... but the same size as JSON is not
    t.expect_error(t.post("/customers", customer_body(t, note="x" * (2 * 1024 * 1024))), 413,
                   "payload_too_large")
    # over 32 MiB the import is refused too
    big = "code,name\n" + ("Z,z\n" * (33 * 1024 * 1024 // 4))
    t.expect_error(t.request("POST", "/customers/import", raw=big, content_type="text/csv"),
                   413, "payload_too_large")


# ---- 422 -------------------------------------------------------------------------------------

def test_422_rules(t):
    n = count(t, "customers")
    cases = [
        # (path, body, field, rule)
        ("/customers", customer_body(t, name=None), "name", "required"),
        ("/customers", {k: v for k, v in customer_body(t).items() if k != "kam"}, "kam", "required"),
        ("/customers", customer_body(t, name=""), "name", "required"),
        ("/customers", customer_body(t, name="名" * 101), "name", "too_long"),
        ("/customers", customer_body(t, code="has space"), "code", "invalid_code"),
        ("/customers", customer_body(t, code="a/b"), "code", "invalid_code"),
        ("/customers", customer_body(t, code="C" * 33), "code", "invalid_code"),
        ("/customers", customer_body(t, region="BJ"), "region", "region_market_mismatch"),
        ("/customers", customer_body(t, kam="rep_GZ"), "kam", "role_scope_mismatch"),
        ("/customers", customer_body(t, kam="nobody"), "kam", "unknown_reference"),
        ("/customers", customer_body(t, market="XX"), "market", "unknown_reference"),
        ("/customers", customer_body(t, region="XX"), "region", "unknown_reference"),
        ("/customers", customer_body(t, payment_term_days=366), "payment_term_days",
         "term_out_of_range"),
        ("/customers", customer_body(t, payment_term_days=-1), "payment_term_days",
         "term_out_of_range"),
        ("/customers", customer_body(t, credit_limit_fen=-1), "credit_limit_fen",
         "limit_negative"),
        ("/customers", customer_body(t, phone="call me"), "phone", "invalid_phone"),
        ("/customers", customer_body(t, tax_id="abc"), "tax_id", "invalid_tax_id"),
        ("/customers", customer_body(t, founded_on="2026-02-30"), "founded_on", "invalid_date"),
        ("/customers", customer_body(t, credit_limit_fen=10 ** 13 + 1), "credit_limit_fen",
         "amount_too_large"),
        ("/markets", {"code": "M9", "name": "x", "slt_supervisor": "kam_GZ"}, "slt_supervisor",
         "role_scope_mismatch"),
        ("/markets", {"code": "M9", "name": "x", "slt_supervisor": "nobody"}, "slt_supervisor",
         "unknown_reference"),
        ("/markets", {"code": "M9", "name": "x"}, "slt_supervisor", "required"),
        ("/regions", {"code": "R9", "name": "x", "market": "XX"}, "market", "unknown_reference"),
        ("/users", {"username": "u9", "name": "x", "password": "pw1234", "role": "csr",
                    "proxy_for": "kam_GZ"}, "proxy_for", "role_scope_mismatch"),
        ("/users", {"username": "u9", "name": "x", "password": "pw1234", "role": "kam",
                    "market": "N", "region": "GZ"}, "region", "region_market_mismatch"),
        ("/users", {"username": "u9", "name": "x", "password": "pw1234", "role": "mm"},
         "market", "required"),
        ("/users", {"username": "u9", "name": "x", "password": "pw1234", "role": "chief"},
         "role", None),
        ("/products", {"sku": "P9", "name": "x", "spec": "x", "unit": "x", "case_size": 0,
                       "price_fen": 1}, "case_size", "case_size_invalid"),
        ("/products", {"sku": "P9", "name": "x", "spec": "x", "unit": "x", "case_size": 6,
                       "price_fen": -1}, "price_fen", "price_negative"),
        ("/stock/receipts", {"warehouse": "WH-GZ", "sku": "M-IF1-900", "batch": "B9", "qty": 0},
         "qty", "zero_qty"),
        ("/stock/receipts", {"warehouse": "WH-GZ", "sku": "M-IF1-900", "batch": "B9",
                             "qty": 100000001}, "qty", "qty_too_large"),
        ("/quotas", {"period": "2026-12", "sku": "M-IF1-900", "region": "GZ",
                     "qty": 100000001}, "qty", "qty_too_large"),
        ("/stock/receipts", {"warehouse": "WH-GZ", "sku": "NOPE", "batch": "B9", "qty": 5},
         "sku", "unknown_sku"),
        ("/stock/receipts", {"warehouse": "WH-XX", "sku": "M-IF1-900", "batch": "B9", "qty": 5},
         "warehouse", "unknown_reference"),
        ("/quotas", {"period": "2026-13", "sku": "M-IF1-900", "region": "GZ", "qty": 5},
         "period", "invalid_period"),
        ("/quotas", {"period": "2026-12", "sku": "M-IF1-900", "region": "GZ", "customer": "GZ01",
                     "qty": 5}, None, "quota_target"),
        ("/quotas", {"period": "2026-12", "sku": "M-IF1-900", "qty": 5}, None, "quota_target"),
        ("/quotas", {"period": "2026-12", "sku": "M-IF1-900", "region": "XX", "qty": 5},
         "region", "unknown_reference"),
        ("/quotas", {"period": "2026-12", "sku": "M-IF1-900", "region": "GZ", "qty": -5},
         "qty", "negative_qty"),
    ]
    for path, body, field, rule in cases:
        body = {k: v for k, v in body.items() if v is not None}
        r = t.post(path, body)
        if r.status != 422:
            raise AssertionError(f"POST {path} {body}: expected 422 {rule}, got {r.status} "
                                 f"{json.dumps(r.body, ensure_ascii=False)[:300]}")
        t.expect_error(r, 422, "validation_failed", rule=rule, field=field)
    eq(count(t, "customers"), n, "no customer created by refused requests")
    eq(t.sql("SELECT count(*) FROM markets WHERE code = 'M9'")[0][0], 0, "no market M9")
    eq(t.sql("SELECT count(*) FROM users WHERE username = 'u9'")[0][0], 0, "no user u9")


def test_422_on_patch(t):
    v = t.ok(t.get("/customers/GZ01"))["version"]
    t.expect_error(t.patch("/customers/GZ01", {"name": None}), 422, "validation_failed",
                   rule="required", field="name")
    t.expect_error(t.patch("/customers/GZ01", {"payment_term_days": 999}), 422,
                   "validation_failed", rule="term_out_of_range")
    t.expect_error(t.patch("/customers/GZ01", {"region": "SZ", "market": "N"}), 422,
                   "validation_failed", rule="region_market_mismatch")
    t.expect_error(t.patch("/customers/GZ01", {"kam": "um_GZ"}), 422, "validation_failed",
                   rule="role_scope_mismatch", field="kam")
    # the key cannot change
    r = t.patch("/customers/GZ01", {"code": "GZ01X"})
    check(r.status in (400, 422), f"code is immutable: {r.status} {r.body}")
    # a reporting cycle: kam_GZ reports to um_GZ; um_GZ may not report to kam_GZ
    t.expect_error(t.patch("/users/um_GZ", {"manager": "kam_GZ"}), 422, "validation_failed",
                   rule="reporting_cycle", field="manager")
    t.expect_error(t.patch("/users/um_GZ", {"manager": "um_GZ"}), 422, "validation_failed",
                   rule="reporting_cycle")
    eq(t.ok(t.get("/customers/GZ01"))["version"], v, "nothing changed")
    eq(t.ok(t.get("/users/um_GZ"))["manager"], "mm_S", "manager unchanged")


def test_server_survives_garbage(t):
    # odd but harmless requests: the server answers and keeps running
    for raw in (b"\x00\x01\x02", b"{" * 5000 + b"}" * 5000, b'{"a":' * 2000):
        r = t.raw_request("POST", "/customers", raw,
                          {"Authorization": "Bearer " + t.login("admin"),
                           "Content-Type": "application/json"})
        check(r.status == 400, f"garbage answered {r.status}")
    r = t.raw_request("GET", "/customers/%00")
    check(r.status in (400, 401, 404), f"NUL in path: {r.status}")
    t.ok(t.get("/customers/GZ01"))


def test_413_chunked_body(t):
    # without a Content-Length the limit is counted as the body arrives
    import http.client
    tok = t.login("admin")

    def send(chunks):
        c = http.client.HTTPConnection("127.0.0.1", t.server.port, timeout=60)
        c.request("POST", "/api/v1/customers", body=iter(chunks), encode_chunked=True,
                  headers={"Authorization": f"Bearer {tok}", "Content-Type": "application/json",
                           "Transfer-Encoding": "chunked"})
        r = c.getresponse()
        data = r.read()
        c.close()
        return r.status, json.loads(data) if data else None

    b = customer_body(t)
    raw = json.dumps(b, ensure_ascii=False).encode()
    st, body = send([raw[:10], raw[10:]])
    eq(st, 201, f"small chunked body: {body}")
    big = json.dumps(customer_body(t, address="a" * (2 * 1024 * 1024))).encode()
    st, body = send([big[i:i + 65536] for i in range(0, len(big), 65536)])
    eq((st, body["error"]["code"]), (413, "payload_too_large"), "chunked body over 1 MiB")

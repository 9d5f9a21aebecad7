"""Session (api.md §3.1): login answer shape, logout, and every way to be 401."""

from lib import check, eq


def test_login_answer_shape(t):
    r = t.post("/login", {"username": "kam_GZ", "password": "demo123"}, user=None)
    body = t.ok(r, 200, "login")
    eq(sorted(body), ["token", "user"], "login keys")
    check(isinstance(body["token"], str) and len(body["token"]) >= 32, "token is a long string")
    eq(body["user"], {"username": "kam_GZ", "name": "广州客户经理", "role": "kam", "market": "S",
                      "region": "GZ"}, "login user")
    # SLT, staff roles have no market or region: null, not "" and not absent
    u = t.ok(t.post("/login", {"username": "gm", "password": "demo123"}, user=None))["user"]
    eq(u["role"], "gm", "gm role")
    check("market" in u and u["market"] is None, f"gm market is null: {u}")
    check("region" in u and u["region"] is None, f"gm region is null: {u}")
    u = t.ok(t.post("/login", {"username": "mm_S", "password": "demo123"}, user=None))["user"]
    eq((u["role"], u["market"], u["region"]), ("mm", "S", None), "mm_S user")
    # the token works
    me = t.ok(t.get("/me", token=body["token"]), 200, "GET /me")
    eq(me["username"], "kam_GZ", "me")


def test_login_records_audit(t):
    t.login("csr_b", fresh=True)
    rows = t.ok(t.get("/audit?action=login&actor=csr_b", user="auditor"))["items"]
    check(len(rows) >= 1, "a login writes an audit row")
    eq(rows[-1]["object_type"], "session", "login audit object_type")


def test_no_token_is_401(t):
    t.expect_error(t.get("/customers", user=None), 401, "unauthenticated")
    t.expect_error(t.post("/markets", {"code": "Q1", "name": "x", "slt_supervisor": "director"},
                          user=None), 401, "unauthenticated")
    # not a Bearer token
    t.expect_error(t.raw_request("GET", "/customers", headers={"Authorization": "Basic YWRtaW46"}),
                   401, "unauthenticated")


def test_bad_token_is_401(t):
    t.expect_error(t.get("/customers", token="osb_" + "0" * 64), 401, "unauthenticated")
    t.expect_error(t.get("/customers", token="garbage"), 401, "unauthenticated")
    # a valid token with one character changed
    tok = t.login("finance")
    bad = tok[:-1] + ("0" if tok[-1] != "0" else "1")
    t.expect_error(t.get("/customers", token=bad), 401, "unauthenticated")


def test_wrong_password_is_401(t):
    d = t.expect_error(t.post("/login", {"username": "kam_GZ", "password": "wrong"}, user=None),
                       401, "unauthenticated")
    check(d is not None, "details present")
    # an unknown user answers exactly like a wrong password (no user enumeration)
    r1 = t.post("/login", {"username": "nobody_here", "password": "demo123"}, user=None)
    t.expect_error(r1, 401, "unauthenticated")
    eq(r1.body["error"]["message"],
       t.post("/login", {"username": "kam_GZ", "password": "nope"}, user=None).body["error"]["message"],
       "same message for unknown user and wrong password")
    # the failure is audited
    rows = t.ok(t.get("/audit?action=login_failed", user="auditor"))["items"]
    check(any(r["object_key"] == "kam_GZ" for r in rows), "failed login audited")


def test_login_body_is_validated(t):
    t.expect_error(t.post("/login", {"username": "kam_GZ"}, user=None), 422,
                   "validation_failed", rule="required", field="password")
    t.expect_error(t.post("/login", {"username": "kam_GZ", "password": 5}, user=None), 400,
                   "bad_request", field="password")
    t.expect_error(t.post("/login", {"username": "kam_GZ", "password": "demo123", "x": 1},
                          user=None), 400, "bad_request", field="x")


def test_logout_is_204_and_kills_the_token(t):
    tok = t.login("csr_a", fresh=True)
    t.ok(t.get("/me", token=tok), 200, "before logout")
    r = t.post("/logout", token=tok)
    eq(r.status, 204, "logout status")
    check(not r.raw, f"204 has no body: {r.raw[:100]!r}")
    t.expect_error(t.get("/me", token=tok), 401, "unauthenticated")
    t.expect_error(t.get("/customers", token=tok), 401, "unauthenticated")
    # logging out again with the dead token is 401 too
    t.expect_error(t.post("/logout", token=tok), 401, "unauthenticated")
    t.tokens.pop("csr_a", None)
    # another session of the same user is untouched
    tok2 = t.login("csr_a", fresh=True)
    tok3 = t.login("csr_a", fresh=True)
    eq(t.post("/logout", token=tok2).status, 204, "logout 2")
    t.ok(t.get("/me", token=tok3), 200, "other session still valid")
    rows = t.ok(t.get("/audit?action=logout&actor=csr_a", user="auditor"))["items"]
    eq(len(rows), 2, "each logout audited")


def test_inactive_user_cannot_log_in_and_loses_sessions(t):
    code = t.uniq("u")
    t.ok(t.post("/users", {"username": code, "name": "临时", "password": "pw123456",
                           "role": "csr"}), 201, "create user")
    tok = t.login(code, password="pw123456")
    t.ok(t.get("/me", token=tok), 200)
    t.ok(t.patch(f"/users/{code}", {"active": False}), 200, "deactivate")
    t.expect_error(t.get("/me", token=tok), 401, "unauthenticated")
    t.expect_error(t.post("/login", {"username": code, "password": "pw123456"}, user=None),
                   401, "unauthenticated")


def test_password_never_returned(t):
    code = t.uniq("u")
    u = t.ok(t.post("/users", {"username": code, "name": "密码", "password": "secret99",
                               "role": "finance"}), 201)
    check("password" not in u and "password_hash" not in u, f"no password in answer: {u}")
    u = t.ok(t.get(f"/users/{code}"))
    check("password" not in u and "password_hash" not in u, f"no password in GET: {u}")
    for row in t.ok(t.get(f"/audit?object_type=user&object_key={code}", user="auditor"))["items"]:
        text = str(row)
        check("secret99" not in text and "argon2" not in text,
              "neither the password nor its hash is in the audit log")
    # the new password works
    t.login(code, password="secret99")
    # a password change by PATCH works too
    t.ok(t.patch(f"/users/{code}", {"password": "changed99"}), 200)
    t.expect_error(t.post("/login", {"username": code, "password": "secret99"}, user=None),
                   401, "unauthenticated")
    t.login(code, password="changed99", fresh=True)

"""Sessions end when they must (api.md §4 "sessions"; issue #15 item 4): a password change, a
deactivation or a role change of a user ends every session of that user (its tokens answer
401, and stay dead when the user is activated again); POST /me/password changes one's own
password (the old one, and a new one of at least 8 characters with a letter and a digit, not
containing the username); an administrator ends a user's sessions with
POST /users/{username}/end-sessions. Each user here is made by the test itself."""

from lib import check, eq

PASSWORD = "start123"


def new_user(t, role="kam", **extra):
    """A user of its own (role kam of region GZ by default) and two tokens of it."""
    u = t.uniq("sess").lower()
    body = {"username": u, "name": f"会话测试{u}", "password": PASSWORD, "role": role}
    if role == "kam":
        body.update({"market": "S", "region": "GZ"})
    body.update(extra)
    t.ok(t.post("/users", body), 201, "create user")
    return u, login(t, u), login(t, u)


def login(t, user, password=PASSWORD, status=200):
    r = t.post("/login", {"username": user, "password": password}, user=None)
    body = t.ok(r, status, f"login {user}")
    return body["token"] if status == 200 else None


def alive(t, token):
    return t.get("/me", token=token).status == 200


def dead(t, *tokens):
    for tok in tokens:
        t.expect_error(t.get("/me", token=tok), 401, "unauthenticated")


def test_password_set_by_admin_ends_sessions(t):
    u, a, b = new_user(t)
    check(alive(t, a) and alive(t, b), "both sessions work")
    t.ok(t.patch(f"/users/{u}", {"password": "other456"}), 200, "admin sets a password")
    dead(t, a, b)
    login(t, u, PASSWORD, 401)
    check(alive(t, login(t, u, "other456")), "the new password logs in")


def test_deactivation_ends_sessions_for_good(t):
    u, a, b = new_user(t)
    t.ok(t.patch(f"/users/{u}", {"active": False}), 200, "deactivate")
    dead(t, a, b)
    t.ok(t.patch(f"/users/{u}", {"active": True}), 200, "activate again")
    dead(t, a, b)  # re-activation does not bring old sessions back
    check(alive(t, login(t, u)), "a new login works")


def test_role_change_ends_sessions(t):
    u, a, b = new_user(t, role="csr")
    t.ok(t.patch(f"/users/{u}", {"name": "改名不结束会话"}), 200, "rename")
    check(alive(t, a) and alive(t, b), "another change leaves the sessions alone")
    t.ok(t.patch(f"/users/{u}", {"role": "ssg_leader"}), 200, "role change")
    dead(t, a, b)
    me = t.ok(t.get("/me", token=login(t, u)))
    eq(me["role"], "ssg_leader", "the new session has the new role")


def test_own_password_change(t):
    u, a, b = new_user(t)
    path = "/me/password"
    # the old password must be right
    t.expect_error(t.post(path, {"old": "wrong999", "new": "Better2026"}, token=a), 422,
                   "validation_failed", rule="wrong_password", field="old")
    # the strength rule
    for weak in ("short1", "onlyletters", "1234567890", f"x{u}9"):
        t.expect_error(t.post(path, {"old": PASSWORD, "new": weak}, token=a), 422,
                       "validation_failed", rule="weak_password", field="new")
    t.expect_error(t.post(path, {"old": PASSWORD, "new": PASSWORD}, token=a), 422,
                   "validation_failed", rule="password_reused", field="new")
    # shape
    t.expect_error(t.post(path, {"old": PASSWORD}, token=a), 422, "validation_failed",
                   field="new")
    t.expect_error(t.post(path, {"old": PASSWORD, "new": 12345678}, token=a), 400, "bad_request")
    check(alive(t, a) and alive(t, b), "refused changes end nothing")
    # a good change: every session ends, including the one that asked; a new token comes back
    body = t.ok(t.post(path, {"old": PASSWORD, "new": "Better2026"}, token=a), 200, "change")
    eq(sorted(body), ["token"], "answer keys")
    dead(t, a, b)
    me = t.ok(t.get("/me", token=body["token"]), 200, "the new token works")
    eq(me["username"], u, "me")
    login(t, u, PASSWORD, 401)
    login(t, u, "Better2026")
    # audited
    rows = t.ok(t.get(f"/audit?actor={u}&action=change_password", user="auditor"))["items"]
    eq(len(rows), 1, "one change_password audit row")
    # no session, no change
    t.expect_error(t.post(path, {"old": "Better2026", "new": "Again2027"}, user=None), 401,
                   "unauthenticated")


def test_admin_ends_a_users_sessions(t):
    u, a, b = new_user(t)
    other = t.login("kam_GZ")
    body = t.ok(t.post(f"/users/{u}/end-sessions"), 200, "end sessions")
    eq(body, {"username": u, "ended": 2}, "answer")
    dead(t, a, b)
    check(alive(t, other), "other users keep their sessions")
    check(alive(t, login(t, u)), "the user may log in again")
    t.expect_error(t.post(f"/users/{u}/end-sessions", user="gm"), 403, "forbidden")
    t.expect_error(t.post(f"/users/{u}/end-sessions", user="ssg_leader"), 403, "forbidden")
    t.expect_error(t.post("/users/no_such_user/end-sessions"), 404, "not_found")
    rows = t.ok(t.get(f"/audit?action=end_sessions", user="auditor"))["items"]
    check(any(r.get("object_id") == u or u in str(r) for r in rows), "ending is audited")

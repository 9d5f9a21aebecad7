"""GET /people (issue #17: people by name): every staff member's login and display name, for
the UI to show names where documents carry logins; q= over login and name, state=active,inactive
(api.md §5.1 lists); a customer's login may not read it."""

from urllib.parse import quote

from lib import check, eq


def test_people_names_for_every_staff_role(t):
    for user in ("kam_GZ", "csr_a", "warehouse", "finance", "admin"):
        items = t.ok(t.get("/people", user=user))["items"]
        by = {p["username"]: p for p in items}
        check("csr_a" in by and "kam_GZ" in by, f"{user} reads the staff names")
        check(by["csr_a"]["name"] and by["csr_a"]["name"] != "csr_a", "a display name, not the login")
        eq(set(by["csr_a"]), {"username", "name", "state"}, "fields")
        eq(by["csr_a"]["state"], "active", "state")
    names = [p["username"] for p in t.ok(t.get("/people", user="kam_GZ"))["items"]]
    eq(names, sorted(names), "by login")


def test_people_q_and_state(t):
    name = t.ok(t.get("/users/csr_a"))["name"]
    found = t.ok(t.get("/people?q=CSR_A", user="kam_GZ"))["items"]
    check(any(p["username"] == "csr_a" for p in found), "q over the login, any case")
    found = t.ok(t.get(f"/people?q={quote(name[1:])}", user="kam_GZ"))["items"]
    check(any(p["username"] == "csr_a" for p in found), "q over the name")
    eq(t.ok(t.get("/people?q=nobody-like-this", user="kam_GZ"))["items"], [], "q finds nothing")
    u = t.uniq("gone")
    t.ok(t.post("/users", {"username": u, "name": "离职员工", "role": "csr",
                           "password": "password-123"}), 201)
    t.ok(t.patch(f"/users/{u}", {"active": False}), 200)
    inactive = {p["username"] for p in t.ok(t.get("/people?state=inactive", user="csr_a"))["items"]}
    check(u in inactive and "csr_a" not in inactive, "state=inactive")
    both = {p["username"] for p in t.ok(t.get("/people?state=active,inactive", user="csr_a"))["items"]}
    check({u, "csr_a"} <= both, "state=a,b")
    t.expect_error(t.get("/people?nope=1", user="csr_a"), 400, "bad_request")

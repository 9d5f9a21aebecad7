"""Time and background jobs (api.md §3.8, §4): the test clock, POST /jobs/run, and the test
clock's absence without --test-clock. Also: one port, one server."""

import socket
import subprocess

import lib
from lib import check, eq, test_env


def test_clock_put_answers_now_and_freezes(t):
    r = t.ok(t.put("/test/clock", {"now": "2026-11-23T18:00:00+08:00"}), 200, "PUT /test/clock")
    eq(r, {"now": "2026-11-23T18:00:00+08:00"}, "answer is {now}")
    # frozen: reading it twice gives the same instant
    eq(t.ok(t.get("/test/clock"))["now"], "2026-11-23T18:00:00+08:00", "frozen")
    eq(t.ok(t.get("/test/clock"))["now"], "2026-11-23T18:00:00+08:00", "still frozen")
    # another offset is accepted and shown in the company zone (+08:00)
    r = t.ok(t.put("/test/clock", {"now": "2026-11-23T02:00:00Z"}))
    eq(r["now"], "2026-11-23T10:00:00+08:00", "UTC converted to +08:00")
    r = t.ok(t.put("/test/clock", {"now": "2026-12-31T23:30:00-05:00"}))
    eq(r["now"], "2027-01-01T12:30:00+08:00", "other offset converted")


def test_clock_is_what_rules_read(t):
    t.ok(t.put("/test/clock", {"now": "2027-03-04T09:15:00+08:00"}))
    code = t.uniq("W")
    t.ok(t.post("/warehouses", {"code": code, "name": "时钟仓"}), 201)
    rows = t.ok(t.get(f"/audit?object_type=warehouse&object_key={code}", user="auditor"))["items"]
    eq(rows[0]["at"], "2027-03-04T09:15:00+08:00", "audit time is the test clock")
    # audit can be filtered by that day
    rows = t.ok(t.get(f"/audit?from=2027-03-04&to=2027-03-04&object_key={code}",
                      user="auditor"))["items"]
    eq(len(rows), 1, "from/to filter by the clock's date")
    h = t.ok(t.get(f"/warehouses/{code}/history"))["items"]
    eq(h[0]["at"], "2027-03-04T09:15:00+08:00", "history time")
    # document numbers take the clock's date
    r = t.ok(t.post("/stock/receipts", {"warehouse": code, "sku": "M-IF1-900", "batch": "CLK1",
                                        "qty": 12}, user="warehouse"), 201)
    check("20270304" in r["number"], f"receipt number carries the clock's date: {r['number']}")


def test_clock_change_is_audited(t):
    t.ok(t.put("/test/clock", {"now": "2027-05-01T08:00:00+08:00"}))
    t.ok(t.put("/test/clock", {"now": "2027-05-02T08:00:00+08:00"}))
    rows = t.ok(t.get("/audit?action=set_clock", user="auditor"))["items"]
    last = rows[-1]
    eq((last["actor"], last["before"]["now"], last["after"]["now"]),
       ("admin", "2027-05-01T08:00:00+08:00", "2027-05-02T08:00:00+08:00"), "clock audit row")


def test_clock_validation(t):
    for bad in ("tomorrow", "2026-11-23", "2026-11-23T18:00:00", "2026-13-01T00:00:00+08:00"):
        t.expect_error(t.put("/test/clock", {"now": bad}), 422, "validation_failed", field="now")
    t.expect_error(t.put("/test/clock", {}), 422, "validation_failed", rule="required")
    t.expect_error(t.put("/test/clock", {"now": 5}), 400, "bad_request", field="now")
    t.expect_error(t.put("/test/clock", {"now": "2026-11-23T18:00:00+08:00", "x": 1}), 400,
                   "bad_request", field="x")


def test_jobs_run_answer(t):
    before = len(t.list_all("/audit?action=jobs_run", user="auditor"))
    r = t.ok(t.post("/jobs/run"), 200, "POST /jobs/run")
    eq(sorted(r), ["ran"], "answer is {ran}")
    check(isinstance(r["ran"], list) and r["ran"], f"ran lists job names: {r}")
    check(all(isinstance(x, str) and x for x in r["ran"]), "job names are strings")
    # an empty JSON body is fine too
    eq(sorted(t.ok(t.post("/jobs/run", {}))), ["ran"], "with {} body")
    rows = t.list_all("/audit?action=jobs_run", user="auditor")
    eq(len(rows), before + 2, "each run audited")


def test_jobs_run_purges_expired_sessions(t):
    # session_idle_hours is 12: a session idle for 13 h is gone after a run
    tok = t.login("finance", fresh=True)
    t.server.stop()
    lib.sql_exec(t, "UPDATE sessions SET last_seen = last_seen - ? WHERE username = 'finance'",
                 (13 * 3600 * 1000000,))
    t.server.start()
    t.expect_error(t.get("/me", token=tok), 401, "unauthenticated")
    t.tokens.pop("finance", None)
    t.ok(t.post("/jobs/run"))
    eq(t.sql("SELECT count(*) FROM sessions WHERE username = 'finance'")[0][0], 0,
       "expired session removed")


def test_no_test_clock_without_the_flag(t):
    s = t.new_server(test_clock=False, name="noclock")
    tok = t.request("POST", "/login", {"username": "admin", "password": "admin123"}, user=None,
                    port=s.port).body["token"]
    r = t.request("PUT", "/test/clock", {"now": "2030-01-01T00:00:00+08:00"}, token=tok,
                  port=s.port)
    t.expect_error(r, 404, "not_found")
    t.expect_error(t.request("GET", "/test/clock", token=tok, port=s.port), 404, "not_found")
    # the rest works, and the clock is the real one
    r = t.request("POST", "/jobs/run", token=tok, port=s.port)
    eq(r.status, 200, "jobs/run without the test clock")
    code = t.uniq("W")
    eq(t.request("POST", "/warehouses", {"code": code, "name": "真时钟"}, token=tok,
                 port=s.port).status, 201, "create")
    import datetime
    at = t.request("GET", f"/warehouses/{code}/history", token=tok, port=s.port).body["items"][0]["at"]
    when = datetime.datetime.fromisoformat(at)
    now = datetime.datetime.now(datetime.timezone.utc)
    check(abs((when - now).total_seconds()) < 120, f"real clock: {at}")
    check(at.endswith("+08:00"), "company zone")
    eq(s.stop(), 0, "server exits 0 on SIGTERM")


def test_second_server_on_same_port_refused(t):
    # Two servers must never share a port: each would answer half the requests from its own
    # database. The second one fails to start with the one-line error.
    p = subprocess.run([t.binary, "serve", "--db", t.server.db, "--listen",
                        f"127.0.0.1:{t.server.port}"], capture_output=True, env=test_env(),
                       timeout=20)
    check(p.returncode != 0, "second server must fail")
    err = p.stderr.decode()
    check(any(ln.startswith("osb: ") for ln in err.splitlines()), f"one-line error: {err!r}")
    t.ok(t.get("/me"), 200, "first server still serves")


def test_api_root_is_not_found(t):
    t.expect_error(t.raw_request("GET", "//api/v1"), 404, "not_found")
    t.expect_error(t.raw_request("GET", "//api/v1/"), 404, "not_found")

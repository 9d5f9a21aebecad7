"""The database connection lost under a request (PostgreSQL: a restart, a failover; the follow-up
of issue #15 — the HA runs saw 500 "the database connection was lost"). What a request meets, and
what it must answer (http/router.c rerun_after_loss, docs/operations.md "Failover"):

- the connection breaks in the middle of a write transaction (the backend is terminated while
  the INSERT waits for a lock): nothing committed, so the request runs again whole on a new
  connection and answers 201 — one order, not two, and none lost (no Idempotency-Key needed);
- the connection breaks while the COMMIT waits for its answer (a synchronous standby that never
  confirms, then the backend is terminated): the outcome is unknown — the order did commit — so
  a request without an Idempotency-Key is not run again and answers 503 `unavailable`
  (details.rule `outcome_unknown`, Retry-After); with a key it runs again as a replay and answers
  the first run's 201 and number;
- the database refuses connections (as while a new primary is being promoted): a request waits
  up to OSB_DB_RETRY_SECONDS and answers 503 `unavailable` with Retry-After, nothing written;
  one sent just before the database comes back within the wait answers 201; and afterwards the
  data is whole (`osb check`).

Each test runs its own server on its own database (these tests terminate that database's
connections and change its settings), never the module's.
"""

import subprocess
import threading
import time
import uuid

import lib
from lib import check, eq

WAIT_S = 4  # the extra server's OSB_DB_RETRY_SECONDS


class Api:
    """Calls to one extra server, with its own tokens."""

    def __init__(self, t, server):
        self.t = t
        self.s = server
        self.tokens = {}

    def token(self, user):
        if user not in self.tokens:
            pw = lib.ADMIN_PASSWORD if user == "admin" else lib.DEMO_PASSWORD
            r = self.t.request("POST", "/login", {"username": user, "password": pw}, user=None,
                               port=self.s.port)
            eq(r.status, 200, f"login {user}: {lib.short(r.body)}")
            self.tokens[user] = r.body["token"]
        return self.tokens[user]

    def call(self, method, path, body=None, user="admin", key=None):
        h = {"Idempotency-Key": key} if key else {}
        return self.t.request(method, path, body, token=self.token(user), headers=h,
                              port=self.s.port)


def start(t, name):
    s = t.new_server(name=name, env={"OSB_DB_RETRY_SECONDS": str(WAIT_S)})
    api = Api(t, s)
    code = t.uniq("DL")
    r = api.call("POST", "/customers", {
        "code": code, "name": f"断线客户{code}", "market": "S", "region": "GZ", "kam": "kam_GZ",
        "credit_limit_fen": 10**11, "payment_term_days": 30, "consignee": "收货人",
        "consignee_phone": "13800000000", "consignment_station": "广州站"})
    eq(r.status, 201, f"customer: {lib.short(r.body)}")
    sku = t.uniq("DLS")
    eq(api.call("POST", "/products", {"sku": sku, "name": f"断线品{sku}", "spec": "1",
                                      "unit": "个", "case_size": 1, "price_fen": 1000}).status,
       201, "product")
    eq(api.call("POST", "/stock/receipts", {"warehouse": lib.WH, "sku": sku, "batch": "DLB1",
                                            "qty": 100000, "expires": "2030-12-31"},
                user="warehouse").status, 201, "stock")
    api.token("kam_GZ")
    return s, api, {"customer": code, "lines": [{"sku": sku, "qty": 1}]}


def dbname(server):
    return server.db.rsplit("/", 1)[1]


def admin_sql(script):
    """Through the cluster's postgres database (the test's own may refuse connections)."""
    return lib.PG.psql("postgres", script)


def backends(server, where):
    out = admin_sql(f"SELECT pid FROM pg_stat_activity WHERE datname = '{dbname(server)}'"
                    f" AND pid <> pg_backend_pid() AND {where}")
    return [int(x) for x in out.split()]


def wait_for(what, fn, timeout=20):
    end = time.time() + timeout
    while time.time() < end:
        got = fn()
        if got:
            return got
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def orders_of(t, server, cust):
    return [r[0] for r in lib.PG.query(server.db, "SELECT number FROM orders WHERE customer = ?",
                                       (cust,))]


def in_thread(fn):
    box = {}

    def go():
        try:
            box["r"] = fn()
        except Exception as exc:  # reported by the caller
            box["exc"] = exc
    th = threading.Thread(target=go)
    th.start()
    return th, box


def result(th, box, timeout=60):
    th.join(timeout)
    check(not th.is_alive(), "the request answered")
    if "exc" in box:
        raise box["exc"]
    return box["r"]


def clean_check(t, server):
    rc, out, err = t.osb("check", "--db", server.db)
    eq(rc, 0, f"osb check is clean: {lib.short(out + err, 600)}")


@lib.pg_only("terminates PostgreSQL backends")
def test_a_connection_lost_inside_the_transaction_runs_the_request_again(t):
    s, api, order = start(t, "lost_in_tx")
    cust = order["customer"]
    # Another session holds orders in EXCLUSIVE mode: the request's INSERT waits inside its
    # transaction (after BEGIN and its first reads), where the backend is then terminated.
    log = open(f"{t.workdir}/holder.log", "w")
    holder = subprocess.Popen(["psql", "-X", "-q", "-d", s.db], stdin=subprocess.PIPE,
                              stdout=log, stderr=log, text=True)
    t.defer(lambda: holder.poll() is None and holder.kill())
    holder.stdin.write("BEGIN; LOCK TABLE orders IN EXCLUSIVE MODE; SELECT 1;\n")
    holder.stdin.flush()
    wait_for("the lock", lambda: lib.PG.psql(s.db, (
        "SELECT count(*) FROM pg_locks WHERE relation = 'orders'::regclass"
        " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
        " AND mode = 'ExclusiveLock' AND granted")).strip() == "1")
    th, box = in_thread(lambda: api.call("POST", "/orders", order, user="kam_GZ"))
    waiting = "wait_event_type = 'Lock' AND query LIKE '%orders%'"
    first = wait_for("the request's transaction to wait for the lock",
                     lambda: backends(s, waiting))
    admin_sql(f"SELECT pg_terminate_backend({first[0]})")
    # The request runs again on a new connection and meets the lock again: another backend.
    again = wait_for("the request to run again on a new connection",
                     lambda: [p for p in backends(s, waiting) if p not in first])
    check(again, "a second backend waits")
    holder.stdin.write("ROLLBACK;\n")
    holder.stdin.close()
    holder.wait(timeout=30)
    r = result(th, box)
    eq(r.status, 201, f"the order is made after the lost connection: {lib.short(r.body)}")
    eq(orders_of(t, s, cust), [r.body["number"]], "exactly one order, the one answered")
    got = api.call("GET", f"/orders/{r.body['number']}", user="kam_GZ")
    eq(got.status, 200, "it reads back")
    check(any("ran again after a lost database connection" in ln
              for ln in open(s.log_path, encoding="utf-8", errors="replace")),
          "the server says it ran the request again")
    clean_check(t, s)


@lib.pg_only("makes PostgreSQL wait for a synchronous standby that never answers")
def test_a_connection_lost_during_commit_is_503_unless_a_replay(t):
    s, api, order = start(t, "lost_at_commit")
    cust = order["customer"]
    db = dbname(s)

    def undo():
        admin_sql("ALTER SYSTEM RESET synchronous_standby_names")
        admin_sql("SELECT pg_reload_conf()")
        admin_sql(f'ALTER DATABASE "{db}" RESET synchronous_commit')
    t.defer(undo)
    # Only this database's sessions wait for the standby (the cluster runs with
    # synchronous_commit off; the other modules' databases keep it): a COMMIT of this server is
    # written and then waits for a confirmation that never comes.
    admin_sql(f'ALTER DATABASE "{db}" SET synchronous_commit = on')
    for pid in backends(s, "true"):  # the server's sessions start again with the setting
        admin_sql(f"SELECT pg_terminate_backend({pid})")
    admin_sql("ALTER SYSTEM SET synchronous_standby_names = 'osb_nobody'")
    admin_sql("SELECT pg_reload_conf()")
    committing = "wait_event = 'SyncRep'"

    def lost_at_commit(key):
        th, box = in_thread(lambda: api.call("POST", "/orders", order, user="kam_GZ", key=key))
        pids = wait_for("the COMMIT to wait for the standby", lambda: backends(s, committing))
        for pid in pids:
            admin_sql(f"SELECT pg_terminate_backend({pid})")
        return result(th, box)

    r = lost_at_commit(None)
    d = t.expect_error(r, 503, "unavailable", rule="outcome_unknown")
    msg = r.body["error"]["message"]
    check("Idempotency-Key" in msg and "may or may not" in msg,
          f"the message says the outcome is unknown and how to retry: {msg!r}")
    check(r.headers.get("retry-after", "").isdigit(), f"Retry-After: {r.headers}")
    eq(set(d), {"rule"}, "details name the rule only")
    eq(len(orders_of(t, s, cust)), 1, "the order did commit (the outcome was unknown), once")

    key = uuid.uuid4().hex
    r = lost_at_commit(key)
    eq(r.status, 201, f"with an Idempotency-Key the request is replayed: {lib.short(r.body)}")
    have = orders_of(t, s, cust)
    eq(len(have), 2, "one more order, not two")
    check(r.body["number"] in have, "the answer names the order that committed")
    undo()
    r2 = api.call("POST", "/orders", order, user="kam_GZ", key=key)
    eq((r2.status, r2.body["number"]), (201, r.body["number"]), "the same key replays it again")
    clean_check(t, s)


@lib.pg_only("makes a PostgreSQL database refuse connections")
def test_a_database_that_refuses_connections_is_503_then_served_again(t):
    s, api, order = start(t, "refused")
    cust = order["customer"]
    db = dbname(s)
    before = orders_of(t, s, cust)

    def allow(on):
        admin_sql(f'ALTER DATABASE "{db}" ALLOW_CONNECTIONS {"true" if on else "false"}')
        if not on:
            for pid in backends(s, "true"):
                admin_sql(f"SELECT pg_terminate_backend({pid})")
    t.defer(lambda: allow(True))
    allow(False)
    t0 = time.time()
    r = api.call("POST", "/orders", order, user="kam_GZ")
    waited = time.time() - t0
    t.expect_error(r, 503, "unavailable")
    check(r.headers.get("retry-after", "").isdigit(), f"Retry-After: {r.headers}")
    check("unavailable" in r.body["error"]["message"], f"message: {r.body}")
    check(WAIT_S - 0.5 <= waited < WAIT_S + 10, f"it waited for the database ({waited:.1f} s)")
    r = api.call("GET", "/customers?limit=1")
    t.expect_error(r, 503, "unavailable")
    # A request sent while the database is away, which comes back within the wait: served.
    th, box = in_thread(lambda: api.call("POST", "/orders", order, user="kam_GZ"))
    time.sleep(1.5)
    allow(True)
    r = result(th, box)
    eq(r.status, 201, f"served once the database is back: {lib.short(r.body)}")
    have = orders_of(t, s, cust)
    eq(sorted(have), sorted(before + [r.body["number"]]), "nothing written while it was away")
    eq(api.call("GET", "/customers?limit=1").status, 200, "reads again")
    clean_check(t, s)

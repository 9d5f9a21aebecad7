"""Two instances on one database (issue #16): two `osb serve` processes share the module's
database (a PostgreSQL database under run.py --pg, the SQLite file otherwise) and requests go
to both at once. What must hold is what one instance gives:

- the credit rule: racing credit checks of one customer end exactly as they would one after
  the other (orders of ¥4,000 against a ¥10,000 limit with 20 % tolerance: three pass);
- the e-mail outbox: jobs run on both instances at once send every pending mail exactly once
  (counted at an SMTP sink, tests/scenario/smtp_sink.py);
- sessions: a token issued by one instance works on the other, a logout on one ends it on both;
- document numbers: orders created on both at once all get numbers, no two the same;
- the audit chain: entries written through both at once are all chained once, gapless, and
  `osb check` verifies it (on PostgreSQL each instance's sealer thread chains them).
"""


import lib
from lib import UNLIMITED, check, eq, order_act, run_jobs, set_clock, submitted
from smtp_sink import SmtpSink

DAY = "2026-12-07"


def second(t):
    """The second instance, on the module's own database (started once per module)."""
    s = getattr(t, "_second", None)
    if s is None or not s.alive():
        s = t._second = t.new_server(db=t.server.db, name="second")
    return s


def both(t, fn, jobs):
    """Runs fn(port, i) for each i in jobs on threads, alternating the two instances' ports;
    returns the answers in the order of jobs."""
    ports = [t.server.port, second(t).port]
    return lib.race(lambda ki: fn(ports[ki[0] % 2], ki[1]), list(enumerate(jobs)))


def same_clock(t, day, hhmm):
    set_clock(t, day, hhmm)
    t.ok(t.put("/test/clock", {"now": f"{day}T{hhmm}:00{lib.TZ}"}, port=second(t).port), 200,
         "second instance's clock")


def test_credit_race_has_the_serial_outcome(t):
    same_clock(t, DAY, "09:00")
    cust = lib.customer(t, limit=1000000)
    sku = lib.product(t, price=1000)
    numbers = []
    for _ in range(12):  # ¥4,000 each
        o = t.ok(t.post("/orders", {"customer": cust, "lines": [{"sku": sku, "qty": 400}]},
                        user="kam_GZ"), 201, "create order")
        for action, user in (("verify", "kam_GZ"), ("approve-market", "mm_S"),
                             ("accept", "csr_a")):
            order_act(t, o["number"], action, user)
        numbers.append(o["number"])
    for u in ("csr_a",):  # log in once, before the race
        t.login(u)
    got = both(t, lambda port, n: t.post(f"/orders/{n}/check", {}, user="csr_a", port=port),
               numbers)
    for n, r in zip(numbers, got):
        eq(r.status, 200, f"check {n}: {lib.short(r.body)}")
    passed = sorted(r.body["credit_check"]["exposure_fen"] for r in got
                    if r.body["state"] == "pending_approval")
    eq(passed, [400000, 800000, 1200000], "exactly three pass, as one after the other")
    held = [r.body for r in got if r.body["state"] != "pending_approval"]
    eq({o["state"] for o in held}, {"prepay_required"}, "the other nine need prepayment")
    eq(len(held), 9, "nine held")
    c = lib.credit(t, cust)
    eq(c["open_orders_fen"], 1200000, "the customer's open orders")


def test_outbox_sent_exactly_once_by_two_instances(t):
    same_clock(t, DAY, "10:00")
    t.ok(t.put("/settings/smtp_url", {"value": ""}), 200, "no SMTP server yet")
    cust = lib.customer(t, UNLIMITED)
    for _ in range(8):
        submitted(t, cust)  # four e-mails each (KAM, CSR, leader ×2)
    pending = [x["id"] for x in t.list_all("/outbox?state=pending")]
    check(len(pending) >= 32, f"mails waiting: {len(pending)}")
    sink = SmtpSink().start()
    t.defer(sink.stop)
    t.ok(t.put("/settings/smtp_url", {"value": f"smtp://127.0.0.1:{sink.port}"}), 200, "smtp")
    t.ok(t.put("/settings/smtp_from", {"value": "osb@test.local"}), 200, "smtp_from")
    both(t, lambda port, i: t.ok(t.post("/jobs/run", port=port), 200, "jobs/run"),
         list(range(6)))
    run_jobs(t)  # whatever is still due (a run that found the rows claimed)
    got = sink.by_notification()
    for i in pending:
        eq(len(got.get(i, [])), 1, f"notification {i} mailed once")
    eq(sum(len(v) for v in got.values()), len(got), "no message twice")
    box = {x["id"]: x for x in t.list_all("/outbox")}
    eq({box[i]["state"] for i in pending}, {"sent"}, "all marked sent")
    t.ok(t.put("/settings/smtp_url", {"value": ""}), 200, "no SMTP server")


def test_sessions_are_shared(t):
    tok = t.login("finance", fresh=True)
    other = second(t).port
    eq(t.ok(t.get("/me", token=tok, port=other))["username"], "finance",
       "a token from one instance works on the other")
    t.ok(t.post("/logout", {}, token=tok), 204, "logout on the first")
    t.expect_error(t.get("/me", token=tok, port=other), 401, "unauthenticated")
    t.tokens.pop("finance", None)
    tok2 = t.request("POST", "/login", {"username": "finance", "password": lib.DEMO_PASSWORD},
                     user=None, port=other).body["token"]
    eq(t.ok(t.get("/me", token=tok2))["username"], "finance", "and the other way round")


def test_document_numbers_unique_across_instances(t):
    same_clock(t, DAY, "11:00")
    cust = lib.customer(t, UNLIMITED)
    t.login("kam_GZ")
    got = both(t, lambda port, i: t.post("/orders", {"customer": cust, "lines": [
        {"sku": "M-IF1-900", "qty": 12}]}, user="kam_GZ", port=port), list(range(16)))
    for r in got:
        eq(r.status, 201, f"create: {lib.short(r.body)}")
    numbers = [r.body["number"] for r in got]
    eq(len(set(numbers)), len(numbers), f"numbers unique: {sorted(numbers)}")
    listed = {o["number"] for o in t.list_all(f"/orders?customer={cust}", user="kam_GZ")}
    eq(listed, set(numbers), "every order stored once")


def test_audit_chain_whole_across_instances(t):
    custs = [lib.customer(t) for _ in range(4)]
    t.login("csr_a")
    t.login("auditor")
    second(t)
    start = t.sql("SELECT max(seq) FROM audit")[0][0]
    jobs = [(custs[i % 4], i) for i in range(16)]
    got = both(t, lambda port, j: t.patch(f"/customers/{j[0]}", {"owner": f"两处{j[1]}"},
                                          user="csr_a", port=port), jobs)
    for r in got:
        eq(r.status, 200, f"update: {lib.short(r.body)}")
    # each instance's reader sees every entry, whichever instance wrote it
    for port in (t.server.port, second(t).port):
        for c in custs:
            rows = t.ok(t.get(f"/audit?object_type=customer&object_key={c}&action=update",
                              user="auditor", port=port))["items"]
            eq(sorted(x["after"]["owner"] for x in rows),
               sorted(f"两处{i}" for i in range(16) if i % 4 == custs.index(c)),
               f"{c}: its four updates, read on port {port}")
    seqs = [r[0] for r in t.sql("SELECT seq FROM audit WHERE seq > ? ORDER BY seq", (start,))]
    eq(seqs, list(range(start + 1, start + 17)), "sixteen entries chained once, gapless")
    eq(t.sql("SELECT count(*) FROM audit_pending")[0][0], 0, "nothing left pending")
    rc, out, err = t.osb("check", "--db", t.server.db, timeout=120)
    eq(rc, 0, f"osb check is clean ({out + err})")

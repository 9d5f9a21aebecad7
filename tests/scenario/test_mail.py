"""Notifications by e-mail (flows.md §0.2, entities §13): every in-app notification to a user
with an address queues one e-mail; the "outbox" job sends them through the SMTP server of
settings smtp_url (here a sink on loopback, tests/scenario/smtp_sink.py) with retries after 1,
5 and 30 minutes, 2 and 12 hours, then dead. With the server down the mails queue and nothing
is lost; when it is back they all arrive exactly once.

Each test has a sink of its own, named in smtp_url while the test runs, and its own customer
and orders."""

import sqlite3
import threading

import lib
from lib import UNLIMITED, at, check, eq, order_act as act, run_jobs, set_clock, submitted
from smtp_sink import SmtpSink, port_is_closed

DAY = "2026-11-23"


def outbox(t, state=None):
    q = "/outbox" + (f"?state={state}" if state else "")
    return {x["id"]: x for x in t.list_all(q)}


def note_ids(t, user, document, event=None):
    return [x["id"] for x in t.list_all("/notifications", user=user)
            if x["document"] == document and (event is None or x["event"] == event)]


def cust(t):
    """The test's customer (made on first use, one per test)."""
    if "cust" not in t.case:
        t.case["cust"] = lib.customer(t, UNLIMITED)
    return t.case["cust"]


def configure(t, port):
    t.ok(t.put("/settings/smtp_url", {"value": f"smtp://127.0.0.1:{port}"}), 200, "smtp_url")
    t.ok(t.put("/settings/smtp_from", {"value": "osb@test.local"}), 200, "smtp_from")


def sink(t):
    """The test's SMTP sink, named in smtp_url (started on first use, stopped when the test
    ends)."""
    if "sink" not in t.case:
        s = t.case["sink"] = SmtpSink().start()
        t.defer(s.stop)
        configure(t, s.port)
    return t.case["sink"]


def waiting_mails(t):
    """No SMTP server configured; at DAY 09:00 an order of the test's customer is submitted
    (verify tells the KAM; approve-market the KAM, CSR and leader) and the jobs run: the four
    e-mails wait, pending. Returns (order, their notification ids)."""
    t.ok(t.put("/settings/smtp_url", {"value": ""}), 200, "no SMTP server")
    set_clock(t, DAY, "09:00")
    n = submitted(t, cust(t))
    ids = note_ids(t, "kam_GZ", n) + note_ids(t, "csr_a", n) + note_ids(t, "ssg_leader", n)
    eq(len(ids), 4, "in-app notifications")
    ran = run_jobs(t)
    check("outbox" in ran, f"the outbox job runs: {ran}")
    box = outbox(t)
    for i in ids:
        eq((box[i]["state"], box[i]["attempts"]), ("pending", 0), f"e-mail {i} waits")
    return n, ids


def test_mails_wait_until_a_server_is_configured(t):
    # a user without an address gets the in-app message only
    t.ok(t.patch("/users/mm_S", {"email": None}), 200, "no e-mail for mm_S")
    n, ids = waiting_mails(t)
    eq(outbox(t)[ids[0]]["address"], "kam_GZ@demo.osb.local", "the user's address")
    act(t, n, "accept", "csr_a")  # tells the MM too (in-app only: mm_S has no address)
    check(note_ids(t, "mm_S", n, "order_accepted"), "mm_S told in-app")
    eq([i for i, x in outbox(t).items() if x["recipient"] == "mm_S"], [], "no e-mail for mm_S")


def test_delivered_exactly_once(t):
    _, first = waiting_mails(t)
    s = sink(t)
    ran = run_jobs(t)
    check("outbox" in ran, "outbox ran")
    got = s.by_notification()
    for i in first:
        eq(len(got.get(i, [])), 1, f"notification {i} mailed once")
    box = outbox(t)
    eq({box[i]["state"] for i in first}, {"sent"}, "marked sent")
    due = [i for i, x in box.items() if x["state"] == "pending" and x["send_after"] <= at(DAY,
                                                                                        "09:00")]
    eq(due, [], "nothing due is left pending")
    m = got[first[0]][0]
    eq(m["to"], "kam_GZ@demo.osb.local", "envelope recipient")
    eq(m["from"], "osb@test.local", "envelope sender")
    note = [x for x in t.list_all("/notifications", user="kam_GZ") if x["id"] == first[0]][0]
    eq(str(m["msg"]["Subject"]), note["subject"], "the subject, decoded from RFC 2047")
    check(str(m["msg"]["To"]).endswith("kam_GZ@demo.osb.local>") or
          str(m["msg"]["To"]) == "kam_GZ@demo.osb.local", f"To: {m['msg']['To']}")
    eq(str(m["msg"]["X-OSB-Event"]), note["event"], "event header")
    body = m["msg"].get_content()
    check(note["document"] in body and note["subject"] in body, f"body: {body[:200]}")
    check(m["msg"]["Date"] is not None and m["msg"]["Message-ID"] is not None, "headers")
    eq(box[first[0]]["sent_at"], at(DAY, "09:00"), "sent_at")
    before = len(s.snapshot())
    run_jobs(t)
    run_jobs(t)
    eq(len(s.snapshot()), before, "nothing sent twice")


def test_server_down_mails_queue_and_all_arrive_once(t):
    s = sink(t)
    s.stop()
    check(port_is_closed(s.port), "the sink is down")
    set_clock(t, DAY, "10:00")
    n = submitted(t, cust(t))
    ids = note_ids(t, "kam_GZ", n) + note_ids(t, "csr_a", n) + note_ids(t, "ssg_leader", n)
    eq(len(ids), 4, "four notifications")
    run_jobs(t)
    box = outbox(t)
    for i in ids:
        x = box[i]
        eq((x["state"], x["attempts"], x["send_after"]), ("pending", 1, at(DAY, "10:01")),
           f"e-mail {i}: one failed attempt, retry in 1 minute")
        check(x["last_error"], "the error is kept")
    run_jobs(t)  # not due again yet
    eq({outbox(t)[i]["attempts"] for i in ids}, {1}, "no retry before the back-off")
    set_clock(t, DAY, "10:01")
    run_jobs(t)
    box = outbox(t)
    eq({(box[i]["attempts"], box[i]["send_after"]) for i in ids}, {(2, at(DAY, "10:06"))},
       "second attempt, then 5 minutes")
    s.start()  # the same port again
    run_jobs(t)
    eq([m for m in s.snapshot() if int(str(m["msg"]["X-OSB-Notification"])) in ids], [],
       "nothing before the back-off ends")
    set_clock(t, DAY, "10:06")
    run_jobs(t)
    run_jobs(t)
    got = s.by_notification()
    for i in ids:
        eq(len(got.get(i, [])), 1, f"notification {i} arrived exactly once")
    box = outbox(t)
    eq({(box[i]["state"], box[i]["attempts"]) for i in ids}, {("sent", 3)}, "sent")


def test_back_off_ladder_to_dead_and_retry(t):
    s = sink(t)
    s.stop()
    set_clock(t, DAY, "11:00")
    o = t.ok(t.post("/orders", {"customer": cust(t), "lines": [{"sku": "M-IF1-900",
                                                                "qty": 12}]},
                    user="kam_GZ"), 201)
    act(t, o["number"], "verify", "kam_GZ")  # tells the KAM only
    (i,) = note_ids(t, "kam_GZ", o["number"], "order_verified")
    # tries at 11:00, then after 1, 5, 30 min, 2 h and 12 h; the sixth failure is the last
    ladder = [("11:00", DAY, 1, at(DAY, "11:01")), ("11:01", DAY, 2, at(DAY, "11:06")),
              ("11:06", DAY, 3, at(DAY, "11:36")), ("11:36", DAY, 4, at(DAY, "13:36")),
              ("13:36", DAY, 5, at("2026-11-24", "01:36")),
              ("01:36", "2026-11-24", 6, None)]
    prev = None
    for hhmm, day, attempts, next_at in ladder:
        if prev:
            # one minute before the retry is due: nothing happens
            h, m = map(int, hhmm.split(":"))
            m -= 1
            if m < 0:
                h, m = h - 1, 59
            set_clock(t, day, f"{h:02d}:{m:02d}")
            run_jobs(t)
            eq(outbox(t)[i]["attempts"], prev, f"not retried before {hhmm}")
        set_clock(t, day, hhmm)
        run_jobs(t)
        x = outbox(t)[i]
        eq(x["attempts"], attempts, f"attempt {attempts} at {hhmm}")
        if next_at:
            eq((x["state"], x["send_after"]), ("pending", next_at), f"next try {next_at}")
        else:
            eq(x["state"], "dead", "dead after the sixth failure")
        prev = attempts
    set_clock(t, "2026-11-25", "09:00")
    run_jobs(t)
    eq(outbox(t)[i]["attempts"], 6, "a dead e-mail is not tried again")
    check(i in outbox(t, "dead"), "listed as dead, never deleted")
    # the administrator puts it back; with the server up it goes out once
    t.expect_error(t.post(f"/outbox/{i}/retry", user="auditor"), 403, "forbidden")
    x = t.ok(t.post(f"/outbox/{i}/retry"), 200, "retry")
    eq((x["state"], x["attempts"]), ("pending", 0), "pending again")
    s.start()
    run_jobs(t)
    eq(len(s.by_notification().get(i, [])), 1, "delivered once")
    eq(outbox(t)[i]["state"], "sent", "sent")
    t.expect_error(t.post(f"/outbox/{i}/retry"), 409, "invalid_state")
    t.expect_error(t.post("/outbox/999999/retry"), 404, "not_found")


def test_concurrent_runs_send_each_mail_once(t):
    s = sink(t)
    set_clock(t, "2026-11-25", "10:00")
    ns = [submitted(t, cust(t)) for _ in range(3)]
    ids = [i for n in ns for u in ("kam_GZ", "csr_a", "ssg_leader") for i in note_ids(t, u, n)]
    eq(len(ids), 12, "twelve notifications")
    answers = []

    def run():
        answers.append(t.post("/jobs/run").status)

    threads = [threading.Thread(target=run) for _ in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    eq(answers, [200] * 4, "four runs")
    got = s.by_notification()
    for i in ids:
        eq(len(got.get(i, [])), 1, f"notification {i} once")
    dupes = {k: len(v) for k, v in got.items() if len(v) > 1}
    eq(dupes, {}, "no notification was ever mailed twice to this test's sink")


def test_a_refused_address_fails_without_retry(t):
    s = sink(t)
    s.reject.add("kam_GZ@demo.osb.local")
    set_clock(t, "2026-11-25", "11:00")
    o = t.ok(t.post("/orders", {"customer": cust(t), "lines": [{"sku": "M-IF1-900",
                                                                "qty": 12}]},
                    user="kam_GZ"), 201)
    act(t, o["number"], "verify", "kam_GZ")
    (i,) = note_ids(t, "kam_GZ", o["number"], "order_verified")
    run_jobs(t)
    x = outbox(t)[i]
    eq((x["state"], x["attempts"]), ("failed", 1), "a 5xx refusal fails at once")
    check("550" in (x["last_error"] or "") or x["last_error"], f"error kept: {x['last_error']}")
    set_clock(t, "2026-11-26", "11:00")
    run_jobs(t)
    eq(outbox(t)[i]["attempts"], 1, "not retried")
    s.reject.clear()
    t.ok(t.post(f"/outbox/{i}/retry"), 200)
    run_jobs(t)
    eq(outbox(t)[i]["state"], "sent", "sent after the retry")


def test_outbox_and_settings_permissions(t):
    s = sink(t)
    t.expect_error(t.get("/outbox", user="csr_a"), 403, "forbidden")
    t.ok(t.get("/outbox", user="auditor"), 200, "the auditor reads")
    t.expect_error(t.get("/outbox?state=lost"), 400, "bad_request")
    t.ok(t.put("/settings/smtp_password", {"value": "s3cret"}), 200)
    items = {x["key"]: x for x in t.ok(t.get("/settings", user="gm"))["items"]}
    eq(items["smtp_password"]["value"], "********", "secrets are not read back")
    eq(items["smtp_url"]["value"], f"smtp://127.0.0.1:{s.port}", "smtp_url")
    t.expect_error(t.get("/settings", user="csr_a"), 403, "forbidden")
    t.expect_error(t.put("/settings/smtp_url", {"value": "http://example.com"}), 422,
                   "validation_failed")
    t.ok(t.put("/settings/smtp_password", {"value": ""}), 200)


@lib.sqlite_only("writes the database file directly and reads SQLite's own program of a statement")
def test_email_state_rule_holds_without_a_temporary_table(t):
    # migration 30: the state rule of an e-mail row is comparisons, not an IN list that SQLite
    # built into a temporary b-tree for every row written; the rule itself is unchanged
    _, ids = waiting_mails(t)
    con = sqlite3.connect(t.server.db, timeout=10)
    try:
        prog = con.execute("EXPLAIN INSERT INTO notification_emails(notification, address,"
                           " created_at, send_after) VALUES(?, 'a@b.c', 1, 1)", (ids[0],)).fetchall()
        ops = [row[1] for row in prog]
        check("OpenEphemeral" not in ops, f"no temporary table per e-mail row: {ops}")
        try:
            con.execute("UPDATE notification_emails SET state = 'lost' WHERE notification = ?",
                        (ids[0],))
            con.commit()
            raise AssertionError("a state outside pending/sent/failed/dead was written")
        except sqlite3.IntegrityError as ex:
            check("CHECK" in str(ex), f"the CHECK refuses it: {ex}")
        states = {r[0] for r in con.execute("SELECT state FROM notification_emails")}
        check(states <= {"pending", "sent", "failed", "dead"}, f"states: {states}")
    finally:
        con.close()
    eq(outbox(t)[ids[0]]["state"], "pending", "the row is as it was")

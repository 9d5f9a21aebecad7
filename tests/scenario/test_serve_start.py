"""`osb serve` opens its port before the scheduler's first run (docs/operations.md
"Background jobs"): the due jobs run in the server's scheduler thread, at once and then every
minute, while the requests are served. Before, the first run came before the server listened:
on a 100,000-invoice PostgreSQL copy it did not listen within 4 minutes (bench/README.md)."""

import os
import sqlite3
import time

import lib
from lib import check, eq

FIRST_RUN_DONE = "scheduler: the first run of the due jobs ended after"


def log_text(s):
    with open(s.log_path, "r", encoding="utf-8", errors="replace") as f:
        return f.read()


@lib.sqlite_only("holds the SQLite file's write lock so that the first run of the jobs waits")
def test_serves_while_the_first_job_run_waits(t):
    db = os.path.join(t.workdir, "firstrun.db")
    lib.copy_db(t.template_db, db)
    # a session made by an earlier run of the server (sessions are in the database)
    a = lib.Server(t.binary, db, t.workdir, test_clock=False, name="firstrun-a").start()
    t.defer(a.stop)
    r = t.request("POST", "/login", {"username": "admin", "password": lib.ADMIN_PASSWORD},
                  user=None, port=a.port)
    eq(r.status, 200, "login")
    token = r.body["token"]
    a.stop()
    # Another writer holds the database: the first run of the jobs (one write transaction)
    # waits for it, as a long run would keep the scheduler busy. It also forgets which
    # periodic jobs ran, so that the run, when it comes, has jobs to record.
    holder = sqlite3.connect(db, timeout=10, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("DELETE FROM job_runs")
    ended = False
    try:
        b = lib.Server(t.binary, db, t.workdir, test_clock=False, name="firstrun-b").start()
        t.defer(b.stop)
        me = t.request("GET", "/me", token=token, port=b.port)
        eq(me.status, 200, "GET /me while the first run of the jobs waits")
        eq(me.body["username"], "admin", "who")
        text = log_text(b)
        # Before, the run came first: it gave up on the lock ("scheduler: db busy …") and
        # only then did the server listen.
        check("scheduler:" not in text,
              f"nothing of the scheduler's first run logged while the lock is held: {text}")
        holder.execute("COMMIT")
        ended = True
        # Once the lock is free the run goes ahead, in the server that is already serving.
        deadline = time.time() + 60
        while FIRST_RUN_DONE not in log_text(b) and time.time() < deadline and b.alive():
            time.sleep(0.05)
        text = log_text(b)
        check(FIRST_RUN_DONE in text, f"the first run ended once the lock was free: {text}")
        check(" error " not in text, f"nothing failed: {text}")
        ro = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)
        try:
            ran = ro.execute("SELECT count(*) FROM job_runs").fetchone()[0]
        finally:
            ro.close()
        check(ran > 0, "the run recorded the periodic jobs it ran")
        eq(t.request("GET", "/me", token=token, port=b.port).status, 200, "still serving")
    finally:
        if not ended:
            holder.execute("ROLLBACK")
        holder.close()

"""The deadline job's settled marks (issue #15 item 11a; store/deadline.h "Settled marks";
docs/deadlines.md "What a run reads"): after a run, every stay still waiting that started at or
before a rule's mark has its entry, so the next runs do not read those again — a minute's run
no longer costs one read per document already late and still waiting. A stay whose deadline
has not come holds the mark below its start, so it is still read and logged when its deadline
comes; a late completion is still noted; a test clock set back forgets the marks."""

import lib
from lib import check, eq, one_issue, no_issue, run_jobs, set_clock, submitted

MON = "2026-11-23"
# five weeks later, beyond the job's 21-day lookback; a week without holidays
LATER_MON, LATER_TUE = "2026-12-28", "2026-12-29"


def mark(t, rule):
    rows = t.sql("SELECT settled FROM deadline_marks WHERE rule = ?", (rule,))
    return rows[0][0] if rows else None


def released_at(t, fh):
    return t.sql("SELECT released_at FROM shipments WHERE number = ?", (fh,))[0][0]


def release(t, cust):
    return lib.advance(t, submitted(t, cust), "release")["shipments"][0]


def test_a_logged_waiting_shipment_is_not_read_again_and_new_ones_still_are(t):
    t.ok(t.patch("/users/warehouse", {"duties": ["head"]}), 200, "warehouse head")
    cust = lib.customer(t, lib.UNLIMITED)
    set_clock(t, MON, "10:00")
    a = release(t, cust)
    set_clock(t, LATER_MON, "09:00")
    run_jobs(t)
    entry = one_issue(t, a, "sp_24h")
    check(mark(t, "sp_24h") is not None and mark(t, "sp_24h") >= released_at(t, a),
          f"sp_24h's mark passed the logged shipment: {mark(t, 'sp_24h')}")
    # The run after does not read it: with its entry hidden (renamed), it opens no new one —
    # before the marks every run read every shipment still waiting and would open it again.
    lib.sql_exec(t, "UPDATE osb_issues SET document = ? WHERE number = ?",
                 (a + "-hidden", entry["number"]))
    set_clock(t, LATER_MON, "09:05")
    run_jobs(t)
    no_issue(t, a, "sp_24h")
    lib.sql_exec(t, "UPDATE osb_issues SET document = ? WHERE number = ?", (a, entry["number"]))
    one_issue(t, a, "sp_24h")

    # A shipment released now is not due: it holds the mark below its start ...
    set_clock(t, LATER_MON, "10:00")
    b = release(t, cust)
    set_clock(t, LATER_MON, "10:30")
    run_jobs(t)
    no_issue(t, b, "sp_24h")
    check(mark(t, "sp_24h") < released_at(t, b),
          f"the mark stays before a stay still in time: {mark(t, 'sp_24h')}")
    # ... so it is logged when its deadline comes (24 working-clock hours later) ...
    set_clock(t, LATER_TUE, "10:00")
    run_jobs(t)
    it = one_issue(t, b, "sp_24h")
    eq(it["completed_at"], None, "still waiting")
    check(mark(t, "sp_24h") >= released_at(t, b), "and the mark moves past it")
    # ... and dispatched late, its entry notes the completion.
    set_clock(t, LATER_TUE, "11:00")
    lib.dispatch(t, b, station="城东站", waybill=t.uniq("WB"))
    run_jobs(t)
    eq(one_issue(t, b, "sp_24h")["completed_at"], lib.at(LATER_TUE, "11:00"),
       "late dispatch noted")

    # A test clock set back forgets the marks (stays may then start before one).
    set_clock(t, MON, "10:00")
    eq(t.sql("SELECT count(*) FROM deadline_marks")[0][0], 0, "marks forgotten")
    run_jobs(t)
    one_issue(t, a, "sp_24h")

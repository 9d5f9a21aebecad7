"""Statements kept as documents (DZ) and the semi-annual reconciliation (flows.md §4.5,
entities.md §7.8, kpis-and-reports.md §3.1 `recon_semiannual`): the job on 1 January and
1 July 06:00 issues one `semiannual` statement per customer with activity in the half-year or a
balance, once per period; the customer's reply, the KAM's report; the rule opens exactly at
24:00 of the 15th; generating on demand; every action allowed and denied by role, state,
If-Match and body.

The years 2030–2034 lie after the server's start (its first tick runs the half-year before
the wall clock), so the job sees these half-years for the first time here. The job runs once
per half-year, so each test that needs it takes half-years of its own: 2030-H2, 2032-H2,
2033-H2 and 2034-H1."""

import re

import lib
from lib import UNLIMITED, at, boundary, check, eq, issues, no_issue, run_jobs, set_clock


def customer(t):
    return lib.customer(t, UNLIMITED)


def pay(t, cust, amount, day):
    return t.ok(t.post("/payments", {"customer": cust, "amount_fen": amount,
                                     "method": "bank_transfer", "reference": t.uniq("REF"),
                                     "received_on": day}, user="finance"), 201, "payment")


def statements(t, cust, kind=None, user="finance"):
    q = f"/statements?customer={cust}" + (f"&kind={kind}" if kind else "")
    return t.list_all(q, user=user)


def act(t, number, action, user, body=None, status=200, **kw):
    return lib.act(t, "statements", number, action, user, body, status, **kw)


def job_ran(t, period):
    return t.sql("SELECT count(*) FROM job_runs WHERE job = 'semiannual_statements'"
                 " AND period_key = ?", (period,))[0][0]


def h2_statements(t, year):
    """Three customers paying ¥50.00 on 10 December of year, then the job of 1 January 06:00:
    their semiannual statements of year-H2. Returns (customers, statement numbers), each a
    dict d / ok / disp."""
    set_clock(t, f"{year}-12-10", "10:00")
    run_jobs(t)  # the half-year before is done with first, before any data
    custs = {k: customer(t) for k in ("d", "ok", "disp")}
    for c in custs.values():
        pay(t, c, 5000, f"{year}-12-10")
    set_clock(t, f"{year + 1}-01-01", "06:00")
    check("semiannual_statements" in run_jobs(t), "the job runs")
    made = {}
    for k, c in custs.items():
        got = statements(t, c)
        eq([(s["kind"], s["period_to"]) for s in got], [("semiannual", f"{year}-12-31")],
           f"the {k} customer's statement")
        made[k] = got[0]["number"]
    return custs, made


def adhoc_statements(t):
    """A customer paying ¥70.00 on 5 August 2031, and four adhoc statements of 1–5 August made
    that day by the SSG leader, the CSR, the KAM and finance. Returns (customer, numbers)."""
    set_clock(t, "2031-08-05", "10:00")
    c = customer(t)
    pay(t, c, 7000, "2031-08-05")
    body = {"customer": c, "kind": "adhoc", "from": "2031-08-01", "to": "2031-08-05"}
    return c, [t.ok(t.post("/statements", body, user=user), 201, f"generate by {user}")["number"]
               for user in ("ssg_leader", "csr_a", "kam_GZ", "finance")]


# ---- the job ----------------------------------------------------------------------------------

def test_semiannual_job_runs_on_1_january_0600_once(t):
    set_clock(t, "2030-12-10", "10:00")
    run_jobs(t)  # the half-year before (2030-H1) is done with first, before any data
    d, ok, disp = customer(t), customer(t), customer(t)
    for c in (d, ok, disp):
        pay(t, c, 5000, "2030-12-10")
    set_clock(t, "2031-01-01", "05:59")
    check("semiannual_statements" not in run_jobs(t), "not before 06:00")
    eq(statements(t, d), [], "no statement at 05:59")
    set_clock(t, "2031-01-01", "06:00")
    check("semiannual_statements" in run_jobs(t), "runs at 06:00")
    check("semiannual_statements" not in run_jobs(t), "and once")
    eq(job_ran(t, "2030-H2"), 1, "one job_runs row for the period")
    got = statements(t, d)
    eq(len(got), 1, "one statement")
    s = got[0]
    check(re.fullmatch(r"SC20310101DZ\d{4,5}", s["number"]), f"number {s['number']}")
    eq((s["kind"], s["period_from"], s["period_to"]), ("semiannual", "2030-07-01", "2030-12-31"),
       "kind and period")
    eq((s["opening_fen"], s["debits_fen"], s["credits_fen"], s["closing_fen"]),
       (0, 0, 5000, -5000), "figures from the ledger")
    eq([(x["kind"], x["credit_fen"], x["balance_fen"]) for x in s["entries"]],
       [("payment", 5000, -5000)], "entry snapshot")
    eq((s["state"], s["response"], s["sent_at"], s["created_by"]),
       ("generated", "pending", None, "system"), "fresh")
    for c in (ok, disp):
        eq([(x["kind"], x["period_to"]) for x in statements(t, c)],
           [("semiannual", "2030-12-31")], "every customer with activity gets one")
    # the KAM is told
    got = [x for x in t.list_all("/notifications", user="kam_GZ")
           if x["document"] == s["number"]]
    eq(len(got), 1, "KAM told once")
    # a later tick in the same half-year adds nothing
    set_clock(t, "2031-01-05", "10:00")
    run_jobs(t)
    eq(len(statements(t, d)), 1, "still one")


def test_recon_semiannual_opens_at_24_00_of_15_january(t):
    custs, h2 = h2_statements(t, 2032)
    # confirmed and reported in time: nothing; disputed and reported: not confirmed → entry
    set_clock(t, "2033-01-10", "10:00")
    for n in (h2["ok"], h2["disp"]):
        act(t, n, "send", "csr_a")
    act(t, h2["ok"], "confirm", "kam_GZ")
    act(t, h2["disp"], "dispute", "kam_GZ",
        {"difference_fen": 120000, "difference_note": "客户账多记一笔返利"})
    for n in (h2["ok"], h2["disp"]):
        act(t, n, "report", "kam_GZ")
    it = boundary(t, h2["d"], "recon_semiannual", "2033-01-16", "00:00", "2033-01-15",
                  "23:59")
    eq((it["department"], it["responsible"], it["customer"]), ("sales", ["kam_GZ"], custs["d"]),
       "sales, the KAM explains")
    no_issue(t, h2["ok"], "recon_semiannual")
    eq(len(issues(t, h2["disp"], "recon_semiannual")), 1, "disputed is not confirmed")
    # done late: the entry notes it
    set_clock(t, "2033-01-20", "10:00")
    act(t, h2["d"], "send", "csr_a")
    act(t, h2["d"], "confirm", "csr_a")
    act(t, h2["d"], "report", "kam_GZ")
    run_jobs(t)
    got = issues(t, h2["d"], "recon_semiannual")
    eq(len(got), 1, "still one")
    eq((got[0]["completed_at"], got[0]["completed_by_action"], got[0]["state"]),
       (at("2033-01-20", "10:00"), "report", "open"), "late completion noted")


def test_semiannual_covers_activity_or_balance_only(t):
    custs, _ = h2_statements(t, 2033)  # a balance of -¥50.00 from 2033-H2
    d = custs["d"]
    set_clock(t, "2034-03-03", "10:00")
    a, idle = customer(t), customer(t)
    pay(t, a, 3000, "2034-03-03")
    set_clock(t, "2034-07-01", "05:59")
    run_jobs(t)
    eq(statements(t, a), [], "not before 06:00")
    set_clock(t, "2034-07-01", "06:00")
    run_jobs(t)
    run_jobs(t)
    eq(job_ran(t, "2034-H1"), 1, "once")
    got = statements(t, a)
    eq(len(got), 1, "activity in the half-year")
    eq((got[0]["period_from"], got[0]["period_to"], got[0]["closing_fen"]),
       ("2034-01-01", "2034-06-30", -3000), "H1")
    eq(statements(t, idle), [], "no activity, no balance: no statement")
    got = statements(t, d, kind="semiannual")
    eq(len(got), 2, "a balance without activity still gets one")
    h1 = [s for s in got if s["period_to"] == "2034-06-30"][0]
    eq((h1["opening_fen"], h1["debits_fen"], h1["credits_fen"], h1["closing_fen"], h1["entries"]),
       (-5000, 0, 0, -5000, []), "the balance carried")
    # its deadline is 24:00 of 15 July
    boundary(t, h1["number"], "recon_semiannual", "2034-07-16", "00:00", "2034-07-15", "23:59")


# ---- on demand, actions, roles ------------------------------------------------------------

def test_generate_on_demand_by_role(t):
    set_clock(t, "2031-08-05", "10:00")
    c = customer(t)
    pay(t, c, 7000, "2031-08-05")
    body = {"customer": c, "kind": "adhoc", "from": "2031-08-01", "to": "2031-08-05"}
    made = []
    for user in ("ssg_leader", "csr_a", "kam_GZ", "finance"):
        s = t.ok(t.post("/statements", body, user=user), 201, f"generate by {user}")
        eq((s["kind"], s["created_by"], s["closing_fen"], s["state"]),
           ("adhoc", user, -7000, "generated"), f"by {user}")
        made.append(s["number"])
    for user in ("rep_GZ", "mm_S", "um_GZ", "gm", "warehouse", "auditor", "admin"):
        t.expect_error(t.post("/statements", body, user=user), 403, "forbidden", rule="role")
    t.expect_error(t.post("/statements", body, user="kam_BJ"), 422, "validation_failed",
                   rule="unknown_reference")
    # body errors
    t.expect_error(t.post("/statements", {"customer": c}, user="csr_a"), 422,
                   "validation_failed", field="kind")
    t.expect_error(t.post("/statements", {**body, "kind": "semiannual"}, user="csr_a"), 422,
                   "validation_failed", field="kind")
    t.expect_error(t.post("/statements", {**body, "colour": 1}, user="csr_a"), 400,
                   "bad_request")
    t.expect_error(t.post("/statements", {**body, "to": "2031-07-01"}, user="csr_a"), 422,
                   "validation_failed", rule="date_out_of_range")
    t.expect_error(t.post("/statements", {**body, "to": "2031-09-01"}, user="csr_a"), 422,
                   "validation_failed", rule="date_out_of_range")
    # monthly: one account month, 26th to the 25th
    m = t.ok(t.post("/statements", {"customer": c, "kind": "monthly", "month": "2031-06"},
                    user="csr_a"), 201)
    eq((m["period_from"], m["period_to"]), ("2031-05-26", "2031-06-25"), "account month")
    t.expect_error(t.post("/statements", {"customer": c, "kind": "monthly", "month": "2031-08"},
                          user="csr_a"), 422, "validation_failed", rule="date_out_of_range")
    m = t.ok(t.post("/statements", {"customer": c, "kind": "monthly"}, user="csr_a"), 201)
    eq((m["period_from"], m["period_to"]), ("2031-06-26", "2031-07-25"), "last one ended")
    # reading
    one = t.ok(t.get(f"/statements/{made[0]}", user="kam_GZ"))
    eq([e["action"] for e in one["timeline"]], ["generate"], "timeline")
    t.expect_error(t.get(f"/statements/{made[0]}", user="kam_BJ"), 404, "not_found")
    t.expect_error(t.get(f"/statements/{made[0]}", user="warehouse"), 403, "forbidden")
    t.expect_error(t.get("/statements", user="warehouse"), 403, "forbidden")
    eq(t.list_all(f"/statements?customer={c}", user="kam_BJ"), [], "out of scope: none")
    eq(len(t.list_all(f"/statements?customer={c}&kind=adhoc", user="mm_S")), 4, "MM reads")
    t.expect_error(t.get("/statements?kind=weekly", user="csr_a"), 400, "bad_request")
    pdf = t.get(f"/statements/{made[0]}?format=pdf", user="finance")
    eq(pdf.status, 200, "pdf")
    check(pdf.raw.startswith(b"%PDF"), "a PDF")
    x = t.get(f"/statements/{made[0]}?format=xlsx", user="finance")
    check(x.status == 200 and x.raw.startswith(b"PK"), "an XLSX")
    aud = t.ok(t.get(f"/audit?object_type=statement&object_key={made[0]}", user="auditor"))
    eq(sorted(a["action"] for a in aud["items"]), ["export", "export", "generate"],
       "generated, and each file taken away audited")


def test_send_reply_report_by_role_and_state(t):
    c, (n1, n2, n3, n4) = adhoc_statements(t)
    # send: ssg_leader, csr, kam own, finance
    for user in ("rep_GZ", "mm_S", "um_GZ", "auditor", "gm"):
        t.expect_error(t.post(f"/statements/{n1}/send", {}, user=user), 403, "forbidden",
                       rule="role")
    t.expect_error(t.post(f"/statements/{n1}/send", {}, user="kam_BJ"), 404, "not_found")
    t.expect_error(t.post(f"/statements/{n1}/confirm", {}, user="csr_a"), 409, "invalid_state")
    for n, user in zip((n1, n2, n3, n4), ("ssg_leader", "csr_a", "kam_GZ", "finance")):
        s = act(t, n, "send", user)
        eq((s["state"], s["sent_at"]), ("sent", at("2031-08-05", "10:00")), f"sent by {user}")
    d = t.expect_error(t.post(f"/statements/{n1}/send", {}, user="csr_a"), 409, "invalid_state")
    eq(d["state"], "sent", "details.state")
    # the reply: ssg_leader, csr, kam own
    for user in ("finance", "mm_S", "rep_GZ", "auditor"):
        t.expect_error(t.post(f"/statements/{n1}/confirm", {}, user=user), 403, "forbidden",
                       rule="role")
    t.expect_error(t.post(f"/statements/{n1}/confirm", {}, user="kam_BJ"), 404, "not_found")
    path = f"/statements/{n2}/dispute"
    t.expect_error(t.post(path, {"difference_note": "x"}, user="csr_a"), 422,
                   "validation_failed", field="difference_fen")
    t.expect_error(t.post(path, {"difference_fen": "1", "difference_note": "x"}, user="csr_a"),
                   400, "bad_request")
    t.expect_error(t.post(path, {"difference_fen": 0, "difference_note": "x"}, user="csr_a"),
                   422, "validation_failed", field="difference_fen")
    t.expect_error(t.post(path, {"difference_fen": 100}, user="csr_a"), 422,
                   "validation_failed", field="difference_note")
    t.expect_error(t.post(path, {"difference_fen": 100, "x": 1}, user="csr_a"), 400,
                   "bad_request")
    t.expect_error(t.post(f"/statements/{n1}/confirm", {"difference_fen": 5}, user="csr_a"),
                   400, "bad_request")
    v = t.ok(t.get(f"/statements/{n2}", user="csr_a"))["version"]
    t.expect_error(t.post(path, {"difference_fen": 100, "difference_note": "x"}, user="csr_a",
                          headers={"If-Match": str(v + 3)}), 409, "version_conflict")
    s = act(t, n2, "dispute", "csr_a", {"difference_fen": -2500, "difference_note": "少记退货"},
            headers={"If-Match": str(v)})
    eq((s["state"], s["response"], s["difference_fen"], s["difference_note"], s["replied_by"]),
       ("disputed", "disputed", -2500, "少记退货", "csr_a"), "disputed")
    t.expect_error(t.post(path, {"difference_fen": 1, "difference_note": "x"}, user="csr_a"),
                   409, "invalid_state")
    for n, user in ((n1, "ssg_leader"), (n3, "kam_GZ"), (n4, "csr_a")):
        eq(act(t, n, "confirm", user)["response"], "confirmed", f"confirmed by {user}")
    # a disputed statement may still be confirmed after the adjustment
    eq(act(t, n2, "confirm", "kam_GZ")["state"], "confirmed", "confirmed after a dispute")
    # report: the customer's KAM only
    for user in ("csr_a", "ssg_leader", "finance", "mm_S", "rep_GZ"):
        t.expect_error(t.post(f"/statements/{n1}/report", {}, user=user), 403, "forbidden",
                       rule="role")
    t.expect_error(t.post(f"/statements/{n1}/report", {}, user="kam_BJ"), 404, "not_found")
    s = act(t, n1, "report", "kam_GZ", {"comment": "已向市场经理和财务报告"})
    eq((s["state"], s["reported_to_mm_at"], s["reported_to_finance_at"]),
       ("reported", at("2031-08-05", "10:00"), at("2031-08-05", "10:00")), "reported")
    eq([e["action"] for e in s["timeline"]], ["generate", "send", "confirm", "report"],
       "timeline")
    d = t.expect_error(t.post(f"/statements/{n1}/report", {}, user="kam_GZ"), 409,
                       "invalid_state")
    eq(d["state"], "reported", "details.state")
    t.expect_error(t.post(f"/statements/{n1}/confirm", {}, user="kam_GZ"), 409, "invalid_state")
    for user in ("mm_S", "finance"):
        got = [x for x in t.list_all("/notifications", user=user) if x["document"] == n1]
        eq(len(got), 1, f"{user} told of the result")
    t.expect_error(t.post(f"/statements/{n1}/close", {}, user="kam_GZ"), 404, "not_found")
    aud = t.ok(t.get(f"/audit?object_type=statement&object_key={n2}", user="auditor"))
    eq([a["action"] for a in aud["items"]], ["generate", "send", "dispute", "confirm"],
       "every action audited")
    got = t.list_all(f"/statements?customer={c}&response=confirmed&state=reported",
                     user="csr_a")
    eq([s["number"] for s in got], [n1], "filters")

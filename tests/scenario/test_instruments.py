"""Instruments in hand (票据, PJ; flows.md §4.4, entities.md §7.5, kpis-and-reports.md §3.1
`instrument_same_day`): registered by the salesperson or SSG (in_hand), handed over by the one
who received it, signed for by finance (registered), linked to the receipt finance registers
with reference = instrument_no; the rule opens at 24:00 of bday(received_at) for instruments
still in hand, never for one handed over in time. Every action allowed and denied by role,
scope, state, If-Match and body.

The week of 23 November 2026 (Monday) has no holiday in the demo calendar."""

import re

import lib
from lib import UNLIMITED, at, boundary, check, eq, issues, no_issue, run_jobs, set_clock

MON, TUE, WED = "2026-11-23", "2026-11-24", "2026-11-25"


def cust(t):
    """The test's customer (made on first use, one per test)."""
    if "cust" not in t.case:
        t.case["cust"] = lib.customer(t, UNLIMITED)
    return t.case["cust"]


def register(t, user="kam_GZ", status=201, **over):
    body = {"customer": cust(t), "kind": "cheque", "instrument_no": t.uniq("ZP"),
            "amount_fen": 1234500, "issuer_bank": "工商银行广州分行",
            "maturity_date": "2026-12-31"}
    body.update(over)
    return t.ok(t.post("/instruments", body, user=user), status, f"register by {user}")


def act(t, n, action, user, status=200, **kw):
    return lib.act(t, "instruments", n, action, user, None, status, **kw)


def test_register_by_role(t):
    set_clock(t, MON, "10:00")
    for user in ("ssg_leader", "csr_a", "kam_GZ", "rep_GZ"):
        it = register(t, user)
        check(re.fullmatch(r"SC20261123PJ\d{4,5}", it["number"]), f"number {it['number']}")
        eq((it["state"], it["received_by"], it["received_at"], it["amount_fen"]),
           ("in_hand", user, at(MON, "10:00"), 1234500), f"registered by {user}")
        eq([e["action"] for e in it["timeline"]], ["register"], "timeline")
    for user in ("finance", "mm_S", "um_GZ", "gm", "warehouse", "auditor", "admin"):
        t.expect_error(t.post("/instruments", {"customer": cust(t), "kind": "cash",
                                               "instrument_no": "X1", "amount_fen": 100},
                              user=user), 403, "forbidden", rule="role")
    t.expect_error(t.post("/instruments", {"customer": cust(t), "kind": "cash",
                                           "instrument_no": "X1", "amount_fen": 100},
                          user="kam_BJ"), 422, "validation_failed", rule="unknown_reference")
    base = {"customer": cust(t), "kind": "bank_draft", "instrument_no": "HP1",
            "amount_fen": 100}
    for bad, status, field in (({"kind": None}, 422, "kind"), ({"kind": "iou"}, 422, "kind"),
                               ({"amount_fen": 0}, 422, "amount_fen"),
                               ({"amount_fen": 1.5}, 400, "amount_fen"),
                               ({"maturity_date": "2026-13-01"}, 422, "maturity_date"),
                               ({"colour": "red"}, 400, "colour")):
        body = {k: v for k, v in {**base, **bad}.items() if v is not None}
        t.expect_error(t.post("/instruments", body, user="csr_a"), status,
                       "validation_failed" if status == 422 else "bad_request", field=field)
    t.ok(t.post("/instruments", base, user="csr_a"), 201)
    t.expect_error(t.post("/instruments", base, user="csr_a"), 409, "duplicate")


def test_hand_over_sign_and_link_the_receipt(t):
    set_clock(t, MON, "11:00")
    it = register(t, "kam_GZ", instrument_no="ZP-LINK-1", amount_fen=880000)
    n = it["number"]
    for user in ("csr_a", "rep_GZ", "ssg_leader"):
        t.expect_error(t.post(f"/instruments/{n}/hand-over", {}, user=user), 403, "forbidden",
                       rule="role")
    t.expect_error(t.post(f"/instruments/{n}/hand-over", {}, user="finance"), 403, "forbidden")
    t.expect_error(t.post(f"/instruments/{n}/hand-over", {}, user="kam_BJ"), 404, "not_found")
    t.expect_error(t.get(f"/instruments/{n}", user="kam_BJ"), 404, "not_found")
    t.expect_error(t.get(f"/instruments/{n}", user="warehouse"), 403, "forbidden")
    t.expect_error(t.post(f"/instruments/{n}/hand-over", {"x": 1}, user="kam_GZ"), 400,
                   "bad_request")
    t.expect_error(t.post(f"/instruments/{n}/hand-over", {}, user="kam_GZ",
                          headers={"If-Match": "7"}), 409, "version_conflict")
    set_clock(t, MON, "14:00")
    it = act(t, n, "hand-over", "kam_GZ", headers={"If-Match": str(it["version"])})
    eq((it["state"], it["handed_over_at"]), ("handed_over", at(MON, "14:00")), "handed over")
    d = t.expect_error(t.post(f"/instruments/{n}/hand-over", {}, user="kam_GZ"), 409,
                       "invalid_state")
    eq(d["state"], "handed_over", "details.state")
    for user in ("kam_GZ", "csr_a", "ssg_leader", "mm_S", "auditor"):
        t.expect_error(t.post(f"/instruments/{n}/sign", {}, user=user), 403, "forbidden",
                       rule="role")
    it = act(t, n, "sign", "finance")
    eq((it["state"], it["finance_signed_by"], it["finance_signed_at"]),
       ("registered", "finance", at(MON, "14:00")), "signed for")
    d = t.expect_error(t.post(f"/instruments/{n}/sign", {}, user="finance"), 409, "invalid_state")
    eq(d["state"], "registered", "details.state")
    t.expect_error(t.post(f"/instruments/{n}/lose", {}, user="finance"), 404, "not_found")
    eq([e["action"] for e in it["timeline"]], ["register", "hand-over", "sign"], "timeline")
    # finance registers the receipt with the instrument's number as reference: linked
    p = t.ok(t.post("/payments", {"customer": cust(t), "amount_fen": 880000, "method": "cheque",
                                  "reference": "ZP-LINK-1", "received_on": MON},
                    user="finance"), 201, "receipt")
    eq(t.ok(t.get(f"/instruments/{n}", user="kam_GZ"))["payment"], p["number"], "linked")
    got = t.list_all(f"/instruments?customer={cust(t)}&state=registered", user="finance")
    eq([x["number"] for x in got], [n], "list filter")
    eq(t.list_all(f"/instruments?customer={cust(t)}", user="kam_BJ"), [], "out of scope")
    t.expect_error(t.get("/instruments", user="warehouse"), 403, "forbidden")
    t.expect_error(t.get("/instruments?state=lost", user="finance"), 400, "bad_request")
    aud = t.ok(t.get(f"/audit?object_type=instrument&object_key={n}", user="auditor"))
    eq([a["action"] for a in aud["items"]], ["create", "hand-over", "sign"], "audited")
    # finance may also sign for one brought in directly
    other = register(t, "csr_a")
    eq(act(t, other["number"], "sign", "finance")["state"], "registered", "signed from in_hand")


def test_instrument_same_day_opens_at_24_00(t):
    set_clock(t, MON, "10:00")
    late = register(t, "kam_GZ")["number"]
    in_time = register(t, "kam_GZ")["number"]
    signed = register(t, "rep_GZ")["number"]
    set_clock(t, MON, "16:30")
    after_cutoff = register(t, "csr_a")["number"]
    set_clock(t, MON, "17:00")
    act(t, in_time, "hand-over", "kam_GZ")
    act(t, signed, "sign", "finance")
    it = boundary(t, late, "instrument_same_day", TUE, "00:00", MON, "23:59")
    eq((it["department"], it["responsible"], it["customer"]), ("sales", ["kam_GZ"], cust(t)),
       "sales; the receiver explains")
    no_issue(t, in_time, "instrument_same_day")
    no_issue(t, signed, "instrument_same_day")
    # received after the 16:00 cut-off: its day is the next working day
    boundary(t, after_cutoff, "instrument_same_day", WED, "00:00", TUE, "23:59")
    # handed over late: noted on the entry
    set_clock(t, WED, "09:00")
    act(t, late, "hand-over", "kam_GZ")
    run_jobs(t)
    got = issues(t, late, "instrument_same_day")
    eq(len(got), 1, "still one")
    eq((got[0]["completed_at"], got[0]["completed_by_action"]), (at(WED, "09:00"), "hand-over"),
       "late hand-over noted")

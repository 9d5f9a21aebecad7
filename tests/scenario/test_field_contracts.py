"""Contracts, complete (合同, HT; api.md §5.7; flows.md §7; entities.md §9): submit, reject
(back to draft, comment required, a new round of approvals), deviations re-confirmed before
signing, the original in hand before filing, bind (the binder of the 5th, `archive_binder` =
YYYY-MM-nnn of the signing month; late: `contract_binding` in the OSB problem log), complete
and terminate (the MM), the expiry flag at 30 days and `GET /contracts?expiring=true`.
The first steps (draft, approve, sign, archive, contract_1wd) are test_contracts.py's."""

import lib
from lib import UNLIMITED, at, boundary, check, eq, no_issue, run_jobs, set_clock

MON, TUE = "2026-11-23", "2026-11-24"


def cust(t):
    if "cust" not in t.case:
        t.case["cust"] = lib.customer(t, UNLIMITED)
    return t.case["cust"]


def act(t, n, action, user, body=None, status=200, **kw):
    return lib.act(t, "contracts", n, action, user, body, status, **kw)


def draft(t, user="kam_GZ", **over):
    body = {"customer": cust(t), "kind": "sales", "value_fen": 1000000}
    body.update(over)
    return t.ok(t.post("/contracts", body, user=user), 201, "draft")["number"]


def archived(t, **over):
    k = draft(t, **over)
    act(t, k, "submit", "kam_GZ")
    act(t, k, "approve", "mm_S")
    act(t, k, "sign", "kam_GZ", {"signing_mode": "onsite"})
    act(t, k, "archive", "csr_a")
    return k


def test_submit_and_reject_start_a_new_round(t):
    set_clock(t, MON, "09:00")
    k = draft(t, value_fen=60000000)
    for user in ("mm_S", "csr_a", "finance", "rep_BJ"):
        t.ok(t.post(f"/contracts/{k}/submit", {}, user=user), 404 if user == "rep_BJ" else 403,
             f"submit by {user}")
    t.expect_error(t.post(f"/contracts/{k}/approve", {}, user="mm_S"), 409, "invalid_state")
    s = act(t, k, "submit", "rep_GZ")
    eq((s["state"], s["submitted_at"]), ("submitted", at(MON, "09:00")), "submitted")
    for user in ("finance", "mm_S", "deputy"):
        got = [n for n in t.list_all("/notifications", user=user) if n["document"] == k]
        eq(len(got), 1, f"{user} is told (flows §7: MM, finance and SLT copied)")
    act(t, k, "approve", "mm_S")
    t.expect_error(t.post(f"/contracts/{k}/reject", {}, user="deputy"), 422,
                   "validation_failed", field="comment")
    for user in ("kam_GZ", "csr_a", "director"):
        t.expect_error(t.post(f"/contracts/{k}/reject", {"comment": "x"}, user=user), 403,
                       "forbidden")
    r = act(t, k, "reject", "deputy", {"comment": "付款期太长"})
    eq((r["state"], r["approvals"]), ("draft", []), "back to draft, approvals cleared")
    eq(r["timeline"][-1]["comment"], "付款期太长", "the reason is kept")
    act(t, k, "submit", "kam_GZ")
    act(t, k, "approve", "mm_S")
    a = act(t, k, "approve", "deputy")
    eq((a["state"], [x["level"] for x in a["approvals"]]), ("approved", ["mm", "slt"]),
       "the second round approved")
    m = draft(t)
    act(t, m, "submit", "kam_GZ")
    eq(act(t, m, "reject", "mm_S", {"comment": "价格"})["state"], "draft", "the MM rejects")


def test_deviations_are_re_confirmed_before_signing(t):
    set_clock(t, MON, "10:00")
    k = draft(t, deviations="价格低于标准价5%")
    act(t, k, "submit", "kam_GZ")
    act(t, k, "approve", "mm_S")
    act(t, k, "approve", "deputy")
    t.expect_error(t.post(f"/contracts/{k}/sign", {"signing_mode": "onsite"}, user="kam_GZ"),
                   422, "validation_failed", rule="deviations_unconfirmed")
    t.expect_error(t.post(f"/contracts/{k}/sign", {"signing_mode": "onsite",
                                                    "deviations_confirmed": False},
                          user="kam_GZ"), 422, "validation_failed", rule="deviations_unconfirmed")
    t.expect_error(t.post(f"/contracts/{k}/sign", {"signing_mode": "onsite",
                                                    "deviations_confirmed": "yes"},
                          user="kam_GZ"), 400, "bad_request")
    s = act(t, k, "sign", "kam_GZ", {"signing_mode": "onsite", "deviations_confirmed": True})
    eq((s["state"], s["deviations_confirmed"]), ("signed", True), "signed, re-confirmed")
    t.expect_error(t.post(f"/contracts/{k}/archive", {"original_received": 1}, user="csr_a"),
                   400, "bad_request")
    a = act(t, k, "archive", "csr_a")
    eq((a["state"], a["original_received"]), ("archived", True), "an onsite original is in hand")


def test_bind_complete_terminate(t):
    set_clock(t, MON, "11:00")
    k, m = archived(t), archived(t)
    t.expect_error(t.post(f"/contracts/{k}/bind", {}, user="kam_GZ"), 403, "forbidden")
    b = act(t, k, "bind", "csr_a")
    eq(b["state"], "archived", "binding keeps the state")
    check(b["archive_binder"].startswith("2026-11-") and len(b["archive_binder"]) == 11,
          f"binder {b['archive_binder']}")
    t.expect_error(t.post(f"/contracts/{k}/bind", {}, user="csr_a"), 409, "duplicate")
    b2 = act(t, m, "bind", "ssg_leader")
    eq(int(b2["archive_binder"][-3:]), int(b["archive_binder"][-3:]) + 1, "the next number")
    for user in ("csr_a", "kam_GZ", "deputy", "mm_N"):
        t.ok(t.post(f"/contracts/{k}/complete", {}, user=user), 404 if user == "mm_N" else 403,
             f"complete by {user}")
    c = act(t, k, "complete", "mm_S")
    eq((c["state"], c["closed_at"], c["allowed_actions"]), ("completed", at(MON, "11:00"), []),
       "completed")
    t.expect_error(t.post(f"/contracts/{k}/terminate", {"comment": "x"}, user="mm_S"), 409,
                   "invalid_state")
    t.expect_error(t.post(f"/contracts/{m}/terminate", {}, user="mm_S"), 422,
                   "validation_failed", field="comment")
    eq(act(t, m, "terminate", "mm_S", {"comment": "客户违约"})["state"], "terminated",
       "terminated")
    got = {x["number"] for x in t.list_all(f"/contracts?customer={cust(t)}"
                                           "&state=completed,terminated", user="csr_a")}
    eq(got, {k, m}, "state=a,b")


def test_binding_by_the_5th_opens_an_osb_entry(t):
    set_clock(t, MON, "14:00")
    late, bound = archived(t), archived(t)
    set_clock(t, "2026-12-04", "10:00")
    act(t, bound, "bind", "csr_a")
    it = boundary(t, late, "contract_binding", "2026-12-06", "00:00", "2026-12-05", "23:59")
    eq((it["department"], it["customer"]), ("ssg", cust(t)), "ssg")
    no_issue(t, bound, "contract_binding")
    set_clock(t, "2026-12-07", "09:00")
    b = act(t, late, "bind", "csr_a")
    check(b["archive_binder"].startswith("2026-11-"), "bound under the signing month")
    run_jobs(t)
    it = lib.one_issue(t, late, "contract_binding")
    eq(it["state"], "open", "the entry stays until explained")


def test_expiring_within_30_days(t):
    set_clock(t, MON, "15:00")
    soon = archived(t, valid_from="2026-01-01", valid_to="2026-12-20")
    later = archived(t, valid_from="2026-01-01", valid_to="2027-01-30")
    edge = archived(t, valid_from="2026-01-01", valid_to="2026-12-23")
    unsigned = draft(t, valid_from="2026-01-01", valid_to="2026-12-01")
    flag = lambda k: t.ok(t.get(f"/contracts/{k}", user="csr_a"))["expiring"]
    eq((flag(soon), flag(later), flag(edge), flag(unsigned)), (True, False, True, False),
       "expiring within 30 days, signed or archived only")
    got = {x["number"] for x in t.list_all(f"/contracts?customer={cust(t)}&expiring=true",
                                           user="csr_a")}
    eq(got, {soon, edge}, "the expiring list")
    t.expect_error(t.get("/contracts?expiring=soon", user="csr_a"), 400, "bad_request")

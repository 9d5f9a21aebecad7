"""Contracts (合同, HT; flows.md §7, entities.md §9, numbering-and-rules.md §3 and §5,
kpis-and-reports.md §3.1 `contract_1wd`): draft → approve (the MM; a major or deviating
contract also the supervising SLT member, after the MM) → sign → archive; orders may name a
signed contract of their customer; the rule opens at 24:00 of the next working day after
signed_at when no order naming the contract was shipped (issue 13: measured to shipment).
Every action allowed and denied by role, scope, state, If-Match and body. Submit, reject,
bind, complete, terminate, deviations and the binding deadline: test_field_contracts.py.

The week of 23 November 2026 (Monday) has no holiday in the demo calendar. Market S (华南) is
supervised by `deputy`; its MM is `mm_S`."""

import re

import lib
from lib import UNLIMITED, at, boundary, check, eq, no_issue, order_act, run_jobs, set_clock

MON, TUE, WED = "2026-11-23", "2026-11-24", "2026-11-25"


def cust(t):
    """The test's customer (made on first use, one per test)."""
    if "cust" not in t.case:
        t.case["cust"] = lib.customer(t, UNLIMITED)
    return t.case["cust"]


def draft(t, user="kam_GZ", status=201, **over):
    body = {"customer": cust(t), "kind": "sales", "value_fen": 1000000}
    body.update(over)
    return t.ok(t.post("/contracts", body, user=user), status, f"draft by {user}")


def act(t, n, action, user, body=None, status=200, **kw):
    return lib.act(t, "contracts", n, action, user, body, status, **kw)


def submitted(t, user="kam_GZ", **over):
    k = draft(t, user, **over)["number"]
    act(t, k, "submit", user)
    return k


def approved(t, major=False):
    """A contract of the test's customer approved by the MM (major: ¥600,000, and by the
    supervising SLT member after the MM); returns its number."""
    k = submitted(t, **({"value_fen": 60000000} if major else {}))
    act(t, k, "approve", "mm_S")
    if major:
        eq(act(t, k, "approve", "deputy")["state"], "approved", "major approved")
    return k


def signed(t, c=None, kind="sales", user="kam_GZ"):
    k = submitted(t, user, customer=c or cust(t), kind=kind)
    act(t, k, "approve", "mm_S")
    return act(t, k, "sign", "kam_GZ", {"signing_mode": "onsite"})["number"]


def archived(t):
    """A signed contract of the test's customer, archived by the CSR; returns its number."""
    k = signed(t)
    eq(act(t, k, "archive", "csr_a")["state"], "archived", "archived")
    return k


def test_draft_by_role(t):
    set_clock(t, MON, "09:00")
    for user in ("csr_a", "kam_GZ", "rep_GZ"):
        k = draft(t, user)
        check(re.fullmatch(r"SC20261123HT\d{4,5}", k["number"]), f"number {k['number']}")
        eq((k["state"], k["created_by"], k["major"], k["needs_slt"], k["payment_term_days"]),
           ("draft", user, False, False, 30), f"drafted by {user}")
        eq([e["action"] for e in k["timeline"]], ["draft"], "timeline")
    for user in ("ssg_leader", "mm_S", "finance", "gm", "deputy", "um_GZ", "auditor",
                 "warehouse", "admin"):
        t.expect_error(t.post("/contracts", {"customer": cust(t), "kind": "sales",
                                             "value_fen": 1}, user=user), 403, "forbidden",
                       rule="role")
    t.expect_error(t.post("/contracts", {"customer": cust(t), "kind": "sales", "value_fen": 1},
                          user="kam_BJ"), 422, "validation_failed", rule="unknown_reference")
    base = {"customer": cust(t), "kind": "sales", "value_fen": 100}
    for bad, status, field in (({"value_fen": None}, 422, "value_fen"),
                               ({"kind": "lease"}, 422, "kind"),
                               ({"value_fen": 1.5}, 400, "value_fen"),
                               ({"payment_term_days": 400}, 422, "payment_term_days"),
                               ({"valid_from": "2027-01-01", "valid_to": "2026-12-31"}, 422,
                                "valid_to"),
                               ({"colour": 1}, 400, "colour")):
        body = {k: v for k, v in {**base, **bad}.items() if v is not None}
        t.expect_error(t.post("/contracts", body, user="csr_a"), status,
                       "validation_failed" if status == 422 else "bad_request", field=field)
    # major: value >= ¥500,000, or a longer payment term than the customer's
    eq(draft(t, value_fen=50000000)["major"], True, "value makes it major")
    eq(draft(t, value_fen=49999999)["major"], False, "one fen less is not")
    k = draft(t, payment_term_days=60)
    eq((k["major"], k["needs_slt"]), (True, True), "longer term")
    k = draft(t, deviations="价格低于标准价")
    eq((k["major"], k["needs_slt"]), (False, True), "deviating needs the SLT member")
    t.expect_error(t.get(f"/contracts/{k['number']}", user="kam_BJ"), 404, "not_found")
    eq(t.ok(t.get(f"/contracts/{k['number']}", user="mm_S"))["number"], k["number"], "MM reads")


def test_approve_standard_and_major(t):
    set_clock(t, MON, "09:30")
    k = submitted(t)
    for user in ("csr_a", "kam_GZ", "ssg_leader", "finance", "gm", "auditor"):
        t.expect_error(t.post(f"/contracts/{k}/approve", {}, user=user), 403, "forbidden",
                       rule="role")
    t.expect_error(t.post(f"/contracts/{k}/approve", {}, user="mm_N"), 404, "not_found")
    t.expect_error(t.post(f"/contracts/{k}/approve", {}, user="deputy"), 403, "forbidden",
                   rule="role")  # neither major nor deviating: the MM alone
    t.expect_error(t.post(f"/contracts/{k}/approve", {}, user="mm_S",
                          headers={"If-Match": "9"}), 409, "version_conflict")
    c = act(t, k, "approve", "mm_S", headers={"If-Match": "2"})
    eq((c["state"], [(a["level"], a["approver"]) for a in c["approvals"]]),
       ("approved", [("mm", "mm_S")]), "approved by the MM")
    d = t.expect_error(t.post(f"/contracts/{k}/approve", {}, user="mm_S"), 409, "invalid_state")
    eq(d["state"], "approved", "details.state")
    # major: the MM, then the supervising SLT member
    m = submitted(t, value_fen=60000000)
    d = t.expect_error(t.post(f"/contracts/{m}/approve", {}, user="deputy"), 409,
                       "invalid_state", rule="mm_first")
    eq(d["state"], "submitted", "details.state")
    c = act(t, m, "approve", "mm_S")
    eq((c["state"], len(c["approvals"])), ("submitted", 1), "still waiting for the SLT member")
    t.expect_error(t.post(f"/contracts/{m}/approve", {}, user="mm_S"), 409, "duplicate")
    t.expect_error(t.post(f"/contracts/{m}/approve", {}, user="director"), 403, "forbidden",
                   rule="role")  # not the supervisor of S
    got = [x for x in t.list_all("/notifications", user="deputy") if x["document"] == m]
    eq(len(got), 2, "the supervisor is copied at submit and asked after the MM")
    c = act(t, m, "approve", "deputy")
    eq((c["state"], [(a["level"], a["approver"]) for a in c["approvals"]]),
       ("approved", [("mm", "mm_S"), ("slt", "deputy")]), "both approvals recorded")
    aud = t.ok(t.get(f"/audit?object_type=contract&object_key={m}", user="auditor"))
    eq([a["action"] for a in aud["items"]], ["create", "submit", "approve", "approve"],
       "audited")


def test_sign_and_archive(t):
    set_clock(t, MON, "10:00")
    k, m = approved(t), approved(t, major=True)
    dr = draft(t)["number"]
    t.expect_error(t.post(f"/contracts/{dr}/sign", {"signing_mode": "onsite"}, user="kam_GZ"),
                   409, "invalid_state")
    for user in ("mm_S", "ssg_leader", "finance", "deputy", "auditor"):
        t.expect_error(t.post(f"/contracts/{k}/sign", {"signing_mode": "onsite"}, user=user),
                       403, "forbidden", rule="role")
    t.expect_error(t.post(f"/contracts/{k}/sign", {"signing_mode": "onsite"}, user="kam_BJ"),
                   404, "not_found")
    t.expect_error(t.post(f"/contracts/{k}/sign", {}, user="kam_GZ"), 422, "validation_failed",
                   field="signing_mode")
    t.expect_error(t.post(f"/contracts/{k}/sign", {"signing_mode": "email"}, user="kam_GZ"),
                   422, "validation_failed", field="signing_mode")
    t.expect_error(t.post(f"/contracts/{k}/sign", {"signing_mode": 1}, user="kam_GZ"), 400,
                   "bad_request")
    c = act(t, k, "sign", "kam_GZ", {"signing_mode": "onsite"})
    eq((c["state"], c["signing_mode"], c["signed_at"], c["signed_by"]),
       ("signed", "onsite", at(MON, "10:00"), "kam_GZ"), "signed on site")
    c = act(t, m, "sign", "csr_a", {"signing_mode": "fax_courier"})
    t.expect_error(t.post(f"/contracts/{m}/archive", {}, user="csr_a"), 422,
                   "validation_failed", rule="original_required")
    eq((c["state"], c["signing_mode"]), ("signed", "fax_courier"), "signed by fax")
    t.expect_error(t.post(f"/contracts/{k}/sign", {"signing_mode": "onsite"}, user="kam_GZ"),
                   409, "invalid_state")
    for user in ("kam_GZ", "rep_GZ", "mm_S", "finance"):
        t.expect_error(t.post(f"/contracts/{k}/archive", {}, user=user), 403, "forbidden",
                       rule="role")
    c = act(t, k, "archive", "csr_a")
    eq((c["state"], c["archived_at"]), ("archived", at(MON, "10:00")), "archived")
    eq([e["action"] for e in c["timeline"]], ["draft", "submit", "approve", "sign", "archive"],
       "timeline")
    eq(act(t, m, "archive", "ssg_leader", {"original_received": True})["state"], "archived",
       "SSG leader archives once the courier's original is in")
    d = t.expect_error(t.post(f"/contracts/{k}/archive", {}, user="csr_a"), 409, "invalid_state")
    eq(d["state"], "archived", "details.state")
    t.expect_error(t.post(f"/contracts/{k}/rescind", {}, user="mm_S"), 404, "not_found")
    got = t.list_all(f"/contracts?customer={cust(t)}&state=archived", user="csr_a")
    eq(sorted(x["number"] for x in got), sorted([k, m]), "list filter")
    eq(t.list_all(f"/contracts?customer={cust(t)}", user="kam_BJ"), [], "out of scope")
    t.expect_error(t.get("/contracts?state=lost", user="csr_a"), 400, "bad_request")


def test_orders_name_a_signed_contract_of_their_customer(t):
    set_clock(t, MON, "11:00")
    line = [{"sku": "M-IF1-900", "qty": 12}]
    dr = draft(t)["number"]
    other = signed(t, lib.customer(t, UNLIMITED))
    for bad in (dr, other, "SC20261123HT9999"):
        t.expect_error(t.post("/orders", {"customer": cust(t), "lines": line, "contract": bad},
                              user="kam_GZ"), 422, "validation_failed", field="contract")
    t.expect_error(t.post("/orders", {"customer": cust(t), "lines": line, "contract": 5},
                          user="kam_GZ"), 400, "bad_request")
    k = signed(t)
    o = t.ok(t.post("/orders", {"customer": cust(t), "lines": line, "contract": k},
                    user="kam_GZ"), 201)
    eq(o["contract"], k, "the order names it")
    eq(t.ok(t.get(f"/contracts/{k}", user="csr_a"))["orders"], [o["number"]], "and the contract"
       " lists the order")
    old = archived(t)
    o = t.ok(t.post("/orders", {"customer": cust(t), "lines": line, "contract": old},
                    user="kam_GZ"), 201)
    eq(o["contract"], old, "an archived (signed) contract")


def test_contract_1wd_opens_at_24_00_of_the_next_working_day(t):
    set_clock(t, MON, "14:00")
    late = signed(t)
    in_time = signed(t)
    only_draft = signed(t)
    only_submitted = signed(t)
    framework = signed(t, kind="framework")
    line = [{"sku": "M-IF1-900", "qty": 12}]
    set_clock(t, TUE, "09:00")
    o = t.ok(t.post("/orders", {"customer": cust(t), "lines": line, "contract": in_time},
                    user="kam_GZ"), 201)["number"]
    order_act(t, o, "verify", "kam_GZ")
    order_act(t, o, "approve-market", "mm_S")
    o = lib.advance(t, o, "release")
    lib.dispatch(t, o["shipments"][0])
    t.ok(t.post("/orders", {"customer": cust(t), "lines": line, "contract": only_draft},
                user="kam_GZ"), 201)
    lib.submitted(t, cust(t))  # an order naming no contract
    s = t.ok(t.post("/orders", {"customer": cust(t), "lines": line, "contract": only_submitted},
                    user="kam_GZ"), 201)["number"]
    order_act(t, s, "verify", "kam_GZ")
    order_act(t, s, "approve-market", "mm_S")
    it = boundary(t, late, "contract_1wd", WED, "00:00", TUE, "23:59")
    eq((it["department"], it["customer"]), ("sales", cust(t)), "sales")
    check("kam_GZ" in it["responsible"] and len(it["responsible"]) == 2,
          f"the KAM and the CSR explain: {it['responsible']}")
    no_issue(t, in_time, "contract_1wd")
    eq(len(t.list_all(f"/osb-issues?document={only_draft}&rule=contract_1wd",
                      user="ssg_leader")), 1, "an order in draft is no order yet")
    eq(len(t.list_all(f"/osb-issues?document={only_submitted}&rule=contract_1wd",
                      user="ssg_leader")), 1, "a submitted order is not shipped yet")
    no_issue(t, framework, "contract_1wd")
    run_jobs(t)
    eq(len(t.list_all(f"/osb-issues?document={late}&rule=contract_1wd", user="ssg_leader")), 1,
       "still one")

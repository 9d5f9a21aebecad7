"""allowed_actions (api.md §5.1): every document answer lists the sorted action names this
caller may take now (role, scope, state), from the same tables the gate uses; an action not
listed answers 403 or 409 when tried. One test per document type migrated to the kernel."""

from lib import check, eq
from osb_lib import customer, set_clock


def test_contract_allowed_actions_follow_role_scope_and_state(t):
    set_clock(t, "2026-11-23", "09:00")
    cust = customer(t)
    k = t.ok(t.post("/contracts", {"customer": cust, "kind": "sales", "value_fen": 1000000},
                    user="kam_GZ"), 201, "draft")
    n = k["number"]
    eq(k["allowed_actions"], ["submit"], "the drafting KAM submits it")
    allowed = lambda user: t.ok(t.get(f"/contracts/{n}", user=user))["allowed_actions"]
    eq(allowed("mm_S"), [], "nothing for the MM in draft")
    eq(allowed("csr_a"), [], "nor for a CSR who did not draft it")
    k = t.ok(t.post(f"/contracts/{n}/submit", {}, user="kam_GZ"), 200, "submit")
    eq(k["allowed_actions"], [], "the drafting KAM may not approve its own contract")
    eq(allowed("mm_S"), ["approve", "reject"], "the market's MM approves or rejects")
    eq(allowed("deputy"), [], "a standard contract is the MM's alone")
    eq(allowed("csr_a"), [], "nothing to do for a submitted contract")
    # what is not listed is refused
    t.expect_error(t.post(f"/contracts/{n}/sign", {"signing_mode": "onsite"}, user="kam_GZ"),
                   409, "invalid_state")
    t.expect_error(t.post(f"/contracts/{n}/approve", {}, user="deputy"), 403, "forbidden")
    k = t.ok(t.post(f"/contracts/{n}/approve", {}, user="mm_S"), 200, "approve")
    eq((k["state"], k["allowed_actions"]), ("approved", []), "approved: nothing more for the MM")
    eq(allowed("kam_GZ"), ["sign"], "the KAM signs")
    eq(allowed("csr_a"), ["sign"], "the CSR signs too")
    k = t.ok(t.post(f"/contracts/{n}/sign", {"signing_mode": "onsite"}, user="kam_GZ"))
    eq(allowed("ssg_leader"), ["archive"], "SSG archives")
    eq(allowed("auditor"), [], "the auditor only reads")
    t.ok(t.post(f"/contracts/{n}/archive", {}, user="csr_a"))
    eq(allowed("csr_a"), ["bind"], "the CSR binds the original")
    eq(allowed("mm_S"), ["complete", "terminate"], "the MM completes or terminates")
    eq(allowed("deputy"), [], "not the SLT member's")
    lst = t.ok(t.get(f"/contracts?customer={cust}&state=draft,archived", user="csr_a"))["items"]
    eq([x["number"] for x in lst], [n], "several states at once")
    check(all("allowed_actions" in x for x in lst), "list items carry allowed_actions")
    t.expect_error(t.get("/contracts?state=signed,nope", user="csr_a"), 400, "bad_request")

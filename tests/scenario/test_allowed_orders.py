"""allowed_actions of orders (api.md §5.1, flows.md §2.1, numbering-and-rules §3): through an
order's life, what each role may do now, from the same table the gate uses (rules/order.c) and
the order's own who-rules (flow/order.c) — the customer's KAM, the market's MM, CSR and SSG
leader, the supervising SLT member and their secretary signing by proxy, any ST voter for
reject, finance. An action not listed answers 403 or 409. Each test makes its own data."""

import lib
from lib import check, eq
from osb_lib import act, customer, set_clock


def allowed(t, n, user):
    return t.ok(t.get(f"/orders/{n}", user=user))["allowed_actions"]


def test_allowed_actions_through_an_orders_life(t):
    set_clock(t, "2026-12-01", "10:00")
    # proxy signing needs the principal away (api.md §5.3)
    lib.away(t, "deputy")
    t.defer(lambda: lib.away(t, "deputy", False))
    lib.away(t, "director")
    t.defer(lambda: lib.away(t, "director", False))
    cust = customer(t)
    o = t.ok(t.post("/orders", {"customer": cust, "lines": [{"sku": "M-IF1-900", "qty": 12}]},
                    user="kam_GZ"), 201, "create")
    n = o["number"]
    eq(o["allowed_actions"], ["cancel", "verify"], "create answers the KAM's next steps")
    # draft
    eq(allowed(t, n, "ssg_leader"), ["cancel"], "SSG cancels before release")
    eq(allowed(t, n, "mm_S"), [], "nothing for the MM on a draft")
    eq(allowed(t, n, "csr_a"), [], "nothing for the CSR on a draft")
    eq(allowed(t, n, "auditor"), [], "the auditor only reads")
    t.expect_error(t.post(f"/orders/{n}/verify", {}, user="csr_a"), 403, "forbidden")
    t.expect_error(t.post(f"/orders/{n}/accept", {}, user="csr_a"), 409, "invalid_state")
    o = act(t, n, "verify", "kam_GZ")
    eq(o["allowed_actions"], ["cancel"], "the action's answer carries allowed_actions")
    # verified
    eq(allowed(t, n, "mm_S"), ["approve-market", "send-back"], "the market's MM")
    o = act(t, n, "approve-market", "mm_S")
    eq(o["allowed_actions"], [], "the MM is done")
    # submitted
    eq(allowed(t, n, "csr_a"), ["accept"], "the CSR accepts")
    eq(allowed(t, n, "ssg_leader"), ["accept", "cancel", "loose-units"], "SSG leader")
    eq(allowed(t, n, "kam_GZ"), ["cancel"], "the KAM may still cancel")
    act(t, n, "accept", "csr_a")
    # accepted: the KAM's cancel is over
    eq(allowed(t, n, "csr_a"), ["check"], "the CSR checks")
    eq(allowed(t, n, "kam_GZ"), [], "a KAM cancels only before acceptance")
    t.expect_error(t.post(f"/orders/{n}/cancel", {}, user="kam_GZ"), 409, "invalid_state")
    o = act(t, n, "check", "csr_a")
    eq(o["state"], "pending_approval", "CC passes")
    # pending_approval: market S is supervised by the deputy; ssg_leader is its secretary,
    # csr_b the director's
    eq(allowed(t, n, "deputy"), ["approve", "reject", "return-for-fix"], "supervising member")
    eq(allowed(t, n, "gm"), ["reject"], "an ST voter may reject")
    eq(allowed(t, n, "director"), ["reject"], "another SLT member rejects, does not approve")
    eq(allowed(t, n, "ssg_leader"),
       ["approve", "cancel", "recheck", "reject", "return-for-fix"],
       "the deputy's secretary signs its actions and keeps its own")
    eq(allowed(t, n, "csr_b"), ["recheck", "reject"], "the director's secretary")
    eq(allowed(t, n, "csr_a"), ["recheck"], "a CSR re-checks")
    eq(allowed(t, n, "finance"), [], "finance waits for approval")
    t.expect_error(t.post(f"/orders/{n}/approve", {}, user="director"), 403, "forbidden")
    t.expect_error(t.post(f"/orders/{n}/approve", {}, user="ssg_leader"), 403, "forbidden",
                   rule="proxy_not_authorized")
    t.expect_error(t.post(f"/orders/{n}/print-delivery-note", {}, user="finance"), 409,
                   "invalid_state")
    o = act(t, n, "approve", "ssg_leader", {"on_behalf_of": "deputy", "confirmed_by_phone": True})
    eq((o["state"], o["allowed_actions"]), ("approved", ["cancel"]),
       "approved; the secretary keeps SSG's cancel")
    # approved → billed → released
    eq(allowed(t, n, "finance"), ["print-delivery-note"], "finance prints")
    eq(allowed(t, n, "csr_a"), [], "the CSR waits for the delivery note")
    act(t, n, "print-delivery-note", "finance")
    eq(allowed(t, n, "csr_a"), ["release"], "the CSR releases")
    eq(allowed(t, n, "ssg_leader"), ["cancel", "release"], "SSG leader")
    eq(allowed(t, n, "finance"), [], "printed once")
    o = act(t, n, "release", "csr_a")
    eq(o["allowed_actions"], [], "released")
    for user in ("ssg_leader", "kam_GZ", "deputy", "gm"):
        eq(allowed(t, n, user), [], f"nothing after release for {user}")
    t.expect_error(t.post(f"/orders/{n}/cancel", {}, user="ssg_leader"), 409, "invalid_state")


def test_out_of_scope_is_404_and_cancelled_is_final(t):
    set_clock(t, "2026-12-01", "10:00")
    cust = customer(t)
    o = t.ok(t.post("/orders", {"customer": cust, "lines": [{"sku": "M-IF1-900", "qty": 12}]},
                    user="kam_GZ"), 201, "create")
    n = o["number"]
    t.expect_error(t.get(f"/orders/{n}", user="kam_BJ"), 404, "not_found")
    o = act(t, n, "cancel", "kam_GZ", {"comment": "客户撤单"})
    eq((o["state"], o["allowed_actions"]), ("cancelled", []), "cancelled is final")
    t.expect_error(t.post(f"/orders/{n}/verify", {}, user="kam_GZ"), 409, "invalid_state")


def test_list_items_carry_allowed_actions_and_take_several_states(t):
    set_clock(t, "2026-12-01", "10:00")
    cust = customer(t)
    line = [{"sku": "M-IF1-900", "qty": 12}]
    a = t.ok(t.post("/orders", {"customer": cust, "lines": line}, user="kam_GZ"), 201)["number"]
    b = t.ok(t.post("/orders", {"customer": cust, "lines": line}, user="kam_GZ"), 201)["number"]
    c = t.ok(t.post("/orders", {"customer": cust, "lines": line}, user="kam_GZ"), 201)["number"]
    act(t, b, "verify", "kam_GZ")
    act(t, c, "cancel", "kam_GZ")
    items = t.ok(t.get(f"/orders?customer={cust}&state=draft,verified", user="kam_GZ"))["items"]
    eq(sorted(x["number"] for x in items), sorted([a, b]), "state=draft,verified")
    by = {x["number"]: x["allowed_actions"] for x in items}
    eq(by, {a: ["cancel", "verify"], b: ["cancel"]}, "each item's allowed_actions")
    items = t.ok(t.get(f"/orders?customer={cust}&state=cancelled", user="kam_GZ"))["items"]
    eq([x["number"] for x in items], [c], "one state")
    check(all(x["allowed_actions"] == [] for x in items), "nothing on a cancelled order")
    t.expect_error(t.get("/orders?state=draft,lost", user="kam_GZ"), 400, "bad_request")

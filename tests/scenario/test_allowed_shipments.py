"""allowed_actions (api.md §5.1) of shipments and backorders: the sorted action names this caller
may take now, from the same tables the gate uses (rules/shipment.c, rules/backorder.c); an
action not listed answers 403 or 409 when tried. Who acts is numbering-and-rules.md §3 "SP":
the warehouse does every step, track and deliver also the CSR and the SSG leader, schedule a
backorder the CSR and the SSG leader, cancel it the SSG leader; the auditor and the customer's
KAM only read. Each test makes its own customer and order at its own clock."""

from lib import check, eq
from osb_lib import advance, customer, set_clock, submitted

READERS = ("warehouse", "csr_a", "ssg_leader", "kam_GZ", "auditor")


def released(t, sku="M-ADL-800", qty=60):
    """A fresh customer's order taken through OP to released; returns its shipment."""
    cust = customer(t)
    n = submitted(t, cust, sku=sku, qty=qty)
    o = advance(t, n, "release")
    eq(o["state"], "released", "order released")
    return cust, n, o["shipments"][0]


def allowed(t, fh, user):
    return t.ok(t.get(f"/shipments/{fh}", user=user), 200, f"GET {fh} as {user}")["allowed_actions"]


def sees(t, fh, want):
    """want: {user: [actions]}; every reader not named sees []."""
    for user in READERS:
        eq(allowed(t, fh, user), want.get(user, []), f"allowed_actions of {user}")


def act(t, fh, action, body=None, user="warehouse"):
    return t.ok(t.post(f"/shipments/{fh}/{action}", body or {}, user=user), 200,
                f"shipment {action} by {user}")


def test_shipment_allowed_actions_through_its_life(t):
    set_clock(t, "2026-12-02", "09:00")
    cust, order, fh = released(t)
    s = t.ok(t.get(f"/shipments/{fh}", user="warehouse"))
    eq((s["state"], s["allowed_actions"]), ("new", ["receive"]), "new: the warehouse receives")
    sees(t, fh, {"warehouse": ["receive"]})
    # not listed → refused: the CSR may not do warehouse work, nothing dispatches from new
    t.expect_error(t.post(f"/shipments/{fh}/receive", {}, user="csr_a"), 403, "forbidden")
    t.expect_error(t.post(f"/shipments/{fh}/dispatch", {}, user="warehouse"), 409,
                   "invalid_state")
    t.expect_error(t.post(f"/shipments/{fh}/track", {"status": "x"}, user="auditor"), 403,
                   "forbidden")
    t.expect_error(t.post(f"/shipments/{fh}/fly", {}, user="warehouse"), 404, "not_found")
    # another KAM's customer: not even visible
    t.expect_error(t.get(f"/shipments/{fh}", user="kam_SZ"), 404, "not_found")

    s = act(t, fh, "receive")
    eq((s["state"], s["allowed_actions"]), ("received", ["pick"]),
       "the action's answer carries allowed_actions")
    sees(t, fh, {"warehouse": ["pick"]})
    s = act(t, fh, "pick")
    eq(s["allowed_actions"], ["check", "pick", "short-close"], "picked")
    sees(t, fh, {"warehouse": ["check", "pick", "short-close"]})
    t.expect_error(t.post(f"/shipments/{fh}/book", {"carrier": "顺丰", "station": "广州站",
                                                    "waybill": "AA1"}, user="warehouse"),
                   409, "invalid_state")
    s = act(t, fh, "check")
    eq(s["allowed_actions"], ["book", "check", "pick", "short-close"], "checked (re-pick too)")
    s = act(t, fh, "book", {"carrier": "顺丰物流", "station": "广州站", "waybill": t.uniq("WB")})
    eq(s["allowed_actions"], ["dispatch"], "booked")
    sees(t, fh, {"warehouse": ["dispatch"]})
    s = act(t, fh, "dispatch")
    eq(s["allowed_actions"], ["deliver", "track"], "dispatched")
    sees(t, fh, {"warehouse": ["deliver", "track"], "csr_a": ["deliver", "track"],
                 "ssg_leader": ["deliver", "track"]})
    t.expect_error(t.post(f"/shipments/{fh}/deliver", {"signed_by": "王"}, user="kam_GZ"), 403,
                   "forbidden")
    s = act(t, fh, "track", {"status": "in_transit", "location": "韶关"}, user="csr_a")
    eq((s["state"], s["allowed_actions"]), ("dispatched", ["deliver", "track"]),
       "tracking keeps the state and the actions")
    s = act(t, fh, "deliver", {"signed_by": "收货人"}, user="ssg_leader")
    eq((s["state"], s["allowed_actions"]), ("delivered", []), "delivered: nothing more")
    # after POD only a delivery discrepancy may still be reported (api.md §5.5)
    sees(t, fh, {u: ["report-discrepancy"] for u in ("warehouse", "csr_a", "kam_GZ")
                 if u in READERS})
    t.expect_error(t.post(f"/shipments/{fh}/track", {"status": "x"}, user="warehouse"), 409,
                   "invalid_state")

    # lists: items carry allowed_actions; state=a,b; an unknown state is 400
    lst = t.ok(t.get(f"/shipments?customer={cust}&state=new,delivered", user="warehouse"))
    eq([x["number"] for x in lst["items"]], [fh], "several states at once")
    check(all("allowed_actions" in x for x in lst["items"]), "list items carry allowed_actions")
    eq(t.ok(t.get(f"/shipments?customer={cust}&state=new,booked", user="warehouse"))["items"],
       [], "filtered out")
    t.expect_error(t.get("/shipments?state=delivered,nope", user="warehouse"), 400,
                   "bad_request")


def test_warehouse_sees_no_prices_with_allowed_actions(t):
    set_clock(t, "2026-12-02", "09:30")
    _, order, fh = released(t, qty=12)
    s = t.ok(t.get(f"/shipments/{fh}", user="warehouse"))
    check("price" not in str(s) and "amount" not in str(s), f"no price on a shipment: {s}")
    o = t.ok(t.get(f"/orders/{order}", user="csr_a"))
    dn = t.ok(t.get(f"/delivery-notes/{o['delivery_note']}", user="warehouse"))
    check("price" not in str(dn) and "amount" not in str(dn) and "total_fen" not in dn,
          f"no price on the delivery note for the warehouse: {dn}")
    eq(dn["allowed_actions"], [], "the delivery note has no actions of its own")


def short_backorder(t):
    """Ships 36 of 60: one open backorder of 24."""
    cust, order, fh = released(t, sku="M-ADL-800", qty=60)
    act(t, fh, "receive")
    act(t, fh, "pick", {"lines": [{"sku": "M-ADL-800", "qty": 36}]})
    act(t, fh, "check")
    act(t, fh, "book", {"carrier": "德邦", "station": "广州站", "waybill": t.uniq("DB")})
    s = act(t, fh, "dispatch")
    eq(len(s["backorders"]), 1, "one backorder")
    return cust, s["backorders"][0]["number"]


def bo_allowed(t, bo, user):
    return t.ok(t.get(f"/backorders/{bo}", user=user))["allowed_actions"]


def test_backorder_allowed_actions(t):
    set_clock(t, "2026-12-03", "09:00")
    cust, bo = short_backorder(t)
    b = t.ok(t.get(f"/backorders/{bo}", user="ssg_leader"))
    eq((b["state"], b["qty_open"], b["allowed_actions"]), ("open", 24, ["cancel", "schedule"]),
       "open: the SSG leader schedules or cancels")
    eq(bo_allowed(t, bo, "csr_a"), ["schedule"], "the CSR schedules only")
    for user in ("warehouse", "kam_GZ", "auditor"):
        eq(bo_allowed(t, bo, user), [], f"{user} only reads")
    t.expect_error(t.post(f"/backorders/{bo}/cancel", {"reason": "x"}, user="csr_a"), 403,
                   "forbidden")
    t.expect_error(t.post(f"/backorders/{bo}/schedule", {}, user="auditor"), 403, "forbidden")
    lst = t.ok(t.get(f"/backorders?customer={cust}&state=open,fulfilled", user="csr_a"))["items"]
    eq([(x["number"], x["allowed_actions"]) for x in lst], [(bo, ["schedule"])],
       "list items carry allowed_actions; state=a,b")
    t.expect_error(t.get("/backorders?state=open,scheduled", user="csr_a"), 400, "bad_request")

    b = t.ok(t.post(f"/backorders/{bo}/schedule", {}, user="csr_a"), 200, "schedule")
    check(b["scheduled_shipment"], "scheduled on a shipment")
    eq((b["state"], b["allowed_actions"]), ("open", []),
       "scheduled: the CSR has nothing more to do")
    eq(bo_allowed(t, bo, "ssg_leader"), ["cancel"], "scheduled: only cancel is left")
    t.expect_error(t.post(f"/backorders/{bo}/schedule", {}, user="ssg_leader"), 409,
                   "invalid_state")
    fh2 = b["scheduled_shipment"]
    eq(allowed(t, fh2, "warehouse"), ["receive"], "its shipment waits on the warehouse")

    b = t.ok(t.post(f"/backorders/{bo}/cancel", {"reason": "客户不要了"}, user="ssg_leader"))
    eq((b["state"], b["allowed_actions"]), ("cancelled", []), "cancelled: nothing more")
    eq(t.ok(t.get(f"/shipments/{fh2}", user="warehouse"))["state"], "cancelled",
       "its shipment is cancelled")
    eq(allowed(t, fh2, "warehouse"), [], "a cancelled shipment has no actions")
    t.expect_error(t.post(f"/backorders/{bo}/schedule", {}, user="ssg_leader"), 409,
                   "invalid_state")


def test_backorder_fulfilled_has_no_actions(t):
    set_clock(t, "2026-12-03", "10:00")
    _, bo = short_backorder(t)
    fh2 = t.ok(t.post(f"/backorders/{bo}/schedule", {}, user="ssg_leader"))["scheduled_shipment"]
    act(t, fh2, "receive")
    act(t, fh2, "pick")
    act(t, fh2, "check")
    act(t, fh2, "book", {"carrier": "德邦", "station": "广州站", "waybill": t.uniq("DB")})
    act(t, fh2, "dispatch")
    b = t.ok(t.get(f"/backorders/{bo}", user="ssg_leader"))
    eq((b["state"], b["qty_open"], b["allowed_actions"]), ("fulfilled", 0, []),
       "fulfilled by its shipment: nothing more")
    t.expect_error(t.post(f"/backorders/{bo}/cancel", {}, user="ssg_leader"), 409,
                   "invalid_state")

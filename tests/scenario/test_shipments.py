"""SP — shipments from a released order to proof of delivery (flows.md §3, api.md §3.4 and §4):
every action allowed and denied by role and scope, FEFO reservation and picking, stock figures
at each step, wrong-state 409s and If-Match, short picks opening backorders (QH) with their
notices and delivery-note remarks, a backorder scheduled and one cancelled (quota and exposure
given back), short-close, `osb check` catching a hand-edited lot, and the delivery note PDF.

Orders are released through the real OP flow: create and verify (kam_GZ), approve-market
(mm_S), accept and check (csr_a), approve (deputy), print-delivery-note (finance), release
(csr_a). Release reserves stock first-expiring-first in WH-GZ (the first warehouse that can
serve every line). The demo stocks every goods SKU in WH-GZ as B2026A (expires 2027-06-30) and
B2026B (2027-12-31); tests add their own earlier-expiring lots to see FEFO at work.
"""

import json
import os
import sqlite3
import subprocess
import zlib  # noqa: F401  (PGM is parsed by hand; zlib kept for PNG checks if ever needed)

import lib
from lib import check, eq

WH = "WH-GZ"
CUSTOMER_NAME = "广州恒通商贸有限公司"
PRICE = {"M-MOM-800": 19800, "M-KID-800": 16800, "M-IF1-900": 26800, "M-ADL-800": 13800,
         "M-IF3-900": 23800, "M-RICE-225": 3800, "M-BAG-400": 3200}


# ---- helpers ------------------------------------------------------------------------------

def released_order(t, lines, customer="GZ01"):
    """Creates an order and takes it through OP to released; returns (order, shipment)."""
    o = lib.checked(t, customer, lines)
    eq(o["state"], "pending_approval", "order state after check")
    o = lib.release(t, o["number"])
    eq(len(o["shipments"]), 1, "one shipment at release")
    return o["number"], o["shipments"][0]


def lot(t, sku, batch, warehouse=WH):
    items = t.ok(t.get(f"/stock?sku={sku}&warehouse={warehouse}"))["items"]
    for it in items:
        if it["batch"] == batch:
            return it
    raise AssertionError(f"no lot {warehouse}/{sku}/{batch}")


def figures(t, sku, batch, warehouse=WH):
    it = lot(t, sku, batch, warehouse)
    check(0 <= it["reserved"] <= it["on_hand"], f"0 <= reserved <= on_hand: {it}")
    check(it["available"] in (0, it["on_hand"] - it["reserved"]), f"available of {it}")
    return it["on_hand"], it["reserved"], it["available"]


def receive(t, sku, batch, qty, expires):
    t.ok(t.post("/stock/receipts", {"warehouse": WH, "sku": sku, "batch": batch, "qty": qty,
                                    "expires": expires}, user="warehouse"), 201, "receipt")


def act(t, number, action, body=None, user="warehouse", status=200, **kw):
    return lib.ship_act(t, number, action, body, user, status, **kw)


def line(ship, sku):
    for ln in ship["lines"]:
        if ln["sku"] == sku:
            return ln
    raise AssertionError(f"no line {sku} in {ship['number']}")


def to_booked(t, number, waybill, body_pick=None):
    act(t, number, "receive")
    act(t, number, "pick", body_pick)
    act(t, number, "check")
    return act(t, number, "book", {"carrier": "顺丰物流", "station": "城东托运站",
                                   "waybill": waybill})


WALK = ("new", "received", "picked", "checked", "booked", "dispatched", "delivered")


def fefo_shipment(t, upto="new"):
    """The FEFO order of one test: a lot of M-MOM-800 of its own, x, 24 units expiring
    2027-01-31 (before the demo's lots), received; then 48 M-MOM-800 and 24 M-KID-800 released
    (x 24 + B2026A 24; B2026A 24). upto walks the shipment on the way the tests below take it:
    received; picked (x and B2026B instead of the reserved B2026A, then a re-pick as reserved);
    checked; booked (顺丰物流 to 城西托运站); dispatched; delivered (tracked once, POD signed).
    Returns (order, shipment, x)."""
    x = t.uniq("E")
    receive(t, "M-MOM-800", x, 24, "2027-01-31")
    order, fh = released_order(t, [("M-MOM-800", 48), ("M-KID-800", 24)])
    picks = {"lines": [{"sku": "M-MOM-800", "batch": x, "qty": 24},
                       {"sku": "M-MOM-800", "batch": "B2026B", "qty": 24},
                       {"sku": "M-KID-800", "qty": 24}]}
    for level, action, body, user in (
            ("received", "receive", None, "warehouse"),
            ("picked", "pick", picks, "warehouse"),
            ("picked", "pick", None, "warehouse"),
            ("checked", "check", None, "warehouse"),
            ("booked", "book", {"carrier": "顺丰物流", "station": "城西托运站",
                                "waybill": t.uniq("SF")}, "warehouse"),
            ("dispatched", "dispatch", None, "warehouse"),
            ("delivered", "track", {"status": "in_transit", "location": "韶关站"}, "csr_a"),
            ("delivered", "deliver", {"signed_by": "李老板"}, "ssg_leader")):
        if WALK.index(level) > WALK.index(upto):
            break
        act(t, fh, action, body, user=user)
    return order, fh, x


def short_shipped(t):
    """60 M-ADL-800 and 24 M-IF3-900 released; 36 and 24 picked, checked, booked (德邦 to
    城东托运站) and dispatched: one backorder of 24 M-ADL-800. Returns (order, shipment,
    backorder, delivery note)."""
    order, fh = released_order(t, [("M-ADL-800", 60), ("M-IF3-900", 24)])
    to_booked(t, fh, t.uniq("DB"), {"lines": [{"sku": "M-ADL-800", "qty": 36},
                                              {"sku": "M-IF3-900", "qty": 24}]})
    s = act(t, fh, "dispatch")
    eq([(b["sku"], b["qty_open"]) for b in s["backorders"]], [("M-ADL-800", 24)], "backorder")
    dn = t.ok(t.get(f"/orders/{order}", user="csr_a"))["delivery_note"]
    return order, fh, s["backorders"][0]["number"], dn


def db_write(t, sql, params=()):
    """A hand edit of the module's database (no API exists for it)."""
    lib.sql_exec(t, sql, params)


def reservations_match_lots(t):
    """Σ of the open shipments' [{batch, qty}] reservations per lot equals stock_lots.reserved:
    the shipment's own record of what it holds never drifts from the lot figures."""
    # the JSON lines summed here, so the same check reads SQLite and PostgreSQL alike
    held = {}
    for wh, sku, reserved in t.sql("SELECT s.warehouse, sl.sku, sl.reserved FROM shipment_lines"
                                   " sl JOIN shipments s ON s.number = sl.shipment"
                                   " WHERE sl.reserved IS NOT NULL"):
        for r in (json.loads(reserved) if isinstance(reserved, str) else reserved) or []:
            k = (wh, sku, r["batch"])
            held[k] = held.get(k, 0) + r["qty"]
    rows = [(w, k, b, res, held.get((w, k, b), 0))
            for w, k, b, res in t.sql("SELECT warehouse, sku, batch, reserved FROM stock_lots")]
    bad = [r for r in rows if r[3] != r[4]]
    eq(bad, [], "lots whose reserved differs from the shipments' reservations")


# ---- release and FEFO reservation -----------------------------------------------------------

def test_release_reserves_fefo(t):
    # An earlier-expiring lot of M-MOM-800 is reserved before the demo's B2026A.
    receive(t, "M-MOM-800", "E2026X", 24, "2027-01-31")
    before_x = figures(t, "M-MOM-800", "E2026X")
    before_a = figures(t, "M-MOM-800", "B2026A")
    before_kid = figures(t, "M-KID-800", "B2026A")
    order, fh = released_order(t, [("M-MOM-800", 48), ("M-KID-800", 24)])
    s = t.ok(t.get(f"/shipments/{fh}", user="warehouse"))
    eq((s["state"], s["order"], s["customer"], s["warehouse"]), ("new", order, "GZ01", WH),
       "shipment header")
    check(s["number"][2:10].isdigit() and "FH" in s["number"], f"FH number {s['number']}")
    mom = line(s, "M-MOM-800")
    eq(mom["qty_requested"], 48, "requested")
    eq(mom["reserved"], [{"batch": "E2026X", "qty": 24}, {"batch": "B2026A", "qty": 24}],
       "FEFO reservation: earliest expiry first")
    eq((mom["cases"], mom["loose_units"]), (4, 0), "cases of 12")
    eq(line(s, "M-KID-800")["reserved"], [{"batch": "B2026A", "qty": 24}], "kid reservation")
    eq(figures(t, "M-MOM-800", "E2026X"), (24, 24, 0), "E2026X fully reserved")
    eq(figures(t, "M-MOM-800", "B2026A"), (before_a[0], before_a[1] + 24, before_a[2] - 24),
       "B2026A reserved +24")
    eq(figures(t, "M-KID-800", "B2026A"),
       (before_kid[0], before_kid[1] + 24, before_kid[2] - 24), "kid reserved +24")
    eq(before_x, (24, 0, 24), "new lot before release")
    o = t.ok(t.get(f"/orders/{order}", user="csr_a"))
    eq(o["shipments"], [fh], "order links its shipment")
    reservations_match_lots(t)


# ---- who may see and do what --------------------------------------------------------------

def test_read_scope(t):
    order, fh, _ = fefo_shipment(t)
    for user in ("warehouse", "auditor", "kam_GZ", "rep_GZ", "um_GZ", "mm_S", "deputy", "gm",
                 "director", "csr_a", "ssg_leader", "finance"):
        t.ok(t.get(f"/shipments/{fh}", user=user), 200, f"{user} reads the shipment")
    for user in ("kam_SZ", "um_SZ", "mm_N"):
        t.expect_error(t.get(f"/shipments/{fh}", user=user), 404, "not_found")
        items = t.ok(t.get(f"/shipments?order={order}", user=user))["items"]
        eq(items, [], f"{user} list is filtered by scope")
    items = t.ok(t.get(f"/shipments?order={order}", user="kam_GZ"))["items"]
    eq([s["number"] for s in items], [fh], "kam_GZ lists its customer's shipment")
    items = t.ok(t.get(f"/shipments?order={order}", user="warehouse"))["items"]
    eq([s["number"] for s in items], [fh], "warehouse lists every shipment")
    t.expect_error(t.get("/shipments?state=flying", user="warehouse"), 400, "bad_request")
    t.expect_error(t.get("/shipments?colour=red", user="warehouse"), 400, "bad_request")
    t.expect_error(t.get("/shipments/SC20990101FH9999", user="warehouse"), 404, "not_found")


def test_work_actions_only_warehouse(t):
    _, fh, _ = fefo_shipment(t)
    for action in ("receive", "pick", "check", "book", "dispatch", "short-close"):
        for user in ("csr_a", "ssg_leader", "kam_GZ", "finance", "auditor", "gm", "mm_S"):
            t.expect_error(t.post(f"/shipments/{fh}/{action}", {}, user=user), 403, "forbidden",
                           rule="role")
        t.expect_error(t.post(f"/shipments/{fh}/{action}", {}, user="kam_SZ"), 404, "not_found")
    for action in ("track", "deliver"):
        for user in ("kam_GZ", "finance", "auditor", "um_GZ", "gm"):
            t.expect_error(t.post(f"/shipments/{fh}/{action}", {}, user=user), 403, "forbidden")
    t.expect_error(t.post(f"/shipments/{fh}/fly", {}, user="warehouse"), 404, "not_found")
    eq(t.ok(t.get(f"/shipments/{fh}"))["state"], "new", "nothing changed")


def test_wrong_state_409(t):
    _, fh, _ = fefo_shipment(t)
    for action, user in (("pick", "warehouse"), ("check", "warehouse"), ("book", "warehouse"),
                         ("dispatch", "warehouse"), ("track", "csr_a"),
                         ("deliver", "ssg_leader"), ("short-close", "warehouse")):
        d = t.expect_error(t.post(f"/shipments/{fh}/{action}", {}, user=user), 409,
                           "invalid_state")
        eq(d.get("state"), "new", f"details.state of {action}")
    s = act(t, fh, "receive")
    eq(s["state"], "received", "received")
    check(s["received_at"], "received_at set")
    d = t.expect_error(t.post(f"/shipments/{fh}/receive", {}, user="warehouse"), 409,
                       "invalid_state")
    eq(d.get("state"), "received", "details.state")


def test_if_match_and_unknown_fields(t):
    _, fh, _ = fefo_shipment(t, "received")
    v = t.ok(t.get(f"/shipments/{fh}"))["version"]
    t.expect_error(t.post(f"/shipments/{fh}/pick", {}, user="warehouse",
                          headers={"If-Match": str(v + 3)}), 409, "version_conflict")
    t.expect_error(t.post(f"/shipments/{fh}/pick", {"colour": "red"}, user="warehouse"), 400,
                   "bad_request", field="colour")
    t.expect_error(t.post(f"/shipments/{fh}/pick", {"lines": [{"sku": "M-MOM-800", "qty": 1,
                                                               "x": 1}]}, user="warehouse"),
                   400, "bad_request")
    eq(t.ok(t.get(f"/shipments/{fh}"))["version"], v, "nothing changed")


# ---- picking -------------------------------------------------------------------------------

def test_pick_errors(t):
    _, fh, x = fefo_shipment(t, "received")
    q = t.uniq("Q")
    receive(t, "M-MOM-800", q, 60, "2027-02-28")
    db_write(t, "UPDATE stock_lots SET quality = 'quarantine' WHERE batch = ?", (q,))
    cases = [
        ([{"sku": "M-MOM-800", "batch": "NOPE", "qty": 12}], "unknown_batch"),
        ([{"sku": "M-MOM-800", "batch": q, "qty": 12}], "batch_not_available"),
        ([{"sku": "M-MOM-800", "batch": x, "qty": 36}], "insufficient_stock"),
        ([{"sku": "M-MOM-800", "qty": 60}], "pick_exceeds_requested"),
        ([{"sku": "M-MOM-800", "batch": x, "qty": 24},
          {"sku": "M-MOM-800", "qty": 36}], "pick_exceeds_requested"),
        ([{"sku": "M-MOM-800", "qty": -1}], "negative_qty"),
        ([{"sku": "M-IF1-900", "qty": 12}], "unknown_sku"),
    ]
    v = t.ok(t.get(f"/shipments/{fh}"))["version"]
    for body_lines, rule in cases:
        t.expect_error(t.post(f"/shipments/{fh}/pick", {"lines": body_lines}, user="warehouse"),
                       422, "validation_failed", rule=rule)
    eq(t.ok(t.get(f"/shipments/{fh}"))["version"], v, "refused picks change nothing")
    eq(figures(t, "M-MOM-800", x), (24, 24, 0), "x untouched")
    eq(figures(t, "M-MOM-800", q), (60, 0, 0), "quarantined lot has nothing available")
    reservations_match_lots(t)


def test_pick_from_other_batch_moves_reservation(t):
    _, fh, x = fefo_shipment(t, "received")
    a0 = figures(t, "M-MOM-800", "B2026A")
    b0 = figures(t, "M-MOM-800", "B2026B")
    # x as reserved (24), the rest from B2026B instead of the reserved B2026A.
    s = act(t, fh, "pick", {"lines": [{"sku": "M-MOM-800", "batch": x, "qty": 24},
                                      {"sku": "M-MOM-800", "batch": "B2026B", "qty": 24},
                                      {"sku": "M-KID-800", "qty": 24}]})
    eq(s["state"], "picked", "picked")
    mom = line(s, "M-MOM-800")
    eq(mom["picks"], [{"batch": x, "qty": 24}, {"batch": "B2026B", "qty": 24}], "picks")
    eq(mom["reserved"], mom["picks"], "the reservation followed the pick")
    eq(line(s, "M-KID-800")["picks"], [{"batch": "B2026A", "qty": 24}],
       "unnamed batch defaults to the reserved FEFO batch")
    eq(figures(t, "M-MOM-800", "B2026A"), (a0[0], a0[1] - 24, a0[2] + 24), "B2026A released")
    eq(figures(t, "M-MOM-800", "B2026B"), (b0[0], b0[1] + 24, b0[2] - 24), "B2026B reserved")
    eq(figures(t, "M-MOM-800", x), (24, 24, 0), "x still held")
    reservations_match_lots(t)
    # a re-pick without a list takes the line as now reserved
    s = act(t, fh, "pick")
    eq(line(s, "M-MOM-800")["picks"], [{"batch": x, "qty": 24},
                                       {"batch": "B2026B", "qty": 24}], "re-pick as reserved")
    reservations_match_lots(t)


# ---- check, book, dispatch, track, deliver ----------------------------------------------------

def test_check_and_book(t):
    _, fh, _ = fefo_shipment(t, "picked")
    wb = t.uniq("SF")
    t.expect_error(t.post(f"/shipments/{fh}/check",
                          {"lines": [{"sku": "M-KID-800", "qty_counted": 25}]},
                          user="warehouse"), 422, "validation_failed",
                   rule="count_exceeds_picked")
    t.expect_error(t.post(f"/shipments/{fh}/check",
                          {"lines": [{"sku": "M-KID-800", "discrepancy": "lost"}]},
                          user="warehouse"), 422, "validation_failed", rule="invalid_value")
    s = act(t, fh, "check")
    eq(s["state"], "checked", "checked")
    for ln in s["lines"]:
        eq((ln["qty_counted"], ln["discrepancy"]), (ln["qty_requested"], "none"),
           f"count of {ln['sku']}")
    t.expect_error(t.post(f"/shipments/{fh}/book", {"carrier": "顺丰物流",
                                                    "station": "城东托运站"},
                          user="warehouse"), 422, "validation_failed", rule="waybill_required")
    t.expect_error(t.post(f"/shipments/{fh}/book", {"carrier": "顺丰物流", "station": "城东托运站",
                                                    "waybill": ""}, user="warehouse"),
                   422, "validation_failed", rule="waybill_required")
    t.expect_error(t.post(f"/shipments/{fh}/book", {"station": "城东托运站", "waybill": "W1"},
                          user="warehouse"), 422, "validation_failed", rule="required",
                   field="carrier")
    t.expect_error(t.post(f"/shipments/{fh}/book", {"carrier": "顺丰物流", "station": "城东托运站",
                                                    "waybill": "W" * 41}, user="warehouse"),
                   422, "validation_failed", rule="too_long")
    s = act(t, fh, "book", {"carrier": "顺丰物流", "station": "城西托运站", "waybill": wb})
    eq((s["state"], s["carrier"], s["station"], s["waybill"]),
       ("booked", "顺丰物流", "城西托运站", wb), "booked")
    # another station than the customer's is accepted and told to the CSR
    rows = t.sql("SELECT recipient FROM notifications WHERE event = 'shipment_station_changed'"
                 " AND document = ?", (fh,))
    eq(rows, [("csr_a",)], "CSR told about the other station")


def test_dispatch_moves_stock(t):
    order, fh, x = fefo_shipment(t, "booked")
    x0 = figures(t, "M-MOM-800", x)
    b0 = figures(t, "M-MOM-800", "B2026B")
    k0 = figures(t, "M-KID-800", "B2026A")
    moves0 = t.sql("SELECT count(*) FROM stock_moves WHERE document = ? AND kind = 'ship'", (fh,))
    eq(moves0[0][0], 0, "no ship moves before dispatch")
    s = act(t, fh, "dispatch")
    eq(s["state"], "dispatched", "dispatched")
    check(s["dispatched_at"] and s["expected_delivery_by"] and s["feedback_to_csr_at"],
          "dispatch times")
    eq(figures(t, "M-MOM-800", x), (x0[0] - 24, x0[1] - 24, 0), "x shipped")
    eq(figures(t, "M-MOM-800", "B2026B"), (b0[0] - 24, b0[1] - 24, b0[2]), "B2026B shipped")
    eq(figures(t, "M-KID-800", "B2026A"), (k0[0] - 24, k0[1] - 24, k0[2]), "kid shipped")
    eq([ln["qty_shipped"] for ln in s["lines"]], [48, 24], "qty_shipped")
    eq([ln["reserved"] for ln in s["lines"]], [[], []], "nothing held after dispatch")
    eq(s["backorders"], [], "shipped in full: no backorder")
    moves = t.sql("SELECT kind, batch, qty FROM stock_moves WHERE document = ? AND kind = 'ship'"
                  " ORDER BY id", (fh,))
    eq(sorted(moves), sorted([("ship", x, 24), ("ship", "B2026B", 24),
                              ("ship", "B2026A", 24)]), "ship moves")
    who = {r[0] for r in t.sql("SELECT recipient FROM notifications WHERE document = ? AND"
                               " event = 'shipment_dispatched'", (fh,))}
    eq(who, {"csr_a", "um_GZ", "customer:GZ01"}, "dispatch notices")
    # fully shipped: the order closes (extension)
    o = t.ok(t.get(f"/orders/{order}", user="csr_a"))
    eq(o["state"], "closed", "order closed when everything shipped")
    reservations_match_lots(t)


def test_track_and_deliver(t):
    _, fh, _ = fefo_shipment(t, "dispatched")
    for user in ("warehouse", "csr_a", "ssg_leader"):
        s = act(t, fh, "track", {"status": "in_transit", "location": f"{user}路过",
                                 "at": "2026-11-23T10:00:00+08:00"}, user=user)
    eq(len(s["tracking"]), 3, "three tracking events")
    eq(s["state"], "dispatched", "tracking does not change the state")
    t.expect_error(t.post(f"/shipments/{fh}/track", {"location": "x"}, user="csr_a"), 422,
                   "validation_failed", rule="required", field="status")
    t.expect_error(t.post(f"/shipments/{fh}/track", {"status": "x" * 41}, user="csr_a"), 422,
                   "validation_failed", rule="too_long")
    t.expect_error(t.post(f"/shipments/{fh}/track", {"status": "x", "at": "yesterday"},
                          user="csr_a"), 422, "validation_failed", field="at")
    act(t, fh, "track", {"status": "exception", "location": "韶关站", "note": "破损两箱"},
        user="warehouse")
    who = {r[0] for r in t.sql("SELECT recipient FROM notifications WHERE document = ? AND"
                               " event = 'shipment_exception'", (fh,))}
    eq(who, {"csr_a", "um_GZ"}, "exception notifies CSR and UM")
    t.expect_error(t.post(f"/shipments/{fh}/deliver", {"at": "2026-11-24T10:00:00+08:00"},
                          user="csr_a"), 422, "validation_failed", rule="required")
    t.expect_error(t.post(f"/shipments/{fh}/deliver", {"signed_by": "李老板",
                                                       "at": "2020-01-01T10:00:00+08:00"},
                          user="csr_a"), 422, "validation_failed", rule="pod_before_dispatch")
    v = t.ok(t.get(f"/shipments/{fh}"))["version"]
    t.expect_error(t.post(f"/shipments/{fh}/deliver", {"signed_by": "李老板"}, user="csr_a",
                          headers={"If-Match": str(v - 1)}), 409, "version_conflict")
    s = act(t, fh, "deliver", {"signed_by": "李老板", "note": "外包装完好"}, user="ssg_leader",
            headers={"If-Match": str(v)})
    eq((s["state"], s["pod"]["signed_by"], s["version"]), ("delivered", "李老板", v + 1), "POD")
    check(s["delivered_at"], "delivered_at")
    who = [r[0] for r in t.sql("SELECT recipient FROM notifications WHERE document = ? AND"
                               " event = 'shipment_delivered'", (fh,))]
    eq(who, ["csr_a"], "feedback to the CSR at delivery")
    for action, user, body in (("track", "csr_a", {"status": "x"}),
                               ("deliver", "warehouse", {"signed_by": "x"}),
                               ("pick", "warehouse", {})):
        d = t.expect_error(t.post(f"/shipments/{fh}/{action}", body, user=user), 409,
                           "invalid_state")
        eq(d.get("state"), "delivered", "details.state")
    steps = [(e["action"], e["from_state"], e["to_state"]) for e in s["timeline"]]
    eq(steps[:5], [("receive", "new", "received"), ("pick", "received", "picked"),
                   ("pick", "picked", "picked"), ("check", "picked", "checked"),
                   ("book", "checked", "booked")], "timeline")
    eq(steps[-1], ("deliver", "dispatched", "delivered"), "timeline ends with the POD")


def test_audit_row_per_action(t):
    _, fh, _ = fefo_shipment(t, "delivered")
    rows = t.ok(t.get(f"/audit?object_type=shipment&object_key={fh}&limit=100",
                      user="auditor"))["items"]
    actions = [r["action"] for r in rows]
    for a in ("receive", "pick", "check", "book", "dispatch", "track", "deliver"):
        check(a in actions, f"audit has {a}: {actions}")
    eq(len(actions), t.sql("SELECT count(*) FROM shipment_events WHERE shipment = ?",
                           (fh,))[0][0], "one audit row per recorded action")


def test_warehouse_sees_no_prices(t):
    def walk(v, path=""):
        if isinstance(v, dict):
            for k, x in v.items():
                check(not k.endswith("_fen"), f"warehouse sees money {path}.{k}")
                walk(x, f"{path}.{k}")
        elif isinstance(v, list):
            for x in v:
                walk(x, path)
    order, fh, _ = fefo_shipment(t)
    walk(t.ok(t.get(f"/shipments/{fh}", user="warehouse")))
    walk(t.ok(t.get("/shipments", user="warehouse")))
    dn = t.ok(t.get(f"/orders/{order}", user="csr_a"))["delivery_note"]
    walk(t.ok(t.get(f"/delivery-notes/{dn}", user="warehouse")))
    priced = t.ok(t.get(f"/delivery-notes/{dn}", user="csr_a"))
    eq(priced["total_fen"], 48 * PRICE["M-MOM-800"] + 24 * PRICE["M-KID-800"], "csr sees total")


# ---- short pick and backorders --------------------------------------------------------------

def test_short_pick_opens_backorder(t):
    order, fh = released_order(t, [("M-ADL-800", 60), ("M-IF3-900", 24)])
    a0 = figures(t, "M-ADL-800", "B2026A")
    eq(line(t.ok(t.get(f"/shipments/{fh}")), "M-ADL-800")["reserved"],
       [{"batch": "B2026A", "qty": 60}], "reserved at release")
    act(t, fh, "receive")
    s = act(t, fh, "pick", {"lines": [{"sku": "M-ADL-800", "qty": 36},
                                      {"sku": "M-IF3-900", "qty": 24}]})
    eq(line(s, "M-ADL-800")["picks"], [{"batch": "B2026A", "qty": 36}], "short pick")
    eq(line(s, "M-ADL-800")["reserved"], [{"batch": "B2026A", "qty": 60}],
       "the unpicked reservation is held until dispatch")
    eq(figures(t, "M-ADL-800", "B2026A"), a0, "no move for a pick from the reserved batch")
    s = act(t, fh, "check")
    eq((line(s, "M-ADL-800")["discrepancy"], line(s, "M-ADL-800")["qty_counted"]),
       ("shortage", 36), "the shortage is recorded")
    eq(line(s, "M-IF3-900")["discrepancy"], "none", "full line")
    act(t, fh, "book", {"carrier": "德邦", "station": "城东托运站", "waybill": t.uniq("DB")})
    s = act(t, fh, "dispatch")
    eq(figures(t, "M-ADL-800", "B2026A"), (a0[0] - 36, a0[1] - 60, a0[2] + 24),
       "36 shipped, 24 unreserved")
    eq(len(s["backorders"]), 1, "one backorder")
    bo = s["backorders"][0]
    eq((bo["sku"], bo["qty_open"], bo["state"]), ("M-ADL-800", 24, "open"), "backorder")
    check("QH" in bo["number"], f"QH number {bo['number']}")
    items = t.ok(t.get(f"/backorders?order={order}", user="csr_a"))["items"]
    eq([(b["number"], b["order"], b["sku"], b["qty_open"], b["state"]) for b in items],
       [(bo["number"], order, "M-ADL-800", 24, "open")], "GET /backorders item")
    who = {r[0] for r in t.sql("SELECT recipient FROM notifications WHERE document = ? AND"
                               " event = 'backorder_opened'", (bo["number"],))}
    eq(who, {"um_GZ", "customer:GZ01"}, "UM and customer notified")
    o = t.ok(t.get(f"/orders/{order}", user="csr_a"))
    eq(o["state"], "released", "an order with an open backorder stays released")
    eq([(ln["sku"], ln["qty_shipped"], ln["qty_backordered"]) for ln in o["lines"]],
       [("M-ADL-800", 36, 24), ("M-IF3-900", 24, 0)], "order lines show shipped and backordered")
    remarks = t.ok(t.get(f"/delivery-notes/{o['delivery_note']}", user="warehouse"))["remarks"]
    check(remarks and "欠货" in remarks and bo["number"] in remarks and "24" in remarks,
          f"remark on the delivery note: {remarks}")
    t.expect_error(t.get(f"/backorders/{bo['number']}", user="kam_SZ"), 404, "not_found")
    eq(t.ok(t.get(f"/backorders?order={order}", user="kam_SZ"))["items"], [], "scope filter")
    t.expect_error(t.get("/backorders?state=scheduled", user="csr_a"), 400, "bad_request")
    reservations_match_lots(t)


def test_backorder_schedule(t):
    order, _, bo, dn = short_shipped(t)
    for user in ("warehouse", "kam_GZ", "finance", "auditor"):
        t.expect_error(t.post(f"/backorders/{bo}/schedule", {}, user=user), 403, "forbidden")
    a0 = figures(t, "M-ADL-800", "B2026A")
    b = t.ok(t.post(f"/backorders/{bo}/schedule", {"comment": "到货补发"}, user="csr_a"))
    eq(b["state"], "open", "a scheduled backorder stays open (api.md §4)")
    fh2 = b["scheduled_shipment"]
    check(fh2 and "FH" in fh2, f"new shipment {fh2}")
    d = t.expect_error(t.post(f"/backorders/{bo}/schedule", {}, user="ssg_leader"), 409,
                       "invalid_state")
    eq(d.get("scheduled_shipment"), fh2, "already scheduled")
    s = t.ok(t.get(f"/shipments/{fh2}", user="warehouse"))
    eq((s["state"], s["backorder"], s["order"], s["delivery_note"]),
       ("new", bo, order, dn), "backorder shipment")
    eq(s["lines"][0]["reserved"], [{"batch": "B2026A", "qty": 24}], "reserved FEFO")
    eq(figures(t, "M-ADL-800", "B2026A"), (a0[0], a0[1] + 24, a0[2] - 24), "reserved +24")
    o = t.ok(t.get(f"/orders/{order}", user="csr_a"))
    eq(len(o["shipments"]), 2, "the order now has two shipments")
    to_booked(t, fh2, t.uniq("DB"))
    s = act(t, fh2, "dispatch")
    eq(s["backorders"], [], "filling a backorder opens none")
    b = t.ok(t.get(f"/backorders/{bo}", user="csr_a"))
    eq((b["state"], b["qty_open"], b["qty_fulfilled"]), ("fulfilled", 0, 24), "fulfilled")
    eq(figures(t, "M-ADL-800", "B2026A"), (a0[0] - 24, a0[1], a0[2] - 24), "shipped 24")
    eq(t.ok(t.get(f"/orders/{order}", user="csr_a"))["state"], "closed",
       "the order closes once its backorder is fulfilled")
    d = t.expect_error(t.post(f"/backorders/{bo}/cancel", {}, user="ssg_leader"), 409,
                       "invalid_state")
    eq(d.get("state"), "fulfilled", "details.state")
    reservations_match_lots(t)


def test_backorder_cancel_releases_quota_and_exposure(t):
    order, fh = released_order(t, [("M-IF1-900", 48)])
    q0 = t.ok(t.get("/quotas?sku=M-IF1-900&customer=GZ01"))["items"][0]
    to_booked(t, fh, "SF3001", {"lines": [{"sku": "M-IF1-900", "qty": 36}]})
    s = act(t, fh, "dispatch")
    bo = s["backorders"][0]["number"]
    eq(s["backorders"][0]["qty_open"], 12, "12 short")
    open0 = t.ok(t.get("/customers/GZ01", user="finance"))["credit"]["open_orders_fen"]
    exp0 = t.sql("SELECT open_fen FROM order_exposure WHERE order_no = ?", (order,))[0][0]
    for user in ("csr_a", "warehouse", "kam_GZ", "um_GZ"):
        t.expect_error(t.post(f"/backorders/{bo}/cancel", {}, user=user), 403, "forbidden")
    t.expect_error(t.post(f"/backorders/{bo}/cancel", {"why": "x"}, user="ssg_leader"), 400,
                   "bad_request")
    b = t.ok(t.post(f"/backorders/{bo}/cancel", {"reason": "客户不再需要"}, user="ssg_leader"))
    eq((b["state"], b["qty_open"], b["qty_cancelled"], b["cancel_reason"]),
       ("cancelled", 0, 12, "客户不再需要"), "cancelled")
    q1 = t.ok(t.get("/quotas?sku=M-IF1-900&customer=GZ01"))["items"][0]
    eq(q1["used"], q0["used"] - 12, "quota use reduced by the cancelled quantity")
    exp1 = t.sql("SELECT open_fen FROM order_exposure WHERE order_no = ?", (order,))[0][0]
    eq(exp1, max(0, exp0 - 12 * PRICE["M-IF1-900"]), "order exposure reduced by qty x price")
    open1 = t.ok(t.get("/customers/GZ01", user="finance"))["credit"]["open_orders_fen"]
    eq(open1, open0 - (exp0 - exp1), "customer's open orders follow")
    eq(t.ok(t.get(f"/orders/{order}", user="csr_a"))["state"], "closed",
       "shipped or cancelled: the order closes")
    who = {r[0] for r in t.sql("SELECT recipient FROM notifications WHERE document = ? AND"
                               " event = 'backorder_cancelled'", (bo,))}
    eq(who, {"um_GZ", "csr_a", "customer:GZ01"}, "cancel notices")
    d = t.expect_error(t.post(f"/backorders/{bo}/schedule", {}, user="csr_a"), 409,
                       "invalid_state")
    eq(d.get("state"), "cancelled", "details.state")
    rows = t.ok(t.get(f"/audit?object_type=backorder&object_key={bo}", user="auditor"))["items"]
    eq(sorted(r["action"] for r in rows), ["cancel", "open"], "backorder audit")


def test_cancel_scheduled_backorder_cancels_its_shipment(t):
    order, fh = released_order(t, [("M-RICE-225", 48)])
    to_booked(t, fh, "SF4001", {"lines": [{"sku": "M-RICE-225", "qty": 24}]})
    bo = act(t, fh, "dispatch")["backorders"][0]["number"]
    a0 = figures(t, "M-RICE-225", "B2026A")
    fh2 = t.ok(t.post(f"/backorders/{bo}/schedule", {}, user="ssg_leader"))["scheduled_shipment"]
    eq(figures(t, "M-RICE-225", "B2026A"), (a0[0], a0[1] + 24, a0[2] - 24), "reserved")
    b = t.ok(t.post(f"/backorders/{bo}/cancel", {}, user="ssg_leader"))
    eq((b["state"], b["scheduled_shipment"]), ("cancelled", None), "cancelled")
    eq(t.ok(t.get(f"/shipments/{fh2}"))["state"], "cancelled", "its shipment is cancelled")
    eq(figures(t, "M-RICE-225", "B2026A"), a0, "its reservation went back")
    eq(t.ok(t.get(f"/orders/{order}", user="csr_a"))["state"], "closed", "order closed")
    reservations_match_lots(t)


def test_short_closed_backorder_shipment_reopens_the_backorder(t):
    order, fh = released_order(t, [("M-IF1-400", 48)])
    to_booked(t, fh, "SF6001", {"lines": [{"sku": "M-IF1-400", "qty": 24}]})
    bo = act(t, fh, "dispatch")["backorders"][0]["number"]
    fh2 = t.ok(t.post(f"/backorders/{bo}/schedule", {}, user="csr_a"))["scheduled_shipment"]
    a0 = figures(t, "M-IF1-400", "B2026A")
    act(t, fh2, "receive")
    act(t, fh2, "pick", {"lines": []})
    s = act(t, fh2, "short-close")
    eq((s["state"], s["backorders"]), ("cancelled", []), "no second backorder")
    eq(figures(t, "M-IF1-400", "B2026A"), (a0[0], a0[1] - 24, a0[2] + 24), "reservation back")
    b = t.ok(t.get(f"/backorders/{bo}", user="csr_a"))
    eq((b["state"], b["qty_open"], b["scheduled_shipment"]), ("open", 24, None),
       "the backorder is open again")
    eq([x["number"] for x in b["shipments"]], [fh2], "its shipments")
    fh3 = t.ok(t.post(f"/backorders/{bo}/schedule", {}, user="csr_a"))["scheduled_shipment"]
    check(fh3 not in (fh, fh2), "a new shipment")
    eq(t.ok(t.get(f"/orders/{order}", user="csr_a"))["state"], "released", "still released")
    reservations_match_lots(t)


def test_short_close(t):
    order, fh = released_order(t, [("M-BAG-400", 60)])
    a0 = figures(t, "M-BAG-400", "B2026A")
    act(t, fh, "receive")
    s = act(t, fh, "pick", {"lines": []})
    eq(line(s, "M-BAG-400")["picks"], [], "nothing picked")
    s = act(t, fh, "check")
    eq(line(s, "M-BAG-400")["discrepancy"], "shortage", "all short")
    act(t, fh, "book", {"carrier": "德邦", "station": "城东托运站", "waybill": "DB5001"})
    t.expect_error(t.post(f"/shipments/{fh}/dispatch", {}, user="warehouse"), 422,
                   "validation_failed", rule="nothing_to_dispatch")
    d = t.expect_error(t.post(f"/shipments/{fh}/short-close", {}, user="warehouse"), 409,
                       "invalid_state")
    eq(d.get("state"), "booked", "short-close only from picked or checked")
    # start again on a fresh order to close it short from checked
    order, fh = released_order(t, [("M-BAG-400", 30)])
    act(t, fh, "receive")
    act(t, fh, "pick", {"lines": [{"sku": "M-BAG-400", "qty": 0}]})
    act(t, fh, "check")
    a1 = figures(t, "M-BAG-400", "B2026A")
    s = act(t, fh, "short-close", {"comment": "无货"})
    eq(s["state"], "cancelled", "closed short")
    eq([(b["sku"], b["qty_open"]) for b in s["backorders"]], [("M-BAG-400", 30)],
       "everything becomes a backorder")
    eq(figures(t, "M-BAG-400", "B2026A"), (a1[0], a1[1] - 30, a1[2] + 30), "reservation back")
    check(a0[0] == a1[0], "no stock left the warehouse")


def test_duplicate_waybill(t):
    wb = t.uniq("SF")
    _, first = released_order(t, [("M-KID-800", 12)])
    eq(to_booked(t, first, wb)["carrier"], "顺丰物流", "the first shipment with the waybill")
    order, fh = released_order(t, [("M-KID-800", 12)])
    act(t, fh, "receive")
    act(t, fh, "pick")
    act(t, fh, "check")
    t.expect_error(t.post(f"/shipments/{fh}/book", {"carrier": "顺丰物流", "station": "城东托运站",
                                                    "waybill": wb}, user="warehouse"),
                   409, "duplicate")
    s = act(t, fh, "book", {"carrier": "德邦", "station": "城东托运站", "waybill": wb})
    eq(s["state"], "booked", "the same waybill number with another carrier is fine")


def test_recount_trims_picks(t):
    order, fh = released_order(t, [("M-KID-800", 36)])
    receive(t, "M-KID-800", "K2026E", 12, "2027-01-15")  # after release: not reserved
    act(t, fh, "receive")
    s = act(t, fh, "pick", {"lines": [{"sku": "M-KID-800", "batch": "K2026E", "qty": 12},
                                      {"sku": "M-KID-800", "qty": 24}]})
    eq(line(s, "M-KID-800")["picks"], [{"batch": "K2026E", "qty": 12},
                                       {"batch": "B2026A", "qty": 24}], "picks")
    s = act(t, fh, "check", {"lines": [{"sku": "M-KID-800", "qty_counted": 30,
                                        "discrepancy": "pick_error", "note": "少拣半箱"}]})
    ln = line(s, "M-KID-800")
    eq((ln["qty_counted"], ln["discrepancy"], ln["note"]), (30, "pick_error", "少拣半箱"),
       "count")
    eq(ln["picks"], [{"batch": "K2026E", "qty": 12}, {"batch": "B2026A", "qty": 18}],
       "trimmed from the latest-expiring batch")
    # a re-pick from checked corrects the pick error and voids the count
    s = act(t, fh, "pick")
    ln = line(s, "M-KID-800")
    eq((ln["qty_picked"], ln["qty_counted"], ln["discrepancy"]), (36, None, None), "re-picked")
    reservations_match_lots(t)


# ---- stock invariants and osb check --------------------------------------------------------

@lib.sqlite_only('checks an `osb backup` copy (SQLite only)')
def test_osb_check_catches_hand_edited_lot(t):
    reservations_match_lots(t)
    copy = os.path.join(t.workdir, "check-copy.db")
    rc, out, err = t.osb("backup", "--db", t.server.db, "--to", copy)
    eq(rc, 0, f"backup: {err}")
    rc, out, err = t.osb("check", "--db", copy)
    eq(rc, 0, f"osb check after the SP flows: {out} {err}")
    con = sqlite3.connect(copy)
    con.execute("UPDATE stock_lots SET on_hand = on_hand + 5 WHERE warehouse = ? AND sku = ?"
                " AND batch = ?", (WH, "M-MOM-800", "B2026B"))
    con.commit()
    con.close()
    rc, out, err = t.osb("check", "--db", copy)
    eq(rc, 1, "osb check fails on the edited lot")
    check(f"{WH}/M-MOM-800/B2026B" in out and "on_hand" in out, f"names the lot: {out}")


# ---- the delivery note PDF -----------------------------------------------------------------

def pdf_text(t, data, name):
    path = os.path.join(t.workdir, name + ".pdf")
    with open(path, "wb") as f:
        f.write(data)
    txt = subprocess.run(["pdftotext", "-layout", path, "-"], capture_output=True, timeout=60)
    eq(txt.returncode, 0, f"pdftotext: {txt.stderr[:300]}")
    return path, txt.stdout.decode("utf-8", errors="replace")


def dark_pixels(t, path):
    """Renders page 1 at 50 dpi in grey (PGM) and counts the pixels darker than white."""
    base = path[:-4]
    p = subprocess.run(["pdftoppm", "-gray", "-r", "50", "-f", "1", "-l", "1", path, base],
                       capture_output=True, timeout=60)
    eq(p.returncode, 0, f"pdftoppm: {p.stderr[:300]}")
    pgm = [f for f in os.listdir(t.workdir) if f.startswith(os.path.basename(base))
           and f.endswith(".pgm")]
    check(pgm, "pdftoppm wrote a page")
    with open(os.path.join(t.workdir, sorted(pgm)[0]), "rb") as f:
        data = f.read()
    # P5 header: magic, width, height, maxval, each separated by whitespace
    fields, pos = [], 0
    while len(fields) < 4:
        while data[pos:pos + 1].isspace():
            pos += 1
        start = pos
        while not data[pos:pos + 1].isspace():
            pos += 1
        fields.append(data[start:pos])
    pos += 1
    eq(fields[0], b"P5", "PGM magic")
    w, h = int(fields[1]), int(fields[2])
    pixels = data[pos:pos + w * h]
    eq(len(pixels), w * h, "PGM size")
    check(w < h, f"portrait page {w}x{h}")
    return sum(1 for b in pixels if b < 200), w * h


def test_delivery_note_pdf(t):
    _, _, bo, dn = short_shipped(t)
    r = t.get(f"/delivery-notes/{dn}.pdf", user="csr_a")
    eq(r.status, 200, f"pdf status {r.body if r.status != 200 else ''}")
    eq(r.headers.get("content-type"), "application/pdf", "content type")
    check(r.raw.startswith(b"%PDF-"), "a PDF")
    path, text = pdf_text(t, r.raw, "dn-csr")
    for want in (CUSTOMER_NAME, dn, "送", "货", "单", "广州收货部", "城东托运站",
                 "人民路88号（城东托运站转人民路88号）", "M-ADL-800", "散听", "欠货",
                 bo, "收货人签字", "¥", "单价", "金额"):
        check(want in text, f"PDF text has {want!r}:\n{text[:1500]}")
    # 60 of M-ADL-800 at ¥138.00 = ¥8,280.00; 24 of M-IF3-900 at ¥238.00 = ¥5,712.00
    for money in ("¥8,280.00", "¥5,712.00", "¥13,992.00"):
        check(money in text, f"amount {money} in the PDF:\n{text[:1500]}")
    dark, total = dark_pixels(t, path)
    check(dark > total // 200, f"the page is not blank ({dark} of {total} pixels dark)")
    # the warehouse gets the same layout without prices
    r = t.get(f"/delivery-notes/{dn}.pdf", user="warehouse")
    eq(r.status, 200, "warehouse pdf")
    _, wtext = pdf_text(t, r.raw, "dn-warehouse")
    check(CUSTOMER_NAME in wtext, "warehouse PDF names the customer")
    for banned in ("¥", "单价", "金额"):
        check(banned not in wtext, f"warehouse PDF shows {banned!r}")
    # scope: outside the customer's scope the note does not exist
    t.expect_error(t.get(f"/delivery-notes/{dn}.pdf", user="kam_SZ"), 404, "not_found")
    t.expect_error(t.get("/delivery-notes/SC20990101FHTZ9999.pdf", user="csr_a"), 404,
                   "not_found")
    eq(t.get(f"/delivery-notes/{dn}.pdf", user="kam_GZ").status, 200, "the KAM reads it")
    # keep a PNG of the page for a person to look at (OSB_KEEP_PNG=dir)
    keep = os.environ.get("OSB_KEEP_PNG")
    if keep:
        os.makedirs(keep, exist_ok=True)
        subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", path,
                        os.path.join(keep, "delivery-note")], check=False, timeout=60)


def test_delivery_note_many_lines_paginates(t):
    skus = ["M-IF2-900", "M-IF1-400", "M-MOM-800", "M-KID-800", "M-ADL-800", "M-IF3-900",
            "M-RICE-225", "M-BAG-400"]
    order, fh = released_order(t, [(s, 24 if s != "M-BAG-400" else 30) for s in skus])
    dn = t.ok(t.get(f"/orders/{order}", user="csr_a"))["delivery_note"]
    r = t.get(f"/delivery-notes/{dn}.pdf", user="finance")
    eq(r.status, 200, "pdf")
    _, text = pdf_text(t, r.raw, "dn-many")
    for s in skus:
        check(s in text, f"{s} on the note")
    check("第1页/共" in text.replace(" ", ""), f"page footer: {text[-300:]}")

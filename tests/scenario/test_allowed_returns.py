"""allowed_actions (api.md §5.1) of a return (TH, flows.md §6), a prepayment refund (TK) and a
bad-debt write-off (HX) (flows.md §4.7) through their lives: at each state, for the roles that
act and for one that only reads (the auditor), the sorted actions this caller may take now; an
action not listed answers 403 or 409 when tried. Every test makes its own data and sets the
clock itself.

Market S (regions GZ, SZ): MM `mm_S`, supervising SLT member `deputy`, whose secretary is
`ssg_leader` (also the market's BCR); `director` supervises other markets, `csr_b` is the
director's secretary."""

from billing_lib import customer, dispatch, invoices_of, pay, product, released, set_clock
import lib
from lib import check, eq


def allowed(t, path, user):
    return t.ok(t.get(path, user=user), 200, f"GET {path} as {user}")["allowed_actions"]


def expect_allowed(t, path, want):
    """want: {user: [actions]}; also tries every action not listed: 403 or 409, never done."""
    for user, actions in want.items():
        got = allowed(t, path, user)
        eq(got, actions, f"{path} allowed_actions for {user}")
        check(got == sorted(got), "sorted")


def expect_refused(t, path, all_actions, users):
    """Each action the user's allowed_actions leaves out answers 403 or 409 (and changes
    nothing)."""
    before = t.ok(t.get(path, user="auditor"))
    for user in users:
        got = allowed(t, path, user)
        for a in all_actions:
            if a in got:
                continue
            st, body = t.post(f"{path}/{a}", {}, user=user)
            check(st in (403, 409), f"{path}/{a} by {user} (not listed {got}): {st} {body}")
    after = t.ok(t.get(path, user="auditor"))
    eq((after["state"], after["version"]), (before["state"], before["version"]),
       "refused actions change nothing")


RETURN_ACTIONS = ["approve", "cancel", "confirm", "inspect", "receive"]
RETURN_USERS = ["kam_GZ", "um_GZ", "service", "mm_S", "deputy", "director", "warehouse",
                "csr_a", "auditor"]


def shipped_order(t, qty=10):
    set_clock(t, "2026-12-01")
    sku = product(t, price=1000, batch="ARB1")
    cust = customer(t)
    n, ship = released(t, cust, [(sku, qty)])
    dispatch(t, ship)
    return sku, cust, n


def test_return_allowed_actions_through_its_life(t):
    sku, cust, order = shipped_order(t)
    r = t.ok(t.post("/returns", {"order": order, "lines": [
        {"sku": sku, "batch": "ARB1", "qty": 2, "reason": "破损"}]}, user="kam_GZ"), 201)
    n, path = r["number"], f"/returns/{r['number']}"
    eq(r["allowed_actions"], ["cancel"], "the creator may cancel its request")
    expect_allowed(t, path, {"um_GZ": ["cancel", "confirm"], "service": [], "mm_S": [],
                             "warehouse": [], "csr_a": [], "auditor": []})
    expect_refused(t, path, RETURN_ACTIONS, RETURN_USERS)
    r = t.ok(t.post(f"{path}/confirm", {}, user="um_GZ"))
    eq((r["state"], r["allowed_actions"]), ("confirmed", ["cancel"]), "the UM may still cancel")
    expect_allowed(t, path, {"service": ["inspect"], "kam_GZ": ["cancel"], "mm_S": [],
                             "auditor": []})
    expect_refused(t, path, RETURN_ACTIONS, RETURN_USERS)
    r = t.ok(t.post(f"{path}/inspect", {"genuine": True}, user="service"))
    eq((r["state"], r["allowed_actions"]), ("inspected", []), "inspected")
    expect_allowed(t, path, {"mm_S": ["approve"], "deputy": ["approve"], "director": [],
                             "kam_GZ": ["cancel"], "um_GZ": ["cancel"], "warehouse": [],
                             "auditor": []})
    expect_refused(t, path, RETURN_ACTIONS, RETURN_USERS)
    r = t.ok(t.post(f"{path}/approve", {}, user="mm_S"))
    eq((r["state"], r["allowed_actions"]), ("approved", []), "approved")
    expect_allowed(t, path, {"warehouse": ["receive"], "kam_GZ": [], "um_GZ": [],
                             "auditor": []})
    expect_refused(t, path, RETURN_ACTIONS, RETURN_USERS)
    w = t.ok(t.get(path, user="warehouse"))
    check("total_fen" not in w, "the warehouse still reads no prices")
    r = t.ok(t.post(f"{path}/receive", {}, user="warehouse"))
    eq((r["state"], r["allowed_actions"]), ("received", []), "received: nothing more")
    expect_allowed(t, path, {u: [] for u in RETURN_USERS})
    expect_refused(t, path, RETURN_ACTIONS, ["kam_GZ", "um_GZ", "warehouse", "auditor"])
    # A second one refused at inspection ends with nothing to do either.
    r2 = t.ok(t.post("/returns", {"order": order, "lines": [
        {"sku": sku, "batch": "ARB1", "qty": 1, "reason": "疑似假货"}]}, user="kam_GZ"), 201)
    t.ok(t.post(f"/returns/{r2['number']}/confirm", {}, user="um_GZ"))
    r2 = t.ok(t.post(f"/returns/{r2['number']}/inspect", {"genuine": False}, user="service"))
    eq((r2["state"], r2["allowed_actions"]), ("refused", []), "refused")
    expect_allowed(t, f"/returns/{r2['number']}", {"kam_GZ": [], "um_GZ": [], "mm_S": []})
    # Lists: several states at once, every item with allowed_actions.
    items = t.ok(t.get(f"/returns?order={order}&state=received,refused", user="um_GZ"))["items"]
    eq(sorted(x["number"] for x in items), sorted([n, r2["number"]]), "state=a,b")
    check(all(x["allowed_actions"] == [] for x in items), "list items carry allowed_actions")
    eq(t.ok(t.get(f"/returns?order={order}&state=requested", user="um_GZ"))["items"], [],
       "one state")
    t.expect_error(t.get("/returns?state=received,nope", user="um_GZ"), 400, "bad_request")


REFUND_ACTIONS = ["approve", "pay", "reject"]
REFUND_USERS = ["kam_GZ", "deputy", "ssg_leader", "director", "csr_b", "finance", "auditor"]


def test_refund_allowed_actions_through_its_life(t):
    set_clock(t, "2026-12-01")
    # proxy signing needs the principal away (api.md §5.3)
    lib.away(t, "deputy")
    t.defer(lambda: lib.away(t, "deputy", False))
    cust = customer(t)
    pay(t, cust, 10000)
    r = t.ok(t.post("/refunds", {"customer": cust, "amount_fen": 3000, "reason": "多付"},
                    user="kam_GZ"), 201)
    path = f"/refunds/{r['number']}"
    eq(r["allowed_actions"], [], "the requesting KAM has nothing more to do")
    # The supervising SLT member, and their secretary by proxy; not another director, not
    # that director's secretary, not finance yet.
    expect_allowed(t, path, {"deputy": ["approve", "reject"], "ssg_leader": ["approve", "reject"],
                             "director": [], "csr_b": [], "finance": [], "auditor": []})
    expect_refused(t, path, REFUND_ACTIONS, REFUND_USERS)
    sec = t.ok(t.get(path, user="ssg_leader"))
    eq(sec.get("proxy_actions"), ["approve", "reject"], "the secretary signs both by proxy")
    check("proxy_actions" not in t.ok(t.get(path, user="deputy")), "the member signs in person")
    t.expect_error(t.post(f"{path}/pay", {}, user="finance"), 409, "invalid_state")
    r = t.ok(t.post(f"{path}/approve", {"on_behalf_of": "deputy", "confirmed_by_phone": True},
                    user="ssg_leader"))
    eq((r["state"], r["allowed_actions"]), ("approved", []), "approved by proxy")
    expect_allowed(t, path, {"finance": ["pay", "reject"], "deputy": [], "ssg_leader": [],
                             "kam_GZ": [], "auditor": []})
    expect_refused(t, path, REFUND_ACTIONS, REFUND_USERS)
    r = t.ok(t.post(f"{path}/pay", {}, user="finance"))
    eq((r["state"], r["allowed_actions"]), ("paid", []), "paid")
    expect_allowed(t, path, {u: [] for u in REFUND_USERS})
    expect_refused(t, path, REFUND_ACTIONS, ["deputy", "finance", "auditor"])
    # Requested by the BCR, who is also the deputy's secretary: never their own approval.
    r = t.ok(t.post("/refunds", {"customer": cust, "amount_fen": 1000, "reason": "多付"},
                    user="ssg_leader"), 201)
    eq(r["allowed_actions"], ["reject"], "the secretary may refuse but not approve their own")
    p2 = f"/refunds/{r['number']}"
    expect_allowed(t, p2, {"deputy": ["approve", "reject"]})
    t.expect_error(t.post(f"{p2}/approve", {"on_behalf_of": "deputy", "confirmed_by_phone": True},
                          user="ssg_leader"), 403, "forbidden", rule="self_approval")
    r = t.ok(t.post(f"{p2}/reject", {}, user="deputy"))
    eq((r["state"], r["allowed_actions"]), ("rejected", []), "rejected")
    items = t.ok(t.get(f"/refunds?customer={cust}&state=paid,rejected", user="finance"))["items"]
    eq(len(items), 2, "state=a,b")
    check(all("allowed_actions" in x for x in items), "list items carry allowed_actions")
    t.expect_error(t.get("/refunds?state=paid,nope", user="finance"), 400, "bad_request")
    t.expect_error(t.get(path, user="warehouse"), 403, "forbidden")


WO_ACTIONS = ["approve", "reject"]
WO_USERS = ["finance", "gm", "kam_GZ", "deputy", "auditor"]


def test_write_off_allowed_actions_through_its_life(t):
    _, cust, order = shipped_order(t, qty=20)
    inv = invoices_of(t, cust, order=order)[0]
    w = t.ok(t.post("/write-offs", {"invoice": inv["number"], "amount_fen": 5000,
                                    "reason": "客户破产"}, user="finance"), 201)
    path = f"/write-offs/{w['number']}"
    eq(w["allowed_actions"], [], "finance requested it")
    expect_allowed(t, path, {"gm": ["approve", "reject"], "kam_GZ": [], "deputy": [],
                             "auditor": []})
    expect_refused(t, path, WO_ACTIONS, WO_USERS)
    w = t.ok(t.post(f"{path}/approve", {}, user="gm"))
    eq((w["state"], w["allowed_actions"]), ("approved", []), "approved")
    expect_allowed(t, path, {u: [] for u in WO_USERS})
    expect_refused(t, path, WO_ACTIONS, WO_USERS)
    t.expect_error(t.post(f"{path}/reject", {}, user="gm"), 409, "invalid_state")
    w2 = t.ok(t.post("/write-offs", {"invoice": inv["number"], "amount_fen": 1000,
                                     "reason": "坏账"}, user="finance"), 201)
    w2 = t.ok(t.post(f"/write-offs/{w2['number']}/reject", {}, user="gm"))
    eq((w2["state"], w2["allowed_actions"]), ("rejected", []), "rejected")
    items = t.ok(t.get(f"/write-offs?invoice={inv['number']}&state=approved,rejected",
                       user="finance"))["items"]
    eq(sorted(x["number"] for x in items), sorted([w["number"], w2["number"]]), "state=a,b")
    check(all(x["allowed_actions"] == [] for x in items), "list items carry allowed_actions")
    t.expect_error(t.get("/write-offs?state=approved,nope", user="finance"), 400,
                   "bad_request")

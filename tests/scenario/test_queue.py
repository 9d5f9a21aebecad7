"""The work queue, GET /me/queue (api.md §5.1; issue #17 item 2): every document whose
allowed_actions for the caller hold an action it waits for — not a cancel, a recheck or a
reject by a non-approver (DOC_ASIDE) — oldest first, with the deadline and OSB rule of the step
it waits for. Also `waiting_for` on a document: the roles it waits on now.

The week of 23 November 2026 (Monday) has no holiday in the demo calendar. Market S (华南) is
supervised by `deputy`, whose secretary is `ssg_leader`; its MM is `mm_S`."""

import lib
from lib import UNLIMITED, at, check, eq, set_clock

MON, TUE = "2026-11-23", "2026-11-24"
ITEM_KEYS = ["allowed_actions", "customer", "deadline", "number", "rule", "state", "type",
             "waiting_since"]


def queue(t, user):
    body = t.ok(t.get("/me/queue", user=user), 200, f"queue of {user}")
    eq(sorted(body.keys()), ["items"], "queue keys")
    return body["items"]


def item(t, user, number):
    """The queue item of number in user's queue (fails when it is not there)."""
    found = [i for i in queue(t, user) if i["number"] == number]
    eq(len(found), 1, f"{number} in the queue of {user}")
    eq(sorted(found[0].keys()), ITEM_KEYS, "queue item keys")
    return found[0]


def absent(t, users, number):
    for u in users:
        check(number not in [i["number"] for i in queue(t, u)],
              f"{number} must not wait on {u}")


def cust(t):
    if "cust" not in t.case:
        t.case["cust"] = lib.customer(t, UNLIMITED)
    return t.case["cust"]


def test_submitted_order_waits_on_the_csr(t):
    set_clock(t, MON, "10:00")
    n = lib.submitted(t, cust(t))
    it = item(t, "csr_a", n)
    eq(it["type"], "orders", "type")
    eq(it["state"], "submitted", "state")
    eq(it["customer"], cust(t), "customer")
    eq(it["waiting_since"], at(MON, "10:00"), "waiting_since")
    eq(it["rule"], "oa_30min", "rule")
    eq(it["deadline"], at(MON, "10:30"), "deadline: 30 working minutes")
    check("accept" in it["allowed_actions"], f"accept allowed: {it['allowed_actions']}")
    eq(it["allowed_actions"], t.ok(t.get(f"/orders/{n}", user="csr_a"))["allowed_actions"],
       "the queue's allowed_actions are the document's")
    # The KAM may still cancel it, but it does not wait on the KAM; nor on anyone else.
    absent(t, ["kam_GZ", "mm_S", "deputy", "gm", "director", "finance", "warehouse",
               "service", "marketing", "auditor", "admin"], n)
    # Accepted: it waits on the CSR for the check, until the end of the working day.
    lib.order_act(t, n, "accept", "csr_a")
    it = item(t, "csr_a", n)
    eq(it["state"], "accepted", "state after accept")
    eq(it["rule"], "check_same_day", "rule after accept")
    eq(it["deadline"], at(TUE, "00:00"), "deadline: the same working day")


def test_pending_approval_waits_on_the_supervising_slt_member(t):
    set_clock(t, MON, "11:00")
    o = lib.checked(t, cust(t), [("M-IF1-900", 12)])
    n = o["number"]
    eq(o["state"], "pending_approval", "order passes CC")
    it = item(t, "deputy", n)
    eq(it["state"], "pending_approval", "state")
    eq(it["rule"], "ma_same_day", "rule")
    eq(it["deadline"], at(TUE, "00:00"), "deadline")
    check("approve" in it["allowed_actions"], f"approve allowed: {it['allowed_actions']}")
    # The other SLT members could reject it, the CSR re-check it, the secretary sign for the
    # deputy: none of that makes it wait on them.
    absent(t, ["director", "gm", "csr_a", "csr_b", "ssg_leader", "kam_GZ", "mm_S", "finance",
               "warehouse"], n)
    lib.order_act(t, n, "approve", "deputy")
    absent(t, ["deputy"], n)
    it = item(t, "finance", n)
    eq(it["state"], "approved", "approved waits on finance")
    eq(it["rule"], "bg_print_same_day", "rule")


def test_drafts_wait_on_the_kam_and_verified_on_the_mm(t):
    set_clock(t, MON, "09:30")
    o = t.ok(t.post("/orders", {"customer": cust(t), "lines": [{"sku": "M-IF1-900", "qty": 12}]},
                    user="kam_GZ"), 201, "create order")
    n = o["number"]
    it = item(t, "kam_GZ", n)
    eq(it["state"], "draft", "state")
    eq(it["deadline"], None, "no rule times a draft")
    eq(it["rule"], None, "no rule")
    absent(t, ["mm_S", "csr_a", "rep_GZ"], n)
    lib.order_act(t, n, "verify", "kam_GZ")
    item(t, "mm_S", n)
    absent(t, ["kam_GZ", "mm_N"], n)


def test_oldest_first(t):
    c = cust(t)
    set_clock(t, MON, "14:10")
    later = lib.submitted(t, c)
    set_clock(t, MON, "14:00")
    earlier = lib.submitted(t, c)  # made second, waiting longer
    items = queue(t, "csr_a")
    nums = [i["number"] for i in items]
    check(nums.index(earlier) < nums.index(later), "the order waiting since 14:00 comes first")
    since = [i["waiting_since"] for i in items]
    eq(since, sorted(since), "waiting_since ascending")
    for i in items:
        check(i["allowed_actions"], f"{i['number']}: allowed_actions not empty")


def test_shipment_waits_on_the_warehouse(t):
    set_clock(t, MON, "09:00")
    sku = lib.product(t, price=1000, case=1)
    c = lib.customer(t, UNLIMITED)
    n, ship = lib.released(t, c, [(sku, 5)])
    it = item(t, "warehouse", ship)
    eq(it["type"], "shipments", "type")
    eq(it["state"], "new", "state")
    eq(it["customer"], c, "customer of the shipment's order")
    eq(it["rule"], "sp_24h", "rule")
    check("receive" in it["allowed_actions"], "receive allowed")
    absent(t, ["csr_a", "kam_GZ"], ship)
    absent(t, ["csr_a", "finance", "deputy"], n)


def test_waiting_for_names_the_roles(t):
    set_clock(t, MON, "10:00")
    n = lib.submitted(t, cust(t))
    eq(t.ok(t.get(f"/orders/{n}"))["waiting_for"], ["ssg_leader", "csr"], "submitted")
    lib.order_act(t, n, "accept", "csr_a")
    o = lib.order_act(t, n, "check", "csr_a")
    eq(o["state"], "pending_approval", "state")
    eq(o["waiting_for"], ["sales_director", "deputy_director"], "pending approval")
    o = lib.order_act(t, n, "cancel", "ssg_leader")
    eq(o["waiting_for"], [], "a cancelled order waits on nobody")


def test_queue_needs_a_login_and_takes_only_list_parameters(t):
    t.expect_error(t.get("/me/queue", user=None), 401, "unauthenticated")
    t.expect_error(t.get("/me/queue?nope=1", user="csr_a"), 400, "bad_request")
    # every list takes q= and state=a,b (api.md §5.1)
    got = t.ok(t.get("/me/queue?state=draft,submitted&q=", user="csr_a"), 200, "state=")["items"]
    for x in got:
        check(x["state"] in ("draft", "submitted"), f"state filter: {x}")

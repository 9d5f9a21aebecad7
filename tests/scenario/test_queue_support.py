"""Issue #17 item 2, the rest of the work queue: support requests (ZC) wait on marketing's
review and then on customer service's forward; GET /me/queue pages with limit and cursor; a
notification names the collection of its document (type) so the UI links it, and POST
/notifications/read-all marks every one of the caller's notifications read."""

import lib
from lib import check, eq, set_clock


def queue(t, user, **q):
    qs = "&".join(f"{k}={v}" for k, v in q.items())
    return t.ok(t.get("/me/queue" + (f"?{qs}" if qs else ""), user=user), 200, f"queue of {user}")


def numbers(t, user):
    return [i["number"] for i in queue(t, user)["items"]]


def test_support_request_waits_on_marketing_then_customer_service(t):
    set_clock(t, "2027-09-07", "09:00")
    n = t.ok(t.post("/support-requests", {"kind": "training", "details": "新品培训"}, user="um_GZ"),
             201, "training request")["number"]
    found = [i for i in queue(t, "marketing")["items"] if i["number"] == n]
    eq(len(found), 1, "a requested training waits on marketing")
    it = found[0]
    eq((it["type"], it["state"]), ("support-requests", "requested"), "type and state")
    doc = t.ok(t.get(f"/support-requests/{n}", user="marketing"))
    eq(it["allowed_actions"], doc["allowed_actions"], "the document's allowed_actions")
    check(n not in numbers(t, "csr_a"), "not yet on customer service")
    lib.act(t, "support-requests", n, "review", "marketing")
    check(n not in numbers(t, "marketing"), "reviewed: off marketing's queue")
    check(n in numbers(t, "csr_a"), "reviewed: customer service forwards it")
    lib.act(t, "support-requests", n, "forward", "csr_a", {"handler": "培训中心"})
    lib.act(t, "support-requests", n, "schedule", "csr_a",
            {"date": "2027-09-20", "place": "广州"})
    check(n in numbers(t, "csr_a"), "scheduled: waits on customer service to finish")
    lib.act(t, "support-requests", n, "done", "csr_a")
    check(n not in numbers(t, "csr_a"), "done: in nobody's queue")
    d = t.ok(t.post("/support-requests", {"kind": "ad_design", "details": "海报"}, user="um_GZ"),
             201, "design request")["number"]
    check(d in numbers(t, "csr_a"), "a design request goes to customer service at once")
    check(d not in numbers(t, "marketing"), "marketing does not review designs")


def test_queue_pages(t):
    set_clock(t, "2027-09-08", "09:00")
    for _ in range(3):
        t.ok(t.post("/support-requests", {"kind": "ad_design", "details": "海报"}, user="um_GZ"),
             201, "request")
    whole = queue(t, "csr_a")
    eq(list(whole), ["items"], "without limit the whole queue, as api.md §5.1 pins it")
    check(len(whole["items"]) >= 3, "at least the three requests")
    got, cursor, pages = [], None, 0
    while True:
        page = queue(t, "csr_a", limit=2, **({"cursor": cursor} if cursor else {}))
        check(len(page["items"]) <= 2, "at most limit items")
        got += page["items"]
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            break
        check(pages < 1000, "the pages end")
    eq([i["number"] for i in got], [i["number"] for i in whole["items"]],
       "the pages, in order, are the whole queue")
    t.expect_error(t.get("/me/queue?cursor=x", user="csr_a"), 400, "bad_request")
    t.expect_error(t.get("/me/queue?limit=0", user="csr_a"), 400, "bad_request")


def test_notifications_link_and_read_all(t):
    set_clock(t, "2027-09-09", "09:00")
    n = t.ok(t.post("/support-requests", {"kind": "ad_design", "details": "海报"}, user="um_GZ"),
             201, "request")["number"]
    lib.act(t, "support-requests", n, "forward", "csr_a", {"handler": "设计部"})
    mine = [x for x in t.list_all("/notifications", user="um_GZ") if x["document"] == n]
    check(mine, "the UM is told")
    for x in mine:
        eq(x["type"], "support-requests", "a notification names its document's collection")
    check(t.list_all("/notifications?unread=true", user="um_GZ"), "something unread")
    r = t.ok(t.post("/notifications/read-all", {}, user="um_GZ"), 200, "read all")
    check(r["marked"] >= len(mine), f"marked {r['marked']}")
    eq(t.list_all("/notifications?unread=true", user="um_GZ"), [], "nothing unread")
    eq(t.ok(t.post("/notifications/read-all", {}, user="um_GZ"))["marked"], 0, "twice: none")

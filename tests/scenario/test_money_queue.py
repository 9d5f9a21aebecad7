"""Collection requests (SKSQ) and bank pool lines (DK) in GET /me/queue (api.md §5.1; issue
#11): a draft request waits on its creator (submit), a submitted one on the market's BCR and on
finance until each has confirmed, a confirmed one on the BCR and the KAM (send); a sent, paid or
closed one on nobody. A bank line waits on finance — claim or ignore while unmatched, register
once claimed — and on nobody once registered or ignored; KAMs, who may claim a line, do not
get the pool in their queue. Market S: BCR `ssg_leader`."""

import lib
from lib import customer, dispatch, eq, invoices_of, product, released, set_clock
from test_collection import bank_csv, bank_import


def queue(t, user):
    return {i["number"]: i for i in t.ok(t.get("/me/queue", user=user))["items"]}


def waits(t, number, users, type_, state=None):
    for u in users:
        q = queue(t, u)
        eq(number in q, True, f"{number} waits on {u}")
        eq(q[number]["type"], type_, "type")
        if state:
            eq(q[number]["state"], state, "state")
        doc = t.ok(t.get(f"/{type_}/{number}", user=u))
        eq(q[number]["allowed_actions"], doc["allowed_actions"], "the document's actions")


def not_waiting(t, number, users):
    for u in users:
        eq(number in queue(t, u), False, f"{number} does not wait on {u}")


def test_collection_request_in_queue(t):
    set_clock(t, "2045-05-08", "10:00")
    cust = customer(t)
    s = product(t, price=1000)
    n, ship = released(t, cust, [(s, 5)])
    dispatch(t, ship)
    eq(len(invoices_of(t, cust, order=n)), 1, "invoiced")
    r = t.ok(t.post("/collection-requests", {"customer": cust}, user="kam_GZ"), 201, "create")
    k = r["number"]
    waits(t, k, ["kam_GZ"], "collection-requests", "draft")
    not_waiting(t, k, ["finance", "ssg_leader", "csr_b"])
    lib.act(t, "collection-requests", k, "submit", "kam_GZ")
    waits(t, k, ["finance", "ssg_leader"], "collection-requests", "submitted")
    not_waiting(t, k, ["kam_GZ", "csr_b", "kam_BJ"])
    lib.act(t, "collection-requests", k, "confirm", "finance")
    not_waiting(t, k, ["finance"])
    waits(t, k, ["ssg_leader"], "collection-requests", "submitted")
    lib.act(t, "collection-requests", k, "confirm", "ssg_leader")
    waits(t, k, ["kam_GZ"], "collection-requests", "confirmed")
    lib.act(t, "collection-requests", k, "send", "kam_GZ")
    not_waiting(t, k, ["kam_GZ", "ssg_leader", "finance"])


def test_bank_lines_in_queue(t):
    set_clock(t, "2045-05-09", "10:00")
    cust = customer(t)
    tag = t.uniq("Q")
    rows = [{"date": "2045-05-09", "name": "排队测试付款人", "acct": "31", "amount": "12.00",
             "memo": "", "ref": f"{tag}-1"},
            {"date": "2045-05-09", "name": "排队测试付款人", "acct": "32", "amount": "13.00",
             "memo": "", "ref": f"{tag}-2"}]
    got = bank_import(t, bank_csv(rows))
    lines = sorted(t.list_all(f"/bank-receipts?import_no={got['import_no']}", user="finance"),
                   key=lambda x: x["file_line"])
    a, b = lines[0]["number"], lines[1]["number"]
    waits(t, a, ["finance"], "bank-receipts", "unmatched")
    not_waiting(t, a, ["kam_GZ", "ssg_leader"])
    lib.act(t, "bank-receipts", a, "claim", "kam_GZ", {"customer": cust})
    waits(t, a, ["finance"], "bank-receipts", "claimed")
    not_waiting(t, a, ["kam_GZ"])
    lib.act(t, "bank-receipts", a, "register", "finance")
    not_waiting(t, a, ["finance"])
    lib.act(t, "bank-receipts", b, "ignore", "finance", {"comment": "退回"})
    not_waiting(t, b, ["finance"])

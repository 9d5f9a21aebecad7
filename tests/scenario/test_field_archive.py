"""A visit report's findings update the customer archive and the target-customer form
(flows.md §9.4, entities.md §2.2 and §11; issue 13): `archive_updates` is an object of archive
fields, applied in the visit's own transaction as the visitor's edit of the customer — audited
(the customer's history), each touched section's source set to the visit — or, when any of it is
refused, no visit is filed and the archive is unchanged."""

import lib
from lib import UNLIMITED, check, eq, set_clock

DAY = "2034-04-11"


def test_visit_updates_the_archive_and_the_target_customer_form(t):
    set_clock(t, DAY, "15:00")
    cust = lib.customer(t, UNLIMITED)
    before = t.ok(t.get(f"/customers/{cust}", user="kam_GZ"))
    upd = {"phone": "020-88886666", "address": "广州市天河区新址1号", "consignee": "王仓管",
           "competitor_relations": "同时代理某品牌", "contacts": [
               {"name": "李经理", "title": "采购", "phone": "13800000000", "primary": True}]}
    v = t.ok(t.post("/visits", {"customer": cust, "kind": "revisit",
                                "findings": {"dealer_operations": "搬迁至新址"},
                                "archive_updates": upd}, user="rep_GZ"), 201, "visit")
    eq(v["archive_updates"], upd, "the visit keeps what it changed")
    after = t.ok(t.get(f"/customers/{cust}", user="kam_GZ"))
    eq({k: after[k] for k in upd}, upd, "the archive has the visit's findings")
    eq(after["version"], before["version"] + 1, "one update of the customer")
    src = {s["section"]: s for s in after["sources"]}
    for sec in ("basic", "logistics", "business_status", "contacts"):
        eq((src[sec]["source"], src[sec]["date"], src[sec]["visit"]), ("visit", DAY, v["number"]),
           f"source of {sec}")
    hist = [h for h in t.ok(t.get(f"/customers/{cust}/history", user="kam_GZ"))["items"]
            if h["action"] == "update"]
    check(hist and hist[-1]["actor"] == "rep_GZ", f"audited as the rep's update: {hist}")
    # the target-customer form reads the archive
    ti = t.ok(t.get(f"/reports/target_customer_info?customer={cust}&as_of={DAY}", user="mm_S"))
    eq([(r["phone"], r["address"], r["visits"], r["last_visit"]) for r in ti["rows"]],
       [("020-88886666", "广州市天河区新址1号", 1, DAY)], "target_customer_info")

    # a second visit touching one section keeps the other sections' sources
    v2 = t.ok(t.post("/visits", {"customer": cust, "archive_updates": {"carrier": "顺丰"}},
                     user="rep_GZ"), 201, "second visit")
    src = {s["section"]: s for s in t.ok(t.get(f"/customers/{cust}", user="kam_GZ"))["sources"]}
    eq((src["logistics"]["visit"], src["basic"]["visit"]), (v2["number"], v["number"]),
       "only the touched section's source moves")


def test_refused_updates_file_nothing(t):
    set_clock(t, DAY, "16:00")
    cust = lib.customer(t, UNLIMITED)
    before = t.ok(t.get(f"/customers/{cust}", user="kam_GZ"))
    visits = len(t.list_all(f"/visits?customer={cust}", user="kam_GZ"))
    for body, status, code, detail in (
            # credit terms, assignment and status are not a visit's to change
            ({"credit_limit_fen": 1}, 422, "validation_failed", {"rule": "not_archive_field"}),
            ({"kam": "kam_BJ"}, 422, "validation_failed", {"rule": "not_archive_field"}),
            ({"status": "closed"}, 422, "validation_failed", {"rule": "not_archive_field"}),
            # the field's own check (a phone is digits)
            ({"phone": "call me"}, 422, "validation_failed", {"field": "phone"}),
            (123, 400, "bad_request", {"field": "archive_updates"})):
        t.expect_error(t.post("/visits", {"customer": cust, "archive_updates": body},
                              user="rep_GZ"), status, code, **detail)
    # an MM files visits but does not edit customers (the matrix): the visit is refused whole
    t.expect_error(t.post("/visits", {"customer": cust, "archive_updates": {"phone": "020-1"}},
                          user="mm_S"), 403, "forbidden")
    eq(len(t.list_all(f"/visits?customer={cust}", user="kam_GZ")), visits, "no visit filed")
    now = t.ok(t.get(f"/customers/{cust}", user="kam_GZ"))
    eq((now["version"], now.get("phone")), (before["version"], before.get("phone")),
       "the archive unchanged")
    # without updates an MM's visit is filed as before
    t.ok(t.post("/visits", {"customer": cust}, user="mm_S"), 201, "MM visit")
    # text is a note kept on the visit for whoever keeps the archive: no customer changes
    v = t.ok(t.post("/visits", {"customer": cust, "archive_updates": "新电话 020-123"},
                    user="rep_GZ"), 201, "visit with a note")
    eq(t.ok(t.get(f"/visits/{v['number']}", user="kam_GZ")).get("archive_updates"),
       "新电话 020-123", "the note kept")
    eq(t.ok(t.get(f"/customers/{cust}", user="kam_GZ"))["version"], before["version"],
       "the archive unchanged by a note")

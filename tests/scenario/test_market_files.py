"""Files of market documents and consumer records (issue #12):
- a POP request's placement photo (flows.md §13 "verify placement at a visit (photo)"):
  POST /pop-requests/{n}/attachments with the image as the body; verify then takes it;
- an expense application's evidence (§15), uploaded by the applicant;
- a support request's documents marked internal or external (§19, numbering-and-rules.md
  §7.4): GET …/documents?visibility=external is what may go to the dealer, and
  POST …/documents/{id}/send refuses an internal one (422 internal_document);
- GET /market-files/{id} downloads through the document's own scope (404 outside it);
- consumer records (entities.md §2.5, flows.md §14.7): collected by the CSR, called by
  customer service (a call log of kind consumer_follow_up, the result to the UM and the CSR),
  the phone masked (138****1234) for everyone but customer service and auditors."""

import socket
from urllib.parse import quote

import lib
from lib import check, eq, set_clock

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(range(200))
JPEG = b"\xff\xd8\xff\xe0" + b"JFIF" + bytes(300)
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PERIOD = "2027-07"


def upload(t, path, data, ctype, user, query=""):
    return t.request("POST", f"{path}{query}", raw=data, content_type=ctype, user=user)


def status_after_head(t, path, length, user):
    """The status answered to a request head announcing length bytes (none sent)."""
    tok = t.login(user)
    s = socket.create_connection(("127.0.0.1", t.server.port), timeout=10)
    try:
        s.sendall((f"POST /api/v1{path} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                   f"Authorization: Bearer {tok}\r\nContent-Type: image/png\r\n"
                   f"Content-Length: {length}\r\n\r\n").encode())
        got = s.recv(4096)
    finally:
        s.close()
    return int(got[9:12])


def pop_received(t, cust):
    sku = lib.product(t, price=500, kind="pop")
    t.ok(t.post("/pop-allocations", {"period": PERIOD, "sku": sku, "qty": 100, "region": "GZ"},
                user="marketing"), 201)
    n = t.ok(t.post("/pop-requests", {"customer": cust, "lines": [{"sku": sku, "qty": 10}],
                                      "purpose": "门店陈列"}, user="kam_GZ"), 201)["number"]
    lib.act(t, "pop-requests", n, "approve", "mm_S")
    o = t.ok(t.post("/orders", {"customer": cust, "lines": [
        {"sku": sku, "qty": 10, "pop_request": n}]}, user="kam_GZ"), 201)
    for action, user in (("verify", "kam_GZ"), ("approve-market", "mm_S"), ("accept", "csr_a"),
                         ("check", "csr_a")):
        o = lib.order_act(t, o["number"], action, user)
    o = lib.release(t, o["number"])
    lib.dispatch(t, o["shipments"][0])
    lib.act(t, "pop-requests", n, "confirm-receipt", "kam_GZ")
    return n


def test_pop_photo_upload_list_download_verify(t):
    set_clock(t, "2027-07-06")
    cust = lib.customer(t, 100000)
    n = pop_received(t, cust)
    path = f"/pop-requests/{n}/attachments"
    t.expect_error(upload(t, path, PNG, "text/plain", "rep_GZ"), 415, "unsupported_media_type")
    t.expect_error(upload(t, path, PDF, "application/pdf", "rep_GZ"), 415,
                   "unsupported_media_type")
    t.expect_error(upload(t, path, JPEG, "image/png", "rep_GZ"), 422, "validation_failed",
                   rule="file_type_mismatch")
    t.expect_error(upload(t, path, b"", "image/png", "rep_GZ"), 422, "validation_failed",
                   rule="required")
    # over 5 MiB: 413 on the Content-Length, the body unread (test_market_upload_limit.py)
    eq(status_after_head(t, path, len(PNG) + 5 * 1024 * 1024, "rep_GZ"), 413, "over 5 MiB")
    t.expect_error(upload(t, path, PNG, "image/png", "rep_SZ"), 404, "not_found")
    t.expect_error(upload(t, path, PNG, "image/png", "finance"), 403, "forbidden")
    f = t.ok(upload(t, path, PNG, "image/png", "rep_GZ", "?name=..%2F..%2Fetc%2Fshelf.png"), 201,
             "photo")
    eq((f["document"], f["kind"], f["mime"], f["size"], f["name"], f["uploaded_by"]),
       (n, "photo", "image/png", len(PNG), "shelf.png", "rep_GZ"),
       "the photo, its name without a path")
    check(len(f["sha256"]) == 64 and "content" not in f, "hash kept, content not echoed")
    got = t.ok(t.get(path, user="kam_GZ"))["items"]
    eq([x["id"] for x in got], [f["id"]], "listed")
    r = t.get(f"/market-files/{f['id']}", user="mm_S")
    eq((r.status, r.headers.get("content-type"), r.raw), (200, "image/png", PNG),
       "downloaded as uploaded")
    eq(r.headers.get("x-content-type-options"), "nosniff", "never sniffed")
    eq(t.get(f"/market-files/{f['id']}", user="kam_SZ").status, 404, "outside scope: 404")
    eq(t.get("/market-files/999999999", user="mm_S").status, 404, "no such file")
    eq(t.get(f"{path}", user="kam_SZ").status, 404, "list outside scope: 404")
    w = lib.act(t, "pop-requests", n, "verify", "rep_GZ", {"note": "收银台陈列"})
    eq((w["state"], w["photo"]), ("verified", f["url"]), "verify takes the uploaded photo")


def test_expense_evidence(t):
    set_clock(t, "2027-07-08")
    cust = lib.customer(t, lib.UNLIMITED)
    a = t.ok(t.post("/expense-applications", {"category": "promotion", "amount_fen": 1000,
                                              "purpose": "促销", "customer": cust},
                    user="kam_GZ"), 201)
    path = f"/expense-applications/{a['number']}/attachments"
    f = t.ok(upload(t, path, PDF, "application/pdf", "kam_GZ", "?name=invoice.pdf"), 201)
    eq((f["kind"], f["mime"]), ("evidence", "application/pdf"), "evidence")
    t.expect_error(upload(t, path, PDF, "application/pdf", "mm_S"), 403, "forbidden")
    r = t.get(f"/market-files/{f['id']}", user="finance")
    eq((r.status, r.raw), (200, PDF), "finance reads the evidence")
    check("attachment" in (r.headers.get("content-disposition") or "")
          or "inline" in (r.headers.get("content-disposition") or ""), "a PDF has a file name")


def test_support_documents_internal_and_external(t):
    set_clock(t, "2027-09-07")
    cust = lib.customer(t, lib.UNLIMITED)
    z = t.ok(t.post("/support-requests", {"kind": "ad_design", "customer": cust,
                                          "details": "门店开业海报"}, user="um_GZ"), 201)
    n = z["number"]
    path = f"/support-requests/{n}/documents"
    internal = t.ok(upload(t, path, PDF, "application/pdf", "csr_a",
                           "?title=" + quote("设计稿内部版") + "&kind=design_element"), 201)
    eq(internal["visibility"], "internal", "internal unless marked otherwise")
    external = t.ok(upload(t, path, PNG, "image/png", "csr_a",
                           "?title=" + quote("定稿") + "&kind=design_element&visibility=external"), 201)
    t.expect_error(upload(t, path, PNG, "image/png", "csr_a", "?visibility=public"), 400,
                   "bad_request")
    t.expect_error(upload(t, path, PNG, "image/png", "csr_a", "?kind=poster"), 400,
                   "bad_request")
    t.expect_error(upload(t, path, PNG, "image/png", "kam_GZ"), 403, "forbidden")
    eq([x["id"] for x in t.ok(t.get(path, user="um_GZ"))["items"]],
       [internal["id"], external["id"]], "both inside the company")
    eq([x["id"] for x in t.ok(t.get(f"{path}?visibility=external", user="csr_a"))["items"]],
       [external["id"]], "only external ones go to the customer")
    t.expect_error(t.post(f"{path}/{internal['id']}/send", {}, user="csr_a"), 422,
                   "validation_failed", rule="internal_document")
    t.expect_error(t.post(f"{path}/{external['id']}/send", {}, user="um_GZ"), 403, "forbidden")
    s = t.ok(t.post(f"{path}/{external['id']}/send", {}, user="csr_a"))
    eq((s["sent_by"], s["visibility"]), ("csr_a", "external"), "sent")
    check(s["sent_at"], "sent_at")
    told = [x for x in t.list_all("/notifications", user="um_GZ")
            if x["event"] == "support_document_sent"]
    check(any(n in x["subject"] for x in told), "the UM is told")
    eq(t.get(f"/market-files/{internal['id']}", user="marketing").status, 200,
       "inside the company everyone in scope reads it")


def test_consumer_records_masked_phones(t):
    set_clock(t, "2027-09-08")
    cust = lib.customer(t, lib.UNLIMITED)
    body = {"customer": cust, "consumer_name": "王女士", "phone": "13812341234",
            "store": "天河店", "product": "婴儿奶粉1段"}
    t.expect_error(t.post("/consumer-records", body, user="kam_GZ"), 403, "forbidden")
    t.expect_error(t.post("/consumer-records", dict(body, phone="call me"), user="csr_a"), 422,
                   "validation_failed", rule="invalid_phone")
    t.expect_error(t.post("/consumer-records", dict(body, customer="NOPE"), user="csr_a"), 422,
                   "validation_failed", rule="unknown_reference")
    rec = t.ok(t.post("/consumer-records", body, user="csr_a"), 201)
    rid = rec["id"]
    eq((rec["phone"], rec["phone_masked"], rec["collected_by"]),
       ("138****1234", True, "csr_a"), "the collecting CSR sees the phone masked")
    for user in ("service", "auditor"):
        r = t.ok(t.get(f"/consumer-records/{rid}", user=user))
        eq((r["phone"], r["phone_masked"]), ("13812341234", False), f"{user} sees the phone")
    for user in ("kam_GZ", "um_GZ"):
        got = [x for x in t.list_all(f"/consumer-records?customer={cust}", user=user)]
        eq([(x["id"], x["phone"]) for x in got], [(rid, "138****1234")], f"{user}: masked")
    eq(t.list_all(f"/consumer-records?customer={cust}", user="csr_b"), [],
       "another CSR does not see it")
    eq(t.get(f"/consumer-records/{rid}", user="kam_SZ").status, 404, "another KAM: 404")
    for user in ("marketing", "finance", "mm_S"):
        t.expect_error(t.get("/consumer-records", user=user), 403, "forbidden")
    eq([x["id"] for x in t.list_all("/consumer-records?q=" + quote("天河"), user="service")
        if x["id"] == rid], [rid], "q finds the store")
    told = [x for x in t.list_all("/notifications", user="service")
            if x["event"] == "consumer_follow_up"]
    check(any(cust in x["subject"] for x in told), "customer service is told to call")
    t.expect_error(t.post(f"/consumer-records/{rid}/follow-ups", {"result": "x",
                                                                 "reached": True},
                          user="csr_a"), 403, "forbidden")
    t.expect_error(t.post(f"/consumer-records/{rid}/follow-ups", {"result": "满意"},
                          user="service"), 422, "validation_failed", field="reached")
    r = t.ok(t.post(f"/consumer-records/{rid}/follow-ups",
                    {"result": "使用满意，会继续购买", "reached": True},
                    user="service"), 201)
    eq([(f["by"], f["result"], f["reached"]) for f in r["follow_ups"]],
       [("service", "使用满意，会继续购买", True)], "the follow-up")
    calls = t.list_all(f"/call-logs?customer={cust}", user="service")
    eq([c["kind"] for c in calls], ["consumer_follow_up"], "one call log")
    for user in ("um_GZ", "csr_a"):
        check(any(x["event"] == "consumer_follow_up_result"
                  for x in t.list_all("/notifications", user=user)), f"{user} gets the result")
    eq(t.ok(t.get(f"/consumer-records/{rid}", user="kam_GZ"))["phone"], "138****1234",
       "still masked for the KAM")


def test_consumer_records_wait_for_their_call(t):
    """state= on the list (api.md §5.1): `pending` until customer service records a call,
    then `followed_up`; several states comma-separated; an unknown one is 400."""
    set_clock(t, "2027-09-08")
    cust = lib.customer(t, lib.UNLIMITED)
    ids = [t.ok(t.post("/consumer-records", {"customer": cust, "consumer_name": f"顾客{i}",
                                             "phone": f"1390000000{i}"}, user="csr_a"), 201)["id"]
           for i in range(2)]
    eq([t.ok(t.get(f"/consumer-records/{i}", user="service"))["state"] for i in ids],
       ["pending", "pending"], "new records wait for a call")
    t.ok(t.post(f"/consumer-records/{ids[0]}/follow-ups", {"result": "已回访", "reached": True},
                user="service"), 201)
    url = f"/consumer-records?customer={cust}"
    eq([x["id"] for x in t.list_all(f"{url}&state=pending", user="service")], [ids[1]], "pending")
    eq([x["id"] for x in t.list_all(f"{url}&state=followed_up", user="csr_a")], [ids[0]],
       "followed up (the collecting CSR sees it too)")
    eq(sorted(x["id"] for x in t.list_all(f"{url}&state=pending,followed_up", user="service")),
       sorted(ids), "both states")
    t.expect_error(t.get(f"{url}&state=called", user="service"), 400, "bad_request")
    t.expect_error(t.get(f"{url}&state=pending,", user="service"), 400, "bad_request")

"""Contract attachments (flows.md §7, issue 13): a contract takes files the way market documents
do (flow/market_files.c, one mechanism): POST /contracts/{n}/attachments with the file as the
body (PDF, JPEG, PNG or WebP, at most 5 MiB; the bytes must be the declared type), by who
drafts, signs or archives contracts, within the contract's scope; GET lists them; the bytes come
back through GET /market-files/{id}, read through the contract's scope."""

import lib
from lib import UNLIMITED, check, eq, set_clock

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(64)


def upload(t, path, data, ctype, user, query=""):
    return t.request("POST", f"{path}{query}", raw=data, content_type=ctype, user=user)


def test_contract_attachments(t):
    set_clock(t, "2034-06-05", "10:00")
    cust = lib.customer(t, UNLIMITED)
    n = t.ok(t.post("/contracts", {"customer": cust, "kind": "sales", "value_fen": 1000000},
                    user="kam_GZ"), 201)["number"]
    path = f"/contracts/{n}/attachments"
    eq(t.ok(t.get(path, user="kam_GZ"))["items"], [], "none yet")
    f = t.ok(upload(t, path, PDF, "application/pdf", "kam_GZ", "?name=scan%2F%E5%90%88%E5%90%8C.pdf"
                    "&title=%E4%BC%A0%E7%9C%9F%E4%BB%B6"), 201, "the fax copy")
    eq((f["document"], f["doc_type"], f["kind"], f["mime"], f["size"], f["name"], f["title"],
        f["uploaded_by"]),
       (n, "contracts", "attachment", "application/pdf", len(PDF), "合同.pdf", "传真件", "kam_GZ"),
       "the file, its name without a path")
    check(len(f["sha256"]) == 64 and "content" not in f, "hash kept, content not echoed")
    g = t.ok(upload(t, path, PNG, "image/png", "csr_a"), 201, "the CSR's scan of the original")
    eq([x["id"] for x in t.ok(t.get(path, user="mm_S"))["items"]], [f["id"], g["id"]], "listed")
    r = t.get(f"/market-files/{f['id']}", user="mm_S")
    eq((r.status, r.headers.get("content-type"), r.raw), (200, "application/pdf", PDF),
       "downloaded as uploaded")
    # the same checks as every document's files
    t.expect_error(upload(t, path, PDF, "text/plain", "kam_GZ"), 415, "unsupported_media_type")
    t.expect_error(upload(t, path, PNG, "application/pdf", "kam_GZ"), 422, "validation_failed",
                   rule="file_type_mismatch")
    t.expect_error(upload(t, path, b"", "application/pdf", "kam_GZ"), 422, "validation_failed",
                   rule="required")
    t.expect_error(upload(t, path, PDF, "application/pdf", "finance"), 403, "forbidden")
    t.expect_error(upload(t, path, PDF, "application/pdf", "kam_SZ"), 404, "not_found")
    eq(t.get(f"/market-files/{f['id']}", user="kam_SZ").status, 404, "outside scope: 404")
    eq(t.get(path, user="kam_SZ").status, 404, "list outside scope: 404")
    t.expect_error(t.get("/contracts/SC20340605HT9999/attachments", user="kam_GZ"), 404,
                   "not_found")
    eq([x["id"] for x in t.ok(t.get(path, user="kam_GZ"))["items"]], [f["id"], g["id"]],
       "nothing added by refused uploads")
    # the contract's own actions are untouched by the route (…/attachments is no action)
    eq(lib.act(t, "contracts", n, "submit", "kam_GZ")["state"], "submitted", "submit")
    audit = t.ok(t.get(f"/audit?object_type=market_file&object_key={f['id']}", user="auditor"))
    check(any(a["object_key"] == str(f["id"]) and a["action"] == "attach"
              for a in audit["items"]), "the upload is audited")

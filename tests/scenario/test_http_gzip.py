"""Fast delivery of the UI (issue #17 item 9): static files and JSON answers go out gzip-
compressed to a client that sends Accept-Encoding: gzip; static files carry an ETag and a
request with If-None-Match naming it gets 304 without a body; JSON GET answers carry a weak
ETag of their text and answer 304 the same way. A client that does not ask for gzip gets the
bytes as they are."""

import gzip
import http.client
import json
import os

from lib import check, eq

WEB = os.path.join(os.path.dirname(__file__), "..", "..", "web")


def fetch(t, path, headers=None):
    c = http.client.HTTPConnection("127.0.0.1", t.server.port, timeout=30)
    try:
        c.request("GET", path, headers=headers or {})
        r = c.getresponse()
        data = r.read()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, data
    finally:
        c.close()


def test_static_gzip_and_etag(t):
    plain = open(os.path.join(WEB, "app.js"), "rb").read()
    st, h, body = fetch(t, "/app.js")
    eq(st, 200, "served")
    check("content-encoding" not in h, f"no gzip unasked: {h}")
    eq(body, plain, "the file as it is")
    tag = h.get("etag")
    check(tag and tag.startswith('"'), f"a strong ETag: {tag}")
    eq(h.get("vary"), "Accept-Encoding", "Vary")

    st, hz, zbody = fetch(t, "/app.js", {"Accept-Encoding": "gzip, deflate, br"})
    eq(st, 200, "served compressed")
    eq(hz.get("content-encoding"), "gzip", "gzip")
    eq(gzip.decompress(zbody), plain, "the same bytes once unpacked")
    check(len(zbody) * 2 < len(plain), f"smaller: {len(zbody)} of {len(plain)}")
    check(hz.get("etag") and hz["etag"] != tag, "the gzip form has its own tag")
    # compressed once and kept: the second answer is the same bytes
    eq(fetch(t, "/app.js", {"Accept-Encoding": "gzip"})[2], zbody, "the kept gzip form")

    for inm in (tag, hz["etag"], f'W/{tag}', f'"nope", {tag}', "*"):
        st, h304, b = fetch(t, "/app.js", {"If-None-Match": inm, "Accept-Encoding": "gzip"})
        eq(st, 304, f"If-None-Match {inm}")
        eq(b, b"", "no body")
        check(h304.get("etag"), "the 304 names the tag")
    eq(fetch(t, "/app.js", {"If-None-Match": '"other"'})[0], 200, "another tag: the file")
    eq(fetch(t, "/app.js", {"Accept-Encoding": "gzip;q=0"})[1].get("content-encoding"), None,
       "gzip;q=0 refuses gzip")
    # the page of a client-side route is index.html, with its tag
    st, h, _ = fetch(t, "/orders/DD1")
    eq(st, 200, "a client-side route")
    check(h.get("etag"), "index.html has a tag")


def test_json_gzip_and_etag(t):
    token = t.login("admin")
    auth = {"Authorization": f"Bearer {token}"}
    st, h, body = fetch(t, "/api/v1/products?limit=100", auth)
    eq(st, 200, "list")
    check("content-encoding" not in h, "no gzip unasked")
    plain = json.loads(body)
    tag = h.get("etag")
    check(tag and tag.startswith('W/"'), f"a weak ETag: {tag}")
    check(len(body) >= 512, f"big enough to compress ({len(body)})")

    st, hz, zbody = fetch(t, "/api/v1/products?limit=100", {**auth, "Accept-Encoding": "gzip"})
    eq(st, 200, "compressed list")
    eq(hz.get("content-encoding"), "gzip", "gzip")
    eq(json.loads(gzip.decompress(zbody)), plain, "the same answer")
    eq(hz.get("etag"), tag, "the same tag for both encodings")
    eq(hz.get("cache-control"), "no-store", "API answers are not stored")

    st, h304, b = fetch(t, "/api/v1/products?limit=100", {**auth, "If-None-Match": tag})
    eq(st, 304, "unchanged")
    eq(b, b"", "no body")
    # a change makes a new tag
    sku = t.uniq("GZ")
    path = f"/api/v1/products?q={sku}"
    st, h1, b1 = fetch(t, path, auth)
    eq(json.loads(b1)["items"], [], "not there yet")
    eq(fetch(t, path, {**auth, "If-None-Match": h1["etag"]})[0], 304, "unchanged empty list")
    t.ok(t.post("/products", {
        "sku": sku, "name": "压缩测试", "spec": "1", "unit": "个", "case_size": 1,
        "price_fen": 100}), 201, "product")
    st, h2, b2 = fetch(t, path, {**auth, "If-None-Match": h1["etag"]})
    eq(st, 200, "changed list answers again")
    eq(len(json.loads(b2)["items"]), 1, "with the new row")
    check(h2.get("etag") != h1["etag"], "a new tag")
    # small answers and errors are sent as they are
    st, h, body = fetch(t, "/api/v1/orders/NOPE", {**auth, "Accept-Encoding": "gzip"})
    eq(st, 404, "error")
    check("content-encoding" not in h and "etag" not in h, f"an error plain, untagged: {h}")

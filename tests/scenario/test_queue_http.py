"""HTTP as clients expect it (issue #15 items 8 and 10): 405 with Allow for a known path and a
wrong method; HEAD on every GET route; WWW-Authenticate: Bearer on 401; 413 before an
over-limit body is read (no 100 Continue to a client that asks for one); 400 for an HTTP/1.1 request without Host; 415 for a
JSON endpoint sent another Content-Type; security headers on the web UI (a CSP without inline
script, frame-ancestors 'none', Referrer-Policy, Permissions-Policy, nosniff) and on the API."""

import os
import re
import socket

from lib import check, eq

HERE = os.path.dirname(__file__)
WEB = os.path.join(HERE, "..", "..", "web")
ROUTER = os.path.join(HERE, "..", "..", "src", "http", "router.c")


def route_table():
    """{"GET /orders/:", ...} from router.c's table (as test_openapi reads it)."""
    src = open(ROUTER, encoding="utf-8").read()
    start = src.index("static const struct route routes[]")
    body = src[start:src.index("};", start)]
    out = set()
    md = ["POST /{c}", "GET /{c}", "GET /{c}/:", "PATCH /{c}/:", "GET /{c}/:/history"]
    for m in re.finditer(r'MD_ROUTES\((\w+)\)|\{"(\w+)", "([^"]+)", \w+', body):
        if m.group(1):
            out |= {x.format(c=m.group(1)) for x in md}
        else:
            out.add(f"{m.group(2)} {m.group(3)}")
    return out


def raw_exchange(t, data, wait=5.0):
    """Sends bytes on a fresh connection; returns what the server answered within wait."""
    s = socket.create_connection(("127.0.0.1", t.server.port), timeout=wait)
    try:
        s.sendall(data)
        got = b""
        while b"\r\n\r\n" not in got:
            chunk = s.recv(65536)
            if not chunk:
                break
            got += chunk
        return got
    finally:
        s.close()


def status_of(answer):
    m = re.match(rb"HTTP/1\.[01] (\d{3})", answer)
    check(m, f"an HTTP status line: {answer[:80]!r}")
    return int(m.group(1))


def allow_set(r):
    return {m.strip() for m in r.headers.get("allow", "").split(",") if m.strip()}


def test_wrong_method_is_405_with_allow(t):
    r = t.request("DELETE", "/orders")
    t.expect_error(r, 405, "method_not_allowed")
    eq(allow_set(r), {"GET", "HEAD", "POST"}, "Allow of /orders")
    r = t.request("PUT", "/me")
    t.expect_error(r, 405, "method_not_allowed")
    eq(allow_set(r), {"GET", "HEAD"}, "Allow of /me")
    r = t.request("DELETE", "/customers/GZ01")
    t.expect_error(r, 405, "method_not_allowed")
    eq(allow_set(r), {"GET", "HEAD", "PATCH"}, "Allow of /customers/{code}")
    r = t.request("GET", "/orders/X/accept")
    t.expect_error(r, 405, "method_not_allowed")
    eq(allow_set(r), {"POST"}, "Allow of an action")
    # an unknown path is still 404, and the UI's files take GET and HEAD only
    t.expect_error(t.request("DELETE", "/no-such-thing"), 404, "not_found")
    r = t.raw_request("POST", "//index.html", b"{}", {"Content-Type": "application/json"})
    eq(r.status, 405, "POST on a web file")
    eq(allow_set(r), {"GET", "HEAD"}, "Allow of a web file")


def test_head_on_every_get_route(t):
    gets = sorted(r.split(" ", 1)[1] for r in route_table() if r.startswith("GET "))
    check(len(gets) > 30, "the route table has its GET routes")
    for pattern in gets:
        path = pattern.replace(":", "NO-SUCH-1")
        g = t.request("GET", path)
        h = t.request("HEAD", path)
        eq(h.status, g.status, f"HEAD {path} answers as GET")
        eq(h.raw, b"", f"HEAD {path} has no body")
        eq(h.headers.get("content-type"), g.headers.get("content-type"), f"HEAD {path} type")
    h = t.request("HEAD", "/me", user="kam_GZ")
    eq(h.status, 200, "HEAD /me")
    eq(int(h.headers["content-length"]), len(t.get("/me", user="kam_GZ").raw),
       "HEAD gives GET's length")


def test_401_names_the_bearer_scheme(t):
    for r in (t.get("/me", user=None), t.get("/orders", token="osb_nope"),
              t.request("HEAD", "/me", user=None),
              t.post("/login", {"username": "kam_GZ", "password": "wrong"}, user=None)):
        eq(r.status, 401, "401")
        check(r.headers.get("www-authenticate", "").startswith("Bearer"),
              f"WWW-Authenticate: Bearer ... ({r.headers.get('www-authenticate')})")


def test_413_before_the_body_is_read(t):
    tok = t.login("kam_GZ")
    head = (f"POST /api/v1/orders HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {tok}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {8 * 1024 * 1024}\r\n"
            "Expect: 100-continue\r\n\r\n").encode()
    answer = raw_exchange(t, head)  # no body is ever sent
    check(not answer.startswith(b"HTTP/1.1 100"), f"no 100 Continue first: {answer[:60]!r}")
    eq(status_of(answer), 413, "413 at once")
    check(b"payload_too_large" in answer or b"content-length: 0" not in answer.lower(),
          "the error envelope")
    # the connection is answered, not dropped: a client sending at once still reads the 413
    big = b"{" + b" " * (2 * 1024 * 1024) + b"}"
    t.expect_error(t.request("POST", "/orders", raw=big, user="kam_GZ"), 413,
                   "payload_too_large")
    t.ok(t.get("/me", user="kam_GZ"), 200, "the server is fine afterwards")


def test_http11_without_host_is_400(t):
    eq(status_of(raw_exchange(t, b"GET /api/v1/me HTTP/1.1\r\n\r\n")), 400, "API, no Host")
    eq(status_of(raw_exchange(t, b"GET / HTTP/1.1\r\n\r\n")), 400, "web UI, no Host")
    # HTTP/1.0 has no Host requirement
    eq(status_of(raw_exchange(t, b"GET /api/v1/me HTTP/1.0\r\n\r\n")), 401, "HTTP/1.0")
    eq(status_of(raw_exchange(t, b"GET /api/v1/me HTTP/1.1\r\nHost: x\r\n\r\n")), 401,
       "with Host")


def test_json_endpoints_refuse_other_content_types(t):
    body = '{"username":"kam_GZ","password":"demo123"}'
    for ctype in ("text/plain", "application/x-www-form-urlencoded", "multipart/form-data",
                  "application/jsonx"):
        t.expect_error(t.request("POST", "/login", raw=body, content_type=ctype, user=None), 415,
                       "unsupported_media_type")
    t.expect_error(t.request("POST", "/orders", raw='{"customer":"GZ01","lines":[]}',
                             content_type="text/plain", user="kam_GZ"), 415,
                   "unsupported_media_type")
    for ctype in ("application/json", "application/json; charset=utf-8", "Application/JSON"):
        r = t.request("POST", "/login", raw=body, content_type=ctype, user=None)
        eq(r.status, 200, f"login with {ctype}")
    # an action without a body needs no Content-Type
    r = t.raw_request("POST", "/logout", None, {"Authorization": f"Bearer {r.body['token']}"})
    eq(r.status, 204, "logout without a body")


def test_security_headers(t):
    for path in ("//", "//index.html", "//app.js", "//orders/SC1"):
        r = t.raw_request("GET", path)
        eq(r.status, 200, f"GET {path}")
        csp = r.headers.get("content-security-policy", "")
        directives = {d.split()[0]: d.split()[1:] for d in csp.split(";") if d.strip()}
        eq(directives.get("frame-ancestors"), ["'none'"], f"{path}: frame-ancestors")
        eq(directives.get("script-src"), ["'self'"], f"{path}: script-src")
        check("'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp,
              f"{path}: nothing inline or eval ({csp})")
        eq(r.headers.get("x-frame-options"), "DENY", f"{path}: X-Frame-Options")
        eq(r.headers.get("x-content-type-options"), "nosniff", f"{path}: nosniff")
        check(r.headers.get("referrer-policy"), f"{path}: Referrer-Policy")
        check("camera=()" in r.headers.get("permissions-policy", ""), f"{path}: Permissions")
    r = t.get("/me")
    check("frame-ancestors 'none'" in r.headers.get("content-security-policy", ""), "API CSP")
    eq(r.headers.get("x-content-type-options"), "nosniff", "API nosniff")
    check(r.headers.get("referrer-policy"), "API Referrer-Policy")


def test_index_html_has_nothing_inline(t):
    html = open(os.path.join(WEB, "index.html"), encoding="utf-8").read()
    for tag in re.findall(r"<script\b[^>]*>", html, re.I):
        check("src=" in tag, f"every script is a file: {tag}")
    check(not re.search(r"<script\b[^>]*>\s*[^<\s]", html, re.I), "no inline script body")
    check(not re.search(r"<style\b", html, re.I), "no <style>")
    check(not re.search(r"\son[a-z]+\s*=", html, re.I), "no inline event handlers")
    check(not re.search(r"\sstyle\s*=", html, re.I), "no style attributes")
    check("javascript:" not in html, "no javascript: URLs")

"""The attachment routes take their own body limit (issue #12, api.md §1 413 payload_too_large):
POST /pop-requests/{n}/attachments, /expense-applications/{n}/attachments and
/support-requests/{n}/documents refuse a body over 5 MiB as soon as its Content-Length says so
(struct route's `limit`), not after reading it up to the 32 MiB import limit; a streamed body
(chunked, no Content-Length) is answered 413 as soon as it passes 5 MiB, and so is every other
route that takes a body at its own limit (1 MiB JSON, 32 MiB imports). Nothing is stored; what
the client goes on sending is drained for a few seconds only. The import route keeps the 32 MiB
limit."""

import json
import select
import socket
import time

import lib
from lib import check, eq, set_clock

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(200)
MIB = 1024 * 1024
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def support_request(t):
    cust = lib.customer(t, lib.UNLIMITED)
    z = t.ok(t.post("/support-requests", {"kind": "ad_design", "customer": cust,
                                          "details": "门店开业海报"}, user="um_GZ"), 201)
    return z["number"]


def head(t, path, length, ctype="image/png", user="csr_a", extra=""):
    tok = t.login(user)
    return (f"POST /api/v1{path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {tok}\r\n"
            f"Content-Type: {ctype}\r\n{length}{extra}\r\n").encode()


def read_answer(s, deadline):
    """Reads until the head and the whole JSON body (Content-Length) arrived, or the peer
    closed, or the deadline passed; returns the bytes."""
    got = b""
    while time.monotonic() < deadline:
        r, _, _ = select.select([s], [], [], max(0.0, deadline - time.monotonic()))
        if not r:
            break
        try:
            chunk = s.recv(65536)
        except ConnectionResetError:
            break
        if not chunk:
            break
        got += chunk
        if b"\r\n\r\n" in got:
            hd, _, body = got.partition(b"\r\n\r\n")
            for line in hd.split(b"\r\n"):
                if line.lower().startswith(b"content-length:") and \
                        len(body) >= int(line.split(b":")[1]):
                    return got
    return got


def status_of(answer):
    check(answer.startswith(b"HTTP/1.1 "), f"an HTTP answer: {answer[:80]!r}")
    return int(answer[9:12])


def send_reading(t, data, body, chunk=64 * 1024, wait=20.0):
    """A client that reads while it sends (as curl does): headers, then the body in chunks,
    stopping when the answer arrives; returns (answer, body bytes sent)."""
    s = socket.create_connection(("127.0.0.1", t.server.port), timeout=wait)
    sent = 0
    try:
        s.sendall(data)
        s.setblocking(False)
        deadline = time.monotonic() + wait
        while sent < len(body) and time.monotonic() < deadline:
            r, w, _ = select.select([s], [s], [], 1.0)
            if r:
                break
            if w:
                try:
                    sent += s.send(body[sent:sent + chunk])
                except (BlockingIOError, InterruptedError):
                    pass
                except (BrokenPipeError, ConnectionResetError):
                    break
        s.setblocking(True)
        return read_answer(s, time.monotonic() + wait), sent
    finally:
        s.close()


def stored(t, number):
    return t.sql("SELECT count(*) FROM mkt_files WHERE document = ?", (number,))[0][0]


def test_content_length_over_5_mib_is_refused_before_the_body(t):
    set_clock(t, "2027-09-07")
    n = support_request(t)
    path = f"/support-requests/{n}/documents"
    # 40 MiB announced, a few bytes sent: the answer comes without the rest
    s = socket.create_connection(("127.0.0.1", t.server.port), timeout=10)
    try:
        t0 = time.monotonic()
        s.sendall(head(t, path, f"Content-Length: {40 * MIB}\r\n") + PNG[:16])
        answer = read_answer(s, t0 + 10)
    finally:
        s.close()
    eq(status_of(answer), 413, "413 at once")
    check(b'"payload_too_large"' in answer, f"the error envelope: {answer[-200:]!r}")
    check(b"5 MiB" in answer, "the message names the route's limit")
    # just over 5 MiB announced, nothing of it sent: the same
    s = socket.create_connection(("127.0.0.1", t.server.port), timeout=10)
    try:
        s.sendall(head(t, path, f"Content-Length: {5 * MIB + 1}\r\n"))
        eq(status_of(read_answer(s, time.monotonic() + 10)), 413, "5 MiB + 1 byte")
    finally:
        s.close()
    eq(stored(t, n), 0, "nothing stored")
    eq(t.ok(t.get(path, user="csr_a"))["items"], [], "no document listed")
    t.ok(t.get("/me", user="csr_a"), 200, "the server is fine afterwards")


def test_a_6_mib_upload_gets_413_and_nothing_is_stored(t):
    set_clock(t, "2027-09-07")
    for coll, make, user in (("support-requests", support_request, "csr_a"),):
        n = make(t)
        path = f"/{coll}/{n}/documents"
        body = PNG + bytes(6 * MIB - len(PNG))
        answer, _ = send_reading(t, head(t, path, f"Content-Length: {len(body)}\r\n", user=user),
                                 body)
        eq(status_of(answer), 413, "a 6 MiB photo")
        check(b'"payload_too_large"' in answer, "payload_too_large")
        # streamed without a Content-Length (chunked), sent whole: the 413 still reaches it
        chunks = b"".join(b"%x\r\n" % len(body[i:i + 65536]) + body[i:i + 65536] + b"\r\n"
                          for i in range(0, len(body), 65536)) + b"0\r\n\r\n"
        answer, _ = send_reading(t, head(t, path, "Transfer-Encoding: chunked\r\n", user=user),
                                 chunks)
        eq(status_of(answer), 413, "a 6 MiB photo, chunked")
        eq(stored(t, n), 0, "nothing stored")
        # a file under the limit still goes in
        ok = PNG + bytes(4 * MIB)
        r = t.request("POST", path, raw=ok, content_type="image/png", user=user)
        eq(r.status, 201, f"a 4 MiB photo: {lib.short(r.body)}")
        eq(stored(t, n), 1, "that one stored")


def test_expense_and_pop_attachment_routes_take_the_same_limit(t):
    set_clock(t, "2027-09-07")
    for path in ("/expense-applications/FY-NONE/attachments", "/pop-requests/WL-NONE/attachments"):
        s = socket.create_connection(("127.0.0.1", t.server.port), timeout=10)
        try:
            s.sendall(head(t, path, f"Content-Length: {6 * MIB}\r\n", user="kam_GZ"))
            eq(status_of(read_answer(s, time.monotonic() + 10)), 413, path)
        finally:
            s.close()


def test_the_import_route_keeps_32_mib(t):
    set_clock(t, "2027-09-07")
    cust = lib.customer(t, lib.UNLIMITED)
    # a 6 MiB workbook is read (not a 413): refused for what it holds, not for its size
    body = b"PK\x03\x04" + bytes(6 * MIB)
    r = t.request("POST", f"/inventory-reports/import?customer={cust}&period=2027-09",
                  raw=body, content_type=XLSX, user="csr_a")
    check(r.status != 413 and r.status < 500, f"an import over 5 MiB is read: {r.status}")


def chunked(data, size=65536):
    return b"".join(b"%x\r\n" % len(data[i:i + size]) + data[i:i + size] + b"\r\n"
                    for i in range(0, len(data), size))


def answer_before_the_end(t, data, sent_body, wait=10.0):
    """Sends the head and part of a body (sent_body: the bytes, the body never finished) and
    waits for the answer without sending anything more; returns (answer, then), then being what
    the connection does next: b"" when the server closed its side after the answer."""
    s = socket.create_connection(("127.0.0.1", t.server.port), timeout=wait)
    try:
        s.sendall(data + sent_body)
        answer = read_answer(s, time.monotonic() + wait)
        s.settimeout(wait)
        try:
            then = s.recv(1)
        except (ConnectionResetError, socket.timeout) as x:
            then = repr(x).encode()
        return answer, then
    finally:
        s.close()


def error_of(answer):
    return json.loads(answer.partition(b"\r\n\r\n")[2])["error"]


def test_chunked_upload_over_5_mib_is_refused_as_it_passes_the_limit(t):
    """A streamed (chunked) attachment gets its 413 as soon as the running count passes 5 MiB:
    the client sends 5 MiB + 64 KiB and never ends the body, and still reads the answer (before
    the fix it came only at the body's end). Nothing is stored; the server closes its side."""
    set_clock(t, "2027-09-07")
    n = support_request(t)
    path = f"/support-requests/{n}/documents"
    body = PNG + bytes(5 * MIB + 65536 - len(PNG))
    answer, then = answer_before_the_end(
        t, head(t, path, "Transfer-Encoding: chunked\r\n"), chunked(body))
    eq(status_of(answer), 413, f"413 before the body ends: {answer[:200]!r}")
    err = error_of(answer)
    eq(err["code"], "payload_too_large", "payload_too_large")
    check("5 MiB" in err["message"], f"names the route's limit: {err['message']}")
    hd = answer.partition(b"\r\n\r\n")[0].lower()
    for h in (b"connection: close", b"x-content-type-options: nosniff",
              b"content-type: application/json", b"cache-control: no-store"):
        check(h in hd, f"{h!r} among the headers: {hd!r}")
    eq(then, b"", "the server ends its side after the answer")
    eq(stored(t, n), 0, "nothing stored")
    # exactly 5 MiB streamed is within the limit: stored
    ok = PNG + bytes(5 * MIB - len(PNG))
    answer, _ = send_reading(t, head(t, path, "Transfer-Encoding: chunked\r\n"),
                             chunked(ok) + b"0\r\n\r\n")
    eq(status_of(answer), 201, f"exactly 5 MiB chunked: {answer[-200:]!r}")
    eq(stored(t, n), 1, "that one stored")
    t.ok(t.get("/me", user="csr_a"), 200, "the server is fine afterwards")


def test_every_body_route_refuses_as_it_passes_its_limit(t):
    """The same for the other limits: a JSON body (1 MiB) and an import (32 MiB) streamed past
    them, and a Content-Length over the limit sent without Expect: 100-continue, are answered
    413 before the body ends (before the fix: at its end)."""
    set_clock(t, "2027-09-07")
    tok = t.login("kam_GZ")

    def h(path, length, ctype="application/json"):
        return (f"POST /api/v1{path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {tok}"
                f"\r\nContent-Type: {ctype}\r\n{length}\r\n").encode()

    n = t.sql("SELECT count(*) FROM orders")[0][0]
    big = b'{"customer": "' + b"x" * (MIB + 65536)
    answer, _ = answer_before_the_end(t, h("/orders", "Transfer-Encoding: chunked\r\n"),
                                      chunked(big))
    eq((status_of(answer), error_of(answer)["code"]), (413, "payload_too_large"),
       "a JSON body streamed past 1 MiB")
    check("a request" in error_of(answer)["message"], error_of(answer)["message"])
    answer, _ = answer_before_the_end(t, h("/orders", f"Content-Length: {2 * MIB}\r\n"),
                                      big[:65536])
    eq((status_of(answer), error_of(answer)["code"]), (413, "payload_too_large"),
       "a Content-Length over 1 MiB, 64 KiB of it sent")
    eq(t.sql("SELECT count(*) FROM orders")[0][0], n, "no order made")
    csv = b"code,name\n" + b"Z,z\n" * ((32 * MIB) // 4 + 4096)
    answer, _ = answer_before_the_end(t, h("/customers/import", "Transfer-Encoding: chunked\r\n",
                                           "text/csv"), chunked(csv, 1024 * 1024))
    eq((status_of(answer), error_of(answer)["code"]), (413, "payload_too_large"),
       "an import streamed past 32 MiB")
    check("an import" in error_of(answer)["message"], error_of(answer)["message"])
    t.ok(t.get("/me", user="kam_GZ"), 200, "the server is fine afterwards")


def test_after_the_413_the_rest_is_not_read_for_long(t):
    """After an early 413 the server drains what the client goes on sending for a few seconds
    only (never keeping it), then closes: a client that never stops is cut off well before the
    request deadline (30 s)."""
    set_clock(t, "2027-09-07")
    n = support_request(t)
    path = f"/support-requests/{n}/documents"
    s = socket.create_connection(("127.0.0.1", t.server.port), timeout=30)
    piece = chunked(bytes(65536))
    try:
        s.sendall(head(t, path, "Transfer-Encoding: chunked\r\n") + piece * 81)  # > 5 MiB
        t0 = time.monotonic()
        cut = None
        while time.monotonic() - t0 < 25:
            try:
                s.sendall(piece)
            except (BrokenPipeError, ConnectionResetError):
                cut = time.monotonic() - t0
                break
            time.sleep(0.01)
    finally:
        s.close()
    check(cut is not None and cut < 15, f"cut off after the linger: {cut}")
    eq(stored(t, n), 0, "nothing stored")
    t.ok(t.get("/me", user="csr_a"), 200, "the server is fine afterwards")


def test_a_client_that_sends_before_it_reads_still_reads_the_413(t):
    """Python's http.client sends the whole body, then reads: a 6 MiB attachment with a
    Content-Length, and a streamed one, still get the 413 (the early answer is kept for it
    while the rest drains)."""
    import http.client
    set_clock(t, "2027-09-07")
    n = support_request(t)
    tok = t.login("csr_a")
    body = PNG + bytes(6 * MIB - len(PNG))
    for what, payload, hdrs in (
            ("Content-Length", body, {}),
            ("chunked", iter([body[i:i + 65536] for i in range(0, len(body), 65536)]),
             {"Transfer-Encoding": "chunked"})):
        c = http.client.HTTPConnection("127.0.0.1", t.server.port, timeout=30)
        try:
            c.request("POST", f"/api/v1/support-requests/{n}/documents", body=payload,
                      encode_chunked=what == "chunked",
                      headers=dict({"Authorization": f"Bearer {tok}",
                                    "Content-Type": "image/png"}, **hdrs))
            r = c.getresponse()
            data = r.read()
        finally:
            c.close()
        eq((r.status, json.loads(data)["error"]["code"]), (413, "payload_too_large"), what)
    eq(stored(t, n), 0, "nothing stored")

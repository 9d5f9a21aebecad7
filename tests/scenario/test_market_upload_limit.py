"""The attachment routes take their own body limit (issue #12, api.md §1 413 payload_too_large):
POST /pop-requests/{n}/attachments, /expense-applications/{n}/attachments and
/support-requests/{n}/documents refuse a body over 5 MiB as soon as its Content-Length says so
(struct route's `limit`), not after reading it up to the 32 MiB import limit; a streamed body
(chunked, no Content-Length) is discarded once past 5 MiB and answered 413 at its end. Nothing is stored. The import
route keeps the 32 MiB limit."""

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
        # streamed without a Content-Length (chunked): what passes 5 MiB is discarded as it
        # comes, the 413 at its end (libmicrohttpd takes no answer while a body arrives)
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

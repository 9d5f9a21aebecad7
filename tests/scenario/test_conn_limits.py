"""Connection limits and the caller's address (docs/operations.md "Security").

Idle connections from one address must not take the server down for everyone (a per-address
limit), a client trickling its header must not hold a connection past the whole-request
deadline, and X-Forwarded-For is believed only from a configured proxy. Loopback only, bounded
in count (at most 60 sockets) and time (each wait at most a few seconds): the "other" client
binds 127.0.0.2, which Linux routes over lo like 127.0.0.1.
"""

import socket
import time

import lib
from lib import API, check, eq


def sock_from(addr, port, timeout=3):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(timeout)
    s.bind((addr, 0))
    s.connect(("127.0.0.1", port))
    return s


def closed_by_server(s, wait):
    """True when the server closes s (EOF or reset) within wait seconds."""
    s.settimeout(wait)
    try:
        return s.recv(1024) == b""
    except ConnectionResetError:
        return True
    except socket.timeout:
        return False


def me_time(t, port):
    """GET /me on the server at port by a user signed in there: (status, seconds)."""
    tok = t.ok(t.post("/login", {"username": "gm", "password": "demo123"}, user=None,
                      port=port))["token"]
    t0 = time.time()
    r = t.get("/me", token=tok, port=port)
    return r.status, time.time() - t0


def closed_within(socks, wait):
    """How many of socks the server closed within wait seconds in all (one deadline for the
    lot, not one each: a loaded machine accepts and closes them late, in a burst)."""
    end = time.time() + wait
    return sum(1 for x in socks if closed_by_server(x, max(0.01, end - time.time())))


def test_idle_connections_of_one_address_leave_others_served(t):
    # The timings below are bounds measured against the request deadline (30 s), not against
    # the machine's speed: whatever closes or answers before it is the per-address limit's
    # doing, not the deadline's (issue #16: "connections over the limit are closed: expected
    # 20, got 19" once under load, when one of the 20 refused was closed after its 2 s wait).
    deadline = 30
    s = lib.own_server(t, "perip", OSB_MAX_PER_ADDRESS=20, OSB_REQUEST_DEADLINE=deadline)
    held = []
    t0 = time.time()
    try:
        for _ in range(40):  # twice the per-address limit, idle
            held.append(sock_from("127.0.0.2", s.port))
        # what the limit refused is closed by the server, long before the deadline could; the
        # first 20 stay open
        refused = closed_within(held[20:], deadline / 3)
        eq(refused, 20, "connections over the per-address limit are closed")
        check(time.time() - t0 < deadline / 2, "refused before the request deadline")
        # everyone else is served while the 20 are still held (before their deadline)
        st, secs = me_time(t, s.port)
        eq(st, 200, "GET /me from another address")
        check(time.time() - t0 < deadline * 0.9, f"GET /me took {secs:.2f} s")
        kept = [k for k, x in enumerate(held[:20]) if closed_by_server(x, 0.01)]
        eq(kept, [], "the first connections are kept (closed ones listed)")
    finally:
        for x in held:
            x.close()
    # once they are gone, that address is served again (the server sees the closes when it
    # gets to them: ask until it answers, within the deadline)
    end = time.time() + deadline
    while True:
        c = sock_from("127.0.0.2", s.port)
        try:
            c.sendall(f"GET {API}/me HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
            got = c.recv(12)[:12]
        except (ConnectionResetError, BrokenPipeError):
            got = b""
        finally:
            c.close()
        if got or time.time() > end:
            break
        time.sleep(0.1)
    eq(got, b"HTTP/1.1 401", "127.0.0.2 served again")


def test_trickled_header_is_closed_at_the_request_deadline(t):
    s = lib.own_server(t, "deadline", OSB_REQUEST_DEADLINE=2)
    c = sock_from("127.0.0.2", s.port)
    t0 = time.time()
    closed_at = None
    try:
        c.sendall(f"GET {API}/me HTTP/1.1\r\nHost: x\r\n".encode())
        # one header line every 0.4 s: every byte restarts an idle timeout (MHD's, 60 s), not
        # this deadline; the sweep runs once a second, and a loaded machine runs it late, so
        # the bound is the deadline plus 10 s, far below anything else that could close it
        for i in range(38):  # at most ~15 s
            try:
                c.sendall(f"X-Slow-{i}: y\r\n".encode())
            except (BrokenPipeError, ConnectionResetError):
                closed_at = time.time() - t0
                break
            if closed_by_server(c, 0.4):
                closed_at = time.time() - t0
                break
    finally:
        c.close()
    check(closed_at is not None, "the trickling connection was never closed")
    check(2 <= closed_at < 12, f"closed after {closed_at:.1f} s (deadline 2 s)")
    # a request sent whole, and one kept alive past the deadline's start, are served
    st, secs = me_time(t, s.port)
    eq(st, 200, "a normal request")


def login_failure_ip(t, server):
    """The address of the newest login failure, read from the server's database."""
    if lib.is_url(server.db):
        return lib.PG.query(server.db, "SELECT ip FROM login_failures ORDER BY id DESC LIMIT 1",
                            ())[0][0]
    import sqlite3
    con = sqlite3.connect(f"file:{server.db}?mode=ro", uri=True, timeout=10)
    try:
        return con.execute("SELECT ip FROM login_failures ORDER BY id DESC LIMIT 1").fetchone()[0]
    finally:
        con.close()


def bad_login(port, src, xff):
    c = sock_from(src, port)
    body = b'{"username":"nosuch","password":"x"}'
    try:
        c.sendall((f"POST {API}/login HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                   f"Content-Type: application/json\r\nX-Forwarded-For: {xff}\r\n"
                   f"Content-Length: {len(body)}\r\n\r\n").encode() + body)
        data = b""
        while True:
            chunk = c.recv(4096)
            if not chunk:
                break
            data += chunk
        return data[:12]
    finally:
        c.close()


def test_forwarded_for_only_from_a_trusted_proxy(t):
    s = lib.own_server(t, "proxy", OSB_TRUSTED_PROXIES="127.0.0.1")
    # the proxy (127.0.0.1) names the client: that address is throttled and audited
    eq(bad_login(s.port, "127.0.0.1", "198.51.100.7, 203.0.113.9"), b"HTTP/1.1 401",
       "through the proxy")
    eq(login_failure_ip(t, s), "203.0.113.9", "the proxy's client")
    # a chain of trusted proxies is skipped to the first address that is not one
    eq(bad_login(s.port, "127.0.0.1", "203.0.113.10, 127.0.0.1"), b"HTTP/1.1 401", "chain")
    eq(login_failure_ip(t, s), "203.0.113.10", "past the trusted hop")
    # anyone else's header is ignored: the peer's own address counts
    eq(bad_login(s.port, "127.0.0.2", "203.0.113.11"), b"HTTP/1.1 401", "not a proxy")
    eq(login_failure_ip(t, s), "127.0.0.2", "a client cannot choose its address")
    # garbage in the header: the proxy's own address
    eq(bad_login(s.port, "127.0.0.1", "not-an-address"), b"HTTP/1.1 401", "garbage")
    eq(login_failure_ip(t, s), "127.0.0.1", "garbage is no address")
    # without --trusted-proxies nobody is believed (the module's own server)
    eq(bad_login(t.server.port, "127.0.0.1", "203.0.113.12"), b"HTTP/1.1 401", "no proxies")
    eq(login_failure_ip(t, t.server), "127.0.0.1", "no proxy configured")

"""The command line (api.md §2): `osb backup` while the server serves, and exit codes with the
one-line error `osb: <code>: <message>` on stderr (0 success, 1 a check or rule failed, 2 usage).
"""

import os
import re
import sqlite3
import threading
import time

import lib
from lib import check, eq

ERR_LINE = re.compile(r"^osb: [a-z_]+: \S.*$")


def one_error_line(err, code=None):
    lines = [ln for ln in err.splitlines() if ln.strip()]
    check(len(lines) == 1, f"exactly one stderr line: {err!r}")
    check(ERR_LINE.match(lines[0]), f"stderr is 'osb: <code>: <message>': {lines[0]!r}")
    if code:
        check(lines[0].startswith(f"osb: {code}: "), f"code {code}: {lines[0]!r}")
    return lines[0]


@lib.sqlite_only("osb backup copies a SQLite database; PostgreSQL is backed up with pg_dump")
def test_backup_while_serving(t):
    stop = threading.Event()
    made = []
    errors = []

    def writer():
        while not stop.is_set():
            code = t.uniq("BK")
            r = t.post("/warehouses", {"code": code, "name": "备份中写入"})
            if r.status == 201:
                made.append(code)
            else:
                errors.append((r.status, r.body))

    th = threading.Thread(target=writer)
    th.start()
    try:
        while len(made) < 5 and th.is_alive():  # writes are flowing before the backup
            time.sleep(0.01)
        copies = []
        for i in range(3):
            dest = os.path.join(t.workdir, f"backup{i}.db")
            rc, out, err = t.osb("backup", "--db", t.server.db, "--to", dest)
            eq(rc, 0, f"backup {i} ({err})")
            copies.append(dest)
    finally:
        stop.set()
        th.join()
    eq(errors, [], "writes during the backup all succeeded")
    check(len(made) >= 5, "writes happened")
    for dest in copies:
        rc, out, err = t.osb("check", "--db", dest)
        eq(rc, 0, f"osb check on the copy: {out} {err}")
        # consistent: every warehouse in the copy has its audit row, and no audit row lacks
        # its warehouse (one snapshot, not a mix)
        con = sqlite3.connect(dest)
        wh = {r[0] for r in con.execute("SELECT code FROM warehouses WHERE code LIKE 'BK%'")}
        au = {r[0] for r in con.execute("SELECT object_key FROM audit WHERE object_type ="
                                        " 'warehouse' AND object_key LIKE 'BK%'")}
        con.close()
        eq(wh, au, "warehouses and their audit rows match in the copy")
        check(wh <= set(made), "the copy holds only committed writes")
    # the server is unharmed and every write is in the live database
    live = {r[0] for r in t.sql("SELECT code FROM warehouses WHERE code LIKE 'BK%'")}
    eq(live, set(made), "live database has every write")


@lib.sqlite_only("osb backup copies a SQLite database; PostgreSQL is backed up with pg_dump")
def test_backup_serves_as_a_database(t):
    dest = os.path.join(t.workdir, "restore.db")
    rc, out, err = t.osb("backup", "--db", t.server.db, "--to", dest)
    eq(rc, 0, err)
    s = t.new_server(db=dest, name="restored")
    r = t.request("POST", "/login", {"username": "kam_GZ", "password": "demo123"}, user=None,
                  port=s.port)
    eq(r.status, 200, "login on the restored copy")
    c = t.request("GET", "/customers/GZ01", token=r.body["token"], port=s.port)
    eq((c.status, c.body["name"]), (200, "广州恒通商贸有限公司"), "data in the copy")
    s.stop()


def test_backup_errors(t):
    dest = os.path.join(t.workdir, "exists.db")
    open(dest, "w").close()
    rc, out, err = t.osb("backup", "--db", t.server.db, "--to", dest)
    eq(rc, 1, "backup onto an existing file")
    one_error_line(err, "duplicate")
    eq(os.path.getsize(dest), 0, "existing file untouched")
    rc, out, err = t.osb("backup", "--db", t.server.db)
    eq(rc, 2, "backup without --to")
    one_error_line(err)
    rc, out, err = t.osb("backup", "--db", os.path.join(t.workdir, "missing.db"), "--to",
                         os.path.join(t.workdir, "x.db"))
    eq(rc, 1, "backup of a missing database")
    one_error_line(err, "not_found")
    check(not os.path.exists(os.path.join(t.workdir, "x.db")), "no file left behind")


def test_usage_errors_exit_2(t):
    for args in (["frobnicate"], ["check"], ["check", "--bogus"], ["check", "--db"],
                 ["init", "--db", os.path.join(t.workdir, "short.db"), "--admin-password", "123"],
                 ["serve", "--db", t.server.db, "--listen", "nonsense"],
                 ["serve", "--db", t.server.db, "--threads", "0", "--listen", "127.0.0.1:1"],
                 ["check", "--db", t.server.db, "extra"],
                 ["serve", "--db", t.server.db, "--listen", "127.0.0.1:1",
                  "--test-clock-start", "2026-12-01"],
                 ["serve", "--db", t.server.db, "--listen", "127.0.0.1:1",
                  "--test-clock-start", "yesterday"],
                 ["demo", "--db", os.path.join(t.workdir, "asof.db"), "--as-of", "2026-13-01T09:00:00+08:00"],
                 ["help", "frobnicate"]):
        rc, out, err = t.osb(*args)
        eq(rc, 2, f"osb {' '.join(args)}: exit code ({err!r})")
        one_error_line(err)
    check(not os.path.exists(os.path.join(t.workdir, "short.db")), "no db with a bad password")


def test_no_arguments_is_usage(t):
    rc, out, err = t.osb()
    eq(rc, 2, "osb without a command")
    check("usage" in (out + err).lower(), "shows the usage")
    one_error_line(err, "usage")


def test_rule_failures_exit_1(t):
    rc, out, err = t.osb("check", "--db", os.path.join(t.workdir, "missing.db"))
    eq(rc, 1, "check of a missing file")
    one_error_line(err, "not_found")
    rc, out, err = t.osb("init", "--db", t.server.db, "--admin-password", "admin123")
    eq(rc, 1, "init over an existing database")
    one_error_line(err, "duplicate")
    rc, out, err = t.osb("demo", "--db", t.server.db)
    eq(rc, 1, "demo into a database with data")
    one_error_line(err, "duplicate")
    # a file that is not an OSB database
    junk = os.path.join(t.workdir, "junk.db")
    sqlite3.connect(junk).execute("CREATE TABLE x(y)").connection.close()
    rc, out, err = t.osb("check", "--db", junk)
    eq(rc, 1, "check of a non-OSB database")
    one_error_line(err)


def test_help_and_success_exit_0(t):
    rc, out, err = t.osb("help")
    eq(rc, 0, "osb help")
    for cmd in ("init", "serve", "demo", "backup", "check"):
        check(cmd in out, f"help lists {cmd}")
    for cmd in ("init", "serve", "demo", "backup", "check"):
        rc, out, err = t.osb(cmd, "--help")
        eq(rc, 0, f"osb {cmd} --help")
        check(out.startswith("usage: osb " + cmd), f"{cmd} usage: {out[:60]!r}")
        rc, out2, err = t.osb("help", cmd)
        eq((rc, out2), (0, out), f"osb help {cmd}")
    fresh = os.path.join(t.workdir, "fresh.db")
    rc, out, err = t.osb("init", "--db", fresh, "--admin-password", "secret123")
    eq((rc, err), (0, ""), "init")
    rc, out, err = t.osb("check", "--db", fresh)
    eq(rc, 0, f"check of a fresh database: {out}")
    rc, out, err = t.osb("demo", "--db", fresh)
    eq((rc, err), (0, ""), "demo")
    rc, out, err = t.osb("check", "--db", fresh)
    eq(rc, 0, f"check after demo: {out}")


def test_init_password_from_env(t):
    import subprocess
    from lib import test_env
    db = os.path.join(t.workdir, "envpw.db")
    env = test_env()
    env["OSB_ADMIN_PASSWORD"] = "fromenv123"
    p = subprocess.run([t.binary, "init", "--db", db], capture_output=True, env=env,
                       stdin=subprocess.DEVNULL)
    eq(p.returncode, 0, p.stderr.decode())
    s = t.new_server(db=db, name="envpw")
    r = t.request("POST", "/login", {"username": "admin", "password": "fromenv123"}, user=None,
                  port=s.port)
    eq(r.status, 200, "admin logs in with the password from OSB_ADMIN_PASSWORD")
    s.stop()
    # without any password and no terminal: usage error, no file
    env.pop("OSB_ADMIN_PASSWORD")
    db2 = os.path.join(t.workdir, "nopw.db")
    p = subprocess.run([t.binary, "init", "--db", db2], capture_output=True, env=env,
                       stdin=subprocess.DEVNULL)
    eq(p.returncode, 2, "no password")
    one_error_line(p.stderr.decode())
    check(not os.path.exists(db2), "no database created")

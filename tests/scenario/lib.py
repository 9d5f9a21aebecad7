"""
lib.py — the one helper module of the scenario tests: a real `osb serve` (the sanitizer build)
on a fresh copy of a demo database, small HTTP helpers, and (below the harness) the helpers
that drive the documents: the test clock, jobs, customers, products, orders through OP,
shipments, payments and the ledger, the OSB problem log, and one act() for every document
action. osb_lib.py and billing_lib.py only re-export names from here for older imports.

Standard library only. One Server per test module; run.py builds the template database once
(`osb init` + `osb demo` with OSB_KDF=fast) and each module starts from a copy of it.

Every test makes its own data (customers, products, orders...) with the helpers below and sets
the test clock itself when dates matter: no test reads what another test made, so any test
passes run alone (`run.py -k module::test`, `run.py --alone`). What a test reuses within itself
(its customer, its product) goes in t.case, which run.py empties before every test; what it
starts and must stop (an SMTP sink) it hands to t.defer(fn), called when the test ends.

A test is a function `test_<name>(t)` where t is the module's T (below):

    st, body = t.get("/customers/GZ01", user="kam_GZ")
    t.expect_error(t.post("/markets", {...}, user="csr_a"), 403, "forbidden", rule="role")

Requests default to user "admin". Tokens are cached per user, so a module logs each user in
once (keeps the suite fast and the failed-login counter of §7 untouched).
"""

import threading
import datetime
import http.client
import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import time

ADMIN_PASSWORD = "admin123"
DEMO_PASSWORD = "demo123"
API = "/api/v1"

# What a sanitizer prints when it finds something; any of these in a server's or a command's
# stderr fails the suite.
SANITIZER_MARKS = (
    "ERROR: AddressSanitizer",
    "ERROR: LeakSanitizer",
    "runtime error:",
    "ERROR: UndefinedBehaviorSanitizer",
    # OSB_CHECK_ANSWER=1 (test_env): the kernel answered an action from its saved aggregate
    # and a fresh load of the document differs (flow/doc.c, doc_kind.answer_saved).
    "ANSWER MISMATCH",
)


class TestFailure(AssertionError):
    pass


def fail(msg):
    raise TestFailure(msg)


def check(cond, msg):
    if not cond:
        raise TestFailure(msg)


def eq(actual, expected, what="value"):
    if actual != expected:
        raise TestFailure(f"{what}: expected {expected!r}, got {actual!r}")


def short(v, n=300):
    s = v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)
    return s if len(s) <= n else s[:n] + "..."


def sanitizer_lines(text):
    """The lines of text that report a sanitizer finding (with a little context)."""
    lines = text.splitlines()
    out = []
    for i, ln in enumerate(lines):
        if any(m in ln for m in SANITIZER_MARKS):
            out.extend(lines[i:i + 6])
    return out


def free_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


# The instant every scenario server's test clock starts at (and the template's demo is made
# as of): a fixed day, never today. `run.py --start YYYY-MM-DD` (or OSB_TEST_START) picks it.
def start_instant():
    return os.environ.get("OSB_TEST_START", "2026-12-01") + "T09:00:00+08:00"


def test_env():
    env = dict(os.environ)
    env["OSB_KDF"] = "fast"
    env.setdefault("OSB_CHECK_ANSWER", "1")
    env.setdefault("ASAN_OPTIONS", "detect_leaks=1:abort_on_error=0")
    env.setdefault("UBSAN_OPTIONS", "print_stacktrace=1")
    return env


class Server:
    """One `osb serve` process on a free loopback port."""

    def __init__(self, binary, db, workdir, test_clock=True, name="server", env=None):
        self.binary = binary
        self.env = env or {}  # more environment for this server only
        self.db = db
        self.workdir = workdir
        self.test_clock = test_clock
        self.name = name
        self.proc = None
        self.port = None
        self.log_path = None
        self.logs = []  # stderr text of every run of this server
        self._n = 0

    def start(self):
        last = ""
        for _attempt in range(5):
            self._n += 1
            self.port = free_port()
            self.log_path = os.path.join(self.workdir, f"{self.name}.{self._n}.log")
            args = [self.binary, "serve", "--db", self.db, "--listen",
                    f"127.0.0.1:{self.port}", "--threads", "4"]
            if self.test_clock:
                args += ["--test-clock", "--test-clock-start", start_instant()]
            self._log = open(self.log_path, "wb")
            self.proc = subprocess.Popen(args, stdout=self._log, stderr=subprocess.STDOUT,
                                         env={**test_env(), **self.env}, cwd=self.workdir)
            deadline = time.time() + 15
            # Our process says it is serving only once it holds the port; probing before that
            # could reach another program's server on a port taken since free_port().
            banner = f"serving http://127.0.0.1:{self.port}/"
            while time.time() < deadline:
                if self.proc.poll() is not None:
                    break
                with open(self.log_path, "r", encoding="utf-8", errors="replace") as f:
                    if banner not in f.read():
                        time.sleep(0.02)
                        continue
                try:
                    c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                    c.request("GET", API + "/me")
                    r = c.getresponse()
                    r.read()
                    c.close()
                    if r.status == 401:
                        return self
                except OSError:
                    time.sleep(0.05)
            # did not come up (port taken between free_port() and bind, or a crash)
            self._collect()
            last = self.logs[-1] if self.logs else ""
        raise RuntimeError(f"osb serve did not start: {last[-2000:]}")

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def _collect(self):
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._log.close()
        with open(self.log_path, "r", encoding="utf-8", errors="replace") as f:
            self.logs.append(f.read())
        self.returncode = self.proc.returncode
        self.proc = None

    def stop(self):
        """Stops the server; returns its exit code."""
        self._collect()
        return self.returncode

    def sanitizer_report(self):
        out = []
        for text in self.logs:
            out.extend(sanitizer_lines(text))
        return out


class Response(tuple):
    """(status, body) with the headers kept aside: body is the parsed JSON, or the raw text
    when the answer is not JSON, or None when empty."""

    def __new__(cls, status, body, headers=None, raw=b""):
        r = super().__new__(cls, (status, body))
        r.headers = headers or {}
        r.raw = raw
        return r

    @property
    def status(self):
        return self[0]

    @property
    def body(self):
        return self[1]


class T:
    """The handle a test function receives."""

    def __init__(self, binary, workdir, server, template_db):
        self.binary = binary
        self.workdir = workdir
        self.server = server
        self.template_db = template_db
        self.tokens = {}
        self.sanitizer = []  # findings in commands run by tests
        self._uniq = 0
        self.extra_servers = []
        # What one test keeps for itself (a customer it reuses, ...): run.py empties it before
        # every test, so nothing in it reaches the next test.
        self.case = {}
        self.cleanups = []  # run.py calls these when the running test ends, passed or failed

    # ---- naming ---------------------------------------------------------------------------

    def uniq(self, prefix="X"):
        """A code no other test of this module uses (codes are [A-Za-z0-9._-]{1,32})."""
        self._uniq += 1
        return f"{prefix}{os.getpid() % 1000}{self._uniq:03d}"

    def defer(self, fn):
        """fn() runs when the running test ends (passed or failed): to stop what it started."""
        self.cleanups.append(fn)

    # ---- HTTP -----------------------------------------------------------------------------

    def raw_request(self, method, path, body=None, headers=None, port=None, timeout=60):
        """Sends bytes as given; returns Response. path is below /api/v1 unless it starts
        with '//' (then it is sent as is, minus one slash)."""
        url = path[1:] if path.startswith("//") else API + path
        c = http.client.HTTPConnection("127.0.0.1", port or self.server.port, timeout=timeout)
        try:
            c.request(method, url, body=body, headers=headers or {})
            r = c.getresponse()
            data = r.read()
            hdrs = {k.lower(): v for k, v in r.getheaders()}
        finally:
            c.close()
        parsed = None
        if data:
            ctype = hdrs.get("content-type", "")
            if "json" in ctype:
                try:
                    parsed = json.loads(data.decode("utf-8"))
                except ValueError:
                    fail(f"{method} {path}: answer says JSON but is not: {data[:200]!r}")
            else:
                parsed = data.decode("utf-8", errors="replace")
        return Response(r.status, parsed, hdrs, data)

    def login(self, user, password=None, fresh=False):
        """Token of user (cached). Fails the test when the login is refused."""
        if not fresh and user in self.tokens:
            return self.tokens[user]
        if password is None:
            password = ADMIN_PASSWORD if user == "admin" else DEMO_PASSWORD
        r = self.request("POST", "/login", {"username": user, "password": password}, user=None)
        if r.status != 200:
            fail(f"login {user}: {r.status} {short(r.body)}")
        self.tokens[user] = r.body["token"]
        return r.body["token"]

    def request(self, method, path, body=None, user="admin", token=None, headers=None,
                raw=None, content_type=None, port=None):
        h = dict(headers or {})
        if token is None and user is not None:
            token = self.login(user)
        if token is not None:
            h["Authorization"] = f"Bearer {token}"
        data = None
        if raw is not None:
            data = raw if isinstance(raw, bytes) else raw.encode("utf-8")
            h.setdefault("Content-Type", content_type or "application/json")
        elif body is not None:
            data = json.dumps(body, ensure_ascii=False).encode("utf-8")
            h.setdefault("Content-Type", "application/json")
        return self.raw_request(method, path, data, h, port=port)

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, body=None, **kw):
        return self.request("POST", path, body, **kw)

    def patch(self, path, body=None, **kw):
        return self.request("PATCH", path, body, **kw)

    def put(self, path, body=None, **kw):
        return self.request("PUT", path, body, **kw)

    def ok(self, res, status=200, what=None):
        """Asserts the status; returns the body."""
        if res.status != status:
            fail(f"{what or 'request'}: expected {status}, got {res.status} {short(res.body)}")
        return res.body

    def expect_error(self, res, status, code, rule=None, field=None):
        """Asserts the pinned error envelope of api.md §1; returns details."""
        st, body = res
        if st != status:
            fail(f"expected {status} {code}, got {st} {short(body)}")
        check(isinstance(body, dict) and isinstance(body.get("error"), dict),
              f"error envelope missing: {short(body)}")
        err = body["error"]
        eq(err.get("code"), code, "error.code")
        check(isinstance(err.get("message"), str) and err["message"],
              f"error.message missing: {short(body)}")
        details = err.get("details")
        check(isinstance(details, dict), f"error.details must be an object: {short(body)}")
        if status == 422:
            check("field" in details or "rule" in details,
                  f"a 422 must name details.field or details.rule: {short(body)}")
        if rule is not None:
            eq(details.get("rule"), rule, f"details.rule ({short(body)})")
        if field is not None:
            eq(details.get("field"), field, f"details.field ({short(body)})")
        return details

    def list_all(self, path, user="admin", limit=None):
        """Follows next_cursor to the end; returns every item."""
        items = []
        sep = "&" if "?" in path else "?"
        cursor = None
        for _ in range(10000):
            q = path
            params = []
            if limit:
                params.append(f"limit={limit}")
            if cursor:
                params.append(f"cursor={cursor}")
            if params:
                q = path + sep + "&".join(params)
            body = self.ok(self.get(q, user=user), 200, f"GET {q}")
            items.extend(body["items"])
            cursor = body["next_cursor"]
            if cursor is None:
                return items
        fail("cursor never ended")

    # ---- the command line -----------------------------------------------------------------

    def osb(self, *args, timeout=60):
        """Runs the osb binary; returns (exit code, stdout, stderr). Sanitizer findings in its
        stderr are recorded and fail the module."""
        p = subprocess.run([self.binary, *args], capture_output=True, env=test_env(),
                           cwd=self.workdir, timeout=timeout)
        out = p.stdout.decode("utf-8", errors="replace")
        err = p.stderr.decode("utf-8", errors="replace")
        found = sanitizer_lines(err)
        if found:
            self.sanitizer.extend([f"osb {' '.join(args)}:"] + found)
        return p.returncode, out, err

    def new_server(self, test_clock=True, db=None, name="extra", env=None):
        """Another server, on a copy of the template database unless db is given; stopped at
        the end of the module if the test does not stop it. env: more environment for it."""
        if db is None and is_url(self.template_db):
            db = PG.clone(self.template_db, name)
        elif db is None:
            db = os.path.join(self.workdir, f"{name}.db")
            copy_db(self.template_db, db)
        s = Server(self.binary, db, self.workdir, test_clock=test_clock, name=name,
                   env=env).start()
        self.extra_servers.append(s)
        return s

    def restart(self):
        """Stops and starts the module's server (tokens survive: sessions are in the db)."""
        self.server.stop()
        self.server.start()

    def sql(self, query, params=()):
        """Reads the module's database directly (read-only use while the server runs). On
        PostgreSQL the server chains audit entries after their requests answered (store/audit.c
        "Sealing"): a query of the audit table first waits until nothing is left pending."""
        if is_url(self.server.db):
            if re.search(r"\baudit\b", query):
                audit_settled(self)
            return PG.query(self.server.db, query, params)
        con = sqlite3.connect(f"file:{self.server.db}?mode=ro", uri=True, timeout=10)
        try:
            return con.execute(query, params).fetchall()
        finally:
            con.close()


def copy_db(src, dst):
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(src + suffix):
            shutil.copyfile(src + suffix, dst + suffix)


def make_template(binary, workdir):
    """`osb init` + `osb demo` once; returns the path of the template database."""
    db = PG.createdb("osb_template") if PG else os.path.join(workdir, "template.db")
    env = test_env()
    for args in (["init", "--db", db, "--admin-password", ADMIN_PASSWORD], ["demo", "--db", db, "--bare", "--as-of", start_instant()]):
        p = subprocess.run([binary, *args], capture_output=True, env=env, cwd=workdir)
        if p.returncode != 0:
            raise RuntimeError(f"osb {args[0]} failed ({p.returncode}): "
                               f"{p.stderr.decode(errors='replace')}")
        found = sanitizer_lines(p.stderr.decode(errors="replace"))
        if found:
            raise RuntimeError(f"osb {args[0]}: sanitizer report:\n" + "\n".join(found))
    return db


# ==== the documents ==============================================================================
# Helpers that make data through the API. Every one takes the test's T first.

TZ = "+08:00"
WH = "WH-GZ"
UNLIMITED = 10 ** 12  # a credit limit no test order reaches


# ---- the test clock and the timed jobs ----------------------------------------------------------

def at(day, hhmm="10:00"):
    """'2026-11-23', '09:30' → the RFC 3339 instant in the company zone."""
    return f"{day}T{hhmm}:00{TZ}"


def set_clock(t, day, hhmm="10:00"):
    """Sets the server's test clock to day at hhmm ('HH:MM' or 'HH:MM:SS') in the company zone."""
    when = hhmm if hhmm.count(":") == 2 else hhmm + ":00"
    t.ok(t.put("/test/clock", {"now": f"{day}T{when}{TZ}"}), 200, f"set clock {day} {hhmm}")


def today(t):
    """The server's test-clock day (YYYY-MM-DD)."""
    return t.ok(t.get("/test/clock"))["now"][:10]


def add_days(day, n):
    return (datetime.date.fromisoformat(day) + datetime.timedelta(days=n)).isoformat()


def run_jobs(t):
    """POST /jobs/run; returns the names of the jobs that ran."""
    return t.ok(t.post("/jobs/run"), 200, "POST /jobs/run")["ran"]


# ---- one action on any document ------------------------------------------------------------------

def act(t, collection, number, action, user, body=None, status=200, **kw):
    """POST /<collection>/<number>/<action> as user (body {} unless given); asserts the status
    and returns the answer. kw goes to t.post (headers=...)."""
    return t.ok(t.post(f"/{collection}/{number}/{action}", body or {}, user=user, **kw), status,
                f"{collection} {number} {action} by {user}")


def order_act(t, n, action, user, body=None, status=200, **kw):
    return act(t, "orders", n, action, user, body, status, **kw)


def ship_act(t, n, action, body=None, user="warehouse", status=200, **kw):
    return act(t, "shipments", n, action, user, body, status, **kw)


# ---- master data ---------------------------------------------------------------------------------

def customer(t, limit=100000000, term=30, prepay_only=False, name=None, region="GZ", market="S",
             kam="kam_GZ", prefix="BC", label="结算客户", **extra):
    """A customer of its own (default: market S, region GZ, kam_GZ, limit ¥1,000,000, 30 days);
    returns its code. extra fields go into the body as given."""
    code = t.uniq(prefix)
    body = {"code": code, "name": name or f"{label}{code}", "market": market, "region": region,
            "kam": kam, "credit_limit_fen": limit, "payment_term_days": term,
            "consignee": "收货人", "consignee_phone": "13800000000",
            "consignment_station": "广州站"}
    if prepay_only:
        body["prepay_only"] = True
    body.update(extra)
    t.ok(t.post("/customers", body), 201, "create customer")
    return code


def product(t, price=1000, case=1, kind=None, stock=1000000, batch="BLB1", sku=None):
    """A product of its own (price in fen, case size case) with stock in WH-GZ; returns the SKU
    (sku: that code instead of a new one)."""
    sku = sku or t.uniq("BL")
    body = {"sku": sku, "name": f"结算测试品{sku}", "spec": "1", "unit": "个",
            "case_size": case, "price_fen": price}
    if kind:
        body["kind"] = kind
    t.ok(t.post("/products", body), 201, "create product")
    if stock:
        t.ok(t.post("/stock/receipts", {"warehouse": WH, "sku": sku, "batch": batch,
                                        "qty": stock, "expires": "2030-12-31"},
                    user="warehouse"), 201, "stock receipt")
    return sku


# ---- orders through OP ---------------------------------------------------------------------------

# The OP steps after submitted, in order, with who does them.
STEPS = [("accept", "csr_a"), ("check", "csr_a"), ("approve", "deputy"),
         ("print-delivery-note", "finance"), ("release", "csr_a")]


def submitted(t, cust, sku="M-IF1-900", qty=12):
    """A new order taken to submitted (approve-market) at the current clock; returns its number."""
    o = t.ok(t.post("/orders", {"customer": cust, "lines": [{"sku": sku, "qty": qty}]},
                    user="kam_GZ"), 201, "create order")
    n = o["number"]
    order_act(t, n, "verify", "kam_GZ")
    order_act(t, n, "approve-market", "mm_S")
    return n


def advance(t, n, upto):
    """Runs the OP steps from the order's state up to and including the action upto."""
    o = t.ok(t.get(f"/orders/{n}", user="csr_a"))
    after = {"submitted": 0, "accepted": 1, "pending_approval": 2, "approved": 3, "billed": 4}
    start = after[o["state"]]
    for action, user in STEPS[start:]:
        o = order_act(t, n, action, user)
        if action == upto:
            return o
    return o


def checked(t, cust, lines):
    """Creates an order of [(sku, qty)] and runs it to the credit check; returns the order."""
    o = t.ok(t.post("/orders", {"customer": cust,
                                "lines": [{"sku": s, "qty": q} for s, q in lines]},
                    user="kam_GZ"), 201, "create order")
    n = o["number"]
    for action, user in (("verify", "kam_GZ"), ("approve-market", "mm_S"), ("accept", "csr_a"),
                         ("check", "csr_a")):
        o = order_act(t, n, action, user)
    return o


def release(t, n):
    """pending_approval → approved → billed → released; returns the order."""
    o = t.ok(t.get(f"/orders/{n}"))
    if o["state"] == "pending_approval":
        o = order_act(t, n, "approve", "deputy")
    for action, user in (("print-delivery-note", "finance"), ("release", "csr_a")):
        o = order_act(t, n, action, user)
    eq(o["state"], "released", "released")
    return o


def released(t, cust, lines):
    """An order of [(sku, qty)] taken to released; returns (order number, shipment number)."""
    o = checked(t, cust, lines)
    eq(o["state"], "pending_approval", f"order passes CC ({o.get('credit_check')})")
    o = release(t, o["number"])
    return o["number"], o["shipments"][0]


# ---- shipments -----------------------------------------------------------------------------------

def dispatch(t, ship, picks=None, counts=None, station="广州站", waybill=None):
    """receive, pick (FEFO unless picks), check (as picked unless counts), book (顺丰物流 to
    station), dispatch; returns the shipment."""
    for action, body in (("receive", None), ("pick", picks), ("check", counts),
                         ("book", {"carrier": "顺丰物流", "station": station,
                                   "waybill": waybill or t.uniq("WB")}), ("dispatch", None)):
        s = ship_act(t, ship, action, body)
    eq(s["state"], "dispatched", "dispatched")
    return s


# ---- money ---------------------------------------------------------------------------------------

def invoices_of(t, cust, order=None):
    q = f"/invoices?customer={cust}" + (f"&order={order}" if order else "")
    items = t.ok(t.get(q, user="finance"))["items"]
    return sorted(items, key=lambda i: i["number"])


def pay(t, cust, amount, status=201, **extra):
    """A receipt registered by finance (bank transfer, received today unless given)."""
    body = {"customer": cust, "amount_fen": amount, "method": "bank_transfer",
            "reference": extra.pop("reference", t.uniq("REF")),
            "received_on": extra.pop("received_on", today(t))}
    body.update(extra)
    return t.ok(t.post("/payments", body, user="finance"), status, "payment")


def credit(t, cust):
    return t.ok(t.get(f"/customers/{cust}", user="finance"))["credit"]


def ledger(t, cust):
    return t.ok(t.get(f"/customers/{cust}/ledger", user="finance"))["items"]


def money_from_db(t, cust):
    """(open receivables, unapplied) summed straight from the tables, independent of the API."""
    rec = t.sql("SELECT coalesce(sum(amount_fen - settled_fen - credited_fen - written_off_fen),"
                " 0) FROM invoices WHERE customer = ?", (cust,))[0][0]
    un = t.sql("SELECT coalesce(sum(unapplied_fen), 0) FROM payments WHERE customer = ?",
               (cust,))[0][0]
    un += t.sql("SELECT coalesce(sum(unapplied_fen), 0) FROM credit_notes WHERE customer = ?",
                (cust,))[0][0]
    return rec, un


def ledger_consistent(t, cust):
    """Running balances chain, seq is gapless, and the last balance = receivables − unapplied."""
    items = ledger(t, cust)
    bal = 0
    for i, it in enumerate(items):
        eq(it["seq"], i + 1, "gapless seq")
        check((it["debit_fen"] > 0) != (it["credit_fen"] > 0), f"one side only: {it}")
        bal += it["debit_fen"] - it["credit_fen"]
        eq(it["balance_fen"], bal, f"running balance at seq {it['seq']}")
    rec, un = money_from_db(t, cust)
    eq(bal, rec - un, "ledger balance = open receivables − unapplied prepayment")
    return bal


def osb_check(t):
    """`osb check` on the module's database; returns (exit code, stdout + stderr)."""
    rc, out, err = t.osb("check", "--db", t.server.db)
    return rc, out + err


# ---- the OSB problem log -------------------------------------------------------------------------

def issues(t, document, rule=None, user="ssg_leader"):
    q = f"/osb-issues?document={document}"
    if rule:
        q += f"&rule={rule}"
    return t.list_all(q, user=user)


def one_issue(t, document, rule):
    got = issues(t, document, rule)
    eq(len(got), 1, f"{rule} entries for {document}")
    return got[0]


def no_issue(t, document, rule):
    got = issues(t, document, rule)
    eq(got, [], f"{rule} entries for {document}")


def boundary(t, document, rule, deadline_day, deadline_hhmm, before_day=None,
             before_hhmm=None):
    """One minute before the deadline the job opens nothing; at the deadline exactly one entry,
    and running again opens no second one. Returns the entry."""
    set_clock(t, before_day or deadline_day, before_hhmm or _minus_one(deadline_hhmm))
    run_jobs(t)
    no_issue(t, document, rule)
    set_clock(t, deadline_day, deadline_hhmm)
    run_jobs(t)
    run_jobs(t)
    it = one_issue(t, document, rule)
    eq(it["opened_at"], at(deadline_day, deadline_hhmm), f"{rule} opened exactly at the deadline")
    eq(it["deadline"], at(deadline_day, deadline_hhmm), f"{rule} deadline")
    eq(it["state"], "open", f"{rule} state")
    eq(it["source"], "auto", f"{rule} source")
    check("WT" in it["number"], f"WT number: {it['number']}")
    return it


def _minus_one(hhmm):
    h, m = map(int, hhmm.split(":"))
    m -= 1
    if m < 0:
        h, m = h - 1, 59
    check(h >= 0, "use before_day/before_hhmm for a deadline at 00:00")
    return f"{h:02d}:{m:02d}"


# ---- proxy signing (api.md §5.3) -----------------------------------------------------------------

def away(t, user, on=True):
    """Sets user's out_of_office (travel, 出差) as the administrator: a secretary signs on
    behalf of an SLT member only while that member is away."""
    got = t.ok(t.patch(f"/users/{user}", {"out_of_office": on}), 200, f"{user} away={on}")
    eq(got["out_of_office"], on, "out_of_office")


# ==== PostgreSQL (run.py --pg) ===================================================================
# run.py --pg starts one throwaway PostgreSQL cluster (initdb in the run's temporary directory,
# a free loopback port, fsync off) and sets PG; the template is then a database made by
# `osb init` + `osb demo` on it, and each module (each test with --alone) gets its own
# database cloned from it with CREATE DATABASE ... TEMPLATE. A server's db is then a
# postgresql:// URL; t.sql() and t.sql_exec() speak to it through psql.

PG = None  # a PgCluster while run.py --pg runs


def sqlite_only(reason):
    """Marks a test that needs the SQLite file itself (copies, tampers with or locks it): it
    runs on SQLite and is left out of the PostgreSQL run, counted in neither total."""
    def mark(fn):
        fn.sqlite_only = reason
        return fn
    return mark


def pg_only(reason):
    """Marks a test that needs a PostgreSQL server (its connections, its settings): it runs in
    the PostgreSQL run (`make scenario PG=1`) and is left out of the SQLite one, counted in
    neither total."""
    def mark(fn):
        fn.pg_only = reason
        return fn
    return mark


def is_url(db):
    return isinstance(db, str) and db.startswith(("postgresql://", "postgres://"))


def _sql_literal(v):
    if v is None:
        return "NULL"
    if isinstance(v, bool):
        return "1" if v else "0"
    if isinstance(v, int):
        return str(v)
    return "'" + str(v).replace("'", "''") + "'"


def _inline_params(query, params):
    """SQLite's '?' placeholders filled in with SQL literals (quoted text left alone)."""
    out, i, n, params = [], 0, len(query), list(params)
    while i < n:
        ch = query[i]
        if ch in "'\"":
            j = query.find(ch, i + 1)
            j = n - 1 if j < 0 else j
            out.append(query[i:j + 1])
            i = j + 1
        elif ch == "?":
            if not params:
                fail(f"t.sql: too few parameters for {query!r}")
            out.append(_sql_literal(params.pop(0)))
            i += 1
        else:
            out.append(ch)
            i += 1
    return "".join(out)


class PgCluster:
    """One PostgreSQL cluster for the run: start(), clone(template, name), url(name), stop()."""

    def __init__(self, root):
        self.root = os.path.join(root, "pg")
        self.port = None
        self.pgbin = None
        self._n = 0
        import threading
        self._lock = threading.Lock()

    def _as_pg(self, args):
        return (["runuser", "-u", "postgres", "--"] + args) if os.getuid() == 0 else args

    def start(self):
        import glob
        cands = []
        try:
            cands.append(subprocess.run(["pg_config", "--bindir"], capture_output=True,
                                        text=True).stdout.strip())
        except OSError:
            pass
        cands += sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
        self.pgbin = next((d for d in cands if d and os.access(os.path.join(d, "initdb"),
                                                               os.X_OK)), None)
        if not self.pgbin:
            raise RuntimeError("no initdb (install postgresql: scripts/deps.sh)")
        os.makedirs(os.path.join(self.root, "sock"))
        os.chmod(os.path.dirname(self.root), 0o755)
        if os.getuid() == 0:
            subprocess.run(["chown", "-R", "postgres:", self.root], check=True)
        data = os.path.join(self.root, "data")
        p = subprocess.run(self._as_pg([os.path.join(self.pgbin, "initdb"), "-D", data,
                                        "-A", "trust", "-U", "postgres", "-E", "UTF8",
                                        "--locale=C", "--no-sync"]),
                           capture_output=True, timeout=120)
        if p.returncode != 0:
            raise RuntimeError(f"initdb: {p.stderr.decode(errors='replace')[-1000:]}")
        for _ in range(5):
            self.port = free_port()
            opts = (f"-p {self.port} -k {self.root}/sock -c listen_addresses=127.0.0.1 "
                    "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
                    "-c max_connections=300")
            p = subprocess.run(self._as_pg([os.path.join(self.pgbin, "pg_ctl"), "-D", data,
                                            "-l", os.path.join(self.root, "log"), "-w",
                                            "-t", "30", "-o", opts, "start"]),
                               capture_output=True, timeout=60)
            if p.returncode == 0:
                return self
        raise RuntimeError("PostgreSQL did not start")

    def stop(self):
        if self.port is None:
            return
        subprocess.run(self._as_pg([os.path.join(self.pgbin, "pg_ctl"), "-D",
                                    os.path.join(self.root, "data"), "-m", "immediate", "-w",
                                    "stop"]), capture_output=True, timeout=60)
        self.port = None

    def url(self, name):
        return f"postgresql://postgres@127.0.0.1:{self.port}/{name}"

    def psql(self, db, script):
        """Runs script through psql on database db (a name or URL); returns stdout."""
        p = subprocess.run(["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
                            "-d", db if is_url(db) else self.url(db), "-c", script],
                           capture_output=True, timeout=120)
        if p.returncode != 0:
            fail(f"psql: {p.stderr.decode(errors='replace').strip()} in {script[:300]!r}")
        return p.stdout.decode("utf-8", errors="replace")

    def createdb(self, name, template=None):
        with self._lock:  # a template may not be in use while it is copied
            self.psql("postgres", f'CREATE DATABASE "{name}"' +
                      (f' TEMPLATE "{template}"' if template else ""))
        return self.url(name)

    def clone(self, template_url, label="m"):
        with self._lock:
            self._n += 1
            n = self._n
        safe = "".join(ch if ch.isalnum() else "_" for ch in label.lower())[:40]
        return self.createdb(f"{safe}_{n}", template_url.rsplit("/", 1)[1])

    def query(self, db, query, params=()):
        """Rows of a query as tuples of typed values (row_to_json keeps the column order)."""
        q = _inline_params(query, params).strip().rstrip(";")
        out = self.psql(db, f"SELECT row_to_json(q)::text FROM ({q}) q")
        rows = []
        for ln in out.splitlines():
            if ln.strip():
                rows.append(tuple(v for _k, v in json.loads(ln, object_pairs_hook=list)))
        return rows

    def execute(self, db, query, params=()):
        self.psql(db, _inline_params(query, params))


def audit_settled(t, timeout=15):
    """PostgreSQL: waits until the server's sealer has chained every pending audit entry."""
    end = time.time() + timeout
    while PG.query(t.server.db, "SELECT count(*) FROM audit_pending")[0][0]:
        if time.time() > end:
            raise AssertionError(f"audit entries still pending after {timeout} s")
        time.sleep(0.05)


def sql_exec(t, query, params=()):
    """Writes into the module's database directly (SQLite file or PostgreSQL); for tests that
    change what the API cannot (an old session, a tampered row). The server may be running."""
    if is_url(t.server.db):
        PG.execute(t.server.db, query, params)
        return
    con = sqlite3.connect(t.server.db, timeout=10)
    try:
        con.execute(query, params)
        con.commit()
    finally:
        con.close()


def own_server(t, name, use=False, **env):
    """A server of the test's own on a copy of the template database, started with these
    environment variables (limits such as OSB_MAX_PER_ADDRESS=20, OSB_HEAVY_WORKERS=1) and
    stopped at the end of the test. use=True: the test's requests (t.get, t.post, t.login)
    go to it until then. Shared by test_conn_limits and test_heavy_pool."""
    old = {k: os.environ.get(k) for k in env}
    os.environ.update({k: str(v) for k, v in env.items()})
    try:
        s = t.new_server(name=name)
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    if not use:
        t.defer(s.stop)
        return s
    old_server, old_tokens = t.server, t.tokens
    t.server, t.tokens = s, {}

    def back():
        t.server, t.tokens = old_server, old_tokens
        s.stop()

    t.defer(back)
    return s


def race(fn, jobs):
    """Runs fn(i) for each i in jobs on threads released together (a barrier), so the requests
    meet in the server; returns the results in the order of jobs, and fails the test with every
    exception a thread raised."""
    out = [None] * len(jobs)
    errors = []
    start = threading.Barrier(len(jobs))

    def run(k, i):
        try:
            start.wait(timeout=30)
            out[k] = fn(i)
        except Exception as exc:  # reported below, with the others
            errors.append(f"{i}: {exc!r}")

    threads = [threading.Thread(target=run, args=(k, i)) for k, i in enumerate(jobs)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=300)
    check(not errors, f"requests failed: {errors}")
    return out
